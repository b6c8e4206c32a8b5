/* pfx2as.c: CAIDA pfx2as and `bgpdump -m` route-origin lines, bounded, one line at a time. */
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "pfx2as.h"

void
pfx2as_add_origin(struct pfx2as_route *r, uint32_t as)
{
	size_t i = 0;

	while (i < r->norigins && r->origins[i] < as)
		i++;
	if (i < r->norigins && r->origins[i] == as)
		return;
	if (r->norigins == MAX_ROUTE_ORIGINS) {
		/* keep the lowest: `as` goes in unless it is above all kept, the highest goes */
		r->origins_cut = true;
		if (i == MAX_ROUTE_ORIGINS)
			return;
		r->norigins--;
	}
	memmove(r->origins + i + 1, r->origins + i, (r->norigins - i) * sizeof(r->origins[0]));
	r->origins[i] = as;
	r->norigins++;
}

/* An AS number, asplain ("64496") or asdot ("1.10"), in buf[s, e). */
static int
pfx2as_asn(const uint8_t *buf, size_t s, size_t e, uint32_t *as, char *why, size_t whylen)
{
	uint64_t v = 0, hi = 0;
	bool dot = false;
	size_t digits = 0;

	if (s == e) {
		err_set(why, whylen, "empty AS number");
		return PEIL_EINVAL;
	}
	for (size_t i = s; i < e; i++) {
		if (buf[i] == '.' && !dot && digits > 0) {
			dot = true;
			hi = v;
			v = 0;
			digits = 0;
			continue;
		}
		if (!ascii_is_digit(buf[i]) || ++digits > 10) {
			err_set(why, whylen, "bad AS number");
			return PEIL_EINVAL;
		}
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (digits == 0) {
		err_set(why, whylen, "bad AS number");
		return PEIL_EINVAL;
	}
	if (dot) {
		if (hi > 65535 || v > 65535) {
			err_set(why, whylen, "AS number over 65535.65535");
			return PEIL_EINVAL;
		}
		v = hi << 16 | v;
	}
	if (v > UINT32_MAX) {
		err_set(why, whylen, "AS number over 4294967295");
		return PEIL_EINVAL;
	}
	*as = (uint32_t)v;
	return 0;
}

/* "ADDR" and "LEN" fields into a prefix. */
static int
pfx2as_prefix2(const uint8_t *a, size_t alen, const uint8_t *l, size_t llen,
    struct ipprefix *p, char *why, size_t whylen)
{
	char tmp[96];

	if (alen + 1 + llen > sizeof(tmp)) {
		err_set(why, whylen, "not a prefix");
		return PEIL_EINVAL;
	}
	memcpy(tmp, a, alen);
	tmp[alen] = '/';
	memcpy(tmp + alen + 1, l, llen);
	return ipprefix_parse(tmp, alen + 1 + llen, false, p, why, whylen);
}

/* CAIDA: PREFIX LEN ASN, separated by tabs (or spaces); ASN a list joined by '_' and ','. */
static int
pfx2as_caida(const uint8_t *buf, size_t len, struct pfx2as_route *out, char *why,
    size_t whylen)
{
	size_t f[3][2], nf = 0, i = 0;

	while (i < len) {
		i = ascii_skip_wsp(buf, i, len);
		if (i == len)
			break;
		if (nf == 3) {
			err_set(why, whylen, "more than 3 fields");
			return PEIL_EINVAL;
		}
		f[nf][0] = i;
		while (i < len && !ascii_is_wsp(buf[i]))
			i++;
		f[nf++][1] = i;
	}
	if (nf != 3) {
		err_set(why, whylen, "%zu fields, not 3 (prefix, length, AS)", nf);
		return PEIL_EINVAL;
	}
	if (pfx2as_prefix2(buf + f[0][0], f[0][1] - f[0][0], buf + f[1][0], f[1][1] - f[1][0],
	    &out->prefix, why, whylen) != 0)
		return PEIL_EINVAL;
	/* Origins separated by '_'; one of several ASes separated by ',' is an AS set, whose
	 * origin is NONE (RFC 6811 2.): origin 0, which no VRP matches. */
	for (size_t g = f[2][0], ge; g <= f[2][1]; g = ge + 1) {
		size_t members = 0;
		uint32_t as = 0;

		ge = g;
		while (ge < f[2][1] && buf[ge] != '_')
			ge++;
		for (size_t s = g, e; s <= ge; s = e + 1) {
			e = s;
			while (e < ge && buf[e] != ',')
				e++;
			if (pfx2as_asn(buf, s, e, &as, why, whylen) != 0)
				return PEIL_EINVAL;
			members++;
		}
		pfx2as_add_origin(out, members == 1 ? as : PFX2AS_ORIGIN_NONE);
	}
	return 0;
}

/* The origins an AS path (bgpdump's text: "64496 64497 {64498,64499}", confederation
 * segments in () and []) gives: the last AS of a final sequence, NONE for a final set;
 * none for an empty path or a final confederation segment (*speaker set: the caller uses the
 * peer's AS). */
static int
pfx2as_path(const uint8_t *buf, size_t s, size_t e, struct pfx2as_route *out, bool *speaker,
    char *why, size_t whylen)
{
	size_t last_s = 0, last_e = 0;   /* the final segment's text */
	char last = 0;                   /* 0 none, 'q' sequence, '{' set, '(' or '[' confed */
	uint32_t as;

	while (s < e) {
		if (buf[s] == ' ') {
			s++;
			continue;
		}
		if (buf[s] == '{' || buf[s] == '(' || buf[s] == '[') {
			uint8_t close = buf[s] == '{' ? '}' : buf[s] == '(' ? ')' : ']';
			size_t c = s + 1;
			size_t n = 0;

			while (c < e && buf[c] != close)
				c++;
			if (c == e) {
				err_set(why, whylen, "AS path: unclosed '%c'", buf[s]);
				return PEIL_EINVAL;
			}
			/* check every member now: a bad one is an error wherever it is */
			for (size_t a = s + 1, b; a < c; a = b + 1) {
				b = a;
				while (b < c && buf[b] != ',' && buf[b] != ' ')
					b++;
				if (b == a)
					continue;
				if (pfx2as_asn(buf, a, b, &as, why, whylen) != 0)
					return PEIL_EINVAL;
				n++;
			}
			if (n == 0) {
				err_set(why, whylen, "AS path: empty segment");
				return PEIL_EINVAL;
			}
			last = (char)buf[s];
			last_s = s + 1;
			last_e = c;
			s = c + 1;
			continue;
		}
		size_t b = s;

		while (b < e && buf[b] != ' ')
			b++;
		if (pfx2as_asn(buf, s, b, &as, why, whylen) != 0)
			return PEIL_EINVAL;
		last = 'q';
		last_s = s;
		last_e = b;
		s = b;
	}
	*speaker = last == 0 || last == '(' || last == '[';
	if (last == 'q') {
		(void)pfx2as_asn(buf, last_s, last_e, &as, NULL, 0);
		pfx2as_add_origin(out, as);
	} else if (last == '{') {
		pfx2as_add_origin(out, PFX2AS_ORIGIN_NONE);   /* a final AS_SET: RFC 6811 2. */
	}
	return 0;
}

/* bgpdump -m: TYPE|TIME|B|PEER_IP|PEER_AS|PREFIX|PATH|ORIGIN|... */
static int
pfx2as_bgpdump(const uint8_t *buf, size_t len, enum pfx2as_line *kind,
    struct pfx2as_route *out, char *why, size_t whylen)
{
	size_t f[8][2], nf = 0, s = 0;
	uint32_t peer_as;
	bool speaker = false;

	for (;;) {
		const uint8_t *bar = memchr(buf + s, '|', len - s);
		size_t e = bar != NULL ? (size_t)(bar - buf) : len;

		f[nf][0] = s;
		f[nf++][1] = e;
		if (bar == NULL || nf == 8)
			break;
		s = e + 1;
	}
	if (ascii_word_is(buf, f[0][0], f[0][1], "bgp4mp") ||
	    ascii_word_is(buf, f[0][0], f[0][1], "bgp4mp_et")) {
		*kind = PFX2AS_LINE_SKIP;   /* updates and state changes: not a table */
		return 0;
	}
	if (!ascii_word_is(buf, f[0][0], f[0][1], "table_dump2") &&
	    !ascii_word_is(buf, f[0][0], f[0][1], "table_dump")) {
		err_set(why, whylen, "not a bgpdump -m line (TABLE_DUMP2|...)");
		return PEIL_EINVAL;
	}
	if (nf < 7) {
		err_set(why, whylen, "%zu fields, fewer than 7", nf);
		return PEIL_EINVAL;
	}
	if (f[2][1] - f[2][0] != 1 || buf[f[2][0]] != 'B') {
		err_set(why, whylen, "not a RIB entry (field 3 is not B)");
		return PEIL_EINVAL;
	}
	if (pfx2as_asn(buf, f[4][0], f[4][1], &peer_as, why, whylen) != 0)
		return PEIL_EINVAL;
	if (ipprefix_parse((const char *)buf + f[5][0], f[5][1] - f[5][0], false, &out->prefix,
	    why, whylen) != 0)
		return PEIL_EINVAL;
	if (pfx2as_path(buf, f[6][0], f[6][1], out, &speaker, why, whylen) != 0)
		return PEIL_EINVAL;
	if (speaker)
		pfx2as_add_origin(out, peer_as);
	*kind = PFX2AS_LINE_ROUTE;
	return 0;
}

int
pfx2as_parse_line(enum pfx2as_kind k, const uint8_t *buf, size_t len,
    enum pfx2as_line *kind, struct pfx2as_route *out, char *why, size_t whylen)
{
	size_t s;

	memset(out, 0, sizeof(*out));
	*kind = PFX2AS_LINE_SKIP;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (len > MAX_ROUTE_LINE) {
		err_set(why, whylen, "line longer than %d bytes", MAX_ROUTE_LINE);
		return PEIL_EINVAL;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	s = ascii_skip_wsp(buf, 0, len);
	if (s == len || buf[s] == '#')
		return 0;
	if (k == PFX2AS_BGPDUMP) {
		if (pfx2as_bgpdump(buf, len, kind, out, why, whylen) != 0)
			goto bad;
		return 0;
	}
	if (pfx2as_caida(buf, len, out, why, whylen) != 0)
		goto bad;
	*kind = PFX2AS_LINE_ROUTE;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	*kind = PFX2AS_LINE_SKIP;
	return PEIL_EINVAL;
}

int
pfx2as_parse(enum pfx2as_kind k, const uint8_t *buf, size_t len, pfx2as_cb cb, void *arg,
    size_t *line, char *why, size_t whylen)
{
	struct pfx2as_route r;
	size_t s = 0;
	int rc;

	*line = 0;
	while (s < len) {
		const uint8_t *nl = memchr(buf + s, '\n', len - s);
		size_t e = nl != NULL ? (size_t)(nl - buf) : len;
		enum pfx2as_line kind;

		(*line)++;
		rc = pfx2as_parse_line(k, buf + s, e - s, &kind, &r, why, whylen);
		if (rc != 0)
			return rc;
		if (kind == PFX2AS_LINE_ROUTE && (rc = cb(arg, &r)) != 0)
			return rc;
		s = e + 1;
	}
	return 0;
}
