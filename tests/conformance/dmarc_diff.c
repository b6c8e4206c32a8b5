/* dmarc_diff.c: peil's DMARC record parser against libopendmarc's, on the records of
 * test_dmarc.c's vectors and more. libopendmarc is a receiver, so peil's receiver view is
 * compared: dmarc_parse_rfc9989, which keeps a record and discards a malformed tag (peil's
 * RFC 7489 checker, dmarc_parse, refuses such records as the publisher's error; the count
 * of those is printed too). Compared: whether the record is taken at all, and when both
 * take it p, sp and pct. Every disagreement must be listed in `judged` with the RFC's
 * verdict; an unlisted one, or a listed one that no longer disagrees, fails the test. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <opendmarc/dmarc.h>

#include "dmarc.h"
#include "dmarc_vectors.h"

/* Records beyond test_dmarc.c's vectors: the shapes seen in the wild and at the edges. */
static const char *const more[] = {
	"v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r",
	"v=DMARC1; p=none; rua=mailto:a@example.com; ruf=mailto:b@example.com; fo=1; ri=3600",
	"v=DMARC1; p=quarantine; pct=0",
	"v=DMARC1; p=reject; pct=100;",
	"v=DMARC1;p=none;sp=reject",
	"v=DMARC1; p=REJECT",
	"v=DMARC1; p=none; rf=afrf",
	"v=DMARC1; p=none; np=reject; psd=n; t=y",
	"v=DMARC1 ; p=none",
	"v=DMARC1 p=none",
	"v=DMARC1; p=none p=reject",
	"v=DMARC1; p=none; pct=50%",
	"v=DMARC1; p=none; sp=reject; sp=none",
	"v=DMARC1; pct=50",
	"v=DMARC1; p=quarantine; rua=mailto:a@example.com!1g",
	"V=DMARC1; p=none",
	"v=DMARC1; p=none;;",
	"v=DMARC1; p=none; foo",
};

/* Why peil's verdict is the RFC's, by kind of disagreement. */
#define J_NO_P "no valid p: RFC 9989 4.7 takes it as p=none (RFC 7489 6.6.3 too when a rua " \
	"is valid); libopendmarc 1.4 requires p and refuses the record"
#define J_DISCARD "a malformed tag other than v: RFC 9989 4.8 (and RFC 7489 6.3: \"SHOULD be " \
	"discarded in favor of default values\") keeps the record with that tag's default; " \
	"libopendmarc refuses the whole record"
#define J_VALUE "a value outside the ABNF (pct = 1*3DIGIT 0..100; p is none, quarantine or " \
	"reject): discarded for the default (RFC 9989 4.8); libopendmarc reads a number or " \
	"word out of it"
#define J_RF "rf = Keyword *(\":\" Keyword) (RFC 7489 6.4): iodef is a Keyword; libopendmarc " \
	"refuses a format it does not know"
#define J_VERSION "not a DMARC record: v must be the first tag, spelt \"v\", with the " \
	"value DMARC1 exactly (%x44 %x4d %x41 %x52 %x43 %x31, RFC 7489 6.4; RFC 9989 4.7); " \
	"such records are discarded (6.6.3); libopendmarc accepts them"
#define J_DUP "a tag twice: RFC 6376 3.2, whose tag-list DMARC uses (RFC 7489 6.3), makes " \
	"the entire tag-list invalid; libopendmarc keeps the last value"
#define J_BYTES "bytes outside the tag-list's characters (tval-char %x21-3A / %x3C-7E, " \
	"WSP, FWS): not a DMARC tag-list; libopendmarc reads past them"

/* Judged disagreements: the record, and why peil's verdict is the RFC's. */
static const struct {
	const char *rec;
	const char *why;
} judged[] = {
	{ "v=DMARC1;", J_NO_P },
	{ "v=DMARC1", J_NO_P },
	{ "v=DMARC1; rua=mailto:a@example.com; p=rejected", J_NO_P },
	{ "v=DMARC1; p=", J_NO_P },
	{ "v=DMARC1; sp=reject", J_NO_P },
	{ "v=DMARC1; adkim=s; aspf=s; pct=50", J_NO_P },
	{ "v=DMARC1; rua=mailto:reports@example.com", J_NO_P },
	{ "v=DMARC1; rua=mailto:reports@example.com; sp=reject; t=y", J_NO_P },
	{ "v=DMARC1; ruf=mailto:reports@example.com", J_NO_P },
	{ "v=DMARC1; rua=", J_NO_P },
	{ "v=DMARC1; p reject", J_NO_P },
	{ "v=DMARC1; p=none p=reject", J_NO_P },
	{ "v=DMARC1; pct=50", J_NO_P },
	{ "v=DMARC1; p=none; sp=bogus", J_DISCARD },
	{ "v=DMARC1; p=none; adkim=x", J_DISCARD },
	{ "v=DMARC1; p=none; pct=101", J_DISCARD },
	{ "v=DMARC1; p=none; pct=-1", J_DISCARD },
	{ "v=DMARC1; p=none; ri=99999999999999999999999", J_DISCARD },
	{ "v=DMARC1; p=none; ri=-1", J_DISCARD },
	{ "v=DMARC1; p=none; ri=1h", J_DISCARD },
	{ "v=DMARC1; p=none; fo=2", J_DISCARD },
	{ "v=DMARC1; p=none; rf=afrf-", J_DISCARD },
	{ "v=DMARC1; p=none; rua=,mailto:a@example.com", J_DISCARD },
	{ "v=DMARC1; p=re ject", J_VALUE },
	{ "v=DMARC1; p=none; pct=abc", J_VALUE },
	{ "v=DMARC1; p=none; pct=5 0", J_VALUE },
	{ "v=DMARC1; p=none; pct=50%", J_VALUE },
	{ "v=DMARC1; p=none; rf=afrf:iodef", J_RF },
	{ "p=reject; v=DMARC1", J_VERSION },
	{ "v=dmarc1; p=reject", J_VERSION },
	{ " v=DMARC1; p=reject", J_VERSION },
	{ "p=none", J_VERSION },
	{ "v=DMARC1; v=DMARC1; p=none", J_DUP },
	{ "v=DMARC1; p=reject; p=none", J_DUP },
	{ "v=DMARC1; p=reject; P=reject", J_DUP },
	{ "v=DMARC1; p=none; sp=reject; sp=none", J_DUP },
	{ "v=DMARC1; p=reject; rua=mailto:a@ex\x80mple.com", J_BYTES },
	{ "v=DMARC1; p=reject; rua=mailto:a@b\xc3\xa4.example", J_BYTES },
	{ "v=DMARC1; p=reject\r\n", J_BYTES },
};

struct verdict {
	bool ok;
	int p, sp, pct;     /* 'n' 'q' 'r' or 0 (unset); pct -1 when not compared */
};

static int
diff_policy_char(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE: return 'n';
	case DMARC_P_QUARANTINE: return 'q';
	case DMARC_P_REJECT: return 'r';
	case DMARC_P_UNSET: break;
	}
	return 0;
}

static void
diff_peil(const char *rec, struct verdict *v)
{
	struct dmarc_record r;

	memset(v, 0, sizeof(*v));
	v->ok = dmarc_parse_rfc9989((const uint8_t *)rec, strlen(rec), &r, NULL, NULL, 0) == 0;
	if (!v->ok)
		return;
	v->p = diff_policy_char(r.p);
	v->sp = diff_policy_char(r.sp);
	v->pct = (int)r.pct;
}

static int
diff_opendmarc(const char *rec, struct verdict *v)
{
	DMARC_POLICY_T *ctx;
	char copy[MAX_DMARC_RECORD_LEN + 1];
	int st;

	memset(v, 0, sizeof(*v));
	if ((ctx = opendmarc_policy_connect_init((u_char *)"192.0.2.1", AF_INET)) == NULL)
		return -1;
	snprintf(copy, sizeof(copy), "%s", rec);
	st = opendmarc_policy_parse_dmarc(ctx, (u_char *)"example.com", (u_char *)copy);
	v->ok = st == DMARC_PARSE_OKAY;
	if (v->ok) {
		if (opendmarc_policy_fetch_p(ctx, &v->p) != DMARC_PARSE_OKAY ||
		    opendmarc_policy_fetch_sp(ctx, &v->sp) != DMARC_PARSE_OKAY ||
		    opendmarc_policy_fetch_pct(ctx, &v->pct) != DMARC_PARSE_OKAY)
			v->ok = false;
	}
	opendmarc_policy_connect_shutdown(ctx);
	return 0;
}

static const char *
diff_judged(const char *rec)
{
	for (size_t i = 0; i < sizeof(judged) / sizeof(judged[0]); i++)
		if (judged[i].rec != NULL && strcmp(judged[i].rec, rec) == 0)
			return judged[i].why;
	return NULL;
}

/* The record, quoted, with bytes outside printable ASCII as \\xNN. */
static void
diff_quote(const char *rec)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)rec; *p != '\0'; p++)
		if (*p >= 0x20 && *p < 0x7f)
			putchar(*p);
		else
			printf("\\x%02x", *p);
	putchar('"');
}

static void
diff_show(const char *who, const struct verdict *v)
{
	if (!v->ok)
		printf(" %s: refused", who);
	else
		printf(" %s: p=%c sp=%c pct=%d", who, v->p ? v->p : '-', v->sp ? v->sp : '-', v->pct);
}

int
main(void)
{
	OPENDMARC_LIB_T lib;
	const char *recs[sizeof(vecs) / sizeof(vecs[0]) + sizeof(more) / sizeof(more[0])];
	size_t nrec = 0, agreed = 0, allowed = 0, bad = 0, skipped = 0, stale = 0, strict = 0;
	struct dmarc_record r;

	memset(&lib, 0, sizeof(lib));
	lib.tld_type = OPENDMARC_TLD_TYPE_NONE;
	if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
		fprintf(stderr, "dmarc_diff: libopendmarc init failed\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		/* A C string cannot carry an embedded NUL, nor a record over our limit. */
		if (vecs[i].len != 0 || strlen(vecs[i].rec) > MAX_DMARC_RECORD_LEN) {
			skipped++;
			continue;
		}
		recs[nrec++] = vecs[i].rec;
	}
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		recs[nrec++] = more[i];
	for (size_t i = 0; i < nrec; i++) {
		struct verdict a, b;
		const char *why = diff_judged(recs[i]);
		bool same;

		diff_peil(recs[i], &a);
		strict += a.ok && dmarc_parse((const uint8_t *)recs[i], strlen(recs[i]), &r, NULL,
		    NULL, 0) != 0;
		if (diff_opendmarc(recs[i], &b) != 0) {
			fprintf(stderr, "dmarc_diff: libopendmarc context failed\n");
			return 2;
		}
		same = a.ok == b.ok && (!a.ok || (a.p == b.p && a.sp == b.sp && a.pct == b.pct));
		if (same) {
			agreed++;
			if (why != NULL) {
				printf("STALE judged but agrees now: ");
				diff_quote(recs[i]);
				putchar('\n');
				stale++;
			}
			continue;
		}
		printf("%s ", why != NULL ? "judged  " : "DISAGREE");
		diff_quote(recs[i]);
		putchar(':');
		diff_show("peil", &a);
		diff_show("libopendmarc", &b);
		printf("\n");
		if (why != NULL) {
			printf("         %s\n", why);
			allowed++;
		} else {
			bad++;
		}
	}
	printf("dmarc_diff: %zu records (%zu vectors with an embedded NUL left out), %zu agreed, "
	    "%zu judged disagreements, %zu undeclared; %zu records taken with tags discarded "
	    "(RFC 9989 4.8) are refused by peil's RFC 7489 checker\n", nrec, skipped, agreed,
	    allowed, bad, strict);
	opendmarc_policy_library_shutdown(&lib);
	return bad > 0 || stale > 0 ? 1 : 0;
}
