/* csp.c: Content-Security-Policy parser (CSP Level 3 2.2.1, 2.2.2) and internet.nl's verdict
 * (checks/tasks/http_headers.py HeaderCheckerContentSecurityPolicy, internet.nl 1.7+). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "csp.h"
#include "err.h"
#include "limits.h"

static const char *const csp_reason_names[] = {
	"ok", "too-long", "too-many-policies", "too-many-directives", "too-many-sources",
};

static const char *const csp_dirflag_names[] = {
	"ok", "duplicate", "non-ascii", "invalid-name",
};

static const char *const csp_fail_names[] = {
	"has-unsafe-inline", "has-unsafe-eval", "has-http", "has-bare-https",
	"has-host-without-scheme", "has-data", "has-invalid-host", "has-unsafe-hashes",
	"missing-invalid-default-src", "missing-invalid-frame-src",
	"missing-invalid-frame-ancestors", "missing-invalid-base-uri",
	"missing-invalid-form-action",
};

const char *
csp_reason_name(enum csp_reason r)
{
	if ((size_t)r >= sizeof(csp_reason_names) / sizeof(csp_reason_names[0]))
		return "?";
	return csp_reason_names[r];
}

const char *
csp_dirflag_name(enum csp_dirflag f)
{
	if ((size_t)f >= sizeof(csp_dirflag_names) / sizeof(csp_dirflag_names[0]))
		return "?";
	return csp_dirflag_names[f];
}

const char *
csp_fail_name(enum csp_fail f)
{
	if ((size_t)f >= sizeof(csp_fail_names) / sizeof(csp_fail_names[0]))
		return "?";
	return csp_fail_names[f];
}

const char *
csp_inl_name(enum csp_inl v)
{
	switch (v) {
	case CSP_INL_GOOD: return "good";
	case CSP_INL_NONE: return "none";
	case CSP_INL_BAD: break;
	}
	return "bad";
}

/* ASCII whitespace (Infra): TAB, LF, FF, CR, SPACE. */
static bool
csp_ws(uint8_t c)
{
	return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool
csp_namechar(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '-';
}

static uint8_t
csp_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of two byte strings. */
static bool
csp_ieq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t k = 0; k < an; k++)
		if (csp_lower(a[k]) != csp_lower(b[k]))
			return false;
	return true;
}

static int
csp_fail(enum csp_reason r, enum csp_reason *rp, const char *what, size_t off, char *why,
    size_t whylen)
{
	if (rp != NULL)
		*rp = r;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s: %s (offset %zu)", csp_reason_name(r), what, off);
	return PEIL_ETOOBIG;
}

/* One directive token [s, e) (trimmed, not empty) of policy p. */
static int
csp_directive(struct csp_list *l, size_t s, size_t e, enum csp_reason *reason, char *why,
    size_t whylen)
{
	const uint8_t *t = l->text;
	struct csp_policy *p = &l->policies[l->npolicies];
	struct csp_directive *d;
	size_t i = s, ns, k;
	bool nonascii = false, goodname = true;

	if (p->ndir == MAX_CSP_DIRECTIVES)
		return csp_fail(CSP_R_TOO_MANY_DIRECTIVES, reason, "too many directives in a policy",
		    s, why, whylen);
	d = &l->dirs[l->ndirs];
	memset(d, 0, sizeof(*d));
	for (k = s; k < e; k++)
		if (t[k] >= 0x80)
			nonascii = true;
	ns = i;
	while (i < e && !csp_ws(t[i])) {
		goodname = goodname && csp_namechar(t[i]);
		i++;
	}
	d->name_off = (uint32_t)ns;
	d->name_len = (uint32_t)(i - ns);
	for (k = 0; k < i - ns && k < MAX_CSP_NAME_LEN; k++) {
		uint8_t c = csp_lower(t[ns + k]);

		d->name[k] = c >= 0x21 && c <= 0x7e ? (char)c : '?';
	}
	d->name[k] = '\0';
	d->policy = l->npolicies;
	d->first_src = l->nsrc;
	if (nonascii) {
		d->flag = CSP_D_NON_ASCII;
		p->nnon_ascii++;
		l->nnon_ascii++;
	} else if (!goodname) {
		d->flag = CSP_D_INVALID_NAME;
		p->ninvalid_name++;
		l->ninvalid_name++;
	} else {
		for (k = p->first_dir; k < l->ndirs; k++) {
			const struct csp_directive *o = &l->dirs[k];

			if ((o->flag == CSP_D_OK || o->flag == CSP_D_INVALID_NAME) &&
			    csp_ieq(t + o->name_off, o->name_len, t + ns, i - ns)) {
				d->flag = CSP_D_DUPLICATE;
				p->nduplicate++;
				l->nduplicate++;
				break;
			}
		}
	}
	for (;;) {
		size_t vs;

		while (i < e && csp_ws(t[i]))
			i++;
		if (i == e)
			break;
		vs = i;
		while (i < e && !csp_ws(t[i]))
			i++;
		if (d->nsrc == MAX_CSP_SOURCES)
			return csp_fail(CSP_R_TOO_MANY_SOURCES, reason, "too many sources in a directive",
			    vs, why, whylen);
		if (l->nsrc == MAX_CSP_SOURCES_TOTAL)
			return csp_fail(CSP_R_TOO_MANY_SOURCES, reason, "too many sources in all", vs,
			    why, whylen);
		l->src[l->nsrc].off = (uint32_t)vs;
		l->src[l->nsrc].len = (uint32_t)(i - vs);
		l->nsrc++;
		d->nsrc++;
	}
	l->ndirs++;
	p->ndir++;
	return 0;
}

int
csp_parse(const uint8_t *buf, size_t len, struct csp_list **out, enum csp_reason *reason,
    char *why, size_t whylen)
{
	struct csp_list *l = NULL;
	size_t i = 0;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (reason != NULL)
		*reason = CSP_R_OK;
	if (out == NULL)
		return PEIL_EINVAL;
	*out = NULL;
	if (buf == NULL && len > 0)
		return PEIL_EINVAL;
	if (len > MAX_CSP_BYTES)
		return csp_fail(CSP_R_TOO_LONG, reason, "value over MAX_CSP_BYTES", MAX_CSP_BYTES, why,
		    whylen);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return PEIL_ENOMEM;
	if (len > 0)
		memcpy(l->text, buf, len);
	l->len = len;
	/* 2.2.2: each ','-separated value is a policy; 2.2.1: strictly split on ';' */
	for (;;) {
		size_t ps = i, pe;
		struct csp_policy *p;
		bool started = false;

		while (i < len && l->text[i] != ',')
			i++;
		pe = i;
		for (size_t j = ps; j <= pe;) {
			size_t ts = j, te;

			while (j < pe && l->text[j] != ';')
				j++;
			te = j;
			j++;
			while (ts < te && csp_ws(l->text[ts]))
				ts++;
			while (te > ts && csp_ws(l->text[te - 1]))
				te--;
			if (ts == te)
				continue;
			if (!started) {
				if (l->npolicies == MAX_CSP_POLICIES) {
					rc = csp_fail(CSP_R_TOO_MANY_POLICIES, reason, "too many policies",
					    ts, why, whylen);
					goto out;
				}
				p = &l->policies[l->npolicies];
				memset(p, 0, sizeof(*p));
				p->first_dir = l->ndirs;
				started = true;
			}
			if ((rc = csp_directive(l, ts, te, reason, why, whylen)) != 0)
				goto out;
		}
		if (started)
			l->npolicies++;
		else
			l->nempty++;
		if (i >= len)
			break;
		i++; /* ',' */
	}
	*out = l;
	l = NULL;
	rc = 0;
out:
	free(l);
	return rc;
}

void
csp_free(struct csp_list *l)
{
	free(l);
}

const struct csp_directive *
csp_find(const struct csp_list *l, size_t p, const char *name)
{
	if (l == NULL || p >= l->npolicies || name == NULL)
		return NULL;
	for (size_t k = 0; k < l->policies[p].ndir; k++) {
		const struct csp_directive *d = &l->dirs[l->policies[p].first_dir + k];

		if (d->flag == CSP_D_OK && bytes_ieq(l->text + d->name_off, d->name_len, name))
			return d;
	}
	return NULL;
}

/* ---- internet.nl's verdict ---- */

/* The value patterns internet.nl tries, in order, per directive. */
enum csp_set {
	SET_IGNORED,                  /* not judged (unknown, or patterns without groups) */
	SET_A,                        /* host, scheme, other */
	SET_B,                        /* host, scheme, other, 'strict-dynamic', 'report-sample' */
	SET_C,                        /* host, scheme, other, 'report-sample' */
	SET_FA,                       /* host, scheme, 'self' / 'none' exactly */
};

static const struct {
	const char *name;
	enum csp_set set;
} csp_table[] = {
	{ "child-src", SET_B }, { "connect-src", SET_A }, { "default-src", SET_A },
	{ "font-src", SET_A }, { "frame-src", SET_A }, { "img-src", SET_B },
	{ "manifest-src", SET_A }, { "media-src", SET_A }, { "object-src", SET_A },
	{ "prefetch-src", SET_A }, { "script-src", SET_B }, { "script-src-elem", SET_B },
	{ "script-src-attr", SET_B }, { "style-src", SET_A }, { "style-src-elem", SET_C },
	{ "style-src-attr", SET_C }, { "worker-src", SET_A }, { "base-uri", SET_B },
	{ "form-action", SET_B }, { "frame-ancestors", SET_FA }, { "navigate-to", SET_B },
	/* plugin-types, sandbox, report-to, trusted-types, block-all-mixed-content and
	 * upgrade-insecure-requests: their patterns have none of the groups judged */
};

enum csp_kind { K_NONE, K_HOST, K_SCHEME, K_KEYWORD, K_STRICT_DYNAMIC, K_REPORT_SAMPLE };
enum csp_kw { KW_SELF, KW_UNSAFE_EVAL, KW_UNSAFE_HASHES, KW_UNSAFE_INLINE, KW_NONE, KW_NONCE };

/* What a value matched: internet.nl's regex groups. */
struct csp_match {
	enum csp_kind kind;
	bool has_scheme;              /* K_HOST: "scheme://" present */
	const uint8_t *scheme, *host, *scheme_src;
	size_t scheme_n, host_n, scheme_src_n;
	enum csp_kw kw;
};

static enum csp_set
csp_set_of(const struct csp_directive *d)
{
	if (d->name_len > MAX_CSP_NAME_LEN)
		return SET_IGNORED;
	for (size_t k = 0; k < sizeof(csp_table) / sizeof(csp_table[0]); k++)
		if (strcmp(csp_table[k].name, d->name) == 0)
			return csp_table[k].set;
	return SET_IGNORED;
}

/* (?::(?P<port>\d+|\*))?(?P<path>\/.*)?$ */
static bool
csp_host_tail(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (i < n && p[i] == ':') {
		i++;
		if (i < n && p[i] == '*') {
			i++;
		} else {
			size_t ds = i;

			while (i < n && p[i] >= '0' && p[i] <= '9')
				i++;
			if (i == ds)
				return false;
		}
	}
	return i == n || p[i] == '/';
}

/* (?P<host>[^:/']+|\[.+\]) followed by the tail, from p (n bytes). close is the offset in p
 * of the last ']' that a tail follows (SIZE_MAX: none): the greedy .+ of \[.+\] ends there. */
static bool
csp_host_rest(const uint8_t *p, size_t n, size_t close, struct csp_match *m)
{
	size_t i = 0;

	while (i < n && p[i] != ':' && p[i] != '/' && p[i] != '\'')
		i++;
	if (i > 0 && csp_host_tail(p + i, n - i)) {
		m->host = p;
		m->host_n = i;
		return true;
	}
	if (n >= 3 && p[0] == '[' && close != SIZE_MAX && close >= 2 && close < n) {
		m->host = p;
		m->host_n = close + 1;
		return true;
	}
	return false;
}

/* ^(?:(?P<scheme>.+)://)?host...$: the greedy scheme takes the last "://" that works. Linear:
 * the last ']' with a valid tail is found once. */
static bool
csp_host_source(const uint8_t *p, size_t n, struct csp_match *m)
{
	size_t close = SIZE_MAX;

	for (size_t j = n; j-- > 0;)
		if (p[j] == ']' && csp_host_tail(p + j + 1, n - j - 1)) {
			close = j;
			break;
		}
	for (size_t i = n >= 3 ? n - 3 : 0; n >= 4 && i >= 1; i--) {
		if (p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/' &&
		    csp_host_rest(p + i + 3, n - i - 3, close != SIZE_MAX && close >= i + 3 ?
		    close - i - 3 : SIZE_MAX, m)) {
			m->kind = K_HOST;
			m->has_scheme = true;
			m->scheme = p;
			m->scheme_n = i;
			return true;
		}
	}
	if (csp_host_rest(p, n, close, m)) {
		m->kind = K_HOST;
		m->has_scheme = false;
		return true;
	}
	return false;
}

static bool
csp_prefix(const uint8_t *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && csp_ieq(p, k, (const uint8_t *)lit, k);
}

static bool
csp_b64(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '+' || c == '/';
}

/* '<prefix>[+a-zA-Z0-9/]+=*' at the start of p. */
static bool
csp_b64_source(const uint8_t *p, size_t n, const char *prefix)
{
	size_t i = strlen(prefix), s;

	if (!csp_prefix(p, n, prefix))
		return false;
	s = i;
	while (i < n && csp_b64(p[i]))
		i++;
	if (i == s)
		return false;
	while (i < n && p[i] == '=')
		i++;
	return i < n && p[i] == '\'';
}

/* Keywords, schemes and hashes compare ASCII case-insensitively (CSP3 2.3.1); internet.nl's
 * patterns are case-sensitive (see docs/parity.md). */
static void
csp_match(enum csp_set set, const uint8_t *p, size_t n, struct csp_match *m)
{
	static const char *const schemes[] = { "https:", "http:", "data:", "mediastream:",
	    "blob:", "filesystem:" };
	static const struct {
		const char *lit;
		enum csp_kw kw;
	} kws[] = {
		{ "'self'", KW_SELF }, { "'unsafe-eval'", KW_UNSAFE_EVAL },
		{ "'unsafe-hashes'", KW_UNSAFE_HASHES }, { "'unsafe-inline'", KW_UNSAFE_INLINE },
		{ "'none'", KW_NONE },
	};
	size_t k;

	memset(m, 0, sizeof(*m));
	m->kind = K_NONE;
	if (set == SET_IGNORED)
		return;
	if (csp_host_source(p, n, m))
		return;
	for (k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		if (bytes_ieq(p, n, schemes[k])) {
			m->kind = K_SCHEME;
			m->scheme_src = p;
			m->scheme_src_n = n - 1;
			return;
		}
	if (set == SET_FA) {
		if (bytes_ieq(p, n, "'self'") || bytes_ieq(p, n, "'none'")) {
			m->kind = K_KEYWORD;
			m->kw = csp_lower(p[1]) == 's' ? KW_SELF : KW_NONE;
		}
		return;
	}
	for (k = 0; k < sizeof(kws) / sizeof(kws[0]); k++)
		if (csp_prefix(p, n, kws[k].lit)) {
			m->kind = K_KEYWORD;
			m->kw = kws[k].kw;
			return;
		}
	if (csp_b64_source(p, n, "'nonce-") || csp_b64_source(p, n, "'sha256-") ||
	    csp_b64_source(p, n, "'sha384-") || csp_b64_source(p, n, "'sha512-")) {
		m->kind = K_KEYWORD;
		m->kw = KW_NONCE;
		return;
	}
	if (set == SET_B && csp_prefix(p, n, "'strict-dynamic'")) {
		m->kind = K_STRICT_DYNAMIC;
		return;
	}
	if ((set == SET_B || set == SET_C) && csp_prefix(p, n, "'report-sample'"))
		m->kind = K_REPORT_SAMPLE;
}

/* A cursor over every judged value of the list, or of the directives named `name` only. */
struct csp_it {
	const struct csp_list *l;
	const char *name;             /* NULL: every judged directive */
	size_t d, s;                  /* next directive, next source in it */
	const struct csp_directive *dir;
	const struct csp_source *src;
	struct csp_match m;
};

static void
csp_it_init(struct csp_it *it, const struct csp_list *l, const char *name)
{
	memset(it, 0, sizeof(*it));
	it->l = l;
	it->name = name;
}

/* Advances to the next value that matched a pattern; false at the end. */
static bool
csp_it_next(struct csp_it *it)
{
	const struct csp_list *l = it->l;

	while (it->d < l->ndirs) {
		const struct csp_directive *d = &l->dirs[it->d];
		enum csp_set set = csp_set_of(d);

		if (set == SET_IGNORED || (it->name != NULL && strcmp(d->name, it->name) != 0) ||
		    it->s >= d->nsrc) {
			it->d++;
			it->s = 0;
			continue;
		}
		it->dir = d;
		it->src = &l->src[d->first_src + it->s++];
		csp_match(set, l->text + it->src->off, it->src->len, &it->m);
		if (it->m.kind != K_NONE)
			return true;
	}
	return false;
}

/* True when `name` has a value that matched (internet.nl's "directive in parsed"). */
static bool
csp_present(const struct csp_list *l, const char *name)
{
	struct csp_it it;

	csp_it_init(&it, l, name);
	return csp_it_next(&it);
}

static void
csp_reason(struct csp_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
csp_reason(struct csp_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->nreasons++;
	if (v->nkept == MAX_CSP_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nkept++], MAX_CSP_REASON_LEN, fmt, ap);
	va_end(ap);
}

/* Records failure f, once, naming the directive and source (it may be NULL: none). */
static void
csp_failed(struct csp_verdict *v, enum csp_fail f, const struct csp_list *l,
    const struct csp_directive *d, const struct csp_source *s, const char *what)
{
	char src[MAX_CSP_REASON_SRC + 4];
	size_t k = 0;

	if (v->fails & (1u << f))
		return;
	v->fails |= 1u << f;
	if (d == NULL) {
		csp_reason(v, "%s: %s", csp_fail_name(f), what);
		return;
	}
	if (s != NULL) {
		for (k = 0; k < s->len && k < MAX_CSP_REASON_SRC; k++) {
			uint8_t c = l->text[s->off + k];

			src[k] = c >= 0x21 && c <= 0x7e ? (char)c : '?';
		}
		if (k < s->len) {
			memcpy(src + k, "...", 3);
			k += 3;
		}
	}
	src[k] = '\0';
	csp_reason(v, "%s: %s%s%s (policy %zu)%s%s", csp_fail_name(f), d->name, s != NULL ? " " : "",
	    src, d->policy + 1, what[0] != '\0' ? ": " : "", what);
}

/* Suffix, ASCII case-insensitive. */
static bool
csp_iendswith(const uint8_t *s, size_t n, const uint8_t *suf, size_t sn)
{
	return n >= sn && csp_ieq(s + n - sn, sn, suf, sn);
}

/* internet.nl's _check_none_self_similar: 'none' alone; or 'self' with, besides
 * 'report-sample', only hosts that are the domain, a subdomain of it, a "*." parent of it,
 * all ending in the shortest of them. Suffixes are compared as strings, as internet.nl does. */
static void
csp_none_self_similar(struct csp_verdict *v, const struct csp_list *l, const char *domain,
    const char *name, enum csp_fail f)
{
	const uint8_t *dom = (const uint8_t *)domain;
	size_t dn = strlen(domain), expected = 0, total = 0, matched = 0, nhosts = 0;
	bool found_self = false, found_none = false;
	const uint8_t *base = NULL;
	size_t base_n = 0;
	const struct csp_directive *first = NULL, *odd_d = NULL;
	const struct csp_source *odd_s = NULL;
	struct csp_it it;

	while (dn > 0 && dom[dn - 1] == '.')
		dn--;
	csp_it_init(&it, l, name);
	while (csp_it_next(&it)) {
		const struct csp_match *m = &it.m;

		if (first == NULL)
			first = it.dir;
		total++;
		if (m->kind == K_KEYWORD && m->kw == KW_SELF) {
			expected++;
			found_self = true;
		} else if (m->kind == K_REPORT_SAMPLE) {
			expected++;
		} else if (m->kind == K_HOST) {
			const uint8_t *h = m->host;
			size_t hn = m->host_n;

			expected++;
			while (hn > 0 && h[hn - 1] == '.')
				hn--;
			nhosts++;
			if (base == NULL || hn < base_n) {
				base = h;
				base_n = hn;
			}
			if (csp_ieq(dom, dn, h, hn)) {
				matched++;
			} else if (hn >= 2 && h[0] == '*' && h[1] == '.') {
				if (hn == 2 || !csp_iendswith(dom, dn, h + 2, hn - 2)) {
					csp_failed(v, f, l, it.dir, it.src, "a wildcard not above the domain");
					return;
				}
				matched++;
			} else {
				if (!csp_iendswith(h, hn, dom, dn)) {
					csp_failed(v, f, l, it.dir, it.src, "a host outside the domain");
					return;
				}
				matched++;
			}
		} else if (m->kind == K_KEYWORD && m->kw == KW_NONE) {
			found_none = true;
			if (odd_d == NULL) {
				odd_d = it.dir;
				odd_s = it.src;
			}
		} else if (odd_d == NULL) {
			odd_d = it.dir;
			odd_s = it.src;
		}
	}
	if (found_none && !found_self && expected == 0)
		return;
	if (first == NULL) {
		char what[64];

		snprintf(what, sizeof(what), "no %s", name);
		csp_failed(v, f, l, NULL, NULL, what);
		return;
	}
	if (!found_self) {
		csp_failed(v, f, l, first, NULL, "neither 'self' nor 'none' alone");
		return;
	}
	if (nhosts > 0) {
		/* every host ends in the shortest (internet.nl's min(found_hosts, key=len)) */
		csp_it_init(&it, l, name);
		while (csp_it_next(&it)) {
			size_t hn = it.m.host_n;

			if (it.m.kind != K_HOST)
				continue;
			while (hn > 0 && it.m.host[hn - 1] == '.')
				hn--;
			if (!csp_iendswith(it.m.host, hn, base, base_n)) {
				csp_failed(v, f, l, it.dir, it.src, "hosts of different domains");
				return;
			}
		}
		if (matched == 0) {
			csp_failed(v, f, l, first, NULL, "no host of the domain");
			return;
		}
	}
	if (expected != total)
		csp_failed(v, f, l, odd_d, odd_s, "a source other than 'self', 'report-sample' or a "
		    "host of the domain");
}

/* True when `name` has 'self', 'none' (or a host, if hosts count) among its values; the first
 * directive of that name in *d for the reason. */
static bool
csp_has_self_none(const struct csp_list *l, const char *name, bool hosts,
    const struct csp_directive **d)
{
	struct csp_it it;

	*d = NULL;
	csp_it_init(&it, l, name);
	while (csp_it_next(&it)) {
		if (*d == NULL)
			*d = it.dir;
		if ((it.m.kind == K_KEYWORD && (it.m.kw == KW_SELF || it.m.kw == KW_NONE)) ||
		    (hosts && it.m.kind == K_HOST))
			return true;
	}
	return false;
}

static void
csp_missing(struct csp_verdict *v, const struct csp_list *l, enum csp_fail f, const char *name,
    const struct csp_directive *d, const char *what)
{
	char buf[64];

	if (d == NULL) {
		snprintf(buf, sizeof(buf), "no %s", name);
		csp_failed(v, f, l, NULL, NULL, buf);
	} else {
		csp_failed(v, f, l, d, NULL, what);
	}
}

void
csp_inl_verdict(const struct csp_list *l, const char *domain, struct csp_verdict *v)
{
	const struct csp_directive *d;
	struct csp_it it;
	const char *fs;

	if (v == NULL)
		return;
	memset(v, 0, sizeof(*v));
	if (l == NULL) {
		v->inl = CSP_INL_NONE;
		csp_reason(v, "no Content-Security-Policy");
		return;
	}
	if (domain == NULL)
		domain = "";
	/* checks over every judged value, in internet.nl's order */
	csp_it_init(&it, l, NULL);
	while (csp_it_next(&it)) {
		const struct csp_match *m = &it.m;

		if (m->kind == K_KEYWORD && m->kw == KW_UNSAFE_INLINE)
			csp_failed(v, CSP_F_UNSAFE_INLINE, l, it.dir, it.src, "");
		if (m->kind == K_KEYWORD && m->kw == KW_UNSAFE_EVAL)
			csp_failed(v, CSP_F_UNSAFE_EVAL, l, it.dir, it.src, "");
		if ((m->kind == K_HOST && m->has_scheme && (bytes_ieq(m->scheme, m->scheme_n, "http") ||
		    bytes_ieq(m->scheme, m->scheme_n, "*"))) ||
		    (m->kind == K_SCHEME && bytes_ieq(m->scheme_src, m->scheme_src_n, "http")))
			csp_failed(v, CSP_F_HTTP, l, it.dir, it.src, "");
		if (m->kind == K_SCHEME && bytes_ieq(m->scheme_src, m->scheme_src_n, "https"))
			csp_failed(v, CSP_F_BARE_HTTPS, l, it.dir, it.src, "any HTTPS host");
		if (m->kind == K_HOST && !m->has_scheme)
			csp_failed(v, CSP_F_HOST_WITHOUT_SCHEME, l, it.dir, it.src, "");
		if (m->kind == K_HOST && (bytes_ieq(m->host, m->host_n, "*") ||
		    bytes_ieq(m->host, m->host_n, "127.0.0.1")))
			csp_failed(v, CSP_F_INVALID_HOST, l, it.dir, it.src, "");
		if (m->kind == K_KEYWORD && m->kw == KW_UNSAFE_HASHES)
			csp_failed(v, CSP_F_UNSAFE_HASHES, l, it.dir, it.src, "");
	}
	/* data: in object-src and script-src, each falling back to default-src */
	{
		const char *const dirs[] = { "object-src", "script-src" };

		for (size_t k = 0; k < 2; k++) {
			const char *name = csp_present(l, dirs[k]) ? dirs[k] :
			    csp_present(l, "default-src") ? "default-src" : NULL;

			if (name == NULL)
				continue;
			csp_it_init(&it, l, name);
			while (csp_it_next(&it))
				if (it.m.kind == K_SCHEME &&
				    bytes_ieq(it.m.scheme_src, it.m.scheme_src_n, "data"))
					csp_failed(v, CSP_F_DATA, l, it.dir, it.src, name == dirs[k] ?
					    "" : k == 0 ? "the fallback of object-src" :
					    "the fallback of script-src");
		}
	}
	if (!csp_has_self_none(l, "form-action", true, &d))
		csp_missing(v, l, CSP_F_FORM_ACTION, "form-action", d,
		    "neither 'self', 'none' nor a host");
	csp_none_self_similar(v, l, domain, "base-uri", CSP_F_BASE_URI);
	csp_none_self_similar(v, l, domain, "default-src", CSP_F_DEFAULT_SRC);
	if (v->fails & (1u << CSP_F_DEFAULT_SRC)) {
		fs = csp_present(l, "frame-src") ? "frame-src" :
		    csp_present(l, "child-src") ? "child-src" : "default-src";
		if (!csp_has_self_none(l, fs, true, &d))
			csp_missing(v, l, CSP_F_FRAME_SRC, fs, d, "neither 'self', 'none' nor a host");
	}
	if (!csp_has_self_none(l, "frame-ancestors", false, &d))
		csp_missing(v, l, CSP_F_FRAME_ANCESTORS, "frame-ancestors", d,
		    "neither 'self' nor 'none'");
	v->inl = v->fails != 0 ? CSP_INL_BAD : CSP_INL_GOOD;
}
