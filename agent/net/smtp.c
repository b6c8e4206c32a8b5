/* smtp.c: the SMTP dialogue up to STARTTLS over one non-blocking socket, and the reply parser. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "smtp.h"
#include "tcp.h"

#define SMTP_RXBUF (MAX_SMTP_REPLY_BYTES + 1)  /* one byte over, to see a reply pass the limit */

static bool
smtp_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static uint8_t
smtp_upper(uint8_t c)
{
	return (c >= 'a' && c <= 'z') ? (uint8_t)(c - 'a' + 'A') : c;
}

/* The first word of an EHLO keyword line's text p[0..n): is it STARTTLS? */
static bool
smtp_is_starttls(const uint8_t *p, size_t n)
{
	static const char kw[] = "STARTTLS";
	size_t i;

	if (n < sizeof(kw) - 1)
		return false;
	for (i = 0; i < sizeof(kw) - 1; i++)
		if (smtp_upper(p[i]) != (uint8_t)kw[i])
			return false;
	return n == sizeof(kw) - 1 || p[i] == ' ' || p[i] == '\t' || p[i] == '=';
}

static void
smtp_copy_text(char *dst, size_t dstlen, const uint8_t *p, size_t n)
{
	size_t i;

	if (n > dstlen - 1)
		n = dstlen - 1;
	for (i = 0; i < n; i++)
		dst[i] = (p[i] >= 0x20 && p[i] <= 0x7e) ? (char)p[i] : '?';
	dst[n] = '\0';
}

/* Checks the bytes of a line's start that are there (avail of them): three digits, the first
 * 2..5, the same code as the lines before, then '-', ' ' or the line's end. */
static int
smtp_line_head(const uint8_t *p, size_t avail, size_t lineno, int code, int *linecode,
    char *why, size_t whylen)
{
	size_t i;
	int c = 0;

	for (i = 0; i < 3 && i < avail; i++) {
		if (!smtp_digit(p[i])) {
			err_set(why, whylen, "line %zu: %s", lineno,
			    (p[i] == '\n' || p[i] == '\r') ? "shorter than a reply code" :
			    "does not start with a three-digit code");
			return PEIL_EINVAL;
		}
		if (i == 0 && (p[0] < '2' || p[0] > '5')) {
			err_set(why, whylen, "line %zu: reply code starts with %c, not 2..5",
			    lineno, p[0]);
			return PEIL_EINVAL;
		}
		c = c * 10 + (p[i] - '0');
	}
	if (avail < 3)
		return PEIL_EAGAIN;
	if (lineno > 1 && c != code) {
		err_set(why, whylen, "line %zu: code %d differs from %d", lineno, c, code);
		return PEIL_EINVAL;
	}
	*linecode = c;
	if (avail >= 4 && p[3] != '-' && p[3] != ' ' && p[3] != '\r' && p[3] != '\n') {
		err_set(why, whylen, "line %zu: code followed by 0x%02x, not '-', ' ' or the "
		    "line end", lineno, p[3]);
		return PEIL_EINVAL;
	}
	return 0;
}

int
smtp_reply_parse(const uint8_t *buf, size_t len, struct smtp_reply *out, size_t *used,
    char *why, size_t whylen)
{
	size_t lim = len < MAX_SMTP_REPLY_BYTES ? len : MAX_SMTP_REPLY_BYTES;
	size_t pos = 0, lineno = 0;
	int code = 0;

	memset(out, 0, sizeof(*out));
	*used = 0;
	for (;;) {
		const uint8_t *p = buf + pos, *lf, *nul;
		size_t avail = lim - pos, win, end, tlen;
		int rc, linecode = 0;
		bool last;

		if (++lineno > MAX_SMTP_REPLY_LINES) {
			err_set(why, whylen, "over %d lines", MAX_SMTP_REPLY_LINES);
			return PEIL_ETOOBIG;
		}
		rc = smtp_line_head(p, avail, lineno, code, &linecode, why, whylen);
		if (rc == PEIL_EINVAL)
			return rc;
		win = avail < MAX_SMTP_LINE_LEN ? avail : MAX_SMTP_LINE_LEN;
		lf = memchr(p, '\n', win);
		nul = memchr(p, '\0', lf != NULL ? (size_t)(lf - p) : win);
		if (nul != NULL) {
			err_set(why, whylen, "line %zu: NUL byte", lineno);
			return PEIL_EINVAL;
		}
		if (lf == NULL) {
			if (win == MAX_SMTP_LINE_LEN) {
				err_set(why, whylen, "line %zu: over %d bytes", lineno,
				    MAX_SMTP_LINE_LEN);
				return PEIL_EINVAL;
			}
			if (lim < len) {
				err_set(why, whylen, "over %d bytes", MAX_SMTP_REPLY_BYTES);
				return PEIL_ETOOBIG;
			}
			return PEIL_EAGAIN;
		}
		/* A whole line p[0..end) without its line end; the head checks saw it all. */
		end = (size_t)(lf - p);
		if (end > 0 && p[end - 1] == '\r')
			end--;
		if (end == 3) {
			last = true;
		} else if (p[3] == '-' || p[3] == ' ') {
			last = p[3] == ' ';
		} else {
			err_set(why, whylen, "line %zu: code followed by 0x%02x, not '-', ' ' or "
			    "the line end", lineno, p[3]);
			return PEIL_EINVAL;
		}
		tlen = end > 4 ? end - 4 : 0;
		if (lineno == 1) {
			code = linecode;
			smtp_copy_text(out->text, sizeof(out->text), p + 4, tlen);
		} else if (tlen > 0 && smtp_is_starttls(p + 4, tlen)) {
			out->starttls = true;
		}
		pos += (size_t)(lf - p) + 1;
		if (last) {
			out->code = code;
			out->nlines = lineno;
			out->bytes = pos;
			*used = pos;
			return 0;
		}
	}
}

/* The dialogue. */

struct smtp_conv {
	int fd;
	uint8_t *buf;                 /* SMTP_RXBUF bytes */
	size_t have;
	uint64_t deadline;
	unsigned step_ms;
	struct smtp_session *s;
	char *why;
	size_t whylen;
};

static uint64_t
smtp_now(void)
{
	return (uint64_t)clock_mono_ms();
}

/* The end of a step begun at t0: step_ms later, or the host deadline if that comes first. */
static uint64_t
smtp_until(const struct smtp_conv *c, uint64_t t0)
{
	uint64_t u = t0 + c->step_ms;

	return u < c->deadline ? u : c->deadline;
}

static void
smtp_timeout_why(const struct smtp_conv *c, const char *step, uint64_t t0, const char *what)
{
	uint64_t now = smtp_now();

	if (t0 + c->step_ms <= c->deadline)
		err_set(c->why, c->whylen, "%s: %s within %u ms (%zu bytes received)", step,
		    what, c->step_ms, c->have);
	else
		err_set(c->why, c->whylen, "%s: %s before the host deadline, %llu ms into the "
		    "step (%zu bytes received)", step, what,
		    (unsigned long long)(now > t0 ? now - t0 : 0), c->have);
}

/* Waits for events on c->fd until the time until. Returns 0 when ready, PEIL_ETIMEDOUT on
 * time-out, PEIL_EIO when poll itself fails (a time-out is not success: not 0). */
static int
smtp_wait(const struct smtp_conv *c, short events, uint64_t until)
{
	struct pollfd pfd;

	for (;;) {
		uint64_t now = smtp_now();
		int pr;

		if (now >= until)
			return PEIL_ETIMEDOUT;
		pfd.fd = c->fd;
		pfd.events = events;
		pfd.revents = 0;
		pr = poll(&pfd, 1, (int)(until - now > 60000 ? 60000 : until - now));
		if (pr > 0)
			return 0;
		if (pr < 0 && errno != EINTR)
			return PEIL_EIO;
	}
}

static int
smtp_connect(struct smtp_conv *c, const struct sockaddr_storage *sa, socklen_t salen)
{
	uint64_t t0 = smtp_now(), until = smtp_until(c, t0);
	char e[96];
	int rc;

	rc = tcp_connect(sa, salen, until, &c->fd, e, sizeof(e));
	if (rc == PEIL_ETIMEDOUT) {
		if (t0 + c->step_ms <= c->deadline)
			err_set(c->why, c->whylen, "connect: no connection within %u ms",
			    c->step_ms);
		else
			err_set(c->why, c->whylen, "connect: no connection before the host "
			    "deadline");
	} else if (rc != 0) {
		err_set(c->why, c->whylen, "connect: %s", e);
	}
	c->s->ms_connect = (unsigned)(smtp_now() - t0);
	return rc;
}

/* Sends a whole command before until. */
static int
smtp_send(struct smtp_conv *c, const char *step, const char *cmd, size_t n, uint64_t t0,
    uint64_t until)
{
	size_t off = 0;
	char e[96];

	while (off < n) {
		ssize_t w = send(c->fd, cmd + off, n - off, MSG_NOSIGNAL);
		int rc;

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			err_errno_text(errno, e, sizeof(e));
			err_set(c->why, c->whylen, "%s: sending the command: %s", step, e);
			return PEIL_EIO;
		}
		rc = smtp_wait(c, POLLOUT, until);
		if (rc == PEIL_ETIMEDOUT) {
			smtp_timeout_why(c, step, t0, "command not sent");
			return PEIL_ETIMEDOUT;
		}
		if (rc < 0) {
			err_set(c->why, c->whylen, "%s: poll failed", step);
			return rc;
		}
	}
	return 0;
}

/* Reads one reply into r before until. Bytes read after it (a server talking out of turn)
 * stay counted in c->have for the caller to judge. */
static int
smtp_read(struct smtp_conv *c, const char *step, struct smtp_reply *r, uint64_t t0,
    uint64_t until)
{
	char pwhy[160], e[96];
	size_t used;

	c->have = 0;
	for (;;) {
		ssize_t got;
		int rc;

		rc = smtp_reply_parse(c->buf, c->have, r, &used, pwhy, sizeof(pwhy));
		if (rc == 0) {
			c->have -= used;
			return 0;
		}
		if (rc == PEIL_EINVAL) {
			err_set(c->why, c->whylen, "%s: malformed reply: %s", step, pwhy);
			return rc;
		}
		if (rc == PEIL_ETOOBIG) {
			err_set(c->why, c->whylen, "%s: reply %s", step, pwhy);
			return rc;
		}
		got = recv(c->fd, c->buf + c->have, SMTP_RXBUF - c->have, 0);
		if (got > 0) {
			c->have += (size_t)got;
			continue;
		}
		if (got == 0) {
			err_set(c->why, c->whylen, "%s: connection closed (%zu bytes received)",
			    step, c->have);
			return PEIL_EIO;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			err_errno_text(errno, e, sizeof(e));
			err_set(c->why, c->whylen, "%s: %s (%zu bytes received)", step, e,
			    c->have);
			return PEIL_EIO;
		}
		rc = smtp_wait(c, POLLIN, until);
		if (rc == PEIL_ETIMEDOUT) {
			smtp_timeout_why(c, step, t0, "no complete reply");
			return PEIL_ETIMEDOUT;
		}
		if (rc < 0) {
			err_set(c->why, c->whylen, "%s: poll failed", step);
			return rc;
		}
	}
}

/* Reads and drops whatever the server sent out of turn so far (no waiting), so the next
 * reply read is the answer to the next command. More than a reply's worth is an error. */
static int
smtp_drain(struct smtp_conv *c, const char *step)
{
	size_t total = c->have;

	for (;;) {
		ssize_t got = recv(c->fd, c->buf, SMTP_RXBUF, MSG_DONTWAIT);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;  /* nothing more now; a closed or reset connection shows next step */
		total += (size_t)got;
		if (total > MAX_SMTP_REPLY_BYTES) {
			err_set(c->why, c->whylen, "%s: followed by over %d bytes out of turn",
			    step, MAX_SMTP_REPLY_BYTES);
			return PEIL_ETOOBIG;
		}
	}
	c->s->stray_bytes += (unsigned)total;
	c->have = 0;
	return 0;
}

static bool
smtp_ehlo_name_ok(const char *n)
{
	size_t i;

	for (i = 0; n[i] != '\0'; i++) {
		char ch = n[i];

		if (i >= 255)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == ':' ||
		    ch == '[' || ch == ']'))
			return false;
	}
	return i > 0;
}

int
smtp_starttls(const char *addr, uint16_t port, const char *ehlo_name, unsigned step_ms,
    uint64_t deadline_ms, int *fd, struct smtp_session *s, char *why, size_t whylen)
{
	static const char quit[] = "QUIT\r\n", starttls[] = "STARTTLS\r\n";
	struct smtp_conv c;
	struct smtp_reply r;
	struct sockaddr_storage sa;
	socklen_t salen = 0;
	char cmd[sizeof("EHLO \r\n") + 255];
	uint64_t t0;
	bool greeted = false;
	int n, rc;

	*fd = -1;
	memset(s, 0, sizeof(*s));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.s = s;
	c.why = why;
	c.whylen = whylen;
	c.step_ms = step_ms != 0 ? step_ms : DEFAULT_SMTP_STEP_MS;
	c.deadline = deadline_ms != 0 ? deadline_ms : smtp_now() + DEFAULT_SMTP_HOST_MS;
	if (addr == NULL || port == 0 || tcp_sockaddr(addr, port, &sa, &salen) != 0) {
		err_set(why, whylen, "not a numeric address and port: %s port %u",
		    addr != NULL ? addr : "(null)", port);
		rc = PEIL_EINVAL;
		goto out;
	}
	if (ehlo_name == NULL || !smtp_ehlo_name_ok(ehlo_name)) {
		err_set(why, whylen, "EHLO name is not a host name or address literal");
		rc = PEIL_EINVAL;
		goto out;
	}
	if ((c.buf = malloc(SMTP_RXBUF)) == NULL) {
		err_set(why, whylen, "out of memory");
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = smtp_connect(&c, &sa, salen)) != 0)
		goto out;

	t0 = smtp_now();
	rc = smtp_read(&c, "banner", &r, t0, smtp_until(&c, t0));
	s->ms_banner = (unsigned)(smtp_now() - t0);
	if (rc != 0)
		goto out;
	greeted = true;
	s->banner_code = r.code;
	memcpy(s->banner, r.text, sizeof(s->banner));
	if (r.code != 220) {
		err_set(why, whylen, "banner: %d instead of 220 (%s)", r.code, r.text);
		rc = PEIL_EINVAL;
		goto out;
	}

	/* A server may not talk before it is asked (RFC 5321 4.3.1 has one greeting): what
	 * came after the greeting is dropped, so the next reply read answers EHLO. */
	if ((rc = smtp_drain(&c, "banner")) != 0)
		goto out;
	t0 = smtp_now();
	n = snprintf(cmd, sizeof(cmd), "EHLO %s\r\n", ehlo_name);
	rc = smtp_send(&c, "EHLO", cmd, (size_t)n, t0, smtp_until(&c, t0));
	if (rc == 0)
		rc = smtp_read(&c, "EHLO", &r, t0, smtp_until(&c, t0));
	s->ms_ehlo = (unsigned)(smtp_now() - t0);
	if (rc != 0)
		goto out;
	s->ehlo_code = r.code;
	memcpy(s->ehlo_text, r.text, sizeof(s->ehlo_text));
	s->starttls_offered = r.starttls;
	if (r.code != 250) {
		err_set(why, whylen, "EHLO: %d instead of 250 (%s)", r.code, r.text);
		rc = PEIL_EINVAL;
		goto out;
	}
	if (!r.starttls) {
		err_set(why, whylen, "EHLO: STARTTLS not offered (%zu reply lines)", r.nlines);
		rc = PEIL_ENOENT;
		goto out;
	}

	if ((rc = smtp_drain(&c, "EHLO")) != 0)
		goto out;
	t0 = smtp_now();
	rc = smtp_send(&c, "STARTTLS", starttls, sizeof(starttls) - 1, t0, smtp_until(&c, t0));
	if (rc == 0)
		rc = smtp_read(&c, "STARTTLS", &r, t0, smtp_until(&c, t0));
	s->ms_starttls = (unsigned)(smtp_now() - t0);
	if (rc != 0)
		goto out;
	s->starttls_code = r.code;
	if (r.code != 220) {
		err_set(why, whylen, "STARTTLS: %d instead of 220 (%s)", r.code, r.text);
		rc = PEIL_EINVAL;
		goto out;
	}
	/* Nothing may come between the 220 and the TLS handshake (RFC 3207 4.2): bytes
	 * here would be plaintext the handshake would take for TLS, or were injected. */
	if (c.have == 0) {
		ssize_t got = recv(c.fd, c.buf, SMTP_RXBUF, MSG_PEEK | MSG_DONTWAIT);

		if (got == 0) {
			err_set(why, whylen, "STARTTLS: connection closed after 220");
			rc = PEIL_EIO;
			goto out;
		}
		if (got > 0)
			c.have = (size_t)got;
	}
	if (c.have > 0) {
		err_set(why, whylen, "STARTTLS: %zu bytes after the 220 reply, before the TLS "
		    "handshake", c.have);
		rc = PEIL_EINVAL;
		goto out;
	}
	*fd = c.fd;
	c.fd = -1;
	rc = 0;
out:
	if (c.fd >= 0) {
		if (greeted)
			(void)send(c.fd, quit, sizeof(quit) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(c.fd);
	}
	free(c.buf);
	return rc;
}
