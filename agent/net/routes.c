/* routes.c: the route-origin table: built from a pfx2as, bgpdump -m or MRT file into sorted,
 * disjoint address intervals (each owned by the most specific prefix covering it), looked up
 * by one binary search inside a 16-bit index; reloaded off-lock and swapped under a rwlock. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "mrt.h"
#include "pfx2as.h"
#include "routes.h"

typedef unsigned __int128 rt_u128;

#define RT_NONE UINT32_MAX   /* an interval no prefix covers */

/* One prefix while the table is built: its origins inline (one) or in the pool (several). */
struct rt_entry {
	uint8_t addr[16];
	uint8_t family, len, n, cut;
	uint32_t origin;   /* n == 1: the origin; n > 1: offset of the n origins in the pool */
};

struct rt_build {
	struct rt_entry *e;
	size_t n, cap;
	uint32_t *pool;
	size_t npool, poolcap;
	size_t sorted;     /* e[0, sorted) is sorted and distinct (after a compaction) */
	size_t max;        /* distinct prefixes allowed (MAX_ROUTES) */
	bool too_many;
};

#define RT_IDX_BITS 20   /* the index: the interval holding each /20 (IPv4) or /20 (IPv6) */
#define RT_IDX_N ((size_t)1 << RT_IDX_BITS)

/* The table in use: disjoint intervals, starts ascending, each carrying the most specific
 * prefix covering it (its address is the start masked to its length) and its origins, so a
 * lookup reads an index entry and the few intervals of one /20, nothing else. */
struct rt_iv4 {
	uint32_t start;
	uint32_t origin;   /* as in struct rt_entry */
	uint8_t len, n, cut;   /* n == 0: no prefix covers the interval */
};

struct rt_iv6 {
	uint64_t hi, lo;
	uint32_t origin;
	uint8_t len, n, cut;
};

struct rt_table {
	uint32_t *pool;
	size_t n4, n6;     /* prefixes */
	struct rt_iv4 *iv4;
	struct rt_iv6 *iv6;
	size_t ni4, ni6;
	uint32_t *idx4, *idx6;   /* RT_IDX_N + 1 each: the interval holding (k << (W - BITS)) */
};

struct rt_fileid {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool valid;
};

struct routes {
	pthread_rwlock_t lock;        /* guards t: readers look up, a reload swaps */
	struct rt_table *t;
	pthread_mutex_t reload;       /* one reload at a time; guards the fields below */
	char *file;
	enum routes_format format;
	unsigned check_s;
	int64_t last_look_ms;
	struct rt_fileid loaded, failed;
	pthread_mutex_t stmu;         /* guards st */
	struct routes_status st;
};

/* ---- building ---- */

static int
rt_entry_cmp(const void *a, const void *b)
{
	const struct rt_entry *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = memcmp(x->addr, y->addr, 16)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static bool
rt_same_prefix(const struct rt_entry *x, const struct rt_entry *y)
{
	return x->family == y->family && x->len == y->len && memcmp(x->addr, y->addr, 16) == 0;
}

static const uint32_t *
rt_origins(const uint32_t *pool, uint8_t n, const uint32_t *origin)
{
	return n > 1 ? pool + *origin : origin;
}

/* Pool slots a set of n > 1 origins takes: a power of two, so a growing set moves at most
 * four times. */
static size_t
rt_slots(size_t n)
{
	size_t c = 2;

	while (c < n)
		c *= 2;
	return c;
}

/* Stores a route's origins in e (inline for one, the pool for several). */
static int
rt_set_origins(struct rt_build *b, struct rt_entry *e, const uint32_t *o, size_t n, bool cut)
{
	size_t need = rt_slots(n);

	if (n == 1) {
		e->n = 1;
		e->cut = cut;
		e->origin = o[0];
		return 0;
	}
	if (e->n > 1 && n <= rt_slots(e->n)) {
		memcpy(b->pool + e->origin, o, n * sizeof(*o));
		e->n = (uint8_t)n;
		e->cut = cut;
		return 0;
	}
	if (b->npool + need > b->poolcap) {
		size_t cap = b->poolcap == 0 ? 1024 : b->poolcap * 2;
		uint32_t *p;

		while (cap < b->npool + need)
			cap *= 2;
		if (cap > UINT32_MAX || (p = realloc(b->pool, cap * sizeof(*p))) == NULL)
			return PEIL_ENOMEM;
		b->pool = p;
		b->poolcap = cap;
	}
	memcpy(b->pool + b->npool, o, n * sizeof(*o));
	e->origin = (uint32_t)b->npool;
	e->n = (uint8_t)n;
	e->cut = cut;
	b->npool += need;
	return 0;
}

/* e gets the union of its origins and o[0..n). */
static int
rt_merge_origins(struct rt_build *b, struct rt_entry *e, const uint32_t *o, size_t n, bool cut)
{
	struct pfx2as_route u;
	const uint32_t *eo = rt_origins(b->pool, e->n, &e->origin);

	memset(&u, 0, sizeof(u));
	for (size_t i = 0; i < e->n; i++)
		pfx2as_add_origin(&u, eo[i]);
	for (size_t i = 0; i < n; i++)
		pfx2as_add_origin(&u, o[i]);
	if (u.norigins == e->n && memcmp(u.origins, eo, u.norigins * sizeof(u.origins[0])) == 0) {
		e->cut = e->cut || cut || u.origins_cut;
		return 0;
	}
	return rt_set_origins(b, e, u.origins, u.norigins, e->cut || cut || u.origins_cut);
}

/* Sorts the entries and merges those of the same prefix. */
static int
rt_compact(struct rt_build *b)
{
	size_t w = 0;
	bool sorted = true;

	for (size_t i = 1; i < b->n && sorted; i++)
		sorted = rt_entry_cmp(&b->e[i - 1], &b->e[i]) <= 0;
	if (!sorted)
		qsort(b->e, b->n, sizeof(b->e[0]), rt_entry_cmp);
	for (size_t i = 0; i < b->n; i++) {
		if (w > 0 && rt_same_prefix(&b->e[w - 1], &b->e[i])) {
			struct rt_entry x = b->e[i];
			const uint32_t *xo = rt_origins(b->pool, x.n, &x.origin);
			uint32_t tmp[MAX_ROUTE_ORIGINS];

			memcpy(tmp, xo, x.n * sizeof(tmp[0]));
			if (rt_merge_origins(b, &b->e[w - 1], tmp, x.n, x.cut) != 0)
				return PEIL_ENOMEM;
			continue;
		}
		b->e[w++] = b->e[i];
	}
	b->n = w;
	b->sorted = w;
	return 0;
}

/* Adds one route; the same prefix again adds its origins. PEIL_ETOOBIG past b->max. */
static int
rt_build_add(struct rt_build *b, const struct ipprefix *p, const uint32_t *o, size_t n,
    bool cut)
{
	struct rt_entry e;

	if (n == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	e.family = p->family;
	e.len = p->len;
	memcpy(e.addr, p->addr, 16);
	/* input comes grouped by prefix (a RIB record, consecutive bgpdump lines) */
	if (b->n > 0 && rt_same_prefix(&b->e[b->n - 1], &e))
		return rt_merge_origins(b, &b->e[b->n - 1], o, n, cut);
	if (b->sorted > 0) {
		/* a big file compacted once: a prefix seen before merges where it is */
		struct rt_entry *f = bsearch(&e, b->e, b->sorted, sizeof(e), rt_entry_cmp);

		if (f != NULL)
			return rt_merge_origins(b, f, o, n, cut);
	}
	if (b->n == b->cap) {
		struct rt_entry *ne;
		size_t cap;

		if (b->n > b->max) {
			/* more entries than allowed: count the distinct prefixes */
			if (rt_compact(b) != 0)
				return PEIL_ENOMEM;
			if (b->n > b->max) {
				b->too_many = true;
				return PEIL_ETOOBIG;
			}
		}
		if (b->n < b->cap / 2) {
			cap = b->cap;
		} else {
			cap = b->cap == 0 ? 4096 : b->cap * 2;
			if (cap > b->max + 1)
				cap = b->max + 1;
			if (cap <= b->n)
				cap = b->n + 1;
		}
		if (cap != b->cap) {
			if ((ne = realloc(b->e, cap * sizeof(*ne))) == NULL)
				return PEIL_ENOMEM;
			b->e = ne;
			b->cap = cap;
		}
	}
	if (rt_set_origins(b, &e, o, n, cut) != 0)
		return PEIL_ENOMEM;
	b->e[b->n++] = e;
	return 0;
}

static int
rt_add_pfx2as(void *arg, const struct pfx2as_route *r)
{
	return rt_build_add(arg, &r->prefix, r->origins, r->norigins, r->origins_cut);
}

static void
rt_table_free(struct rt_table *t)
{
	if (t == NULL)
		return;
	free(t->pool);
	free(t->iv4);
	free(t->iv6);
	free(t->idx4);
	free(t->idx6);
	free(t);
}

static rt_u128
rt_addr128(const uint8_t *a)
{
	rt_u128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | a[i];
	return v;
}

/* The intervals of one family's sorted, distinct prefixes, written straight into the table's
 * array (v4 or v6) with their owners beside (an entry index or RT_NONE): a start again
 * replaces its owner, equal neighbours merge. Starts come nondecreasing. */
struct rt_iv {
	struct rt_iv4 *v4;   /* one of the two */
	struct rt_iv6 *v6;
	uint32_t *o;
	size_t n;
};

static void
rt_emit(struct rt_iv *iv, rt_u128 start, uint32_t owner)
{
	if (iv->n > 0 && (iv->v4 != NULL ? iv->v4[iv->n - 1].start == (uint32_t)start :
	    (iv->v6[iv->n - 1].hi == (uint64_t)(start >> 64) &&
	    iv->v6[iv->n - 1].lo == (uint64_t)start))) {
		iv->o[iv->n - 1] = owner;
		if (iv->n > 1 && iv->o[iv->n - 2] == owner)
			iv->n--;
		return;
	}
	if (iv->n > 0 && iv->o[iv->n - 1] == owner)
		return;
	if (iv->v4 != NULL) {
		iv->v4[iv->n].start = (uint32_t)start;
	} else {
		iv->v6[iv->n].hi = (uint64_t)(start >> 64);
		iv->v6[iv->n].lo = (uint64_t)start;
	}
	iv->o[iv->n++] = owner;
}

/* Builds the intervals of n prefixes of a family (bits 32 or 128) whose last address is max.
 * iv has room for 2n + 1. */
static void
rt_intervals(const struct rt_entry *e, size_t n, rt_u128 max, unsigned bits, struct rt_iv *iv)
{
	struct {
		rt_u128 end;
		uint32_t idx;
	} st[130];
	size_t depth = 0;

	iv->n = 0;
	rt_emit(iv, 0, RT_NONE);
	for (size_t i = 0; i < n; i++) {
		rt_u128 s = rt_addr128(e[i].addr) >> (128 - bits);
		rt_u128 host = e[i].len == bits ? 0 : (max >> e[i].len);

		while (depth > 0 && st[depth - 1].end < s) {
			depth--;
			rt_emit(iv, st[depth].end + 1, depth > 0 ? st[depth - 1].idx : RT_NONE);
		}
		rt_emit(iv, s, (uint32_t)i);
		st[depth].end = s | host;
		st[depth++].idx = (uint32_t)i;
	}
	while (depth > 0) {
		depth--;
		if (st[depth].end != max)
			rt_emit(iv, st[depth].end + 1, depth > 0 ? st[depth - 1].idx : RT_NONE);
	}
}

/* The table of the compacted build (entries sorted, IPv4 first). */
static int
rt_table_make(struct rt_build *b, struct rt_table **out)
{
	struct rt_table *t = calloc(1, sizeof(*t));
	struct rt_iv iv = { NULL, NULL, NULL, 0 };
	uint32_t *npos = NULL;   /* each entry's origins in t->pool */
	size_t n4 = 0, npool = 0, j;
	int rc = PEIL_ENOMEM;

	if (t == NULL)
		goto out;
	while (n4 < b->n && b->e[n4].family == 4)
		n4++;
	t->n4 = n4;
	t->n6 = b->n - n4;
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].n > 1)
			npool += b->e[i].n;
	if ((t->pool = malloc((npool + 1) * sizeof(*t->pool))) == NULL ||
	    (npos = malloc((b->n + 1) * sizeof(*npos))) == NULL ||
	    (iv.o = malloc((2 * (n4 > t->n6 ? n4 : t->n6) + 1) * sizeof(*iv.o))) == NULL ||
	    (t->idx4 = malloc((RT_IDX_N + 1) * sizeof(*t->idx4))) == NULL ||
	    (t->idx6 = malloc((RT_IDX_N + 1) * sizeof(*t->idx6))) == NULL)
		goto out;
	npool = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct rt_entry *e = &b->e[i];

		npos[i] = e->origin;
		if (e->n > 1) {
			memcpy(t->pool + npool, b->pool + e->origin, e->n * sizeof(*t->pool));
			npos[i] = (uint32_t)npool;
			npool += e->n;
		}
	}

	if ((t->iv4 = calloc(2 * n4 + 1, sizeof(*t->iv4))) == NULL)
		goto out;
	iv.v4 = t->iv4;
	rt_intervals(b->e, n4, UINT32_MAX, 32, &iv);
	t->ni4 = iv.n;
	for (size_t i = 0; i < iv.n; i++) {
		struct rt_iv4 *v = &t->iv4[i];

		if (iv.o[i] != RT_NONE) {
			const struct rt_entry *e = &b->e[iv.o[i]];

			v->origin = npos[iv.o[i]];
			v->len = e->len;
			v->n = e->n;
			v->cut = e->cut;
		}
	}
	if ((iv.v4 = realloc(t->iv4, t->ni4 * sizeof(*t->iv4))) != NULL)
		t->iv4 = iv.v4;   /* shrinking: a failure keeps the larger block */
	iv.v4 = NULL;

	if ((t->iv6 = calloc(2 * t->n6 + 1, sizeof(*t->iv6))) == NULL)
		goto out;
	iv.v6 = t->iv6;
	rt_intervals(b->e + n4, t->n6, ~(rt_u128)0, 128, &iv);
	t->ni6 = iv.n;
	for (size_t i = 0; i < iv.n; i++) {
		struct rt_iv6 *v = &t->iv6[i];

		if (iv.o[i] != RT_NONE) {
			const struct rt_entry *e = &b->e[n4 + iv.o[i]];

			v->origin = npos[n4 + iv.o[i]];
			v->len = e->len;
			v->n = e->n;
			v->cut = e->cut;
		}
	}
	if ((iv.v6 = realloc(t->iv6, t->ni6 * sizeof(*t->iv6))) != NULL)
		t->iv6 = iv.v6;
	iv.v6 = NULL;

	j = 0;
	for (size_t k = 0; k < RT_IDX_N; k++) {
		uint32_t at = (uint32_t)(k << (32 - RT_IDX_BITS));

		while (j + 1 < t->ni4 && t->iv4[j + 1].start <= at)
			j++;
		t->idx4[k] = (uint32_t)j;
	}
	t->idx4[RT_IDX_N] = (uint32_t)(t->ni4 - 1);
	j = 0;
	for (size_t k = 0; k < RT_IDX_N; k++) {
		uint64_t at = (uint64_t)k << (64 - RT_IDX_BITS);

		while (j + 1 < t->ni6 && (t->iv6[j + 1].hi < at ||
		    (t->iv6[j + 1].hi == at && t->iv6[j + 1].lo == 0)))
			j++;
		t->idx6[k] = (uint32_t)j;
	}
	t->idx6[RT_IDX_N] = (uint32_t)(t->ni6 - 1);
	*out = t;
	t = NULL;
	rc = 0;
out:
	free(iv.o);
	free(npos);
	rt_table_free(t);
	return rc;
}

/* ---- loading a file ---- */

/* The format of a file by buf[0..len), its bytes from offset base: MRT by its first header,
 * else by its first line that is neither blank nor a comment; ROUTES_AUTO when the lines so
 * far are all such and the file goes on (!last), else ROUTES_PFX2AS. */
static enum routes_format
rt_detect(const uint8_t *buf, size_t len, size_t base, bool last)
{
	size_t s = 0;

	if (base == 0 && mrt_sniff(buf, len))
		return ROUTES_MRT;
	while (s < len) {
		const uint8_t *nl = memchr(buf + s, '\n', len - s);
		size_t e = nl != NULL ? (size_t)(nl - buf) : len, i = s;

		if (nl == NULL && !last)
			break;   /* a line the next piece ends */
		while (i < e && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
			i++;
		if (i < e && buf[i] != '#')
			return memchr(buf + i, '|', e - i) != NULL ? ROUTES_BGPDUMP : ROUTES_PFX2AS;
		s = e + 1;
	}
	return last ? ROUTES_PFX2AS : ROUTES_AUTO;
}

static const char *
rt_format_name(enum routes_format f)
{
	switch (f) {
	case ROUTES_PFX2AS: return "pfx2as";
	case ROUTES_BGPDUMP: return "bgpdump";
	case ROUTES_MRT: return "MRT";
	default: return "auto";
	}
}

static void
rt_fileid_of(const struct stat *sb, struct rt_fileid *id)
{
	id->dev = sb->st_dev;
	id->ino = sb->st_ino;
	id->size = sb->st_size;
	id->mtime = sb->st_mtim;
	id->valid = true;
}

static bool
rt_fileid_eq(const struct rt_fileid *a, const struct rt_fileid *b)
{
	return a->valid && b->valid && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* The piece a file is read in; MRT records longer than it take a piece of their own. */
#define RT_PIECE ((size_t)1 << 20)
static size_t rt_piece = RT_PIECE;

void
routes_set_test_piece(size_t n)
{
	rt_piece = n >= 16 ? n : RT_PIECE;
}

/* Parses what of buf[0..len) is whole (the file's bytes from base on, total in all; lines
 * before it: *line), into b; *used: the bytes taken. A text line or MRT record the next
 * piece ends is left, *need then the bytes the buffer must hold for it when it does not
 * hold them now (an MRT record, a text line up to MAX_ROUTE_LINE and its end). 0,
 * PEIL_ENOMEM, PEIL_ETOOBIG, or PEIL_EINVAL with the reason, file first, in why. */
static int
rt_piece_parse(enum routes_format format, struct mrt_reader *m, const uint8_t *buf,
    size_t len, size_t base, size_t total, size_t *line, struct rt_build *b, size_t *used,
    size_t *need, const char *file, char *why, size_t whylen)
{
	bool last = base + len == total;
	size_t where = 0, n = len;
	char r[200] = "";
	int rc;

	*need = 0;
	if (format == ROUTES_MRT) {
		rc = mrt_feed(m, buf, len, base, total, used, need, rt_add_pfx2as, b, &where, r,
		    sizeof(r));
		if (rc == PEIL_EINVAL)
			err_set(why, whylen, "%s: offset %zu: %s", file, where, r);
		return rc;
	}
	if (!last) {
		const uint8_t *nl = memrchr(buf, '\n', len);

		if (nl != NULL) {
			n = (size_t)(nl - buf) + 1;
		} else if (len > MAX_ROUTE_LINE) {
			n = len;   /* a line too long, which the parser says */
		} else {
			n = 0;
			*need = MAX_ROUTE_LINE + 2;
		}
	}
	*used = n;
	/* ROUTES_AUTO: blank and comment lines only so far, skipped in either text format */
	rc = pfx2as_parse(format == ROUTES_BGPDUMP ? PFX2AS_BGPDUMP : PFX2AS_CAIDA, buf, n,
	    rt_add_pfx2as, b, &where, r, sizeof(r));
	if (rc == PEIL_EINVAL)
		err_set(why, whylen, "%s:%zu: %s", file, *line + where, r);
	*line += where;
	return rc;
}

/* Reads and parses the file into a new table, a piece at a time (a RIB dump may be
 * gigabytes: the table's memory is what it takes). PEIL_ENOMEM, or PEIL_EINVAL (PEIL_EIO,
 * PEIL_ETOOBIG) with the reason, file first, in why. */
static int
rt_load(const char *file, enum routes_format format, struct rt_table **out,
    enum routes_format *used, struct rt_fileid *id, char *why, size_t whylen)
{
	struct rt_build b;
	struct mrt_reader m;
	struct stat sb;
	uint8_t *buf = NULL;
	size_t cap = 0, have = 0, base = 0, total, line = 0;
	int fd = -1, rc;

	memset(&b, 0, sizeof(b));
	b.max = MAX_ROUTES;
	mrt_reader_init(&m);
	*out = NULL;
	/* O_NONBLOCK: a FIFO put where the file was must not hang the reload */
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 || fstat(fd, &sb) != 0) {
		err_set(why, whylen, "%s: %s", file, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	rt_fileid_of(&sb, id);
	if (!S_ISREG(sb.st_mode)) {
		err_set(why, whylen, "%s: not a regular file", file);
		rc = PEIL_EIO;
		goto out;
	}
	if ((unsigned long long)sb.st_size > MAX_ROUTE_FILE_BYTES) {
		err_set(why, whylen, "%s: %lld bytes, more than MAX_ROUTE_FILE_BYTES", file,
		    (long long)sb.st_size);
		rc = PEIL_ETOOBIG;
		goto out;
	}
	total = (size_t)sb.st_size;
	cap = rt_piece < total ? rt_piece : total;
	if ((buf = malloc(cap + 1)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	rc = 0;
	while (base < total) {
		size_t take, need;

		while (have < cap && base + have < total) {
			ssize_t k = read(fd, buf + have, (cap < total - base ? cap : total - base) -
			    have);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				err_set(why, whylen, "%s: %s", file, strerror(errno));
				rc = PEIL_EIO;
				goto out;
			}
			if (k == 0) {
				total = base + have;   /* shrank while read: what was read is judged */
				break;
			}
			have += (size_t)k;
		}
		if (have == 0)
			break;   /* it shrank to here */
		if (format == ROUTES_AUTO)
			format = rt_detect(buf, have, base, base + have == total);
		rc = rt_piece_parse(format, &m, buf, have, base, total, &line, &b, &take, &need,
		    file, why, whylen);
		if (rc != 0)
			goto out;
		if (take == 0 && need > cap) {
			/* an MRT record longer than the piece (whole in the file: mrt_feed), or a
			 * text line: the buffer grows to hold it */
			uint8_t *nb = realloc(buf, need + 1);

			if (nb == NULL) {
				rc = PEIL_ENOMEM;
				goto out;
			}
			buf = nb;
			cap = need;
		} else if (take == 0 && (have == cap || base + have == total)) {
			/* cannot be (a whole piece holds a line's end or is a line too long; the
			 * file's end ends every line and cuts no MRT record silently): no loop */
			err_set(why, whylen, "%s: offset %zu: no progress", file, base);
			rc = PEIL_EINVAL;
			goto out;
		}
		memmove(buf, buf + take, have - take);
		have -= take;
		base += take;
	}
	*used = format != ROUTES_AUTO ? format : ROUTES_PFX2AS;
	free(buf);   /* the file is read: its memory goes before the table's is taken */
	buf = NULL;
	if (rc == 0 && (rc = rt_compact(&b)) == 0 && b.n > b.max) {
		b.too_many = true;
		rc = PEIL_ETOOBIG;
	}
	if (rc == 0 && b.n == 0) {
		err_set(why, whylen, "%s: no routes (%s)", file, rt_format_name(*used));
		rc = PEIL_EINVAL;
	}
	if (rc == 0)
		rc = rt_table_make(&b, out);
out:
	if (rc == PEIL_ETOOBIG && b.too_many)
		err_set(why, whylen, "%s: %zu routes, more than MAX_ROUTES (%d)", file, b.n,
		    MAX_ROUTES);
	if (rc == PEIL_ENOMEM)
		err_set(why, whylen, "%s: out of memory", file);
	if (fd >= 0)
		close(fd);
	free(buf);
	mrt_reader_free(&m);
	free(b.e);
	free(b.pool);
	/* the build's blocks went back to the heap; give them back to the system, or a
	 * process that reloads keeps the peak of every build */
	malloc_trim(0);
	return rc;
}

/* ---- the table in use ---- */

struct routes *
routes_open(const struct routes_conf *rc, char *err, size_t errlen)
{
	struct routes *r = NULL;
	struct rt_fileid id;
	enum routes_format used = rc->format;
	char why[256] = "";

	memset(&id, 0, sizeof(id));
	if (rc->file == NULL || rc->file[0] == '\0') {
		err_set(err, errlen, "no route-origin file configured");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->file = strdup(rc->file)) == NULL) {
		err_set(err, errlen, "%s: out of memory", rc->file);
		goto fail;
	}
	r->format = rc->format;
	r->check_s = rc->check_s != 0 ? rc->check_s : DEFAULT_ROUTES_CHECK_S;
	if (rt_load(r->file, r->format, &r->t, &used, &id, why, sizeof(why)) != 0) {
		err_set(err, errlen, "%s", why);
		goto fail;
	}
	{
		pthread_rwlockattr_t a;

		pthread_rwlockattr_init(&a);
		/* a reload's swap must not wait behind an endless stream of lookups */
		pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&r->lock, &a);
		pthread_rwlockattr_destroy(&a);
	}
	pthread_mutex_init(&r->reload, NULL);
	pthread_mutex_init(&r->stmu, NULL);
	r->loaded = id;
	r->last_look_ms = clock_mono_ms();
	snprintf(r->st.file, sizeof(r->st.file), "%s", r->file);
	r->st.format = used;
	r->st.routes = r->t->n4 + r->t->n6;
	r->st.loaded_at = (uint64_t)time(NULL);
	return r;
fail:
	if (r != NULL) {
		rt_table_free(r->t);
		free(r->file);
		free(r);
	}
	return NULL;
}

void
routes_close(struct routes *r)
{
	if (r == NULL)
		return;
	rt_table_free(r->t);
	pthread_rwlock_destroy(&r->lock);
	pthread_mutex_destroy(&r->reload);
	pthread_mutex_destroy(&r->stmu);
	free(r->file);
	free(r);
}

int
routes_refresh(struct routes *r, bool force)
{
	struct rt_table *t = NULL, *old;
	struct rt_fileid id;
	struct stat sb;
	enum routes_format used = r->format;
	char why[256] = "";
	int64_t now = clock_mono_ms();
	int rc = 0;

	if (force)
		pthread_mutex_lock(&r->reload);
	else if (pthread_mutex_trylock(&r->reload) != 0)
		return 0;   /* another thread is looking now */
	if (!force && now - r->last_look_ms < (int64_t)r->check_s * 1000)
		goto out;
	r->last_look_ms = now;
	memset(&id, 0, sizeof(id));
	if (stat(r->file, &sb) != 0) {
		snprintf(why, sizeof(why), "%s: %s", r->file, strerror(errno));
		goto failed;
	}
	rt_fileid_of(&sb, &id);
	if (rt_fileid_eq(&id, &r->loaded) || rt_fileid_eq(&id, &r->failed))
		goto out;
	rc = rt_load(r->file, r->format, &t, &used, &id, why, sizeof(why));
	if (rc != 0) {
		r->failed = id;
		rc = rc == PEIL_ENOMEM ? PEIL_ENOMEM : 0;
		goto failed;
	}
	pthread_rwlock_wrlock(&r->lock);
	old = r->t;
	r->t = t;
	pthread_rwlock_unlock(&r->lock);
	rt_table_free(old);   /* no reader holds it: they all left before the swap */
	malloc_trim(0);
	r->loaded = id;
	memset(&r->failed, 0, sizeof(r->failed));
	pthread_mutex_lock(&r->stmu);
	r->st.format = used;
	r->st.routes = t->n4 + t->n6;
	r->st.loaded_at = (uint64_t)time(NULL);
	r->st.why[0] = '\0';
	pthread_mutex_unlock(&r->stmu);
	goto out;
failed:
	pthread_mutex_lock(&r->stmu);
	snprintf(r->st.why, sizeof(r->st.why), "%s", why);
	pthread_mutex_unlock(&r->stmu);
out:
	pthread_mutex_unlock(&r->reload);
	return rc;
}

/* out from an interval's prefix: its address is the interval's start masked to its length. */
static void
rt_fill(const struct rt_table *t, int family, const uint8_t *a, unsigned len, uint8_t n,
    bool cut, const uint32_t *origin, struct route *out)
{
	const uint32_t *o = rt_origins(t->pool, n, origin);

	(void)ipprefix_make(family, a, len, &out->prefix);
	out->norigins = n;
	out->origins_cut = cut;
	memcpy(out->origins, o, n * sizeof(out->origins[0]));
}

int
routes_lookup(struct routes *r, int family, const uint8_t *addr, struct route *out)
{
	const struct rt_table *t;
	size_t lo, hi;
	int rc = PEIL_ENOENT;

	if (family != 4 && family != 6)
		return PEIL_EINVAL;
	pthread_rwlock_rdlock(&r->lock);
	t = r->t;
	if (family == 4) {
		uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
		    (uint32_t)addr[2] << 8 | addr[3];
		const struct rt_iv4 *v;

		lo = t->idx4[a >> (32 - RT_IDX_BITS)];
		hi = t->idx4[(a >> (32 - RT_IDX_BITS)) + 1];
		while (lo < hi) {
			size_t mid = (lo + hi + 1) / 2;

			if (t->iv4[mid].start <= a)
				lo = mid;
			else
				hi = mid - 1;
		}
		v = &t->iv4[lo];
		if (v->n > 0) {
			uint8_t p[4] = { (uint8_t)(v->start >> 24), (uint8_t)(v->start >> 16),
			    (uint8_t)(v->start >> 8), (uint8_t)v->start };

			rt_fill(t, 4, p, v->len, v->n, v->cut, &v->origin, out);
			rc = 0;
		}
	} else {
		uint64_t ahi = 0, alo = 0;
		const struct rt_iv6 *v;
		size_t k;

		for (int i = 0; i < 8; i++) {
			ahi = ahi << 8 | addr[i];
			alo = alo << 8 | addr[8 + i];
		}
		k = (size_t)(ahi >> (64 - RT_IDX_BITS));
		lo = t->idx6[k];
		hi = t->idx6[k + 1];
		while (lo < hi) {
			size_t mid = (lo + hi + 1) / 2;
			const struct rt_iv6 *m = &t->iv6[mid];

			if (m->hi < ahi || (m->hi == ahi && m->lo <= alo))
				lo = mid;
			else
				hi = mid - 1;
		}
		v = &t->iv6[lo];
		if (v->n > 0) {
			uint8_t p[16];

			for (int i = 0; i < 8; i++) {
				p[i] = (uint8_t)(v->hi >> (56 - 8 * i));
				p[8 + i] = (uint8_t)(v->lo >> (56 - 8 * i));
			}
			rt_fill(t, 6, p, v->len, v->n, v->cut, &v->origin, out);
			rc = 0;
		}
	}
	pthread_rwlock_unlock(&r->lock);
	return rc;
}

void
routes_status(struct routes *r, struct routes_status *st)
{
	pthread_mutex_lock(&r->stmu);
	*st = r->st;
	pthread_mutex_unlock(&r->stmu);
}
