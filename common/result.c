/* result.c: results: building and checking them, their statuses' names, and writing them as
 * JSON, CSV or a table. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "err.h"
#include "esc.h"
#include "limits.h"
#include "result.h"

static const char *const status_names[] = {
	[PEIL__STATUS__PASSED] = "passed",
	[PEIL__STATUS__FAILED] = "failed",
	[PEIL__STATUS__WARNING] = "warning",
	[PEIL__STATUS__INFO] = "info",
	[PEIL__STATUS__NOT_TESTED] = "not_tested",
	[PEIL__STATUS__ERROR] = "error",
};

#define STATUS_MIN PEIL__STATUS__PASSED
#define STATUS_MAX PEIL__STATUS__ERROR

/* Year 10000 in unix milliseconds: RFC 3339 has four digits for the year. */
#define TIME_MS_LIMIT INT64_C(253402300800000)

static const char TRUNC_MARK[] = "...[truncated]";

const char *
status_name(int status)
{
	if (status < STATUS_MIN || status > STATUS_MAX)
		return "unspecified";
	return status_names[status];
}

int
status_parse(const char *s, int *out)
{
	if (s == NULL)
		return PEIL_EINVAL;
	for (int i = STATUS_MIN; i <= STATUS_MAX; i++) {
		if (strcmp(s, status_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return PEIL_EINVAL;
}

/* Is s[0..n) well-formed UTF-8? Runs of ASCII, the common case, are skipped in a tight loop. */
static bool
utf8_valid_n(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, l;

	while (i < n) {
		while (i < n && p[i] < 0x80)
			i++;
		if (i == n)
			break;
		if ((l = esc_utf8_len(p + i, n - i)) == 0)
			return false;
		i += l;
	}
	return true;
}

/* A copy of s (len bytes) with every byte that is not part of well-formed UTF-8 replaced by
 * U+FFFD. NULL on out of memory. */
static char *
utf8_sanitize(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	char *out, *o;
	size_t l;

	if ((out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < len; i += l) {
		if ((l = esc_utf8_len(p + i, len - i)) == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			l = 1;
		} else {
			memcpy(o, p + i, l);
			o += l;
		}
	}
	*o = '\0';
	return out;
}

/* The longest prefix of s, at most max bytes, that does not end inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((uint8_t)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

static bool
str_owned(const char *s)
{
	return s != NULL && s != protobuf_c_empty_string;
}

static void
str_free(char *s)
{
	if (str_owned(s))
		free(s);
}

/* A malloc'd copy; NULL and "" give protobuf-c's shared empty string, which is never freed. */
static char *
str_copy(const char *s)
{
	if (s == NULL || *s == '\0')
		return (char *)protobuf_c_empty_string;
	return strdup(s);
}

static void
evidence_free(Peil__Evidence *e)
{
	if (e == NULL)
		return;
	str_free(e->key);
	str_free(e->value);
	free(e);
}

void
result_free(Peil__Result *r)
{
	if (r == NULL)
		return;
	str_free(r->domain);
	str_free(r->test_id);
	str_free(r->guideline);
	str_free(r->vantage);
	for (size_t i = 0; i < r->n_evidence; i++)
		evidence_free(r->evidence[i]);
	free(r->evidence);
	free(r);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

Peil__Result *
result_new(const char *domain, const char *test_id, int status, const char *guideline)
{
	const struct catalogue_entry *ce;
	Peil__Result *r;

	if ((r = malloc(sizeof(*r))) == NULL)
		return NULL;
	peil__result__init(r);
	if (guideline == NULL && (ce = catalogue_find(test_id)) != NULL)
		guideline = ce->guideline;
	r->status = (Peil__Status)status;
	r->measured_at_ms = now_ms();
	if ((r->domain = str_copy(domain)) == NULL ||
	    (r->test_id = str_copy(test_id)) == NULL ||
	    (r->guideline = str_copy(guideline)) == NULL) {
		result_free(r);
		return NULL;
	}
	return r;
}

int
result_set_guideline(Peil__Result *r, const char *guideline)
{
	char *g = str_copy(guideline);

	if (g == NULL)
		return PEIL_ENOMEM;
	str_free(r->guideline);
	r->guideline = g;
	return 0;
}

/* Appends a pair made of two malloc'd strings (taken over, freed on failure). */
static int
result_push(Peil__Result *r, char *key, char *value)
{
	Peil__Evidence **ev, *e = NULL;

	if ((ev = realloc(r->evidence, (r->n_evidence + 1) * sizeof(*ev))) == NULL)
		goto fail;
	r->evidence = ev;
	if ((e = malloc(sizeof(*e))) == NULL)
		goto fail;
	peil__evidence__init(e);
	e->key = key;
	e->value = value;
	r->evidence[r->n_evidence++] = e;
	return 0;
fail:
	free(key);
	free(value);
	return PEIL_ENOMEM;
}

static const char TRUNC_KEY[] = "truncated";
static const char TRUNC_VALUE[] = "evidence pairs over limit";

/* The evidence of one result stays this far under MAX_RESULT_BYTES, so that the spool and the
 * collector take it with the other fields (all bounded, under 1 KB) and the marker pair. */
#define EVIDENCE_BUDGET (MAX_RESULT_BYTES - 2048)

static bool
result_is_truncated(const Peil__Result *r)
{
	const Peil__Evidence *last = r->n_evidence > 0 ? r->evidence[r->n_evidence - 1] : NULL;

	return last != NULL && strcmp(last->key, TRUNC_KEY) == 0 &&
	    strcmp(last->value, TRUNC_VALUE) == 0;
}

/* Says that evidence was dropped: one last pair, appended or in place of the last one. */
static int
result_mark_truncated(Peil__Result *r)
{
	Peil__Evidence *last = r->n_evidence > 0 ? r->evidence[r->n_evidence - 1] : NULL;
	char *k, *v;

	if (result_is_truncated(r))
		return 0;
	if ((k = strdup(TRUNC_KEY)) == NULL || (v = strdup(TRUNC_VALUE)) == NULL) {
		free(k);
		return PEIL_ENOMEM;
	}
	if (r->n_evidence < MAX_EVIDENCE_PAIRS)
		return result_push(r, k, v);
	str_free(last->key);
	str_free(last->value);
	last->key = k;
	last->value = v;
	return 0;
}

int
result_add_evidence(Peil__Result *r, const char *key, const char *fmt, ...)
{
	char *raw = NULL, *value = NULL, *k = NULL;
	va_list ap;
	size_t klen, vlen;
	int n, rc;

	/* Once evidence was dropped, later pairs are too: the marker stays the last pair. */
	if (result_is_truncated(r))
		return 0;
	if (r->n_evidence >= MAX_EVIDENCE_PAIRS)
		return result_mark_truncated(r);

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0) {
		raw = NULL;
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((value = utf8_sanitize(raw, (size_t)n)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	vlen = strlen(value);
	if (vlen > MAX_EVIDENCE_VALUE_LEN) {
		vlen = utf8_cut(value, vlen, MAX_EVIDENCE_VALUE_LEN - (sizeof(TRUNC_MARK) - 1));
		memcpy(value + vlen, TRUNC_MARK, sizeof(TRUNC_MARK));
		vlen += sizeof(TRUNC_MARK) - 1;
	}
	if (key == NULL)
		key = "";
	if ((k = utf8_sanitize(key, strlen(key))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	klen = strlen(k);
	klen = utf8_cut(k, klen, MAX_EVIDENCE_KEY_LEN);
	k[klen] = '\0';
	/* A pair costs its bytes plus at most 16 of tags and lengths. */
	if (peil__result__get_packed_size(r) + klen + vlen + 16 > EVIDENCE_BUDGET) {
		rc = result_mark_truncated(r);
		goto out;
	}
	rc = result_push(r, k, value);
	k = value = NULL;
out:
	free(raw);
	free(k);
	free(value);
	return rc;
}

void
result_set_status(Peil__Result *r, int status)
{
	r->status = (Peil__Status)status;
}

Peil__Result *
result_dup(const Peil__Result *src)
{
	Peil__Result *r;

	if ((r = malloc(sizeof(*r))) == NULL)
		return NULL;
	peil__result__init(r);
	r->round_id = src->round_id;
	r->status = src->status;
	r->measured_at_ms = src->measured_at_ms;
	r->result_seq = src->result_seq;
	if ((r->domain = str_copy(src->domain)) == NULL ||
	    (r->test_id = str_copy(src->test_id)) == NULL ||
	    (r->guideline = str_copy(src->guideline)) == NULL ||
	    (r->vantage = str_copy(src->vantage)) == NULL)
		goto fail;
	if (src->n_evidence > 0) {
		if ((r->evidence = calloc(src->n_evidence, sizeof(*r->evidence))) == NULL)
			goto fail;
		for (size_t i = 0; i < src->n_evidence; i++) {
			Peil__Evidence *e;

			if ((e = malloc(sizeof(*e))) == NULL)
				goto fail;
			peil__evidence__init(e);
			r->evidence[i] = e;
			r->n_evidence = i + 1;
			if ((e->key = str_copy(src->evidence[i]->key)) == NULL ||
			    (e->value = str_copy(src->evidence[i]->value)) == NULL)
				goto fail;
		}
	}
	return r;
fail:
	result_free(r);
	return NULL;
}

int
result_set_add(struct result_set *rs, Peil__Result *r)
{
	Peil__Result **items;
	size_t cap;

	if (rs->n == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 16;
		if ((items = realloc(rs->items, cap * sizeof(*items))) == NULL) {
			result_free(r);
			return PEIL_ENOMEM;
		}
		rs->items = items;
		rs->cap = cap;
	}
	rs->items[rs->n++] = r;
	return 0;
}

Peil__Result *
result_set_find(const struct result_set *rs, const char *test_id)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->items[i]->test_id != NULL && strcmp(rs->items[i]->test_id, test_id) == 0)
			return rs->items[i];
	}
	return NULL;
}

void
result_set_clear(struct result_set *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		result_free(rs->items[i]);
	free(rs->items);
	rs->items = NULL;
	rs->n = rs->cap = 0;
}

/* A host name as targets are: labels of 1..63 letters, digits, '-' or '_', dot-separated, at
 * most MAX_DOMAIN_LEN in all, no empty label (so no leading, trailing or double dot). */
static bool
check_domain(const char *d)
{
	size_t len = strlen(d), label = 0;

	if (len == 0 || len > MAX_DOMAIN_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = d[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		/* Lower case only: agents lower-case names, and the store looks them up so. */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static bool
check_test_id(const char *t)
{
	size_t len = strlen(t);

	if (len == 0 || len > MAX_TEST_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* A string of at most max bytes in well-formed UTF-8 (a C string: no NUL inside). */
static bool
check_text(const char *s, size_t min, size_t max)
{
	size_t len = strnlen(s, max + 1);

	return len >= min && len <= max && utf8_valid_n(s, len);
}

bool
result_about_vantage(const Peil__Result *r)
{
	const struct catalogue_entry *ce = r->test_id != NULL ? catalogue_find(r->test_id) : NULL;

	return ce != NULL && strcmp(ce->category, "vantage") == 0;
}

int
result_check(const Peil__Result *r)
{
	/* protobuf-c never leaves a string NULL; a hand-built result might. */
	if (r == NULL || r->domain == NULL || r->test_id == NULL || r->guideline == NULL ||
	    r->vantage == NULL)
		return PEIL_EINVAL;
	/* An empty domain is well formed: no target. Only a vantage self-test may have one, which
	 * the collector decides: any other is refused there as not a target (and counted in the
	 * Ack), not dropped here as malformed (docs/protocol.md). */
	if ((r->domain[0] != '\0' && !check_domain(r->domain)) || !check_test_id(r->test_id))
		return PEIL_EINVAL;
	if ((int)r->status < STATUS_MIN || (int)r->status > STATUS_MAX)
		return PEIL_EINVAL;
	if (!check_text(r->guideline, 0, MAX_GUIDELINE_LEN))
		return PEIL_EINVAL;
	if (r->measured_at_ms < 0 || r->measured_at_ms >= TIME_MS_LIMIT)
		return PEIL_EINVAL;
	if (r->n_evidence > MAX_EVIDENCE_PAIRS || (r->n_evidence > 0 && r->evidence == NULL))
		return PEIL_EINVAL;
	for (size_t i = 0; i < r->n_evidence; i++) {
		const Peil__Evidence *e = r->evidence[i];

		if (e == NULL || e->key == NULL || e->value == NULL ||
		    !check_text(e->key, 0, MAX_EVIDENCE_KEY_LEN) ||
		    !check_text(e->value, 0, MAX_EVIDENCE_VALUE_LEN))
			return PEIL_EINVAL;
	}
	/* The vantage is not checked: the collector overwrites it with the authenticated name. */
	if (peil__result__get_packed_size(r) > MAX_RESULT_BYTES)
		return PEIL_EINVAL;
	return 0;
}

/* Writers. Each checks ferror() at the end rather than every call: stdio keeps the error. */

/* RFC 3339 UTC with milliseconds into buf; false when the time is unset or out of range. */
static bool
format_time(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t t;

	if (ms <= 0 || ms >= TIME_MS_LIMIT)
		return false;
	t = (time_t)(ms / 1000);
	if (gmtime_r(&t, &tm) == NULL)
		return false;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return true;
}

int
result_write_json(const Peil__Result *r, FILE *f)
{
	result_write_json_open(r, f);
	fputs("}\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
result_write_json_open(const Peil__Result *r, FILE *f)
{
	char ts[80];

	fprintf(f, "{\"round\":%llu,\"domain\":", (unsigned long long)r->round_id);
	esc_json(f, r->domain);
	fputs(",\"test\":", f);
	esc_json(f, r->test_id);
	fprintf(f, ",\"status\":\"%s\",\"vantage\":", status_name((int)r->status));
	esc_json(f, r->vantage);
	fputs(",\"guideline\":", f);
	esc_json(f, r->guideline);
	if (format_time(r->measured_at_ms, ts, sizeof(ts)))
		fprintf(f, ",\"measured_at\":\"%s\"", ts);
	else
		fputs(",\"measured_at\":null", f);
	fprintf(f, ",\"result_seq\":%llu,\"evidence\":[", (unsigned long long)r->result_seq);
	for (size_t i = 0; i < r->n_evidence; i++) {
		if (i > 0)
			putc(',', f);
		putc('[', f);
		esc_json(f, r->evidence[i] ? r->evidence[i]->key : NULL);
		putc(',', f);
		esc_json(f, r->evidence[i] ? r->evidence[i]->value : NULL);
		putc(']', f);
	}
	putc(']', f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
result_write_csv_header(FILE *f)
{
	fputs(RESULT_CSV_COLUMNS "\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
result_write_csv(const Peil__Result *r, FILE *f)
{
	int rc = result_write_csv_fields(r, f);

	if (rc != 0)
		return rc;
	putc('\n', f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
result_write_csv_fields(const Peil__Result *r, FILE *f)
{
	char ts[80], *ev = NULL;
	size_t evlen = 0;
	FILE *m;
	int rc = 0;

	/* The evidence field is built first so that it can be quoted as a whole. */
	if ((m = open_memstream(&ev, &evlen)) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < r->n_evidence; i++) {
		const Peil__Evidence *e = r->evidence[i];

		fprintf(m, "%s%s=%s", i > 0 ? "; " : "", e && e->key ? e->key : "",
		    e && e->value ? e->value : "");
	}
	if (fclose(m) != 0) {
		free(ev);
		return PEIL_ENOMEM;
	}

	fprintf(f, "%llu,", (unsigned long long)r->round_id);
	esc_csv(f, r->domain);
	putc(',', f);
	esc_csv(f, r->test_id);
	fprintf(f, ",%s,", status_name((int)r->status));
	esc_csv(f, r->vantage);
	putc(',', f);
	esc_csv(f, r->guideline);
	putc(',', f);
	if (format_time(r->measured_at_ms, ts, sizeof(ts)))
		fputs(ts, f);
	fprintf(f, ",%llu,", (unsigned long long)r->result_seq);
	esc_csv(f, ev);
	free(ev);
	if (ferror(f))
		rc = PEIL_EIO;
	return rc;
}

int
result_write_table(const Peil__Result *r, FILE *f, bool with_vantage)
{
	esc_text_pad(f, r->test_id, 40);
	putc(' ', f);
	if (!with_vantage) {
		esc_text_str(f, status_name((int)r->status));
	} else {
		esc_text_pad(f, status_name((int)r->status), 10);
		putc(' ', f);
		esc_text_str(f, r->vantage != NULL && *r->vantage ? r->vantage : "-");
	}
	putc('\n', f);
	for (size_t i = 0; i < r->n_evidence; i++) {
		const Peil__Evidence *e = r->evidence[i];

		if (e == NULL)
			continue;
		fputs("    ", f);
		esc_text_str(f, e->key);
		fputs(": ", f);
		esc_text_str(f, e->value);
		putc('\n', f);
	}
	return ferror(f) ? PEIL_EIO : 0;
}
