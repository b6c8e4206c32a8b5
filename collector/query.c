/* query.c: read-only views of the store for the command line. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "err.h"
#include "esc.h"
#include "query.h"
#include "result.h"

int
query_format_parse(const char *s, enum query_format *out)
{
	if (strcasecmp(s, "table") == 0)
		*out = QUERY_TABLE;
	else if (strcasecmp(s, "json") == 0)
		*out = QUERY_JSON;
	else if (strcasecmp(s, "csv") == 0)
		*out = QUERY_CSV;
	else
		return PEIL_EINVAL;
	return 0;
}

static void
fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0) {
		snprintf(buf, len, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The CSV header lines: printed over the first row, or alone when there is none (an empty
 * table is still CSV with its columns). */
static const char csv_agents[] = "agent,ipv4,ipv6,description,first_seen,last_seen,last_batch,"
    "results,last_round_done,refused\n";
static const char csv_targets[] = "organisation,domain,publish\n";
static const char csv_rounds[] = "round,started,ended,targets,results,refused\n";

struct show_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;
	const char *domain;        /* show: the table's title names it */
	struct store_stats st;
};

static int
show_one(const Peil__Result *r, void *argp)
{
	struct show_arg *a = argp;

	if (a->fmt == QUERY_CSV && a->n == 0)
		result_write_csv_header(a->f);
	/* The title only over rows: nothing found prints nothing on standard output. */
	if (a->fmt == QUERY_TABLE && a->n == 0 && a->domain != NULL)
		fprintf(a->f, "%s: latest verdict of every test from every vantage "
		    "(%llu results stored, %llu indexed)\n", a->domain,
		    (unsigned long long)a->st.results, (unsigned long long)a->st.indexed);
	a->n++;
	switch (a->fmt) {
	case QUERY_JSON:
		return result_write_json(r, a->f);
	case QUERY_CSV:
		return result_write_csv(r, a->f);
	default:
		return result_write_table(r, a->f, true);
	}
}

int
query_show(struct store *s, const char *domain, enum query_format fmt, FILE *f)
{
	struct show_arg a = { fmt, f, 0, domain, { 0 } };
	int rc;

	if (fmt == QUERY_TABLE && (rc = store_stats(s, &a.st)) != 0)
		return rc;
	if ((rc = store_show(s, domain, show_one, &a)) != 0)
		return rc;
	return a.n == 0 ? PEIL_ENOENT : 0;
}

int
query_export(struct store *s, enum query_format fmt, FILE *f)
{
	struct show_arg a = { fmt, f, 0, NULL, { 0 } };
	int rc = store_export(s, show_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		result_write_csv_header(f);
	return rc;
}

struct list_arg {
	enum query_format fmt;
	FILE *f;
	size_t n;
};

static int
agent_one(const struct store_agent *ag, void *argp)
{
	struct list_arg *a = argp;
	char first[32], last[32];

	fmt_time(ag->first_seen, first, sizeof(first));
	fmt_time(ag->last_seen, last, sizeof(last));
	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"agent\":");
		esc_json(a->f, ag->name);
		fprintf(a->f, ",\"ipv4\":%s,\"ipv6\":%s,\"description\":", ag->ipv4 ? "true" : "false",
		    ag->ipv6 ? "true" : "false");
		esc_json(a->f, ag->description ? ag->description : "");
		fprintf(a->f, ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"last_batch\":%llu,"
		    "\"results\":%llu,\"last_round_done\":%llu,\"refused\":%llu}\n", first, last,
		    (unsigned long long)ag->last_batch_seq, (unsigned long long)ag->results,
		    (unsigned long long)ag->last_round_done, (unsigned long long)ag->refused);
	} else if (a->fmt == QUERY_CSV) {
		if (a->n == 0)
			fputs(csv_agents, a->f);
		esc_csv(a->f, ag->name);
		fprintf(a->f, ",%s,%s,", ag->ipv4 ? "yes" : "no", ag->ipv6 ? "yes" : "no");
		esc_csv_quoted(a->f, ag->description ? ag->description : "");
		fprintf(a->f, ",%s,%s,%llu,%llu,%llu,%llu\n", first, last,
		    (unsigned long long)ag->last_batch_seq, (unsigned long long)ag->results,
		    (unsigned long long)ag->last_round_done, (unsigned long long)ag->refused);
	} else {
		if (a->n == 0)
			fprintf(a->f, "%-20s %-9s %-20s %-20s %10s %8s %6s  %s\n", "AGENT", "FAMILIES",
			    "FIRST SEEN", "LAST SEEN", "RESULTS", "REFUSED", "ROUND", "DESCRIPTION");
		/* The name is the allowlist's file name, the description what the agent said in its
		 * Hello: both untrusted, both through esc_text. */
		esc_text_pad(a->f, ag->name, 20);
		fprintf(a->f, " %-9s %-20s %-20s %10llu %8llu %6llu  ",
		    ag->ipv4 && ag->ipv6 ? "ipv4+ipv6" : ag->ipv6 ? "ipv6" : ag->ipv4 ? "ipv4" : "-",
		    first, last, (unsigned long long)ag->results, (unsigned long long)ag->refused,
		    (unsigned long long)ag->last_round_done);
		esc_text_str(a->f, ag->description);
		putc('\n', a->f);
	}
	a->n++;
	return 0;
}

int
query_agents(struct store *s, enum query_format fmt, FILE *f)
{
	struct list_arg a = { fmt, f, 0 };
	int rc = store_agents_each(s, agent_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no agent has connected yet\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_agents, f);
	return rc;
}

static int
target_one(const struct store_target *t, void *argp)
{
	struct list_arg *a = argp;

	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"organisation\":");
		esc_json(a->f, t->organisation);
		fprintf(a->f, ",\"domain\":");
		esc_json(a->f, t->domain);
		fprintf(a->f, ",\"publish\":%s}\n", t->publish ? "true" : "false");
	} else if (a->fmt == QUERY_TABLE) {
		if (a->n == 0)
			fprintf(a->f, "%-40s %-7s %s\n", "DOMAIN", "PUBLISH", "ORGANISATION");
		esc_text_pad(a->f, t->domain, 40);
		fprintf(a->f, " %-7s ", t->publish ? "yes" : "no");
		esc_text_str(a->f, t->organisation);
		putc('\n', a->f);
	} else {
		/* CSV in the import format, so a listing can be edited and imported again. */
		if (a->n == 0)
			fputs(csv_targets, a->f);
		esc_csv_quoted(a->f, t->organisation);
		putc(',', a->f);
		esc_csv(a->f, t->domain);
		fprintf(a->f, ",%s\n", t->publish ? "yes" : "no");
	}
	a->n++;
	return 0;
}

int
query_targets(struct store *s, enum query_format fmt, FILE *f)
{
	struct list_arg a = { fmt, f, 0 };
	int rc = store_targets_each(s, target_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no targets yet (peil-collector targets import FILE.csv)\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_targets, f);
	return rc;
}

static int
round_one(const struct store_round *r, void *argp)
{
	struct list_arg *a = argp;
	char st[32], en[32];

	fmt_time(r->started, st, sizeof(st));
	fmt_time(r->ended, en, sizeof(en));
	if (a->fmt == QUERY_JSON) {
		fprintf(a->f, "{\"round\":%llu,\"started\":\"%s\",\"ended\":%s%s%s,\"targets\":%u,"
		    "\"results\":%llu,\"refused\":%llu}\n", (unsigned long long)r->id, st,
		    r->ended ? "\"" : "", r->ended ? en : "null", r->ended ? "\"" : "", r->targets,
		    (unsigned long long)r->results, (unsigned long long)r->refused);
	} else if (a->fmt == QUERY_CSV) {
		if (a->n == 0)
			fputs(csv_rounds, a->f);
		fprintf(a->f, "%llu,%s,%s,%u,%llu,%llu\n", (unsigned long long)r->id, st,
		    r->ended ? en : "", r->targets, (unsigned long long)r->results,
		    (unsigned long long)r->refused);
	} else {
		if (a->n == 0)
			fprintf(a->f, "%6s %-20s %-20s %8s %10s %8s\n", "ROUND", "STARTED", "ENDED",
			    "TARGETS", "RESULTS", "REFUSED");
		fprintf(a->f, "%6llu %-20s %-20s %8u %10llu %8llu\n", (unsigned long long)r->id, st,
		    r->ended ? en : "(open)", r->targets, (unsigned long long)r->results,
		    (unsigned long long)r->refused);
	}
	a->n++;
	return 0;
}

int
query_rounds(struct store *s, enum query_format fmt, FILE *f)
{
	struct list_arg a = { fmt, f, 0 };
	int rc = store_rounds_each(s, round_one, &a);

	if (rc == 0 && a.n == 0 && fmt == QUERY_TABLE)
		fprintf(f, "no round yet\n");
	if (rc == 0 && a.n == 0 && fmt == QUERY_CSV)
		fputs(csv_rounds, f);
	return rc;
}
