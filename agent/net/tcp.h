/* tcp.h: one non-blocking TCP connect to a numeric address, bounded by a deadline (shared by
 * the SMTP dialogue and the web's TLS engine connections). */
#ifndef PEIL_TCP_H
#define PEIL_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Fills *sa and *salen for addr (a numeric IPv4 or IPv6 address) and port. Returns 0 or
 * PEIL_EINVAL when addr is not numeric. */
int tcp_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *sa, socklen_t *salen);

/* Connects to sa by until_ms (clock_mono_ms()). Returns 0 and *fd, connected, NON-blocking and
 * close-on-exec (the caller owns it), or *fd -1 and: PEIL_ETIMEDOUT (no connection by
 * until_ms; why "no connection in time"), PEIL_EIO (why: the system's reason, "connection
 * refused", "network unreachable", ..., or "poll failed"). */
int tcp_connect(const struct sockaddr_storage *sa, socklen_t salen, uint64_t until_ms, int *fd,
    char *why, size_t whylen);

#endif
