/* verdict.h: the catalogue and results together, for files not yet moved to include
 * catalogue.h and result.h themselves (collector/, common/store.c while they move). */
#ifndef PEIL_VERDICT_H
#define PEIL_VERDICT_H

#include "catalogue.h"
#include "result.h"

#endif
