/* reach.c: TCP connects and DNS queries to many numeric addresses at once, in one poll() loop. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "reach.h"

#define DNS_HDR_LEN    12
#define DNS_NAME_MAX   255              /* wire form, root label included */
#define DNS_OPT_LEN    11               /* an OPT record without options */
#define DNS_QUERY_MAX  (DNS_HDR_LEN + DNS_NAME_MAX + 4 + DNS_OPT_LEN)
#define DNS_TYPE_OPT   41
#define DNS_CLASS_IN   1
#define EDNS_UDP_SIZE  1232             /* DNS flag day 2020: no fragments */

enum job_state {
	JOB_IDLE,          /* not started */
	JOB_UDP,           /* DNS query sent over UDP, waiting for the answer */
	JOB_TCP_CONNECT,   /* non-blocking connect() in progress */
	JOB_TCP_SEND,      /* DNS: writing the length-prefixed query */
	JOB_TCP_RECV,      /* DNS: reading the length, then the answer */
	JOB_DONE,
};

struct job {
	struct reach_item *it;
	int fd;
	enum job_state st;
	int64_t t0;                     /* when the item started */
	int64_t deadline;               /* of the current phase */
	struct sockaddr_storage sa;
	socklen_t salen;
	uint16_t id;                    /* DNS id of the query in flight */
	uint8_t out[2 + DNS_QUERY_MAX]; /* TCP: the query behind its 2-byte length */
	size_t outlen, off;
	uint8_t lenbuf[2];              /* TCP: the answer's length prefix */
	uint8_t *in;                    /* TCP: the answer, once its length is known */
	size_t inlen, got;              /* got counts prefix and answer bytes */
	char udp_why[64];               /* DNS: why UDP was not enough */
};

struct run {
	enum reach_kind kind;
	unsigned timeout_ms, udp_ms, tcp_ms;
	uint8_t query[DNS_QUERY_MAX];   /* id left 0, set per send */
	size_t qlen;
	uint8_t qname[DNS_NAME_MAX];
	size_t qnlen;
	uint16_t qtype;
	uint8_t *udpbuf;                /* MAX_DNS_MESSAGE + 1 bytes, shared: read at once */
	size_t open;                    /* sockets open now */
	bool nomem;
};

static void job_fail(struct run *, struct job *, int64_t, const char *, ...)
    __attribute__((format(printf, 4, 5)));
static void tcp_open(struct run *, struct job *, int64_t);

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
}

static int
random_id(uint16_t *id)
{
	uint8_t b[2];
	ssize_t got;

	do
		got = getrandom(b, sizeof(b), 0);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(b))
		return PEIL_EIO;
	*id = be16(b);
	return 0;
}

/* A host or domain name in text ("example.nl", "example.nl.", ".") to wire form; no escapes. */
static int
qname_wire(const char *name, uint8_t *out, size_t *outlen)
{
	size_t len = strnlen(name, MAX_DOMAIN_LEN + 2), pos = 0, lab = 0;

	if (len == 0 || len > MAX_DOMAIN_LEN + 1)
		return PEIL_EINVAL;
	if (len == 1 && name[0] == '.') {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	if (name[len - 1] == '.')
		len--;
	if (len > MAX_DOMAIN_LEN)
		return PEIL_EINVAL;
	/* out[lab] is the length byte of the label being copied. */
	out[pos++] = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (out[lab] == 0)
				return PEIL_EINVAL;
			lab = pos;
			out[pos++] = 0;
			continue;
		}
		if (c <= ' ' || c >= 0x7f || c == '\\' || out[lab] == 63)
			return PEIL_EINVAL;
		out[lab]++;
		out[pos++] = c;
	}
	if (out[lab] == 0)
		return PEIL_EINVAL;
	out[pos++] = 0;
	*outlen = pos;
	return 0;
}

/* Header, one question, an OPT record; RD clear, id 0 (set per send). */
static void
query_build(struct run *r)
{
	uint8_t *q = r->query;
	size_t p = 0;

	memset(q, 0, DNS_HDR_LEN);
	be16_put(q + 4, 1);             /* QDCOUNT */
	be16_put(q + 10, 1);            /* ARCOUNT */
	p = DNS_HDR_LEN;
	memcpy(q + p, r->qname, r->qnlen);
	p += r->qnlen;
	be16_put(q + p, r->qtype);
	be16_put(q + p + 2, DNS_CLASS_IN);
	p += 4;
	q[p++] = 0;                     /* owner: root */
	be16_put(q + p, DNS_TYPE_OPT);
	be16_put(q + p + 2, EDNS_UDP_SIZE);
	memset(q + p + 4, 0, 6);        /* extended rcode, version 0, DO clear, no rdata */
	p += 10;
	r->qlen = p;
}

/* Steps over a name at *off, not following pointers (which must point back into the
 * message body: before this name, past the header). */
static int
name_skip(const uint8_t *buf, size_t len, size_t *off)
{
	size_t p = *off, total = 0;

	for (;;) {
		uint8_t c;

		if (p >= len)
			return PEIL_EINVAL;
		c = buf[p];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (len - p < 2)
				return PEIL_EINVAL;
			target = (size_t)(c & 0x3f) << 8 | buf[p + 1];
			if (target < DNS_HDR_LEN || target >= *off)
				return PEIL_EINVAL;
			*off = p + 2;
			return 0;
		}
		if (c & 0xc0)
			return PEIL_EINVAL;
		if (c == 0) {
			*off = p + 1;
			return 0;
		}
		total += (size_t)c + 1;
		if (total > DNS_NAME_MAX - 1 || c > len - p - 1)
			return PEIL_EINVAL;
		p += (size_t)c + 1;
	}
}

static bool
name_eq_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

int
reach_dns_answer(const uint8_t *buf, size_t len, uint16_t id, const uint8_t *qname,
    size_t qnlen, uint16_t qtype, int *rcode, bool *tc)
{
	size_t off, rrs;
	uint16_t flags;
	bool opt = false;
	int code;

	if (len < DNS_HDR_LEN || be16(buf) != id)
		return PEIL_ENOENT;
	flags = be16(buf + 2);
	if (!(flags & 0x8000) || ((flags >> 11) & 0xf) != 0 || be16(buf + 4) != 1)
		return PEIL_ENOENT;
	/* Our name was sent uncompressed; the echo must be it, byte for byte but for case. */
	off = DNS_HDR_LEN;
	if (len - off < qnlen + 4 || !name_eq_nocase(buf + off, qname, qnlen) ||
	    be16(buf + off + qnlen) != qtype || be16(buf + off + qnlen + 2) != DNS_CLASS_IN)
		return PEIL_ENOENT;
	off += qnlen + 4;
	code = flags & 0xf;
	*tc = (flags & 0x0200) != 0;
	if (*tc) {
		*rcode = code;
		return 0;
	}
	rrs = (size_t)be16(buf + 6) + be16(buf + 8) + be16(buf + 10);
	for (size_t i = 0; i < rrs; i++) {
		size_t start = off;
		uint16_t type, rdlen;

		if (name_skip(buf, len, &off) != 0 || len - off < 10)
			return PEIL_EINVAL;
		type = be16(buf + off);
		rdlen = be16(buf + off + 8);
		if (type == DNS_TYPE_OPT) {
			/* Only in the additional section, once, owned by the root (RFC 6891 6.1.1). */
			if (i < rrs - be16(buf + 10) || opt || off - start != 1)
				return PEIL_EINVAL;
			opt = true;
			code |= buf[off + 4] << 4;
		}
		off += 10;
		if (rdlen > len - off)
			return PEIL_EINVAL;
		off += rdlen;
	}
	if (off != len)
		return PEIL_EINVAL;
	*rcode = code;
	return 0;
}

static void
job_close(struct run *r, struct job *j)
{
	if (j->fd >= 0) {
		close(j->fd);
		j->fd = -1;
		assert(r->open > 0);
		r->open--;
	}
	free(j->in);
	j->in = NULL;
}

static void
job_done(struct run *r, struct job *j, int64_t now)
{
	job_close(r, j);
	j->st = JOB_DONE;
	j->it->ms = now > j->t0 ? (unsigned)(now - j->t0) : 0;
}

static void
job_fail(struct run *r, struct job *j, int64_t now, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->it->why, sizeof(j->it->why), fmt, ap);
	va_end(ap);
	j->it->ok = false;
	job_done(r, j, now);
}

/* A failure in the TCP phase: for DNS it says what UDP did before. */
static void
tcp_fail(struct run *r, struct job *j, int64_t now, const char *text)
{
	if (r->kind == REACH_DNS)
		job_fail(r, j, now, "udp: %s; tcp: %s", j->udp_why, text);
	else
		job_fail(r, j, now, "%s", text);
}

static void
tcp_fail_errno(struct run *r, struct job *j, int64_t now, int e)
{
	char text[96];

	err_errno_text(e, text, sizeof(text));
	tcp_fail(r, j, now, text);
}

static void
dns_ok(struct run *r, struct job *j, int64_t now, int rcode, bool via_tcp)
{
	j->it->ok = true;
	j->it->rcode = rcode;
	j->it->via_tcp = via_tcp;
	if (via_tcp)
		snprintf(j->it->why, sizeof(j->it->why), "udp: %s", j->udp_why);
	job_done(r, j, now);
}

/* UDP gave no answer we can use: on to TCP, within the other half. */
static void
udp_give_up(struct run *r, struct job *j, int64_t now, const char *why)
{
	snprintf(j->udp_why, sizeof(j->udp_why), "%s", why);
	job_close(r, j);
	tcp_open(r, j, now);
}

static void
udp_give_up_errno(struct run *r, struct job *j, int64_t now, int e)
{
	char text[64];

	err_errno_text(e, text, sizeof(text));
	udp_give_up(r, j, now, text);
}

static int
job_socket(struct run *r, struct job *j, int type)
{
	j->fd = socket(j->sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return -1;
	r->open++;
	return 0;
}

static void
tcp_send(struct run *r, struct job *j, int64_t now)
{
	while (j->off < j->outlen) {
		ssize_t w = send(j->fd, j->out + j->off, j->outlen - j->off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			tcp_fail_errno(r, j, now, errno);
			return;
		}
		j->off += (size_t)w;
	}
	j->st = JOB_TCP_RECV;
	j->got = 0;
}

static void
tcp_connected(struct run *r, struct job *j, int64_t now)
{
	if (r->kind == REACH_TCP) {
		j->it->ok = true;
		job_done(r, j, now);
		return;
	}
	if (random_id(&j->id) != 0) {
		tcp_fail(r, j, now, "no random source for the query id");
		return;
	}
	be16_put(j->out, (uint16_t)r->qlen);
	memcpy(j->out + 2, r->query, r->qlen);
	be16_put(j->out + 2, j->id);
	j->outlen = 2 + r->qlen;
	j->off = 0;
	j->st = JOB_TCP_SEND;
	tcp_send(r, j, now);
}

static void
tcp_open(struct run *r, struct job *j, int64_t now)
{
	j->st = JOB_TCP_CONNECT;
	j->deadline = now + (r->kind == REACH_DNS ? r->tcp_ms : r->timeout_ms);
	if (job_socket(r, j, SOCK_STREAM) != 0) {
		tcp_fail_errno(r, j, now, errno);
		return;
	}
	if (connect(j->fd, (const struct sockaddr *)&j->sa, j->salen) == 0) {
		tcp_connected(r, j, now);
		return;
	}
	if (errno != EINPROGRESS && errno != EINTR)
		tcp_fail_errno(r, j, now, errno);
}

/* Reads what the socket holds of the length prefix and the answer; checks a full answer. */
static void
tcp_recv(struct run *r, struct job *j, int64_t now)
{
	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t got;
		int rcode = 0, rc;
		bool tc = false;

		if (j->got < 2) {
			dst = j->lenbuf + j->got;
			want = 2 - j->got;
		} else {
			dst = j->in + (j->got - 2);
			want = j->inlen - (j->got - 2);
		}
		got = recv(j->fd, dst, want, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tcp_fail_errno(r, j, now, errno);
			return;
		}
		if (got == 0) {
			tcp_fail(r, j, now, "connection closed before a full answer");
			return;
		}
		j->got += (size_t)got;
		if (j->got == 2) {
			j->inlen = be16(j->lenbuf);
			if (j->inlen < DNS_HDR_LEN) {
				tcp_fail(r, j, now, "malformed answer");
				return;
			}
			j->in = malloc(j->inlen);
			if (j->in == NULL) {
				r->nomem = true;
				tcp_fail(r, j, now, "out of memory");
				return;
			}
		}
		if (j->got < 2 || j->got - 2 < j->inlen)
			continue;
		rc = reach_dns_answer(j->in, j->inlen, j->id, r->qname, r->qnlen, r->qtype, &rcode,
		    &tc);
		if (rc == 0)
			dns_ok(r, j, now, rcode, true);
		else if (rc == PEIL_ENOENT)
			tcp_fail(r, j, now, "answer to another query");
		else
			tcp_fail(r, j, now, "malformed answer");
		return;
	}
}

/* Takes every datagram waiting: answers to other queries are ignored. */
static void
udp_recv(struct run *r, struct job *j, int64_t now)
{
	for (;;) {
		ssize_t got = recv(j->fd, r->udpbuf, MAX_DNS_MESSAGE + 1, 0);
		int rcode = 0, rc;
		bool tc = false;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				udp_give_up_errno(r, j, now, errno);
			return;
		}
		if ((size_t)got > MAX_DNS_MESSAGE)
			continue;
		rc = reach_dns_answer(r->udpbuf, (size_t)got, j->id, r->qname, r->qnlen,
		    r->qtype, &rcode, &tc);
		if (rc == PEIL_ENOENT)
			continue;
		if (rc != 0) {
			job_fail(r, j, now, "malformed answer");
			return;
		}
		if (tc) {
			udp_give_up(r, j, now, "truncated");
			return;
		}
		dns_ok(r, j, now, rcode, false);
		return;
	}
}

static void
udp_open(struct run *r, struct job *j, int64_t now)
{
	uint8_t q[DNS_QUERY_MAX];
	ssize_t w;

	j->st = JOB_UDP;
	j->deadline = now + r->udp_ms;
	if (random_id(&j->id) != 0) {
		job_fail(r, j, now, "no random source for the query id");
		return;
	}
	if (job_socket(r, j, SOCK_DGRAM) != 0) {
		char text[64];

		err_errno_text(errno, text, sizeof(text));
		job_fail(r, j, now, "udp socket: %s", text);
		return;
	}
	if (connect(j->fd, (const struct sockaddr *)&j->sa, j->salen) != 0) {
		udp_give_up_errno(r, j, now, errno);
		return;
	}
	memcpy(q, r->query, r->qlen);
	be16_put(q, j->id);
	do
		w = send(j->fd, q, r->qlen, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		udp_give_up_errno(r, j, now, errno);
}

static void
job_start(struct run *r, struct job *j, int64_t now)
{
	j->t0 = now;
	if (r->kind == REACH_DNS)
		udp_open(r, j, now);
	else
		tcp_open(r, j, now);
}

static void
job_event(struct run *r, struct job *j, short revents, int64_t now)
{
	int err = 0;
	socklen_t elen = sizeof(err);

	switch (j->st) {
	case JOB_UDP:
		udp_recv(r, j, now);
		break;
	case JOB_TCP_CONNECT:
		if (getsockopt(j->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err != 0)
			tcp_fail_errno(r, j, now, err);
		else if (revents & (POLLOUT | POLLHUP | POLLERR))
			tcp_connected(r, j, now);
		break;
	case JOB_TCP_SEND:
		tcp_send(r, j, now);
		break;
	case JOB_TCP_RECV:
		tcp_recv(r, j, now);
		break;
	case JOB_IDLE:
	case JOB_DONE:
		assert(0);
		break;
	}
}

static void
job_expire(struct run *r, struct job *j, int64_t now)
{
	char text[64];

	if (j->st == JOB_UDP) {
		snprintf(text, sizeof(text), "no answer within %u ms", r->udp_ms);
		udp_give_up(r, j, now, text);
		return;
	}
	snprintf(text, sizeof(text), "no answer within %u ms",
	    r->kind == REACH_DNS ? r->tcp_ms : r->timeout_ms);
	tcp_fail(r, j, now, text);
}

static short
job_events(const struct job *j)
{
	return (short)((j->st == JOB_UDP || j->st == JOB_TCP_RECV) ? POLLIN : POLLOUT);
}

static int
item_addr(struct job *j)
{
	const char *a = j->it->addr;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&j->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&j->sa;

	if (memchr(a, '\0', sizeof(j->it->addr)) == NULL || j->it->port == 0)
		return PEIL_EINVAL;
	memset(&j->sa, 0, sizeof(j->sa));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(j->it->port);
		j->salen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(j->it->port);
		j->salen = sizeof(*s6);
		return 0;
	}
	return PEIL_EINVAL;
}

int
reach_run(enum reach_kind kind, struct reach_item *items, size_t n, const char *qname,
    uint16_t qtype, unsigned timeout_ms)
{
	struct run r;
	struct job *jobs = NULL;
	struct pollfd pfd[MAX_REACH_PARALLEL];
	size_t map[MAX_REACH_PARALLEL];
	size_t next = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	if (n == 0)
		return 0;
	if (items == NULL || n > MAX_REACH_ITEMS || (kind != REACH_TCP && kind != REACH_DNS))
		return PEIL_EINVAL;
	r.kind = kind;
	r.timeout_ms = timeout_ms != 0 ? timeout_ms : DEFAULT_REACH_TIMEOUT_MS;
	r.udp_ms = r.timeout_ms / 2;
	r.tcp_ms = r.timeout_ms - r.udp_ms;
	r.qtype = qtype;
	if (kind == REACH_DNS) {
		if (qname == NULL || qname_wire(qname, r.qname, &r.qnlen) != 0)
			return PEIL_EINVAL;
		query_build(&r);
	}
	jobs = calloc(n, sizeof(*jobs));
	if (jobs == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		jobs[i].it = &items[i];
		jobs[i].fd = -1;
		if (item_addr(&jobs[i]) != 0) {
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	if (kind == REACH_DNS && (r.udpbuf = malloc(MAX_DNS_MESSAGE + 1)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct reach_item *it = &items[i];

		it->ok = false;
		it->via_tcp = false;
		it->rcode = -1;
		it->ms = 0;
		snprintf(it->why, sizeof(it->why), "not run");
	}

	for (;;) {
		int64_t now = clock_mono_ms(), wake = INT64_MAX;
		size_t cnt = 0;
		int pr, wait;

		for (size_t i = 0; i < next; i++)
			if (jobs[i].fd >= 0 && jobs[i].deadline <= now)
				job_expire(&r, &jobs[i], now);
		while (r.open < MAX_REACH_PARALLEL && next < n) {
			jobs[next].it->why[0] = '\0';
			job_start(&r, &jobs[next++], now);
		}
		if (r.nomem) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < next; i++) {
			if (jobs[i].fd < 0)
				continue;
			assert(cnt < MAX_REACH_PARALLEL);
			pfd[cnt].fd = jobs[i].fd;
			pfd[cnt].events = job_events(&jobs[i]);
			pfd[cnt].revents = 0;
			map[cnt++] = i;
			if (jobs[i].deadline < wake)
				wake = jobs[i].deadline;
		}
		if (cnt == 0) {
			if (next == n)
				break;
			continue;
		}
		wait = wake <= now ? 0 : wake - now > INT_MAX ? INT_MAX : (int)(wake - now);
		pr = poll(pfd, (nfds_t)cnt, wait);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			rc = errno == ENOMEM ? PEIL_ENOMEM : PEIL_EIO;
			goto out;
		}
		now = clock_mono_ms();
		for (size_t k = 0; k < cnt && pr > 0; k++) {
			if (pfd[k].revents == 0)
				continue;
			pr--;
			job_event(&r, &jobs[map[k]], pfd[k].revents, now);
		}
		if (r.nomem) {
			rc = PEIL_ENOMEM;
			goto out;
		}
	}
	rc = 0;
out:
	if (jobs != NULL)
		for (size_t i = 0; i < n; i++)
			job_close(&r, &jobs[i]);
	free(jobs);
	free(r.udpbuf);
	return rc;
}
