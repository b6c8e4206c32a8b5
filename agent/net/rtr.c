/* rtr.c: the VRP table: RTRlib's pfx_table, synced from RTR caches or loaded from a VRP file,
 * with its age, and RFC 6811 route origin validation with the VRPs that decided. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rtrlib/rtrlib.h>

/* Built against RTRlib 0.8.0 (Debian 12): rtr_mgr_init's signature, the public rtr_socket and
 * rtr_mgr_config fields used here, and the FATAL state's retry behaviour are 0.8's. */
#if RTRLIB_VERSION_MAJOR != 0 || RTRLIB_VERSION_MINOR != 8
#error "rtr.c is written for RTRlib 0.8"
#endif

#include "bytes.h"
#include "err.h"
#include "log.h"
#include "rtr.h"
#include "rtrapi.h"

/* RTRlib's bounds for the intervals (RFC 8210 6.): rtr_init refuses values outside them. */
#define RTR_REFRESH_LO 1u
#define RTR_REFRESH_HI 86400u
#define RTR_RETRY_LO   1u
#define RTR_RETRY_HI   7200u
#define RTR_EXPIRE_LO  600u
#define RTR_EXPIRE_HI  172800u
#define RTR_RESET_PAUSE_MS 1000u   /* at most one Reset Query a second after Cache Resets */
#define RTR_STOP_WAIT_MS   5000u   /* vrp_close waits this long for RTRlib's manager to stop */

struct vrp_table;

struct vrp_cache {
	struct vrp_table *t;
	size_t idx;
	rtr_connection_state_fp mgr_cb;   /* RTRlib's manager callback, which ours calls first */
	uint64_t last_reset_ms;           /* when this cache last answered with a Cache Reset */
	char host[256];
	char port[8];
	struct tr_tcp_config tcp;
	struct tr_socket tr;
	struct rtr_socket rtr;
	struct rtr_socket *sockp;     /* the group's socket array of one */
};

struct vrp_table {
	unsigned max_age_s;
	/* RTR mode */
	struct rtr_mgr_config *mgr;
	struct rtr_mgr_group groups[MAX_RTR_CACHES];
	struct vrp_cache caches[MAX_RTR_CACHES];
	size_t ncaches;
	/* file mode: our own table, swapped whole on a reload (rw guards the pointer) */
	char *path;
	struct pfx_table *own;
	pthread_rwlock_t rw;
	bool rw_init;
	struct stat file_st;          /* the loaded file's identity and mtime */
	_Atomic int64_t next_check_ms; /* when to look at the file again */
	/* the IPv4 index of the table in use (NULL: RTRlib's trie answers everything) */
	struct vrp_ix *ix;
	pthread_rwlock_t ix_rw;
	bool ix_init;
	pthread_mutex_t ix_build_mu;  /* RTR threads: one builds at a time; guards ix_* below */
	size_t ix_cache;              /* what the index was built after */
	uint32_t ix_session, ix_serial;
	uint64_t ix_vrps;
	/* the hot path reads these without the mutex */
	_Atomic bool synced;
	_Atomic int64_t last_sync_ms; /* monotonic time of the last sync or load */
	/* the rest under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool mu_init;
	uint64_t nvrps;
	uint32_t serial;
	size_t cur;                   /* the cache that synced last */
	char why[160];
};

struct vrp_ix;
static struct vrp_ix *vrp_ix_build(struct pfx_table *pt);
static void vrp_ix_swap(struct vrp_table *t, struct vrp_ix *ix);

/* Monotonic milliseconds, cheap enough for every validation. */
static int64_t
vrp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the VRP file parser: rpki-client JSON or CSV --------------------------------------- */

struct vrp_scan {
	const uint8_t *buf;
	size_t len;
	size_t off;
	bool bad;
	char why[128];
};

static void
scan_fail(struct vrp_scan *s, const char *why)
{
	if (!s->bad) {
		s->bad = true;
		snprintf(s->why, sizeof(s->why), "%s", why);
	}
}

static void
scan_ws(struct vrp_scan *s)
{
	while (s->off < s->len && (s->buf[s->off] == ' ' || s->buf[s->off] == '\t' ||
	    s->buf[s->off] == '\n' || s->buf[s->off] == '\r'))
		s->off++;
}

/* The next byte after white space, or 0 at the end (a NUL in the input fails as a token). */
static uint8_t
scan_peek(struct vrp_scan *s)
{
	scan_ws(s);
	return s->off < s->len ? s->buf[s->off] : 0;
}

static bool
scan_byte(struct vrp_scan *s, uint8_t c)
{
	if (s->bad)
		return false;
	if (scan_peek(s) != c) {
		char why[32];

		snprintf(why, sizeof(why), "expected '%c'", c);
		scan_fail(s, why);
		return false;
	}
	s->off++;
	return true;
}

/* A JSON string: its raw bytes (between the quotes) in p and n; esc when it has escapes. */
static bool
scan_string(struct vrp_scan *s, const uint8_t **p, size_t *n, bool *esc)
{
	if (!scan_byte(s, '"'))
		return false;
	*p = s->buf + s->off;
	*esc = false;
	while (s->off < s->len) {
		uint8_t c = s->buf[s->off];

		if (c == '"') {
			*n = (size_t)(s->buf + s->off - *p);
			s->off++;
			return true;
		}
		if (c < 0x20) {
			scan_fail(s, "control character in string");
			return false;
		}
		if (c == '\\') {
			*esc = true;
			if (s->off + 1 >= s->len)
				break;
			s->off++;
		}
		s->off++;
	}
	scan_fail(s, "unterminated string");
	return false;
}

/* A JSON number: its bytes in p and n (checked for JSON's number syntax). */
static bool
scan_number(struct vrp_scan *s, const uint8_t **p, size_t *n)
{
	size_t o;
	bool digits = false;

	scan_ws(s);
	o = s->off;
	if (o < s->len && s->buf[o] == '-')
		o++;
	while (o < s->len && s->buf[o] >= '0' && s->buf[o] <= '9') {
		o++;
		digits = true;
	}
	if (digits && o < s->len && s->buf[o] == '.') {
		o++;
		digits = false;
		while (o < s->len && s->buf[o] >= '0' && s->buf[o] <= '9') {
			o++;
			digits = true;
		}
	}
	if (digits && o < s->len && (s->buf[o] == 'e' || s->buf[o] == 'E')) {
		o++;
		if (o < s->len && (s->buf[o] == '+' || s->buf[o] == '-'))
			o++;
		digits = false;
		while (o < s->len && s->buf[o] >= '0' && s->buf[o] <= '9') {
			o++;
			digits = true;
		}
	}
	if (!digits) {
		scan_fail(s, "not a number");
		return false;
	}
	*p = s->buf + s->off;
	*n = o - s->off;
	s->off = o;
	return true;
}

static bool
scan_word(struct vrp_scan *s, const char *w)
{
	size_t n = strlen(w);

	if (s->len - s->off < n || memcmp(s->buf + s->off, w, n) != 0) {
		scan_fail(s, "unexpected token");
		return false;
	}
	s->off += n;
	return true;
}

/* Skips one JSON value of any kind, nested at most MAX_VRP_JSON_DEPTH deep. */
static bool
scan_skip(struct vrp_scan *s, unsigned depth)
{
	const uint8_t *p;
	size_t n;
	bool esc;
	uint8_t c = scan_peek(s);

	if (s->bad)
		return false;
	if (depth >= MAX_VRP_JSON_DEPTH) {
		scan_fail(s, "nested too deep");
		return false;
	}
	switch (c) {
	case '"':
		return scan_string(s, &p, &n, &esc);
	case 't':
		return scan_word(s, "true");
	case 'f':
		return scan_word(s, "false");
	case 'n':
		return scan_word(s, "null");
	case '{':
	case '[':
		s->off++;
		if (scan_peek(s) == (c == '{' ? '}' : ']')) {
			s->off++;
			return true;
		}
		for (;;) {
			if (c == '{' && (!scan_string(s, &p, &n, &esc) || !scan_byte(s, ':')))
				return false;
			if (!scan_skip(s, depth + 1))
				return false;
			if (scan_peek(s) == ',') {
				s->off++;
				continue;
			}
			return scan_byte(s, c == '{' ? '}' : ']');
		}
	default:
		return scan_number(s, &p, &n);
	}
}

/* An unsigned decimal of at most `max`, all of [p, p+n). */
static bool
vrp_uint(const uint8_t *p, size_t n, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "64500" or "AS64500" (either case). */
static bool
vrp_asn(const uint8_t *p, size_t n, uint32_t *out)
{
	if (n >= 2 && (p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's')) {
		p += 2;
		n -= 2;
	}
	return vrp_uint(p, n, UINT32_MAX, out);
}

static bool
vrp_key(const uint8_t *p, size_t n, const char *k)
{
	return n == strlen(k) && memcmp(p, k, n) == 0;
}

/* Checks a VRP's meaning: a network prefix, maxLength from its length to the family's. */
static bool
vrp_check(struct vrp *v, const uint8_t *pfx, size_t pn, bool have_max, uint32_t max_len,
    char *why, size_t whylen)
{
	char pwhy[64];

	if (ipprefix_parse((const char *)pfx, pn, false, &v->prefix, pwhy, sizeof(pwhy)) != 0) {
		snprintf(why, whylen, "prefix \"%.*s\": %s", (int)(pn > 50 ? 50 : pn),
		    (const char *)pfx, pwhy);
		return false;
	}
	if (!have_max)
		max_len = v->prefix.len;
	if (max_len < v->prefix.len || max_len > (v->prefix.family == 4 ? 32u : 128u)) {
		snprintf(why, whylen, "maxLength %" PRIu32 " outside %u..%u", max_len,
		    v->prefix.len, v->prefix.family == 4 ? 32u : 128u);
		return false;
	}
	v->max_len = (uint8_t)max_len;
	return true;
}

/* One object of "roas": prefix, maxLength, asn; other keys skipped. */
static bool
json_roa(struct vrp_scan *s, struct vrp *v)
{
	const uint8_t *k, *pfx = NULL, *p;
	size_t kn, pn = 0, n;
	bool esc, have_max = false, have_asn = false;
	uint32_t max_len = 0;
	size_t start = s->off;

	memset(v, 0, sizeof(*v));
	if (!scan_byte(s, '{'))
		return false;
	if (scan_peek(s) == '}') {
		s->off++;
		goto check;
	}
	for (;;) {
		size_t at;

		if (!scan_string(s, &k, &kn, &esc) || !scan_byte(s, ':'))
			return false;
		scan_ws(s);
		at = s->off;      /* errors in a value point at its start */
		if (!esc && vrp_key(k, kn, "prefix")) {
			if (scan_peek(s) == '"' && !scan_string(s, &pfx, &pn, &esc))
				return false;
			if (at >= s->len || s->buf[at] != '"' || esc) {
				s->off = at;
				scan_fail(s, "prefix: not a plain string");
				return false;
			}
		} else if (!esc && vrp_key(k, kn, "maxLength")) {
			if (!scan_number(s, &p, &n) || !vrp_uint(p, n, 255, &max_len)) {
				s->bad = false;
				s->off = at;
				scan_fail(s, "maxLength: not a small unsigned integer");
				return false;
			}
			have_max = true;
		} else if (!esc && vrp_key(k, kn, "asn")) {
			bool ok;

			if (scan_peek(s) == '"')
				ok = scan_string(s, &p, &n, &esc) && !esc && vrp_asn(p, n, &v->asn);
			else
				ok = scan_number(s, &p, &n) && vrp_uint(p, n, UINT32_MAX, &v->asn);
			if (!ok) {
				s->bad = false;
				s->off = at;
				scan_fail(s, "asn: not an AS number");
				return false;
			}
			have_asn = true;
		} else if (!scan_skip(s, 3)) {
			return false;
		}
		if (scan_peek(s) == ',') {
			s->off++;
			continue;
		}
		if (!scan_byte(s, '}'))
			return false;
		break;
	}
check:
	if (pfx == NULL || !have_asn) {
		s->off = start;
		scan_fail(s, pfx == NULL ? "roa without \"prefix\"" : "roa without \"asn\"");
		return false;
	}
	{
		char why[128];

		if (!vrp_check(v, pfx, pn, have_max, max_len, why, sizeof(why))) {
			s->off = start;
			scan_fail(s, why);
			return false;
		}
	}
	return true;
}

static int
vrp_parse_json(struct vrp_scan *s, vrp_file_fn fn, void *arg, uint64_t *count)
{
	const uint8_t *k;
	size_t kn;
	bool esc, roas = false;
	int rc;

	if (!scan_byte(s, '{'))
		return PEIL_EINVAL;
	if (scan_peek(s) == '}') {
		s->off++;
		goto end;
	}
	for (;;) {
		size_t at;

		scan_ws(s);
		at = s->off;
		if (!scan_string(s, &k, &kn, &esc) || !scan_byte(s, ':'))
			return PEIL_EINVAL;
		if (!esc && vrp_key(k, kn, "roas")) {
			if (roas) {
				s->off = at;
				scan_fail(s, "a second \"roas\"");
				return PEIL_EINVAL;
			}
			roas = true;
			if (!scan_byte(s, '['))
				return PEIL_EINVAL;
			if (scan_peek(s) == ']') {
				s->off++;
			} else {
				for (;;) {
					struct vrp v;

					if (!json_roa(s, &v))
						return PEIL_EINVAL;
					if (++*count > MAX_VRPS) {
						scan_fail(s, "more than MAX_VRPS VRPs");
						return PEIL_ETOOBIG;
					}
					if ((rc = fn(&v, arg)) != 0)
						return rc;
					if (scan_peek(s) == ',') {
						s->off++;
						continue;
					}
					if (!scan_byte(s, ']'))
						return PEIL_EINVAL;
					break;
				}
			}
		} else if (!scan_skip(s, 1)) {
			return PEIL_EINVAL;
		}
		if (scan_peek(s) == ',') {
			s->off++;
			continue;
		}
		if (!scan_byte(s, '}'))
			return PEIL_EINVAL;
		break;
	}
end:
	if (scan_peek(s) != 0 || s->off < s->len) {
		scan_fail(s, "trailing data after the JSON object");
		return PEIL_EINVAL;
	}
	if (!roas) {
		s->off = 0;
		scan_fail(s, "no \"roas\" array");
		return PEIL_EINVAL;
	}
	return 0;
}

/* The fields of one CSV line, without surrounding blanks. */
static size_t
csv_fields(const uint8_t *p, size_t n, const uint8_t **f, size_t *fn, size_t max)
{
	size_t nf = 0, i = 0, a, len;

	while (list_next(p, n, &i, &a, &len)) {
		if (nf < max) {
			f[nf] = p + a;
			fn[nf] = len;
		}
		nf++;
	}
	return nf;
}

static int
vrp_parse_csv(const uint8_t *buf, size_t len, const char *name, vrp_file_fn fn, void *arg,
    char *err, size_t errlen)
{
	size_t off = 0, line = 0;
	uint64_t count = 0;
	int rc;

	while (off < len) {
		const uint8_t *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - p) : len - off;
		const uint8_t *f[4];
		size_t fl[4], nf;
		struct vrp v;
		uint32_t max_len;
		char why[128];

		line++;
		off += n + (nl != NULL ? 1 : 0);
		if (n > MAX_VRP_CSV_LINE) {
			err_set(err, errlen, "%s:%zu: line longer than %d bytes", name, line,
			    MAX_VRP_CSV_LINE);
			return PEIL_ETOOBIG;
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			n -= 3;
		}
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0 || p[0] == '#')
			continue;
		if (memchr(p, '\0', n) != NULL) {
			err_set(err, errlen, "%s:%zu: NUL byte", name, line);
			return PEIL_EINVAL;
		}
		nf = csv_fields(p, n, f, fl, 4);
		/* The header line (routinator, Cloudflare: "ASN,IP Prefix,Max Length,..."). */
		if (count == 0 && fl[0] == 3 && strncasecmp((const char *)f[0], "ASN", 3) == 0 &&
		    nf >= 3)
			continue;
		if (nf < 3 || nf > 4) {
			err_set(err, errlen, "%s:%zu: %zu fields (ASN,IP Prefix,Max Length[,Trust "
			    "Anchor])", name, line, nf);
			return PEIL_EINVAL;
		}
		memset(&v, 0, sizeof(v));
		if (!vrp_asn(f[0], fl[0], &v.asn)) {
			err_set(err, errlen, "%s:%zu: ASN \"%.*s\": not an AS number", name, line,
			    (int)(fl[0] > 20 ? 20 : fl[0]), (const char *)f[0]);
			return PEIL_EINVAL;
		}
		if (!vrp_uint(f[2], fl[2], 255, &max_len)) {
			err_set(err, errlen, "%s:%zu: Max Length \"%.*s\": not a length", name, line,
			    (int)(fl[2] > 20 ? 20 : fl[2]), (const char *)f[2]);
			return PEIL_EINVAL;
		}
		if (!vrp_check(&v, f[1], fl[1], true, max_len, why, sizeof(why))) {
			err_set(err, errlen, "%s:%zu: %s", name, line, why);
			return PEIL_EINVAL;
		}
		if (++count > MAX_VRPS) {
			err_set(err, errlen, "%s:%zu: more than %d VRPs", name, line, MAX_VRPS);
			return PEIL_ETOOBIG;
		}
		if ((rc = fn(&v, arg)) != 0)
			return rc;
	}
	return 0;
}

int
vrp_file_parse(const uint8_t *buf, size_t len, const char *name, vrp_file_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct vrp_scan s = { .buf = buf, .len = len };
	uint64_t count = 0;
	int rc;

	if (len > MAX_VRP_FILE_BYTES) {
		err_set(err, errlen, "%s: larger than %llu bytes", name,
		    (unsigned long long)MAX_VRP_FILE_BYTES);
		return PEIL_ETOOBIG;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		s.off = 3;
	if (scan_peek(&s) != '{')
		return vrp_parse_csv(buf, len, name, fn, arg, err, errlen);
	rc = vrp_parse_json(&s, fn, arg, &count);
	if (rc != 0 && s.bad)
		err_set(err, errlen, "%s: offset %zu: %s", name, s.off, s.why);
	return rc;
}

/* ---- RTRlib glue ------------------------------------------------------------------------- */

static void
vrp_to_lrtr(const struct ipprefix *p, struct lrtr_ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (p->family == 4) {
		a->ver = LRTR_IPV4;
		a->u.addr4.addr = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
		    (uint32_t)p->addr[2] << 8 | p->addr[3];
	} else {
		a->ver = LRTR_IPV6;
		for (int i = 0; i < 4; i++)
			a->u.addr6.addr[i] = (uint32_t)p->addr[4 * i] << 24 |
			    (uint32_t)p->addr[4 * i + 1] << 16 | (uint32_t)p->addr[4 * i + 2] << 8 |
			    p->addr[4 * i + 3];
	}
}

static void
vrp_from_record(const struct pfx_record *r, struct vrp *v)
{
	uint8_t a[16];

	memset(v, 0, sizeof(*v));
	if (r->prefix.ver == LRTR_IPV4) {
		for (int i = 0; i < 4; i++)
			a[i] = (uint8_t)(r->prefix.u.addr4.addr >> (24 - 8 * i));
		ipprefix_make(4, a, r->min_len, &v->prefix);
	} else {
		for (int i = 0; i < 16; i++)
			a[i] = (uint8_t)(r->prefix.u.addr6.addr[i / 4] >> (24 - 8 * (i % 4)));
		ipprefix_make(6, a, r->min_len, &v->prefix);
	}
	v->max_len = r->max_len;
	v->asn = r->asn;
}

static void
vrp_count_one(const struct pfx_record *r, void *arg)
{
	(void)r;
	(*(uint64_t *)arg)++;
}

static uint64_t
vrp_count(struct pfx_table *pt)
{
	const struct rtrapi *rtrlib = rtrapi();
	uint64_t n = 0;

	rtrlib->pfx_table_for_each_ipv4_record(pt, vrp_count_one, &n);
	rtrlib->pfx_table_for_each_ipv6_record(pt, vrp_count_one, &n);
	return n;
}

/* RTRlib calls this on every state change of a socket, from that socket's thread (in place
 * of its manager's callback, which it calls first: the manager's status callback is not told
 * of the serial syncs after the first). */
static void
vrp_sock_state(const struct rtr_socket *sock, const enum rtr_socket_state state, void *cfg,
    void *grp)
{
	/* The socket is ours (struct vrp_cache holds it), and this is its thread. */
	struct vrp_cache *c = (struct vrp_cache *)(void *)
	    ((char *)(uintptr_t)sock - offsetof(struct vrp_cache, rtr));
	struct vrp_table *t = c->t;
	size_t i = c->idx;

	c->mgr_cb(sock, state, cfg, grp);
	switch (state) {
	case RTR_ESTABLISHED: {
		/* Only a finished sync (End of Data) takes a socket to ESTABLISHED. */
		uint64_t n = vrp_count(t->mgr->pfx_table);

		/* A serial query that brought nothing new (most refreshes) keeps the index. Two
		 * caches' threads may get here at once (a group taking over): one at a time. */
		pthread_mutex_lock(&t->ix_build_mu);
		if (t->ix == NULL || i != t->ix_cache || sock->session_id != t->ix_session ||
		    sock->serial_number != t->ix_serial || n != t->ix_vrps) {
			/* The old index goes first: no second copy in memory while the new one is
			 * built; meanwhile RTRlib's trie (already up to date) answers. */
			vrp_ix_swap(t, NULL);
			vrp_ix_swap(t, vrp_ix_build(t->mgr->pfx_table));
			t->ix_cache = i;
			t->ix_session = sock->session_id;
			t->ix_serial = sock->serial_number;
			t->ix_vrps = n;
		}
		pthread_mutex_unlock(&t->ix_build_mu);

		pthread_mutex_lock(&t->mu);
		t->nvrps = n;
		t->serial = sock->serial_number;
		t->cur = i;
		t->why[0] = '\0';
		atomic_store(&t->last_sync_ms, vrp_now_ms());
		atomic_store(&t->synced, true);
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		break;
	}
	case RTR_ERROR_NO_DATA_AVAIL:
	case RTR_ERROR_NO_INCR_UPDATE_AVAIL:
	case RTR_ERROR_FATAL:
	case RTR_ERROR_TRANSPORT:
		pthread_mutex_lock(&t->mu);
		snprintf(t->why, sizeof(t->why), "cache %.100s:%s: %s", t->caches[i].host,
		    t->caches[i].port,
		    state == RTR_ERROR_NO_DATA_AVAIL ? "no data available" :
		    state == RTR_ERROR_NO_INCR_UPDATE_AVAIL ? "cache reset" :
		    state == RTR_ERROR_FATAL ? "protocol error (error report, bad PDU)" :
		    "connection failed or closed");
		pthread_mutex_unlock(&t->mu);
		if (state == RTR_ERROR_NO_INCR_UPDATE_AVAIL) {
			/* RTRlib answers a Cache Reset with a Reset Query at once; a cache that
			 * answers that with a Cache Reset again (RFC 8210 forbids it) would get
			 * thousands a second. At most one a RTR_RESET_PAUSE_MS: this socket's
			 * thread waits here (a cancellation point: rtr_mgr_stop still works). */
			uint64_t now = vrp_now_ms();

			if (c->last_reset_ms != 0 && now - c->last_reset_ms < RTR_RESET_PAUSE_MS) {
				uint64_t ms = RTR_RESET_PAUSE_MS - (now - c->last_reset_ms);
				struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

				while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
					;
			}
			c->last_reset_ms = vrp_now_ms();
		}
		if (state == RTR_ERROR_FATAL) {
			/* After a protocol error (an Error Report, a bad PDU, another session id)
			 * RTRlib 0.8.0 would ask the same serial again, forever: a cache that
			 * restarted with a new session answers "Corrupt Data" every time (RFC
			 * 8210 5.1). Start afresh with a Reset Query, as RTRlib's own purge does;
			 * the old VRPs stay until the new ones replace them at End of Data. We
			 * are this socket's thread, so its fields are ours to change here. */
			struct rtr_socket *rs = &t->caches[i].rtr;

			rs->request_session_id = true;
			rs->serial_number = 0;
			rs->is_resetting = true;
		}
		break;
	default:
		break;
	}
}

/* "HOST:PORT ..." ([ADDR]:PORT for IPv6) into t->caches. */
static int
vrp_parse_caches(struct vrp_table *t, const char *s, char *err, size_t errlen)
{
	const char *p = s;

	while (*p != '\0') {
		const char *w, *e, *colon, *hb, *he;
		struct vrp_cache *c;
		uint32_t port;
		size_t wl;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		e = p;
		wl = (size_t)(e - w);
		if (t->ncaches == MAX_RTR_CACHES) {
			err_set(err, errlen, "more than %d RTR caches", MAX_RTR_CACHES);
			return PEIL_ECONF;
		}
		if (*w == '[') {
			const char *rb = memchr(w, ']', wl);

			if (rb == NULL || rb + 1 >= e || rb[1] != ':') {
				err_set(err, errlen, "RTR cache \"%.*s\": not [ADDR]:PORT", (int)wl, w);
				return PEIL_ECONF;
			}
			hb = w + 1;
			he = rb;
			colon = rb + 1;
		} else {
			colon = memrchr(w, ':', wl);
			if (colon == NULL || memchr(w, ':', wl) != colon) {
				err_set(err, errlen, "RTR cache \"%.*s\": not HOST:PORT", (int)wl, w);
				return PEIL_ECONF;
			}
			hb = w;
			he = colon;
		}
		c = &t->caches[t->ncaches];
		if (he == hb || (size_t)(he - hb) >= sizeof(c->host) ||
		    !vrp_uint((const uint8_t *)colon + 1, (size_t)(e - colon - 1), 65535, &port) ||
		    port == 0) {
			err_set(err, errlen, "RTR cache \"%.*s\": bad host or port", (int)wl, w);
			return PEIL_ECONF;
		}
		memcpy(c->host, hb, (size_t)(he - hb));
		c->host[he - hb] = '\0';
		snprintf(c->port, sizeof(c->port), "%" PRIu32, port);
		t->ncaches++;
	}
	return 0;
}

static unsigned
vrp_clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int
vrp_start_rtr(struct vrp_table *t, unsigned sync_ms, char *err, size_t errlen)
{
	const struct rtrapi *rtrlib = rtrapi_load(err, errlen);
	/* Refresh well within the staleness limit, so a quiet cache never makes the table old;
	 * RTRlib drops a socket's VRPs after `expire`, which must not come before our limit. */
	unsigned refresh = vrp_clamp(t->max_age_s / 4, RTR_REFRESH_LO, MAX_RTR_REFRESH_S);
	unsigned retry = vrp_clamp(t->max_age_s / 10, RTR_RETRY_LO, MAX_RTR_RETRY_S);
	unsigned expire = vrp_clamp(t->max_age_s + 1, RTR_EXPIRE_LO, RTR_EXPIRE_HI);
	struct timespec dl;

	if (rtrlib == NULL)
		return PEIL_ENOLIB;
	if (expire <= refresh)
		expire = refresh + 1;
	for (size_t i = 0; i < t->ncaches; i++) {
		struct vrp_cache *c = &t->caches[i];

		c->tcp.host = c->host;
		c->tcp.port = c->port;
		c->tcp.connect_timeout = RTR_CONNECT_TIMEOUT_S;
		if (rtrlib->tr_tcp_init(&c->tcp, &c->tr) != TR_SUCCESS) {
			err_set(err, errlen, "RTR cache %s:%s: transport setup failed", c->host,
			    c->port);
			return PEIL_ENOMEM;
		}
		c->rtr.tr_socket = &c->tr;
		c->sockp = &c->rtr;
		t->groups[i].sockets = &c->sockp;
		t->groups[i].sockets_len = 1;
		t->groups[i].preference = (uint8_t)(i + 1);
	}
	if (rtrlib->rtr_mgr_init(&t->mgr, t->groups, (unsigned)t->ncaches, refresh, expire, retry,
	    NULL, NULL, NULL, NULL) != RTR_SUCCESS) {
		t->mgr = NULL;
		err_set(err, errlen, "RTRlib manager setup failed");
		return PEIL_ENOMEM;
	}
	for (size_t i = 0; i < t->ncaches; i++) {
		struct vrp_cache *c = &t->caches[i];

		/* Our intervals, not the cache's: the staleness limit depends on them. */
		rtrlib->rtr_set_interval_mode(&c->rtr, RTR_INTERVAL_MODE_IGNORE_ANY);
		c->t = t;
		c->idx = i;
		c->mgr_cb = c->rtr.connection_state_fp;
		c->rtr.connection_state_fp = vrp_sock_state;
	}
	pthread_mutex_lock(&t->mu);
	snprintf(t->why, sizeof(t->why), "no sync with %.100s:%s yet", t->caches[0].host,
	    t->caches[0].port);
	pthread_mutex_unlock(&t->mu);
	if (rtrlib->rtr_mgr_start(t->mgr) != RTR_SUCCESS) {
		err_set(err, errlen, "RTRlib manager did not start");
		return PEIL_ENOMEM;
	}
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += sync_ms / 1000;
	dl.tv_nsec += (long)(sync_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&t->mu);
	while (!atomic_load(&t->synced))
		if (pthread_cond_timedwait(&t->cv, &t->mu, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

/* ---- the IPv4 index ---------------------------------------------------------------------
 * RTRlib's trie takes a cache miss per bit level it walks: about 2 us a validation on a table
 * of today's size. Most routes are IPv4 and at most /24 long, and only VRPs of at most /24
 * can cover those; for them, a snapshot of the table after each sync or load: a directory of
 * /16 blocks (a block holding a VRP longer than /16 split into 256 /24 blocks), each block
 * naming the chain of the VRPs that cover it, most specific first. Prefixes nest or are
 * disjoint, so a VRP's whole range shares one chain when VRPs are added shortest first: one
 * node per VRP. A validation reads two directory words and walks its chain (one to three
 * nodes, as VRPs nest). IPv6 has an index of its own (below); IPv4 routes longer than /24 go
 * to RTRlib's trie. */

#define IX_SPLIT 0x80000000u    /* a directory word naming a block of 256 /24 words */

struct vrp_ix_node {
	uint32_t addr;
	uint8_t len;
	uint8_t max_len;
	uint32_t asn;
	uint32_t next;              /* the next less specific covering VRP (index + 1), 0: none */
};

/* IPv6: every VRP in one array sorted by (address, length), each naming the nearest VRP that
 * encloses it; a route's covering VRPs are the last VRP at or before (route, length) and its
 * enclosing ones (prefixes nest or are disjoint). A table of the first entry per /20 narrows
 * the binary search. */
#define IX6_BITS 20

struct vrp_ix6_node {
	uint64_t hi, lo;            /* the address, host order halves */
	uint32_t asn;
	uint32_t up;                /* the nearest enclosing VRP (index + 1), 0: none */
	uint8_t len;
	uint8_t max_len;
};

struct vrp_ix {
	uint32_t top[65536];        /* per /16: a chain head (node index + 1, 0: none) or
	                             * IX_SPLIT | block */
	uint32_t *blocks;           /* 256 chain heads per block */
	size_t nblocks, capblocks;
	struct vrp_ix_node *nodes;
	size_t nnodes, capnodes;
	struct vrp_ix6_node *n6;
	size_t nn6, capn6;
	uint32_t *first6;           /* (1 << IX6_BITS) + 1 entries */
	bool failed;
};

static void
vrp_ix_free(struct vrp_ix *ix)
{
	if (ix == NULL)
		return;
	free(ix->blocks);
	free(ix->nodes);
	free(ix->n6);
	free(ix->first6);
	free(ix);
}

static void
vrp_ix6_collect(const struct pfx_record *r, void *arg)
{
	struct vrp_ix *ix = arg;
	const uint32_t *w = r->prefix.u.addr6.addr;

	if (ix->failed || r->min_len > 128)
		return;
	if (ix->nn6 == ix->capn6) {
		size_t cap = ix->capn6 != 0 ? ix->capn6 * 2 : 4096;
		struct vrp_ix6_node *n = realloc(ix->n6, cap * sizeof(*n));

		if (n == NULL) {
			ix->failed = true;
			return;
		}
		ix->n6 = n;
		ix->capn6 = cap;
	}
	struct vrp_ix6_node n = { .hi = (uint64_t)w[0] << 32 | w[1],
	    .lo = (uint64_t)w[2] << 32 | w[3], .asn = r->asn, .len = r->min_len,
	    .max_len = r->max_len };

	/* a cache may send host bits: the prefix is what counts */
	if (n.len <= 64) {
		n.hi = n.len == 0 ? 0 : n.hi & (~0ULL << (64 - n.len));
		n.lo = 0;
	} else if (n.len < 128) {
		n.lo &= ~0ULL << (128 - n.len);
	}
	ix->n6[ix->nn6++] = n;
}

/* (hi, lo, len) order */
static int
vrp_ix6_key(uint64_t ahi, uint64_t alo, unsigned alen, uint64_t bhi, uint64_t blo,
    unsigned blen)
{
	if (ahi != bhi)
		return ahi < bhi ? -1 : 1;
	if (alo != blo)
		return alo < blo ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

static int
vrp_ix6_cmp(const void *a, const void *b)
{
	const struct vrp_ix6_node *x = a, *y = b;

	return vrp_ix6_key(x->hi, x->lo, x->len, y->hi, y->lo, y->len);
}

/* Whether VRP n encloses the prefix (hi, lo)/len. */
static bool
vrp_ix6_covers(const struct vrp_ix6_node *n, uint64_t hi, uint64_t lo, unsigned len)
{
	if (n->len > len)
		return false;
	if (n->len <= 64)
		return n->len == 0 || (hi & (~0ULL << (64 - n->len))) == n->hi;
	return hi == n->hi && (lo & (~0ULL << (128 - n->len))) == n->lo;
}

/* Sorts, links each VRP to its nearest encloser, fills first6. */
static bool
vrp_ix6_build(struct vrp_ix *ix)
{
	uint32_t *stack = NULL;
	size_t depth = 0, b = 0;

	if (ix->nn6 > 0)
		qsort(ix->n6, ix->nn6, sizeof(ix->n6[0]), vrp_ix6_cmp);
	if ((ix->first6 = malloc(((1u << IX6_BITS) + 1) * sizeof(uint32_t))) == NULL ||
	    (ix->nn6 > 0 && (stack = malloc(ix->nn6 * sizeof(*stack))) == NULL)) {
		free(stack);
		return false;
	}
	for (size_t i = 0; i < ix->nn6; i++) {
		struct vrp_ix6_node *n = &ix->n6[i];
		size_t top = (size_t)(n->hi >> (64 - IX6_BITS));

		while (depth > 0 && !vrp_ix6_covers(&ix->n6[stack[depth - 1]], n->hi, n->lo, n->len))
			depth--;
		n->up = depth > 0 ? stack[depth - 1] + 1 : 0;
		stack[depth++] = (uint32_t)i;
		while (b <= top)
			ix->first6[b++] = (uint32_t)i;
	}
	while (b <= (1u << IX6_BITS))
		ix->first6[b++] = (uint32_t)ix->nn6;
	free(stack);
	return true;
}

/* The last VRP at or before (hi, lo, len) in the order (index + 1), 0: none. */
static uint32_t
vrp_ix6_last(const struct vrp_ix *ix, uint64_t hi, uint64_t lo, unsigned len)
{
	size_t top = (size_t)(hi >> (64 - IX6_BITS));
	size_t a = ix->first6[top], z = ix->first6[top + 1];

	/* the answer is in [a - 1, z - 1]: find the first entry after the key in [a, z) */
	while (a < z) {
		size_t m = a + (z - a) / 2;
		const struct vrp_ix6_node *n = &ix->n6[m];

		if (vrp_ix6_key(n->hi, n->lo, n->len, hi, lo, len) <= 0)
			a = m + 1;
		else
			z = m;
	}
	return (uint32_t)a;        /* index of the last one at or before, plus one */
}

static void
vrp_ix_collect(const struct pfx_record *r, void *arg)
{
	struct vrp_ix *ix = arg;

	if (r->min_len > 24 || ix->failed)
		return;
	if (ix->nnodes == ix->capnodes) {
		size_t cap = ix->capnodes != 0 ? ix->capnodes * 2 : 4096;
		struct vrp_ix_node *n = realloc(ix->nodes, cap * sizeof(*n));

		if (n == NULL) {
			ix->failed = true;
			return;
		}
		ix->nodes = n;
		ix->capnodes = cap;
	}
	/* a cache may send host bits: the prefix is what counts */
	ix->nodes[ix->nnodes++] = (struct vrp_ix_node){ .addr = r->min_len == 0 ? 0 :
	    r->prefix.u.addr4.addr & (0xffffffffu << (32 - r->min_len)),
	    .len = r->min_len, .max_len = r->max_len, .asn = r->asn };
}

static int
vrp_ix_cmp(const void *a, const void *b)
{
	const struct vrp_ix_node *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Builds the index of a table's IPv4 VRPs of at most /24; NULL when out of memory. */
static struct vrp_ix *
vrp_ix_build(struct pfx_table *pt)
{
	const struct rtrapi *rtrlib = rtrapi();
	struct vrp_ix *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	rtrlib->pfx_table_for_each_ipv4_record(pt, vrp_ix_collect, ix);
	rtrlib->pfx_table_for_each_ipv6_record(pt, vrp_ix6_collect, ix);
	if (ix->failed || !vrp_ix6_build(ix))
		goto fail;
	if (ix->nnodes > 0)
		qsort(ix->nodes, ix->nnodes, sizeof(ix->nodes[0]), vrp_ix_cmp);
	for (size_t i = 0; i < ix->nnodes; i++) {
		struct vrp_ix_node *n = &ix->nodes[i];
		uint32_t hi = n->addr >> 16, id = (uint32_t)i + 1;

		if (n->len <= 16) {
			uint32_t count = 1u << (16 - n->len);

			n->next = ix->top[hi];
			for (uint32_t k = 0; k < count; k++)
				ix->top[hi + k] = id;
			continue;
		}
		if (!(ix->top[hi] & IX_SPLIT)) {
			uint32_t head = ix->top[hi];

			if (ix->nblocks == ix->capblocks) {
				size_t cap = ix->capblocks != 0 ? ix->capblocks * 2 : 1024;
				uint32_t *b = realloc(ix->blocks, cap * 256 * sizeof(*b));

				if (b == NULL)
					goto fail;
				ix->blocks = b;
				ix->capblocks = cap;
			}
			for (size_t k = 0; k < 256; k++)
				ix->blocks[ix->nblocks * 256 + k] = head;
			ix->top[hi] = IX_SPLIT | (uint32_t)ix->nblocks++;
		}
		{
			uint32_t *b = &ix->blocks[(size_t)(ix->top[hi] & ~IX_SPLIT) * 256];
			uint32_t lo = (n->addr >> 8) & 255, count = 1u << (24 - n->len);

			n->next = b[lo];
			for (uint32_t k = 0; k < count; k++)
				b[lo + k] = id;
		}
	}
	return ix;
fail:
	vrp_ix_free(ix);
	return NULL;
}

/* The chain of VRPs covering the /24 that holds `addr`. */
static uint32_t
vrp_ix_head(const struct vrp_ix *ix, uint32_t addr)
{
	uint32_t e = ix->top[addr >> 16];

	if (e & IX_SPLIT)
		e = ix->blocks[(size_t)(e & ~IX_SPLIT) * 256 + ((addr >> 8) & 255)];
	return e;
}

static void
vrp_ix_vrp(const struct vrp_ix_node *n, struct vrp *v)
{
	uint8_t a[4] = { (uint8_t)(n->addr >> 24), (uint8_t)(n->addr >> 16),
	    (uint8_t)(n->addr >> 8), (uint8_t)n->addr };

	memset(v, 0, sizeof(*v));
	ipprefix_make(4, a, n->len, &v->prefix);
	v->max_len = n->max_len;
	v->asn = n->asn;
}

static void
rov_ix_add(struct rov *out, const struct vrp_ix_node *n)
{
	if (out->nvrps < MAX_VRP_EVIDENCE)
		vrp_ix_vrp(n, &out->vrps[out->nvrps++]);
	out->total_vrps++;
}

/* RFC 6811 on the index for an IPv4 route of at most /24 (as vrp_validate below). With
 * `covered`, every covering VRP and no state. */
static void
vrp_ix_validate(const struct vrp_ix *ix, const struct ipprefix *p, uint32_t origin,
    bool covered, struct rov *out)
{
	uint32_t addr = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 |
	    (uint32_t)p->addr[2] << 8 | p->addr[3];
	uint32_t head = vrp_ix_head(ix, addr);
	bool any = false, match = false, as_seen = false;

	for (uint32_t e = head; e != 0; e = ix->nodes[e - 1].next) {
		const struct vrp_ix_node *n = &ix->nodes[e - 1];

		if (n->len > p->len)
			continue;       /* inside the route's space, not covering it */
		any = true;
		if (!covered && origin != 0 && n->asn == origin) {
			as_seen = true;
			if (p->len <= n->max_len)
				match = true;
		}
	}
	if (!any)
		return;
	if (covered) {
		for (uint32_t e = head; e != 0; e = ix->nodes[e - 1].next)
			if (ix->nodes[e - 1].len <= p->len)
				rov_ix_add(out, &ix->nodes[e - 1]);
		return;
	}
	out->state = match ? ROV_VALID : ROV_INVALID;
	for (uint32_t e = head; e != 0; e = ix->nodes[e - 1].next) {
		const struct vrp_ix_node *n = &ix->nodes[e - 1];

		if (n->len > p->len)
			continue;
		if (!match || (n->asn == origin && p->len <= n->max_len))
			rov_ix_add(out, n);
	}
	if (!match) {
		out->invalid_length = as_seen;
		out->invalid_as = !as_seen;
	}
}

static void
rov_ix6_add(struct rov *out, const struct vrp_ix6_node *n)
{
	uint8_t a[16];

	for (int i = 0; i < 8; i++) {
		a[i] = (uint8_t)(n->hi >> (56 - 8 * i));
		a[8 + i] = (uint8_t)(n->lo >> (56 - 8 * i));
	}
	if (out->nvrps < MAX_VRP_EVIDENCE) {
		struct vrp *v = &out->vrps[out->nvrps++];

		memset(v, 0, sizeof(*v));
		ipprefix_make(6, a, n->len, &v->prefix);
		v->max_len = n->max_len;
		v->asn = n->asn;
	}
	out->total_vrps++;
}

/* RFC 6811 on the IPv6 index, as vrp_ix_validate. */
static void
vrp_ix6_validate(const struct vrp_ix *ix, const struct ipprefix *p, uint32_t origin,
    bool covered, struct rov *out)
{
	uint64_t hi = 0, lo = 0;
	uint32_t start;
	bool any = false, match = false, as_seen = false;

	for (int i = 0; i < 8; i++) {
		hi = hi << 8 | p->addr[i];
		lo = lo << 8 | p->addr[8 + i];
	}
	start = vrp_ix6_last(ix, hi, lo, p->len);
	for (uint32_t e = start; e != 0; e = ix->n6[e - 1].up) {
		const struct vrp_ix6_node *n = &ix->n6[e - 1];

		if (!vrp_ix6_covers(n, hi, lo, p->len))
			continue;
		any = true;
		if (!covered && origin != 0 && n->asn == origin) {
			as_seen = true;
			if (p->len <= n->max_len)
				match = true;
		}
	}
	if (!any)
		return;
	if (!covered)
		out->state = match ? ROV_VALID : ROV_INVALID;
	for (uint32_t e = start; e != 0; e = ix->n6[e - 1].up) {
		const struct vrp_ix6_node *n = &ix->n6[e - 1];

		if (!vrp_ix6_covers(n, hi, lo, p->len))
			continue;
		if (covered || !match || (n->asn == origin && p->len <= n->max_len))
			rov_ix6_add(out, n);
	}
	if (!covered && !match) {
		out->invalid_length = as_seen;
		out->invalid_as = !as_seen;
	}
}

/* Puts a new index in place (NULL: none) and frees the old one. */
static void
vrp_ix_swap(struct vrp_table *t, struct vrp_ix *ix)
{
	struct vrp_ix *old;

	pthread_rwlock_wrlock(&t->ix_rw);
	old = t->ix;
	t->ix = ix;
	pthread_rwlock_unlock(&t->ix_rw);
	vrp_ix_free(old);
}

/* Answers from the index when it can (IPv6, or IPv4 of at most /24); false: ask RTRlib. */
static bool
vrp_ix_try(struct vrp_table *t, const struct ipprefix *p, uint32_t origin, bool covered,
    struct rov *out)
{
	bool done = false;

	if (p->family == 4 && p->len > 24)
		return false;
	pthread_rwlock_rdlock(&t->ix_rw);
	if (t->ix != NULL) {
		if (p->family == 4)
			vrp_ix_validate(t->ix, p, origin, covered, out);
		else
			vrp_ix6_validate(t->ix, p, origin, covered, out);
		done = true;
	}
	pthread_rwlock_unlock(&t->ix_rw);
	return done;
}

/* ---- file mode ---------------------------------------------------------------------------- */

static int
vrp_add_one(const struct vrp *v, void *arg)
{
	const struct rtrapi *rtrlib = rtrapi();
	struct pfx_table *pt = arg;
	struct pfx_record r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.asn = v->asn;
	vrp_to_lrtr(&v->prefix, &r.prefix);
	r.min_len = v->prefix.len;
	r.max_len = v->max_len;
	r.socket = NULL;
	rc = rtrlib->pfx_table_add(pt, &r);
	if (rc == PFX_SUCCESS || rc == PFX_DUPLICATE_RECORD)
		return 0;
	return PEIL_ENOMEM;
}

/* Reads and parses the file into a new table (PEIL_ENOLIB without RTRlib). */
static int
vrp_load(const char *path, struct pfx_table **out, struct stat *st, uint64_t *nvrps,
    char *err, size_t errlen)
{
	const struct rtrapi *rtrlib = rtrapi_load(err, errlen);
	struct pfx_table *pt = NULL;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = -1, rc;

	*out = NULL;
	if (rtrlib == NULL)
		return PEIL_ENOLIB;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, st) != 0) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		err_set(err, errlen, "%s: not a regular file", path);
		rc = PEIL_EIO;
		goto out;
	}
	if ((unsigned long long)st->st_size > MAX_VRP_FILE_BYTES) {
		err_set(err, errlen, "%s: larger than %llu bytes", path,
		    (unsigned long long)MAX_VRP_FILE_BYTES);
		rc = PEIL_ETOOBIG;
		goto out;
	}
	if ((buf = malloc((size_t)st->st_size + 1)) == NULL) {
		rc = PEIL_ENOMEM;
		err_set(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st->st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(err, errlen, "%s: %s", path, strerror(errno));
			rc = PEIL_EIO;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if ((pt = malloc(sizeof(*pt))) == NULL) {
		rc = PEIL_ENOMEM;
		err_set(err, errlen, "%s: out of memory", path);
		goto out;
	}
	rtrlib->pfx_table_init(pt, NULL);
	rc = vrp_file_parse(buf, got, path, vrp_add_one, pt, err, errlen);
	if (rc == PEIL_ENOMEM)
		err_set(err, errlen, "%s: out of memory", path);
	if (rc != 0)
		goto out;
	*nvrps = vrp_count(pt);
	*out = pt;
	pt = NULL;
	rc = 0;
out:
	if (pt != NULL) {
		rtrlib->pfx_table_free(pt);
		free(pt);
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Looks at the file every VRP_FILE_CHECK_S and loads it again when it changed; a bad file
 * keeps the previous table, and the reason shows in vrp_status. */
static void
vrp_file_check(struct vrp_table *t)
{
	const struct rtrapi *rtrlib;
	int64_t now = vrp_now_ms(), due = atomic_load(&t->next_check_ms);
	struct pfx_table *pt, *old;
	struct vrp_ix *ix;
	struct stat st;
	uint64_t n = 0;
	char why[160];

	if (t->path == NULL || now < due ||
	    !atomic_compare_exchange_strong(&t->next_check_ms, &due,
	    now + VRP_FILE_CHECK_S * 1000))
		return;
	if (stat(t->path, &st) == 0 && st.st_ino == t->file_st.st_ino &&
	    st.st_dev == t->file_st.st_dev && st.st_size == t->file_st.st_size &&
	    st.st_mtim.tv_sec == t->file_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == t->file_st.st_mtim.tv_nsec)
		return;
	if (vrp_load(t->path, &pt, &st, &n, why, sizeof(why)) != 0) {
		pthread_mutex_lock(&t->mu);
		snprintf(t->why, sizeof(t->why), "%s", why);
		pthread_mutex_unlock(&t->mu);
		return;
	}
	rtrlib = rtrapi();      /* vrp_load loaded it */
	ix = vrp_ix_build(pt);
	pthread_rwlock_wrlock(&t->rw);
	old = t->own;
	t->own = pt;
	t->file_st = st;
	pthread_rwlock_unlock(&t->rw);
	vrp_ix_swap(t, ix);
	pthread_mutex_lock(&t->mu);
	t->nvrps = n;
	t->why[0] = '\0';
	atomic_store(&t->last_sync_ms, vrp_now_ms());
	pthread_mutex_unlock(&t->mu);
	rtrlib->pfx_table_free(old);
	free(old);
}

/* ---- the API ------------------------------------------------------------------------------ */

/* Without RTRlib (vrp_start_rtr or vrp_load said PEIL_ENOLIB, the reason in why) the table is
 * kept, never synced: the RPKI tests error with the reason, the other tests run. */
static struct vrp_table *
vrp_without_rtrlib(struct vrp_table *t, const char *why)
{
	log_warn("RPKI: %s: the RPKI tests will say so", why);
	pthread_mutex_lock(&t->mu);
	snprintf(t->why, sizeof(t->why), "%s", why);
	pthread_mutex_unlock(&t->mu);
	return t;
}

struct vrp_table *
vrp_open(const struct vrp_conf *vc, char *err, size_t errlen)
{
	struct vrp_table *t = NULL;
	pthread_condattr_t ca;
	bool rtr = vc->caches != NULL && vc->caches[0] != '\0';
	bool file = vc->file != NULL && vc->file[0] != '\0';
	int rc;

	if (!rtr && !file) {
		err_set(err, errlen, "no RTR cache and no VRP file");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	t->max_age_s = vc->max_age_s != 0 ? vc->max_age_s : DEFAULT_VRP_MAX_AGE_S;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	t->mu_init = true;
	pthread_rwlock_init(&t->ix_rw, NULL);
	pthread_mutex_init(&t->ix_build_mu, NULL);
	t->ix_init = true;
	if (rtr) {
		/* RTRlib keeps a socket's VRPs no longer than its expire interval (at most 48 h):
		 * a longer limit could not be kept, so it is the limit. */
		if (t->max_age_s > RTR_EXPIRE_HI - 1)
			t->max_age_s = RTR_EXPIRE_HI - 1;
		if (vrp_parse_caches(t, vc->caches, err, errlen) != 0)
			goto fail;
		if (t->ncaches == 0) {
			err_set(err, errlen, "no RTR cache and no VRP file");
			goto fail;
		}
		rc = vrp_start_rtr(t, vc->sync_ms != 0 ? vc->sync_ms : DEFAULT_RTR_SYNC_MS, err,
		    errlen);
		if (rc == PEIL_ENOLIB)
			return vrp_without_rtrlib(t, err);
		if (rc != 0)
			goto fail;
		return t;
	}
	if ((t->path = strdup(vc->file)) == NULL) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	pthread_rwlock_init(&t->rw, NULL);
	t->rw_init = true;
	rc = vrp_load(t->path, &t->own, &t->file_st, &t->nvrps, err, errlen);
	if (rc == PEIL_ENOLIB)
		return vrp_without_rtrlib(t, err);
	if (rc != 0)
		goto fail;
	vrp_ix_swap(t, vrp_ix_build(t->own));
	atomic_store(&t->last_sync_ms, vrp_now_ms());
	atomic_store(&t->next_check_ms, vrp_now_ms() + VRP_FILE_CHECK_S * 1000);
	atomic_store(&t->synced, true);
	return t;
fail:
	vrp_close(t);
	return NULL;
}

/* rtr_mgr_stop on a thread of its own, waited for at most RTR_STOP_WAIT_MS. RTRlib 0.8.0's
 * stop holds the manager's mutex while it joins each socket thread, and a socket thread that
 * changes state at that moment waits for the same mutex in the manager's callback: the join
 * never returns (seen in integ_rtr_cache, a silent cache's time-out at the moment of close).
 * Then the table is left as it is (its threads may still use it) for the process's exit, and
 * false is returned. */
struct vrp_stopper {
	struct rtr_mgr_config *mgr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void *
vrp_stop_run(void *arg)
{
	const struct rtrapi *rtrlib = rtrapi();
	struct vrp_stopper *st = arg;

	rtrlib->rtr_mgr_stop(st->mgr);
	pthread_mutex_lock(&st->mu);
	st->done = true;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

static bool
vrp_mgr_stop(struct vrp_table *t)
{
	const struct rtrapi *rtrlib = rtrapi();
	struct vrp_stopper *st = calloc(1, sizeof(*st));
	struct timespec dl;
	pthread_t th;
	bool done;

	if (st == NULL) {
		rtrlib->rtr_mgr_stop(t->mgr);
		return true;
	}
	st->mgr = t->mgr;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	if (pthread_create(&th, NULL, vrp_stop_run, st) != 0) {
		pthread_cond_destroy(&st->cv);
		pthread_mutex_destroy(&st->mu);
		free(st);
		rtrlib->rtr_mgr_stop(t->mgr);
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += RTR_STOP_WAIT_MS / 1000;
	pthread_mutex_lock(&st->mu);
	while (!st->done)
		if (pthread_cond_timedwait(&st->cv, &st->mu, &dl) == ETIMEDOUT)
			break;
	done = st->done;
	pthread_mutex_unlock(&st->mu);
	if (!done) {
		pthread_detach(th);   /* st stays with it: it may still finish */
		log_warn("RTR: RTRlib did not stop its cache connections within %u ms; they end "
		    "with the process", RTR_STOP_WAIT_MS);
		return false;
	}
	pthread_join(th, NULL);
	pthread_cond_destroy(&st->cv);
	pthread_mutex_destroy(&st->mu);
	free(st);
	return true;
}

void
vrp_close(struct vrp_table *t)
{
	const struct rtrapi *rtrlib;

	if (t == NULL)
		return;
	/* RTRlib is loaded where a manager or a table was made (not on a vrp_open without it). */
	rtrlib = t->mgr != NULL || t->own != NULL ? rtrapi() : NULL;
	if (t->mgr != NULL) {
		if (!vrp_mgr_stop(t))
			return;   /* left to the process's exit: see vrp_mgr_stop */
		rtrlib->rtr_mgr_free(t->mgr);
	} else {
		/* tr sockets set up before a failed manager start */
		for (size_t i = 0; i < t->ncaches; i++)
			if (t->caches[i].tr.free_fp != NULL)
				t->caches[i].tr.free_fp(&t->caches[i].tr);
	}
	if (t->own != NULL) {
		rtrlib->pfx_table_free(t->own);
		free(t->own);
	}
	vrp_ix_free(t->ix);
	if (t->ix_init) {
		pthread_rwlock_destroy(&t->ix_rw);
		pthread_mutex_destroy(&t->ix_build_mu);
	}
	if (t->rw_init)
		pthread_rwlock_destroy(&t->rw);
	if (t->mu_init) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
	}
	free(t->path);
	free(t);
}

/* 0 when the table may be used, else PEIL_EAGAIN with why. */
static int
vrp_fresh(struct vrp_table *t, char *why, size_t whylen)
{
	int64_t age;

	vrp_file_check(t);
	if (!atomic_load(&t->synced)) {
		pthread_mutex_lock(&t->mu);
		err_set(why, whylen, "VRP table not synced: %s", t->why[0] != '\0' ? t->why :
		    "no sync yet");
		pthread_mutex_unlock(&t->mu);
		return PEIL_EAGAIN;
	}
	/* in whole seconds, as vrp_status says the age */
	age = (vrp_now_ms() - atomic_load(&t->last_sync_ms)) / 1000;
	if (age > (int64_t)t->max_age_s) {
		err_set(why, whylen, "VRP table %" PRId64 " s old (limit %u s)", age, t->max_age_s);
		return PEIL_EAGAIN;
	}
	return 0;
}

/* pfx_table_validate_r on the table in use; *reason is the caller's to free. */
static int
vrp_run(struct vrp_table *t, const struct ipprefix *prefix, uint32_t asn,
    struct pfx_record **reason, unsigned *rlen, enum pfxv_state *st)
{
	const struct rtrapi *rtrlib = rtrapi();
	struct lrtr_ip_addr a;
	int rc;

	vrp_to_lrtr(prefix, &a);
	if (t->mgr != NULL)
		return rtrlib->pfx_table_validate_r(t->mgr->pfx_table, reason, rlen, asn, &a,
		    prefix->len, st);
	pthread_rwlock_rdlock(&t->rw);
	rc = rtrlib->pfx_table_validate_r(t->own, reason, rlen, asn, &a, prefix->len, st);
	pthread_rwlock_unlock(&t->rw);
	return rc;
}

static void
rov_add(struct rov *out, const struct pfx_record *r)
{
	if (out->nvrps < MAX_VRP_EVIDENCE)
		vrp_from_record(r, &out->vrps[out->nvrps++]);
	out->total_vrps++;
}

int
vrp_validate(struct vrp_table *t, const struct ipprefix *prefix, uint32_t origin,
    struct rov *out, char *why, size_t whylen)
{
	struct pfx_record *reason = NULL;
	unsigned rlen = 0;
	enum pfxv_state st;
	int rc;

	out->state = ROV_NOT_FOUND;
	out->invalid_as = out->invalid_length = false;
	out->nvrps = out->total_vrps = 0;
	if ((rc = vrp_fresh(t, why, whylen)) != 0)
		return rc;
	if (vrp_ix_try(t, prefix, origin, false, out))
		return 0;
	/* RFC 6483 4., RFC 7607: no route matches a VRP of AS 0, and a route whose origin is AS 0
	 * (or none, AS_SET) matches no VRP: it is invalid where a VRP covers it. The walk with
	 * AS 0 still lists the covering VRPs (up to an AS 0 VRP, which is enough). */
	if (vrp_run(t, prefix, origin, &reason, &rlen, &st) != PFX_SUCCESS) {
		free(reason);
		err_set(why, whylen, "out of memory");
		return PEIL_ENOMEM;
	}
	if (origin == 0 && st == BGP_PFXV_STATE_VALID)
		st = BGP_PFXV_STATE_INVALID;
	if (st == BGP_PFXV_STATE_VALID) {
		out->state = ROV_VALID;
		for (unsigned i = 0; i < rlen; i++)
			if (reason[i].asn == origin && prefix->len <= reason[i].max_len)
				rov_add(out, &reason[i]);
	} else if (st == BGP_PFXV_STATE_INVALID) {
		out->state = ROV_INVALID;
		for (unsigned i = 0; i < rlen; i++) {
			if (origin != 0 && reason[i].asn == origin)
				out->invalid_length = true;
			rov_add(out, &reason[i]);
		}
		out->invalid_as = !out->invalid_length;
	}
	free(reason);
	return 0;
}

int
vrp_covered(struct vrp_table *t, const struct ipprefix *prefix, struct rov *out, char *why,
    size_t whylen)
{
	struct pfx_record *reason = NULL;
	unsigned rlen = 0;
	enum pfxv_state st;
	int rc;

	out->state = ROV_NOT_FOUND;
	out->invalid_as = out->invalid_length = false;
	out->nvrps = out->total_vrps = 0;
	if ((rc = vrp_fresh(t, why, whylen)) != 0)
		return rc;
	if (vrp_ix_try(t, prefix, 0, true, out))
		return 0;
	if (vrp_run(t, prefix, 0, &reason, &rlen, &st) != PFX_SUCCESS) {
		free(reason);
		err_set(why, whylen, "out of memory");
		return PEIL_ENOMEM;
	}
	for (unsigned i = 0; i < rlen; i++)
		rov_add(out, &reason[i]);
	free(reason);
	return 0;
}

void
vrp_status(struct vrp_table *t, struct vrp_status *st)
{
	int64_t age;

	memset(st, 0, sizeof(*st));
	vrp_file_check(t);
	pthread_mutex_lock(&t->mu);
	if (t->ncaches > 0)
		snprintf(st->source, sizeof(st->source), "rtr %s%.100s%s:%s",
		    strchr(t->caches[t->cur].host, ':') != NULL ? "[" : "", t->caches[t->cur].host,
		    strchr(t->caches[t->cur].host, ':') != NULL ? "]" : "", t->caches[t->cur].port);
	else
		snprintf(st->source, sizeof(st->source), "file %s", t->path);
	st->synced = atomic_load(&t->synced);
	age = vrp_now_ms() - atomic_load(&t->last_sync_ms);
	st->age_s = st->synced && age > 0 ? (uint64_t)age / 1000 : 0;
	st->vrps = t->nvrps;
	st->serial = t->serial;
	snprintf(st->why, sizeof(st->why), "%s", t->why);
	if (st->why[0] == '\0' && st->synced && st->age_s > t->max_age_s)
		snprintf(st->why, sizeof(st->why), "no sync or load for %" PRIu64 " s (limit %u s)",
		    st->age_s, t->max_age_s);
	pthread_mutex_unlock(&t->mu);
}
