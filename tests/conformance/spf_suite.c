/* spf_suite.c: runs peil's SPF tests (mail_auth_spf_exist, mail_auth_spf_policy) over the
 * scenarios that spf_suite.py feeds it, each a canned zone and a domain, and prints the two
 * verdicts per scenario for the driver to compare with the suite's expectations.
 *
 * Input (stdin), one item a line; names without the final dot:
 *   S <scenario id>            starts a scenario
 *   Z <owner> <type> <rdata>   a record (rdata in zone-file text; CNAME followed one level)
 *   T <owner> [<type>...]      every lookup of this exact name times out, but for the
 *                              types listed
 *   D <domain>                 the domain judged; runs the scenario
 * Output (stdout), one line per scenario, fields separated by tabs:
 *   R <id> <exist letter> <policy letter> <exist reason> <policy reason>
 * Letters: P F W I N E (passed failed warning info not_tested error). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "err.h"
#include "catalogue.h"
#include "dnswork.h"
#include "probe.h"
#include "result.h"

#define SUITE_MAX_RECORDS 256
#define SUITE_LINE 4096

struct suite_rr {
	char owner[300];
	uint16_t type;
	char text[SUITE_LINE];   /* "owner. 300 IN TYPE rdata" */
};

struct suite_zone {
	struct suite_rr rr[SUITE_MAX_RECORDS];
	size_t n;
	char timeout[32][300];   /* owner, then the types it answers: "name A MX" */
	size_t ntimeout;
	unsigned lookups;
};

/* Copies src into dst[cap], cut to fit. */
static void
suite_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool
suite_owner_is(const struct suite_rr *r, const char *name)
{
	return strcasecmp(r->owner, name) == 0;
}

/* Appends every record of owner/type (text lines) to out; the count. */
static size_t
suite_collect(const struct suite_zone *z, const char *owner, uint16_t type, char *out,
    size_t outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < z->n; i++) {
		if (!suite_owner_is(&z->rr[i], owner) || z->rr[i].type != type)
			continue;
		if (strlen(out) + strlen(z->rr[i].text) + 2 >= outlen)
			break;
		strcat(out, z->rr[i].text);
		strcat(out, "\n");
		n++;
	}
	return n;
}

static int
suite_lookup(void *arg, const char *qname, uint16_t type, size_t max, uint64_t deadline_ms,
    struct dnsans *out)
{
	struct suite_zone *z = arg;
	char name[300], *ans = NULL, *line, *save = NULL;
	const char *lab;
	bool exists = false;
	ldns_pkt *p = NULL;
	uint8_t *wire = NULL;
	size_t len = 0, anslen = 64 * SUITE_LINE;
	int rc;

	(void)deadline_ms;
	z->lookups++;
	snprintf(name, sizeof(name), "%s", qname);
	if (name[0] != '\0' && name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	/* A label over 63 bytes cannot be sent (the suite's driver answers TempError too). */
	for (lab = name; lab != NULL; lab = strchr(lab, '.')) {
		const char *e;

		lab += *lab == '.';
		e = strchr(lab, '.');
		if ((e != NULL ? (size_t)(e - lab) : strlen(lab)) > 63)
			return dnsans_fail(out, PEIL_EINVAL, "a label of %s is longer than 63", name);
		if (e == NULL)
			break;
	}
	/* peil asks the domain's SOA before any test; the suite models only the lookups SPF
	 * makes, so its time-outs (which test TXT against type SPF) do not apply to the SOA. */
	for (size_t i = 0; i < z->ntimeout && type != LDNS_RR_TYPE_SOA; i++) {
		char owner[300], types[300], *t, *tsave = NULL;
		bool answered = false;

		types[0] = '\0';
		if (sscanf(z->timeout[i], "%299s %299[^\n]", owner, types) < 1 ||
		    strcasecmp(owner, name) != 0)
			continue;
		for (t = strtok_r(types, " ", &tsave); t != NULL; t = strtok_r(NULL, " ", &tsave))
			answered |= ldns_get_rr_type_by_name(t) == type;
		if (!answered)
			return dnsans_fail(out, PEIL_ETIMEDOUT, "no answer within 3000 ms");
	}
	for (size_t i = 0; i < z->n; i++)
		exists |= suite_owner_is(&z->rr[i], name);
	for (size_t i = 0; i < z->ntimeout && !exists; i++) {
		size_t n = strlen(name);

		exists = strncasecmp(z->timeout[i], name, n) == 0 &&
		    (z->timeout[i][n] == '\0' || z->timeout[i][n] == ' ');
	}
	if (!exists && strncasecmp(name, "error.", 6) == 0)
		return dnsans_fail(out, PEIL_ETIMEDOUT, "no answer within 3000 ms");
	if ((ans = calloc(1, anslen)) == NULL)
		return dnsans_fail(out, PEIL_ENOMEM, "out of memory");
	if (suite_collect(z, name, type, ans, anslen) == 0 && type != LDNS_RR_TYPE_CNAME) {
		/* One level of CNAME, as the suite's driver does. */
		for (size_t i = 0; i < z->n; i++) {
			char target[300];

			if (!suite_owner_is(&z->rr[i], name) || z->rr[i].type != LDNS_RR_TYPE_CNAME)
				continue;
			strcat(ans, z->rr[i].text);
			strcat(ans, "\n");
			if (sscanf(z->rr[i].text, "%*s %*s %*s %*s %299s", target) == 1) {
				if (target[strlen(target) - 1] == '.')
					target[strlen(target) - 1] = '\0';
				suite_collect(z, target, type, ans, anslen);
			}
			break;
		}
	}
	if (type == LDNS_RR_TYPE_SOA && exists && ans[0] == '\0')
		snprintf(ans, anslen, "%s. 300 IN SOA ns.test. h.test. 1 2 3 4 5\n", name);
	if (ldns_pkt_query_new_frm_str(&p, name, (ldns_rr_type)type, LDNS_RR_CLASS_IN,
	    LDNS_RD) != LDNS_STATUS_OK) {
		free(ans);
		return dnsans_fail(out, PEIL_EINVAL, "%s cannot be asked", name);
	}
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_rcode(p, exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
	for (line = strtok_r(ans, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		ldns_rr *rr;

		if (ldns_rr_new_frm_str(&rr, line, 300, NULL, NULL) != LDNS_STATUS_OK) {
			fprintf(stderr, "spf_suite: bad record: %s\n", line);
			exit(2);
		}
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK) {
		fprintf(stderr, "spf_suite: cannot build the answer for %s\n", name);
		exit(2);
	}
	rc = dnsans_parse(wire, len, name, type, max, out);
	out->sec = DNSANS_INSECURE;
	free(wire);
	ldns_pkt_free(p);
	free(ans);
	return rc;
}

static uint64_t
suite_now(void *arg)
{
	(void)arg;
	return 0;
}

static const char *
suite_reason(const Peil__Result *r)
{
	for (size_t i = 0; r != NULL && i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, "reason") == 0)
			return r->evidence[i]->value;
	return "";
}

/* Prints s with tabs and newlines as spaces. */
static void
suite_print_field(const char *s)
{
	putchar('\t');
	for (; *s != '\0'; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int
suite_run(struct suite_zone *z, const char *id, const char *domain)
{
	static const char letters[] = "?PFWINE";
	struct dnswork_source src = { .lookup = suite_lookup, .now_ms = suite_now, .arg = z,
	    .validating = false, .ipv6 = false };
	Peil__Result *res[TEST_COUNT] = { 0 };
	int rc;

	res[TEST_MAIL_AUTH_SPF_EXIST] = result_new(domain, catalogue_get(TEST_MAIL_AUTH_SPF_EXIST)->id,
	    PEIL__STATUS__STATUS_UNSPECIFIED, "rfc7208");
	res[TEST_MAIL_AUTH_SPF_POLICY] = result_new(domain, catalogue_get(TEST_MAIL_AUTH_SPF_POLICY)->id,
	    PEIL__STATUS__STATUS_UNSPECIFIED, "rfc7208");
	if (res[TEST_MAIL_AUTH_SPF_EXIST] == NULL || res[TEST_MAIL_AUTH_SPF_POLICY] == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = probe_run(&src, domain, UINT64_MAX, res)) != 0)
		goto out;
	printf("R\t%s\t%c\t%c", id, letters[res[TEST_MAIL_AUTH_SPF_EXIST]->status % 7],
	    letters[res[TEST_MAIL_AUTH_SPF_POLICY]->status % 7]);
	suite_print_field(suite_reason(res[TEST_MAIL_AUTH_SPF_EXIST]));
	suite_print_field(suite_reason(res[TEST_MAIL_AUTH_SPF_POLICY]));
	putchar('\n');
out:
	result_free(res[TEST_MAIL_AUTH_SPF_EXIST]);
	result_free(res[TEST_MAIL_AUTH_SPF_POLICY]);
	return rc;
}

int
main(void)
{
	static struct suite_zone z;
	static char line[SUITE_LINE], id[256];
	size_t lineno = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strlen(line);

		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(stdin)) {
			fprintf(stderr, "spf_suite: line %zu too long\n", lineno);
			return 2;
		}
		if (n < 2)
			continue;
		switch (line[0]) {
		case 'S':
			memset(&z, 0, sizeof(z));
			suite_copy(id, sizeof(id), line + 2);
			break;
		case 'Z': {
			struct suite_rr *r;
			char tname[16];
			const char *rdata;

			if (z.n >= SUITE_MAX_RECORDS) {
				fprintf(stderr, "spf_suite: %s: too many records\n", id);
				return 2;
			}
			r = &z.rr[z.n];
			if (sscanf(line + 2, "%299s %15s", r->owner, tname) != 2 ||
			    (rdata = strstr(line + 2 + strlen(r->owner) + 1, " ")) == NULL) {
				fprintf(stderr, "spf_suite: line %zu malformed\n", lineno);
				return 2;
			}
			r->type = (uint16_t)ldns_get_rr_type_by_name(tname);
			if (strlen(r->owner) + strlen(tname) + strlen(rdata) + 16 > sizeof(r->text)) {
				fprintf(stderr, "spf_suite: line %zu too long a record\n", lineno);
				return 2;
			}
			{
				size_t lo = strlen(r->owner), lt = strlen(tname), lr = strlen(rdata);
				char *t = r->text;

				memcpy(t, r->owner, lo);
				memcpy(t + lo, ". 300 IN ", 9);
				memcpy(t + lo + 9, tname, lt);
				memcpy(t + lo + 9 + lt, rdata, lr);
				t[lo + 9 + lt + lr] = '\0';
			}
			z.n++;
			break;
		}
		case 'T':
			if (z.ntimeout < sizeof(z.timeout) / sizeof(z.timeout[0]))
				suite_copy(z.timeout[z.ntimeout++], sizeof(z.timeout[0]), line + 2);
			break;
		case 'D':
			if (suite_run(&z, id, line + 2) != 0) {
				fprintf(stderr, "spf_suite: %s: the probe failed\n", id);
				return 2;
			}
			fflush(stdout);
			break;
		default:
			fprintf(stderr, "spf_suite: line %zu: unknown item '%c'\n", lineno, line[0]);
			return 2;
		}
	}
	return 0;
}
