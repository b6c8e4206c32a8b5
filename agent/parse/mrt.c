/* mrt.c: MRT TABLE_DUMP_V2 RIB dumps (RFC 6396) into prefixes and origin ASes; every length
 * checked against what remains, the offset of the first fault reported. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mrt.h"

/* A read cursor over buf[0, len) with a sticky error: once `bad`, reads give zero. */
struct mrt_cur {
	const uint8_t *buf;
	size_t len;     /* end of the current record (or file) */
	size_t off;
	bool bad;
	size_t bad_off;
	const char *what;
};

static bool
mrt_need(struct mrt_cur *c, size_t n, const char *what)
{
	if (c->bad)
		return false;
	if (c->len - c->off < n) {
		c->bad = true;
		c->bad_off = c->off;
		c->what = what;
		return false;
	}
	return true;
}

static uint8_t
mrt_u8(struct mrt_cur *c, const char *what)
{
	if (!mrt_need(c, 1, what))
		return 0;
	return c->buf[c->off++];
}

static uint16_t
mrt_u16(struct mrt_cur *c, const char *what)
{
	uint16_t v;

	if (!mrt_need(c, 2, what))
		return 0;
	v = (uint16_t)(c->buf[c->off] << 8 | c->buf[c->off + 1]);
	c->off += 2;
	return v;
}

static uint32_t
mrt_u32(struct mrt_cur *c, const char *what)
{
	uint32_t v;

	if (!mrt_need(c, 4, what))
		return 0;
	v = (uint32_t)c->buf[c->off] << 24 | (uint32_t)c->buf[c->off + 1] << 16 |
	    (uint32_t)c->buf[c->off + 2] << 8 | c->buf[c->off + 3];
	c->off += 4;
	return v;
}

static void
mrt_skip(struct mrt_cur *c, size_t n, const char *what)
{
	if (mrt_need(c, n, what))
		c->off += n;
}

bool
mrt_sniff(const uint8_t *buf, size_t len)
{
	if (len < 12 || buf[4] != 0)
		return false;
	switch (buf[5]) {
	case 11: case 12: case 13: case 16: case 17: case 32: case 33: case 48: case 49:
		return true;
	default:
		return false;
	}
}

/* The peers' AS numbers of a PEER_INDEX_TABLE (c spans its body). */
static int
mrt_peers(struct mrt_cur *c, uint32_t **peers, size_t *npeers, char *why, size_t whylen,
    size_t *off)
{
	uint32_t *p = NULL;
	uint16_t n;

	mrt_skip(c, 4, "PEER_INDEX_TABLE: collector BGP ID");
	mrt_skip(c, mrt_u16(c, "PEER_INDEX_TABLE: view name length"),
	    "PEER_INDEX_TABLE: view name");
	n = mrt_u16(c, "PEER_INDEX_TABLE: peer count");
	if (c->bad)
		goto bad;
	/* each peer takes at least 1 + 4 + 4 + 2 bytes: a count past that is corrupt */
	if ((size_t)n * 11 > c->len - c->off) {
		*off = c->off - 2;
		err_set(why, whylen, "PEER_INDEX_TABLE: %u peers do not fit in %zu bytes", n,
		    c->len - c->off);
		return PEIL_EINVAL;
	}
	if ((p = malloc(((size_t)n + 1) * sizeof(*p))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint8_t type = mrt_u8(c, "PEER_INDEX_TABLE: peer type");

		mrt_skip(c, 4, "PEER_INDEX_TABLE: peer BGP ID");
		mrt_skip(c, (type & 1) ? 16 : 4, "PEER_INDEX_TABLE: peer IP address");
		p[i] = (type & 2) ? mrt_u32(c, "PEER_INDEX_TABLE: peer AS") :
		    mrt_u16(c, "PEER_INDEX_TABLE: peer AS");
	}
	if (c->bad) {
		free(p);
		goto bad;
	}
	if (c->off != c->len) {
		free(p);
		*off = c->off;
		err_set(why, whylen, "PEER_INDEX_TABLE: %zu bytes after the last peer",
		    c->len - c->off);
		return PEIL_EINVAL;
	}
	free(*peers);
	*peers = p;
	*npeers = n;
	return 0;
bad:
	*off = c->bad_off;
	err_set(why, whylen, "%s: truncated", c->what);
	return PEIL_EINVAL;
}

/* The origins one RIB entry's attributes give (c spans the attributes), added to r. */
static int
mrt_entry_origins(struct mrt_cur *c, uint32_t peer_as, struct pfx2as_route *r, char *why,
    size_t whylen, size_t *off)
{
	bool seen = false;
	int last = 0;                     /* the final segment's type; 0: empty path */
	size_t last_s = 0, last_n = 0;    /* its ASes: offset, count */

	while (!c->bad && c->off < c->len) {
		size_t at = c->off;
		uint8_t flags = mrt_u8(c, "attribute flags");
		uint8_t type = mrt_u8(c, "attribute type");
		size_t alen = (flags & 0x10) ? mrt_u16(c, "attribute length") :
		    mrt_u8(c, "attribute length");
		struct mrt_cur a;

		if (c->bad)
			break;
		if (alen > c->len - c->off) {
			*off = at;
			err_set(why, whylen, "attribute %u: length %zu past the entry's end (%zu "
			    "bytes left)", type, alen, c->len - c->off);
			return PEIL_EINVAL;
		}
		a = *c;
		a.len = c->off + alen;
		c->off += alen;
		if (type != 2 || seen)
			continue;   /* AS_PATH (type 2) only, the first one (RFC 7606) */
		seen = true;
		while (a.off < a.len) {
			size_t sat = a.off;
			uint8_t st = mrt_u8(&a, "AS_PATH segment type");
			uint8_t n = mrt_u8(&a, "AS_PATH segment length");

			if (a.bad)
				break;
			if (st < 1 || st > 4) {
				*off = sat;
				err_set(why, whylen, "AS_PATH segment type %u", st);
				return PEIL_EINVAL;
			}
			if ((size_t)n * 4 > a.len - a.off) {
				*off = sat;
				err_set(why, whylen, "AS_PATH segment of %u ASes past the "
				    "attribute's end (%zu bytes left)", n, a.len - a.off);
				return PEIL_EINVAL;
			}
			if (n > 0) {
				last = st;
				last_s = a.off;
				last_n = n;
			}
			a.off += (size_t)n * 4;
		}
		if (a.bad) {
			*off = a.bad_off;
			err_set(why, whylen, "%s: truncated", a.what);
			return PEIL_EINVAL;
		}
	}
	if (c->bad) {
		*off = c->bad_off;
		err_set(why, whylen, "%s: truncated", c->what);
		return PEIL_EINVAL;
	}
	if (last == 2) {          /* AS_SEQUENCE: its last AS */
		struct mrt_cur a = *c;

		a.off = last_s + (last_n - 1) * 4;
		a.len = a.off + 4;
		pfx2as_add_origin(r, mrt_u32(&a, "AS"));
	} else if (last == 1) {   /* AS_SET: the origin is NONE (RFC 6811 2.) */
		pfx2as_add_origin(r, PFX2AS_ORIGIN_NONE);
	} else {                  /* empty, or a confederation segment: the speaker's AS */
		pfx2as_add_origin(r, peer_as);
	}
	return 0;
}

/* A RIB_IPV4_UNICAST or RIB_IPV6_UNICAST record (c spans its body); addpath: the RFC 8050
 * form, a path identifier in each entry. */
static int
mrt_rib(struct mrt_cur *c, int family, bool addpath, const uint32_t *peers, size_t npeers,
    struct pfx2as_route *r, struct mrt_stats *st, char *why, size_t whylen, size_t *off)
{
	uint8_t addr[16] = { 0 };
	size_t plen_at, nbytes;
	uint8_t plen;
	uint16_t n;
	int rc;

	memset(r, 0, sizeof(*r));
	mrt_skip(c, 4, "RIB: sequence number");
	plen_at = c->off;
	plen = mrt_u8(c, "RIB: prefix length");
	if (c->bad)
		goto bad;
	if (plen > (family == 4 ? 32 : 128)) {
		*off = plen_at;
		err_set(why, whylen, "RIB: prefix length %u too long for IPv%d", plen, family);
		return PEIL_EINVAL;
	}
	nbytes = (plen + 7u) / 8;
	if (mrt_need(c, nbytes, "RIB: prefix")) {
		memcpy(addr, c->buf + c->off, nbytes);
		c->off += nbytes;
	}
	n = mrt_u16(c, "RIB: entry count");
	if (c->bad)
		goto bad;
	/* the trailing bits of the prefix are irrelevant (RFC 4271 4.3): cleared */
	(void)ipprefix_make(family, addr, plen, &r->prefix);
	for (size_t i = 0; i < n; i++) {
		size_t at = c->off;
		uint16_t peer = mrt_u16(c, "RIB entry: peer index");
		uint16_t alen;
		struct mrt_cur a;

		mrt_skip(c, 4, "RIB entry: originated time");
		if (addpath)
			mrt_skip(c, 4, "RIB entry: path identifier");
		alen = mrt_u16(c, "RIB entry: attribute length");
		if (c->bad)
			goto bad;
		if (peer >= npeers) {
			*off = at;
			err_set(why, whylen, "RIB entry: peer index %u, the PEER_INDEX_TABLE has "
			    "%zu", peer, npeers);
			return PEIL_EINVAL;
		}
		if (alen > c->len - c->off) {
			*off = c->off - 2;
			err_set(why, whylen, "RIB entry: attribute length %u past the record's end "
			    "(%zu bytes left)", alen, c->len - c->off);
			return PEIL_EINVAL;
		}
		a = *c;
		a.len = c->off + alen;
		c->off += alen;
		if ((rc = mrt_entry_origins(&a, peers[peer], r, why, whylen, off)) != 0)
			return rc;
		if (st != NULL)
			st->entries++;
	}
	if (c->off != c->len) {
		*off = c->off;
		err_set(why, whylen, "RIB: %zu bytes after the last entry", c->len - c->off);
		return PEIL_EINVAL;
	}
	return 0;
bad:
	*off = c->bad_off;
	err_set(why, whylen, "%s: truncated", c->what);
	return PEIL_EINVAL;
}

void
mrt_reader_init(struct mrt_reader *m)
{
	memset(m, 0, sizeof(*m));
}

void
mrt_reader_free(struct mrt_reader *m)
{
	free(m->peers);
	m->peers = NULL;
	m->npeers = 0;
}

int
mrt_feed(struct mrt_reader *m, const uint8_t *buf, size_t len, size_t base, size_t total,
    size_t *used, size_t *need, pfx2as_cb cb, void *arg, size_t *off, char *why,
    size_t whylen)
{
	struct mrt_stats *st = &m->st;
	struct pfx2as_route r;
	size_t at = 0;
	int rc = 0;

	*used = 0;
	*need = 0;
	*off = base;
	while (at < len) {
		struct mrt_cur c = { buf, len, at, false, 0, NULL };
		size_t left = total - base - at;   /* in the file from this record on */
		uint16_t type, sub;
		uint32_t rlen;

		if (left < MRT_HEADER) {
			*off = base + at;
			err_set(why, whylen, "MRT header truncated (%zu bytes left)", left);
			rc = PEIL_EINVAL;
			break;
		}
		if (len - at < MRT_HEADER) {
			*need = MRT_HEADER;
			break;
		}
		mrt_skip(&c, 4, "MRT header: timestamp");
		type = mrt_u16(&c, "MRT header: type");
		sub = mrt_u16(&c, "MRT header: subtype");
		rlen = mrt_u32(&c, "MRT header: length");
		if (rlen > left - MRT_HEADER) {
			*off = base + at + 8;
			err_set(why, whylen, "MRT record length %u past the end of the file (%zu "
			    "bytes left)", rlen, left - MRT_HEADER);
			rc = PEIL_EINVAL;
			break;
		}
		if (rlen > len - c.off) {
			*need = MRT_HEADER + (size_t)rlen;
			break;
		}
		c.len = c.off + rlen;
		st->records++;
		if (type == MRT_TABLE_DUMP_V2 && sub == MRT_PEER_INDEX_TABLE) {
			if ((rc = mrt_peers(&c, &m->peers, &m->npeers, why, whylen, off)) != 0)
				goto bad;
			st->peers = m->npeers;
		} else if (type == MRT_TABLE_DUMP_V2 && (sub == MRT_RIB_IPV4_UNICAST ||
		    sub == MRT_RIB_IPV6_UNICAST || sub == MRT_RIB_IPV4_UNICAST_ADDPATH ||
		    sub == MRT_RIB_IPV6_UNICAST_ADDPATH)) {
			bool v4 = sub == MRT_RIB_IPV4_UNICAST || sub == MRT_RIB_IPV4_UNICAST_ADDPATH;
			bool addpath = sub == MRT_RIB_IPV4_UNICAST_ADDPATH ||
			    sub == MRT_RIB_IPV6_UNICAST_ADDPATH;

			rc = mrt_rib(&c, v4 ? 4 : 6, addpath, m->peers, m->npeers, &r, st, why,
			    whylen, off);
			if (rc != 0)
				goto bad;
			st->ribs++;
			if (r.norigins > 0 && (rc = cb(arg, &r)) != 0) {
				*off = base + at;
				break;
			}
		} else {
			st->skipped++;
		}
		at = c.len;
	}
	*used = at;
	return rc;
bad:
	/* the record's parsers give offsets in buf */
	*off += base;
	*used = at;
	return rc;
}

int
mrt_parse(const uint8_t *buf, size_t len, pfx2as_cb cb, void *arg, struct mrt_stats *st,
    size_t *off, char *why, size_t whylen)
{
	struct mrt_reader m;
	size_t used, need;
	int rc;

	mrt_reader_init(&m);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	rc = mrt_feed(&m, buf, len, 0, len, &used, &need, cb, arg, off, why, whylen);
	if (st != NULL)
		*st = m.st;
	mrt_reader_free(&m);
	return rc;
}
