/* enrollment.h: `peil-agent enroll`: what a participant sends the coordinator, and the
 * check of the collector's key against the fingerprint the coordinator gave. */
#ifndef PEIL_ENROLLMENT_H
#define PEIL_ENROLLMENT_H

/* The command; returns the exit status. */
int enrollment_cmd(int argc, char **argv);

#endif
