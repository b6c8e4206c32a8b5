/* tcp.c: one non-blocking TCP connect to a numeric address, bounded by a deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "tcp.h"

int
tcp_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *sa, socklen_t *salen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*salen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*salen = sizeof(*s6);
		return 0;
	}
	return PEIL_EINVAL;
}

int
tcp_connect(const struct sockaddr_storage *sa, socklen_t salen, uint64_t until_ms, int *fd,
    char *why, size_t whylen)
{
	char e[96];
	int err = 0, rc;
	socklen_t elen = sizeof(err);

	*fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		err_errno_text(errno, e, sizeof(e));
		err_set(why, whylen, "%s", e);
		return PEIL_EIO;
	}
	if (connect(*fd, (const struct sockaddr *)sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		err_errno_text(errno, e, sizeof(e));
		err_set(why, whylen, "%s", e);
		rc = PEIL_EIO;
		goto out;
	}
	for (;;) {
		uint64_t now = (uint64_t)clock_mono_ms();
		struct pollfd pfd = { .fd = *fd, .events = POLLOUT };
		int pr;

		if (now >= until_ms) {
			err_set(why, whylen, "no connection in time");
			rc = PEIL_ETIMEDOUT;
			goto out;
		}
		pr = poll(&pfd, 1, (int)(until_ms - now > 60000 ? 60000 : until_ms - now));
		if (pr > 0)
			break;
		if (pr < 0 && errno != EINTR) {
			err_set(why, whylen, "poll failed");
			rc = PEIL_EIO;
			goto out;
		}
	}
	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		err = errno;
	if (err != 0) {
		err_errno_text(err, e, sizeof(e));
		err_set(why, whylen, "%s", e);
		rc = PEIL_EIO;
		goto out;
	}
	return 0;
out:
	close(*fd);
	*fd = -1;
	return rc;
}
