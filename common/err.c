/* err.c: descriptions of the PEIL_E* codes and of socket errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

const char *
peil_strerror(int err)
{
	switch (err) {
	case PEIL_OK:        return "success";
	case PEIL_ENOMEM:    return "out of memory";
	case PEIL_EINVAL:    return "invalid argument or malformed input";
	case PEIL_EIO:       return "input/output error";
	case PEIL_ENOENT:    return "not found";
	case PEIL_ETIMEDOUT: return "timed out";
	case PEIL_ETOOBIG:   return "over a size limit";
	case PEIL_ESTORE:    return "store (LMDB) error";
	case PEIL_EZMQ:      return "ZeroMQ error";
	case PEIL_EDNS:      return "resolver error";
	case PEIL_ESCHEMA:   return "store schema version mismatch";
	case PEIL_EAGAIN:    return "try again";
	case PEIL_ECONF:     return "configuration error";
	case PEIL_EEXIST:    return "already exists";
	case PEIL_ESEQ:      return "batch sequence gap";
	case PEIL_ENOLIB:    return "shared library cannot be loaded";
	}
	return "unknown error";
}

void
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
err_errno_text(int e, char *out, size_t outlen)
{
	const char *s;
	char buf[128];

	switch (e) {
	case ECONNREFUSED: s = "connection refused"; break;
	case ENETUNREACH: s = "network unreachable"; break;
	case EHOSTUNREACH: s = "host unreachable"; break;
	case ETIMEDOUT: s = "connection timed out"; break;
	case ECONNRESET: s = "connection reset"; break;
	case EPIPE: s = "connection closed"; break;
	case EADDRNOTAVAIL: s = "address not available"; break;
	case EAFNOSUPPORT: s = "address family not supported"; break;
	case EACCES: case EPERM: s = "not permitted"; break;
	case EMFILE: case ENFILE: s = "too many open files"; break;
	case ENOBUFS: case ENOMEM: s = "out of buffers"; break;
	default:
		s = strerror_r(e, buf, sizeof(buf));
		break;
	}
	if (outlen == 0)
		return;
	snprintf(out, outlen, "%s", s);
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
}
