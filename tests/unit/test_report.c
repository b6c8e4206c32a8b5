/* test_report.c: `peil-collector report` (report.c, report_site.c, report_org.c) over a real
 * store: hostile names and evidence escaped on every page type, the public audience naming
 * only organisations that consent, the send-back packs and their CSV, the refusal to
 * replace what is not a report, the atomic replacement of one, a round without results, an
 * organisation whose domains have none. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "limits.h"
#include "report.h"
#include "report_int.h"
#include "result.h"
#include "store.h"

#define HOSTILE_ORG "<script>alert(\"org\")</script> & 'Co'"
#define SECRET_ORG "Secret Org"
#define SECRET_DOMAIN "secret.example"
#define EVIL_DOMAIN "evil.example"
#define PLAIN_DOMAIN "plain.example"
#define QUIET_DOMAIN "quiet.example"
#define QUIET_ORG "Quiet Org"

struct fx {
	char dir[64];
	char store[128], out[128], csv[128];
	struct store *s;
	uint64_t seq[4];          /* per agent a, b, ... */
	char long_value[MAX_EVIDENCE_VALUE_LEN + 1];
};

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			assert_non_null(buf = realloc(buf, cap));
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static Peil__Result *
mk(const char *domain, const char *test, int status, const char *key, const char *value)
{
	Peil__Result *r = result_new(domain, test, status, "rfc7489");

	assert_non_null(r);
	r->round_id = 0;
	if (key != NULL)
		assert_int_equal(result_add_evidence(r, key, "%s", value), 0);
	return r;
}

/* Sends results of round `round` from agent `agent` ('a' + k) in one batch. */
static void
send(struct fx *fx, int k, uint64_t round, Peil__Result **r, size_t n)
{
	char agent[2] = { (char)('a' + k), 0 };
	struct store_batch b = { agent, ++fx->seq[k], r, n, 0, 0, 0, NULL, { 0 } };

	for (size_t i = 0; i < n; i++) {
		r[i]->round_id = round;
		r[i]->result_seq = fx->seq[k] * 1000 + i;
		r[i]->measured_at_ms = 1700000000000LL;
	}
	assert_int_equal(store_agent_round_given(fx->s, agent, round, 1700000000), 0);
	assert_int_equal(store_ingest(fx->s, &b, 1, 1700000001), 0);
	assert_int_equal(b.outcome, STORE_STORED);
	for (int i = 0; i < STORE_REFUSALS; i++)
		assert_int_equal(b.refused[i], 0);
	for (size_t i = 0; i < n; i++)
		result_free(r[i]);
}

/* The store: organisations HOSTILE_ORG (evil, plain; consents), SECRET_ORG (secret; does
 * not), QUIET_ORG (quiet; never measured). Round 1 and round 2 with results from vantages
 * a and b (b disagrees on one test, and its evidence is hostile); round 2's are changed. */
static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_opts so = { 8, false, true, 0, 0 };
	char err[256];
	size_t count;
	uint64_t id;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/peil-test-report-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->store, sizeof(fx->store), "%s/store", fx->dir);
	snprintf(fx->out, sizeof(fx->out), "%s/site", fx->dir);
	snprintf(fx->csv, sizeof(fx->csv), "%s/targets.csv", fx->dir);
	memset(fx->long_value, 'W', MAX_EVIDENCE_VALUE_LEN);
	memcpy(fx->long_value, "=cmd|' /C calc'!A0 <script>", 27);
	fx->long_value[MAX_EVIDENCE_VALUE_LEN] = '\0';
	assert_int_equal(store_open(fx->store, &so, &fx->s), 0);
	write_file(fx->csv, "organisation,domain,publish\n"
	    "\"" "<script>alert(\"\"org\"\")</script> & 'Co'" "\"," EVIL_DOMAIN ",yes\n"
	    "\"" "<script>alert(\"\"org\"\")</script> & 'Co'" "\"," PLAIN_DOMAIN ",yes\n"
	    SECRET_ORG "," SECRET_DOMAIN ",no\n"
	    QUIET_ORG "," QUIET_DOMAIN ",yes\n");
	assert_int_equal(store_targets_import(fx->s, fx->csv, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 4);

	assert_int_equal(store_round_begin(fx->s, 1700000000, 4, 0, &id), 0);
	assert_int_equal(id, 1);
	{
		Peil__Result *r[] = {
			mk(EVIL_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__PASSED, "record",
			    "v=DMARC1; p=reject"),
			mk(PLAIN_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__FAILED, "reason",
			    "no record"),
			mk(SECRET_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__FAILED, "reason",
			    "secret evidence"),
		};
		send(fx, 0, 1, r, 3);
	}
	assert_int_equal(store_round_begin(fx->s, 1700086400, 4, 0, &id), 0);
	assert_int_equal(id, 2);
	{
		Peil__Result *r[] = {
			mk("", "vantage_ipv6", PEIL__STATUS__PASSED, "beacon", "ok"),
			mk(EVIL_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__FAILED, "reason",
			    "<script>alert('ev')</script>\x01\x1b[31m\"quoted\""),
			mk(EVIL_DOMAIN, "mail_auth_spf_policy", PEIL__STATUS__FAILED, "record",
			    fx->long_value),
			mk(EVIL_DOMAIN, "web_https_http_hsts", PEIL__STATUS__WARNING, "-2+3", "@x"),
			mk(PLAIN_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__PASSED, "record",
			    "v=DMARC1; p=reject"),
			mk(SECRET_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__FAILED, "reason",
			    "secret evidence"),
		};
		send(fx, 0, 2, r, 6);
	}
	{
		Peil__Result *r[] = {
			mk(EVIL_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__PASSED, "note",
			    "<img src=x onerror=alert(1)>"),
			mk(SECRET_DOMAIN, "mail_auth_dmarc_policy", PEIL__STATUS__PASSED, "reason",
			    "secret evidence"),
		};
		send(fx, 1, 2, r, 2);
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->s);
	/* PEIL_TEST_KEEP=1 keeps the store and the report to look at. */
	if (getenv("PEIL_TEST_KEEP") == NULL)
		nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		fprintf(stderr, "kept %s\n", fx->dir);
	free(fx);
	return 0;
}

/* Every regular file under the report. */
static char **pages;
static size_t npages;

static int
page_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	if (flag == FTW_F) {
		assert_non_null(pages = realloc(pages, (npages + 1) * sizeof(*pages)));
		assert_non_null(pages[npages++] = strdup(path));
	}
	return 0;
}

static void
pages_list(const char *dir)
{
	for (size_t i = 0; i < npages; i++)
		free(pages[i]);
	free(pages);
	pages = NULL;
	npages = 0;
	assert_int_equal(nftw(dir, page_one, 16, FTW_PHYS), 0);
}

static void
pages_free(void)
{
	for (size_t i = 0; i < npages; i++)
		free(pages[i]);
	free(pages);
	pages = NULL;
	npages = 0;
}

static bool
has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static char *
page(const struct fx *fx, const char *rel)
{
	char path[512];
	char *b;

	snprintf(path, sizeof(path), "%s/%s", fx->out, rel);
	b = slurp(path, NULL);
	if (b == NULL)
		fail_msg("no %s", path);
	return b;
}

/* The one file in out/DIR whose name ends with suffix (the organisations' slugs). */
static char *
find_in(const struct fx *fx, const char *dir, const char *needle)
{
	char path[512];
	struct dirent *de;
	DIR *d;
	char *found = NULL;

	snprintf(path, sizeof(path), "%s/%s", fx->out, dir);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		char *b;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", fx->out, dir, de->d_name);
		if ((b = slurp(path, NULL)) == NULL)
			continue;
		if (has(b, needle)) {
			free(found);
			found = b;
		} else {
			free(b);
		}
	}
	closedir(d);
	return found;
}

static int
report(struct fx *fx, enum report_audience aud, const char *pack, bool packs, uint64_t round,
    char *err, size_t errlen)
{
	struct report_opts o = { fx->out, round, 0, aud, pack, packs };
	struct report_info info;

	return report_write(fx->s, &o, &info, err, errlen);
}

/* Nothing of a hostile string arrives as markup or as a control character. */
static void
check_clean(const char *path, const char *b, size_t len)
{
	const char *bad[] = { "<script", "<img", "onerror=alert(1)>", "\"quoted\"", "'Co'" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(b, bad[i]) != NULL)
			fail_msg("%s holds '%s' unescaped", path, bad[i]);
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)b[i] < 0x20 && b[i] != '\n') || b[i] == 0x7f)
			fail_msg("%s holds control byte 0x%02x at %zu", path, (unsigned char)b[i], i);
}

static void
test_site_escapes(void **state)
{
	struct fx *fx = *state;
	char err[1024], *b;
	size_t len;

	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)), 0);
	pages_list(fx->out);
	assert_true(npages >= 6);
	for (size_t i = 0; i < npages; i++) {
		if (strstr(pages[i], ".css") != NULL || strstr(pages[i], ".peil-report") != NULL)
			continue;
		assert_non_null(b = slurp(pages[i], &len));
		check_clean(pages[i], b, len);
		free(b);
	}
	/* The overview names the organisation escaped and links its page by slug. */
	b = page(fx, "index.html");
	assert_true(has(b, "&lt;script&gt;alert(&quot;org&quot;)&lt;/script&gt; &amp; "
	    "&#39;Co&#39;"));
	assert_true(has(b, "href=\"org/script-alert-org-script-"));
	assert_true(has(b, SECRET_ORG));
	assert_true(has(b, "Round 2"));
	free(b);
	/* The organisation page: the evidence, escaped, the long value whole, the fix. */
	assert_non_null(b = find_in(fx, "org", EVIL_DOMAIN));
	assert_true(has(b, "&lt;script&gt;alert(&#39;ev&#39;)&lt;/script&gt;\\x01\\x1b[31m"
	    "&quot;quoted&quot;"));
	assert_true(has(b, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_true(has(b, "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW</li>"));
	assert_true(has(b, "What to change"));
	assert_true(has(b, "https://www.rfc-editor.org/rfc/rfc7489"));
	assert_true(has(b, "newly failing"));
	assert_true(has(b, "newly passing") || has(b, PLAIN_DOMAIN));
	assert_true(has(b, "vantages disagree"));
	free(b);
	/* The per-test page: the failing domain and its decisive line. */
	b = page(fx, "test/mail_auth_dmarc_policy.html");
	assert_true(has(b, EVIL_DOMAIN));
	assert_true(has(b, SECRET_DOMAIN));
	assert_true(has(b, "&lt;script&gt;alert(&#39;ev&#39;)"));
	free(b);
	b = page(fx, "test/mail_auth_spf_policy.html");
	assert_true(has(b, "…"));   /* the long line cut on the per-test page */
	free(b);
	/* The vantages page: who saw what, escaped. */
	b = page(fx, "vantages.html");
	assert_true(has(b, "Disagreements in round 2"));
	assert_true(has(b, EVIL_DOMAIN));
	free(b);
	b = page(fx, "style.css");
	assert_true(has(b, "overflow-wrap:anywhere"));
	free(b);
	b = page(fx, ".peil-report");
	free(b);
	pages_free();
}

static void
test_public_hides(void **state)
{
	struct fx *fx = *state;
	char err[1024], *b;
	size_t len;

	assert_int_equal(report(fx, REPORT_PUBLIC, NULL, false, 0, err, sizeof(err)), 0);
	pages_list(fx->out);
	for (size_t i = 0; i < npages; i++) {
		assert_non_null(b = slurp(pages[i], &len));
		if (has(b, SECRET_ORG) || has(b, SECRET_DOMAIN) || has(b, "secret evidence"))
			fail_msg("%s names what does not consent", pages[i]);
		free(b);
	}
	b = page(fx, "index.html");
	assert_true(has(b, "1 organisation did not consent to publication"));
	assert_true(has(b, EVIL_DOMAIN) || has(b, "&lt;script&gt;"));
	free(b);
	b = page(fx, "test/mail_auth_dmarc_policy.html");
	assert_true(has(b, "did not consent"));
	free(b);
	b = page(fx, "vantages.html");
	assert_true(has(b, "did not consent"));
	free(b);
	pages_free();
}

static void
test_packs(void **state)
{
	struct fx *fx = *state;
	char err[1024], *b, *csv = NULL;

	assert_int_equal(report(fx, REPORT_COALITION, NULL, true, 0, err, sizeof(err)), 0);
	pages_list(fx->out);
	for (size_t i = 0; i < npages; i++) {
		size_t len;

		assert_non_null(b = slurp(pages[i], &len));
		if (strstr(pages[i], "index.html") != NULL) {
			/* Self-contained: no link outside the pack but the guidelines. */
			assert_false(has(b, "href=\"../"));
			assert_false(has(b, "href=\"org/"));
			assert_true(has(b, "href=\"style.css\""));
			check_clean(pages[i], b, len);
		}
		if (strstr(pages[i], "failing.csv") != NULL && has(b, EVIL_DOMAIN)) {
			free(csv);
			csv = b;
			b = NULL;
		}
		free(b);
	}
	assert_non_null(csv);
	assert_true(has(csv, "domain,test,vantage,status,consensus,disagreement,evidence,"));
	/* The formula is neutralised, the quotes doubled. */
	assert_true(has(csv, "\"'record==cmd|' /C calc'!A0 <script>WWW") ||
	    has(csv, "record==cmd|"));
	assert_true(has(csv, EVIL_DOMAIN ",web_https_http_hsts,a,warning,warning,,\"'-2+3=@x\","));
	assert_false(has(csv, "\n=cmd"));
	assert_false(has(csv, ",=cmd"));
	assert_true(has(csv, EVIL_DOMAIN ",mail_auth_dmarc_policy,a,failed,failed,"));
	free(csv);
	b = page(fx, "packs.csv");
	assert_true(has(b, "organisation,folder,domains\n"));
	assert_true(has(b, SECRET_ORG));
	free(b);

	/* One organisation's pack; an unknown one is refused and the old report stays. */
	assert_int_equal(report(fx, REPORT_COALITION, SECRET_ORG, false, 0, err, sizeof(err)), 0);
	b = page(fx, "packs.csv");
	assert_true(has(b, SECRET_ORG));
	assert_false(has(b, QUIET_ORG));
	free(b);
	assert_int_equal(report(fx, REPORT_COALITION, "No Such Org", false, 0, err, sizeof(err)),
	    PEIL_ENOENT);
	assert_true(has(err, "No Such Org"));
	b = page(fx, "packs.csv");
	assert_true(has(b, SECRET_ORG));
	free(b);
	pages_free();
}

static void
test_refuses(void **state)
{
	struct fx *fx = *state;
	char err[1024], path[256], *b;

	/* A directory with something else in it. */
	assert_int_equal(mkdir(fx->out, 0755), 0);
	snprintf(path, sizeof(path), "%s/precious.txt", fx->out);
	write_file(path, "keep me");
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)),
	    PEIL_EEXIST);
	assert_true(has(err, "not empty"));
	assert_non_null(b = slurp(path, NULL));
	assert_string_equal(b, "keep me");
	free(b);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(fx->out), 0);
	/* A file. */
	write_file(fx->out, "a file");
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)),
	    PEIL_EEXIST);
	assert_true(has(err, "not a directory"));
	assert_int_equal(unlink(fx->out), 0);
	/* A symlink, even to a report. */
	snprintf(path, sizeof(path), "%s/real", fx->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(symlink(path, fx->out), 0);
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)),
	    PEIL_EEXIST);
	assert_true(has(err, "symbolic link"));
	assert_int_equal(unlink(fx->out), 0);
	/* An empty directory is taken. */
	assert_int_equal(mkdir(fx->out, 0755), 0);
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)), 0);
	/* "." and "..": the temporary sibling would be inside or above. */
	{
		struct report_opts o = { ".", 0, 0, REPORT_COALITION, NULL, false };
		struct report_info info;

		assert_int_equal(report_write(fx->s, &o, &info, err, sizeof(err)), PEIL_EINVAL);
		o.out = "/tmp/..";
		assert_int_equal(report_write(fx->s, &o, &info, err, sizeof(err)), PEIL_EINVAL);
		assert_true(has(err, "by its name"));
	}
	/* No such round. */
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 99, err, sizeof(err)),
	    PEIL_ENOENT);
}

/* Nothing is left beside OUT but OUT. */
static void
only_out(const struct fx *fx)
{
	struct dirent *de;
	DIR *d;

	assert_non_null(d = opendir(fx->dir));
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".tmp-") != NULL)
			fail_msg("left behind: %s", de->d_name);
	closedir(d);
}

static void
test_replaces(void **state)
{
	struct fx *fx = *state;
	char err[1024], path[256], *b;
	struct stat st1, st2;

	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 1, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->out, &st1), 0);
	b = page(fx, "index.html");
	assert_true(has(b, "Round 1"));
	free(b);
	/* Something of the old report's that the new one has not: gone after the swap. */
	snprintf(path, sizeof(path), "%s/old-only.html", fx->out);
	write_file(path, "old");
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 2, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->out, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	assert_int_equal(access(path, F_OK), -1);
	b = page(fx, "index.html");
	assert_true(has(b, "Round 2"));
	free(b);
	only_out(fx);
	/* A failure (no such round) leaves the report as it was, and nothing beside it. */
	assert_int_equal(report(fx, REPORT_COALITION, NULL, true, 0, err, sizeof(err)), 0);
	assert_int_equal(report(fx, REPORT_COALITION, "nobody", false, 0, err, sizeof(err)),
	    PEIL_ENOENT);
	b = page(fx, "packs.csv");
	assert_true(has(b, QUIET_ORG));
	free(b);
	only_out(fx);
	/* A temporary directory left by a killed report (its process gone) is removed; one
	 * without the marker is not ours and stays. */
	snprintf(path, sizeof(path), "%s.tmp-999999999", fx->out);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s.tmp-999999999/" REPORT_MARKER, fx->out);
	write_file(path, "x");
	snprintf(path, sizeof(path), "%s.tmp-999999998", fx->out);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s.tmp-999999999", fx->out);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s.tmp-999999998", fx->out);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(rmdir(path), 0);
}

static void
test_empty_round(void **state)
{
	struct fx *fx = *state;
	char err[1024], *b;
	uint64_t id;

	assert_int_equal(store_round_begin(fx->s, 1700172800, 4, 0, &id), 0);
	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 0, err, sizeof(err)), 0);
	b = page(fx, "index.html");
	assert_true(has(b, "This round has no results"));
	assert_true(has(b, "Round 3"));
	assert_true(has(b, "The trends cover 3 rounds"));
	free(b);
	assert_non_null(b = find_in(fx, "org", QUIET_DOMAIN));
	assert_true(has(b, "None of this organisation&#39;s domains has a result") ||
	    has(b, "None of this organisation's domains has a result"));
	free(b);
	/* --history 1: the trends have the one round. */
	{
		struct report_opts o = { fx->out, 0, 1, REPORT_COALITION, NULL, false };
		struct report_info info;

		assert_int_equal(report_write(fx->s, &o, &info, err, sizeof(err)), 0);
		assert_int_equal(info.round, 3);
	}
	b = page(fx, "index.html");
	assert_true(has(b, "The trends cover 1 round"));
	free(b);
}

static void
test_unmeasured_org(void **state)
{
	struct fx *fx = *state;
	char err[1024], *b;

	assert_int_equal(report(fx, REPORT_COALITION, NULL, false, 2, err, sizeof(err)), 0);
	assert_non_null(b = find_in(fx, "org", QUIET_DOMAIN));
	assert_true(has(b, "None of this organisation"));
	assert_true(has(b, "No results for this domain in round 2"));
	assert_true(has(b, "undecided"));
	assert_false(has(b, "cp-complies"));
	free(b);
	/* A domain measured by one vantage only says so. */
	assert_non_null(b = find_in(fx, "org", PLAIN_DOMAIN));
	assert_true(has(b, "one vantage only"));
	free(b);
}

/* Shares read as what they are: never rounded to a whole 100 % (or 0 %) they are not. */
static void
test_pct(void **state)
{
	static const struct { size_t part, whole; const char *want; } c[] = {
		{ 9996, 10000, "99.96%" }, { 1, 10000, "0.01%" }, { 10000, 10000, "100%" },
		{ 0, 10000, "0%" }, { 1, 8, "12.5%" }, { 2, 3, "66.7%" }, { 1999, 2000, "99.95%" },
		{ 0, 0, "-" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *b = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&b, &n);

		assert_non_null(f);
		rep_pct(f, c[i].part, c[i].whole);
		assert_int_equal(fclose(f), 0);
		assert_string_equal(b, c[i].want);
		free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_site_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_hides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_round, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmeasured_org, setup, teardown),
		cmocka_unit_test(test_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
