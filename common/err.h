/* err.h: peil's one error convention: 0 on success, a negative PEIL_E* code otherwise. */
#ifndef PEIL_ERR_H
#define PEIL_ERR_H

enum peil_err {
	PEIL_OK = 0,
	PEIL_ENOMEM = -1,     /* out of memory */
	PEIL_EINVAL = -2,     /* bad argument or malformed input */
	PEIL_EIO = -3,        /* file or device error (errno is kept) */
	PEIL_ENOENT = -4,     /* no such record, file or key */
	PEIL_ETIMEDOUT = -5,  /* a time-out elapsed */
	PEIL_ETOOBIG = -6,    /* input exceeds a MAX_* limit */
	PEIL_ESTORE = -7,     /* LMDB error */
	PEIL_EZMQ = -8,       /* libzmq error */
	PEIL_EDNS = -9,       /* resolver error */
	PEIL_ESCHEMA = -10,   /* store schema version does not match */
	PEIL_EAGAIN = -11,    /* nothing ready yet, try again */
	PEIL_ECONF = -12,     /* configuration error */
	PEIL_EEXIST = -13,    /* already exists */
	PEIL_ESEQ = -14,      /* batch sequence gap */
	PEIL_ENOLIB = -15,    /* a shared library loaded on first use cannot be loaded */
};

#include <stddef.h>

/* A socket errno as evidence says it ("connection refused", "network unreachable", ...; others
 * strerror's text in lower case) into out, always NUL-terminated. */
void err_errno_text(int e, char *out, size_t outlen);
/* Returns a static English description of a PEIL_E* code. */
const char *peil_strerror(int err);
/* Formats a reason into a caller's err buffer; does nothing when err is NULL or errlen 0. */
void err_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
