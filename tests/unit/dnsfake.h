/* dnsfake.h: DNS answers built from zone-file lines, and a zone as a probe source, for the
 * probe tests. */
#ifndef PEIL_TEST_DNSFAKE_H
#define PEIL_TEST_DNSFAKE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "err.h"
#include "dnswork.h"

/* ---- building answers ---- */

/* An answer message to name/type with the given rcode and records ("\n"-separated zone-file
 * lines, absolute names). The caller frees *wire. */
static void __attribute__((unused))
build_packet(const char *name, uint16_t type, int rcode, const char *answer,
    const char *authority, uint8_t **wire, size_t *len)
{
	ldns_pkt *p;
	const char *text[2] = { answer, authority };
	ldns_pkt_section sect[2] = { LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY };

	assert_int_equal(ldns_pkt_query_new_frm_str(&p, name, (ldns_rr_type)type,
	    LDNS_RR_CLASS_IN, LDNS_RD), LDNS_STATUS_OK);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	for (int s = 0; s < 2; s++) {
		char *copy, *line, *save = NULL;

		if (text[s] == NULL)
			continue;
		copy = strdup(text[s]);
		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			ldns_rr *rr;

			if (ldns_rr_new_frm_str(&rr, line, 300, NULL, NULL) != LDNS_STATUS_OK)
				fail_msg("bad test record: %s", line);
			ldns_pkt_push_rr(p, sect[s], rr);
		}
		free(copy);
	}
	assert_int_equal(ldns_pkt2wire(wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
}

/* ---- a zone as the source of answers ---- */

struct zonefake {
	const char *zone;        /* "\n"-separated records, absolute owner names */
	const char *bogus;       /* owner names (suffix match) whose answers are bogus, ";"-separated */
	const char *insecure;    /* ... insecure; everything else is secure */
	const char *timeout;     /* ... that time out */
	const char *servfail;    /* ... whose answers are SERVFAIL (a loop, a broken zone) */
	unsigned lookups;
	char asked[4096];        /* every question looked up, "TYPE name;" each, cut when full */
	char prefetched[1024];   /* every question prefetched (zf_prefetch), the same way */
	const char *reach_fail;  /* addresses that do not answer (reach), ";"-separated */
	unsigned reach_items;
	void *user;              /* the test's own state, for its other callbacks */
};

/* True when name equals one of the ";"-separated list, or is below one of them. */
static bool __attribute__((unused))
in_list(const char *list, const char *name)
{
	char *copy, *tok, *save = NULL;
	bool hit = false;

	if (list == NULL)
		return false;
	copy = strdup(list);
	for (tok = strtok_r(copy, ";", &save); tok != NULL && !hit;
	    tok = strtok_r(NULL, ";", &save)) {
		size_t n = strlen(name), t = strlen(tok);

		hit = strcasecmp(name, tok) == 0 ||
		    (n > t && name[n - t - 1] == '.' && strcasecmp(name + n - t, tok) == 0);
	}
	free(copy);
	return hit;
}

/* The zone's records at name/type (text lines), and whether the name exists at all. */
static char * __attribute__((unused))
zone_lookup(const char *zone, const char *name, uint16_t type, bool *exists)
{
	char *copy = strdup(zone), *line, *save = NULL, *out = calloc(1, strlen(zone) + 2);
	char want[300];
	size_t wl;

	snprintf(want, sizeof(want), "%s.", name);
	wl = strlen(want);
	*exists = false;
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char owner[300], tname[16];
		ldns_rr_type t;

		if (sscanf(line, "%299s %15s", owner, tname) != 2)
			continue;
		/* The owner exists, and so does every name above it (empty non-terminals). */
		if (strcasecmp(owner, want) == 0 || (strlen(owner) > wl &&
		    owner[strlen(owner) - wl - 1] == '.' &&
		    strcasecmp(owner + strlen(owner) - wl, want) == 0))
			*exists = true;
		t = ldns_get_rr_type_by_name(tname);
		if (strcasecmp(owner, want) == 0 && t == type) {
			strcat(out, line);
			strcat(out, "\n");
		}
	}
	free(copy);
	return out;
}

/* Appends "TYPE name;" to list (bounded: a full list keeps what it had). */
static void __attribute__((unused))
zf_note(char *list, size_t size, const char *name, uint16_t type)
{
	size_t len = strlen(list);
	char *t = ldns_rr_type2str((ldns_rr_type)type);

	if (t != NULL && len < size)
		(void)snprintf(list + len, size - len, "%s %s;", t, name);
	if (strlen(list) == size - 1)
		list[len] = '\0';
	free(t);
}

/* The source's prefetch: only noted, the lookup made later answers. */
static void __attribute__((unused))
zf_prefetch(void *arg, const char *name, uint16_t type)
{
	struct zonefake *z = arg;

	zf_note(z->prefetched, sizeof(z->prefetched), name, type);
}

static int __attribute__((unused))
zf_lookup(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
    struct dnsans *out)
{
	struct zonefake *z = arg;
	uint8_t *wire = NULL;
	size_t len = 0;
	bool exists;
	char *ans, soa[400];
	int rc;

	(void)deadline_ms;
	z->lookups++;
	zf_note(z->asked, sizeof(z->asked), name, type);
	if (in_list(z->timeout, name))
		return dnsans_fail(out, PEIL_ETIMEDOUT, "no answer within 3000 ms");
	ans = zone_lookup(z->zone, name, type, &exists);
	/* No record of the type but a CNAME: the chain and the records at its end (8 hops). */
	if (ans[0] == '\0' && type != LDNS_RR_TYPE_CNAME) {
		char cur[300];

		snprintf(cur, sizeof(cur), "%s", name);
		for (int hop = 0; hop < 8; hop++) {
			bool e;
			char *cn = zone_lookup(z->zone, cur, LDNS_RR_TYPE_CNAME, &e), *more, tname[16];
			char owner[300], target[300];

			if (cn[0] == '\0' || sscanf(cn, "%299s %15s %299s", owner, tname, target) != 3) {
				free(cn);
				break;
			}
			exists = true;
			if (target[0] != '\0' && target[strlen(target) - 1] == '.')
				target[strlen(target) - 1] = '\0';
			more = zone_lookup(z->zone, target, type, &e);
			ans = realloc(ans, strlen(ans) + strlen(cn) + strlen(more) + 1);
			strcat(ans, cn);
			strcat(ans, more);
			free(cn);
			snprintf(cur, sizeof(cur), "%s", target);
			if (more[0] != '\0') {
				free(more);
				break;
			}
			free(more);
		}
	}
	if (type == LDNS_RR_TYPE_SOA && ans[0] == '\0')
		snprintf(soa, sizeof(soa), "test. 300 IN SOA ns.test. h.test. 1 2 3 4 5");
	else
		soa[0] = '\0';
	build_packet(name, type, exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN,
	    ans[0] != '\0' ? ans : NULL, soa[0] != '\0' ? soa : NULL, &wire, &len);
	rc = dnsans_parse(wire, len, name, type, max, out);
	free(wire);
	free(ans);
	out->sec = in_list(z->bogus, name) ? DNSANS_BOGUS :
	    in_list(z->insecure, name) ? DNSANS_INSECURE : DNSANS_SECURE;
	if (in_list(z->servfail, name) && out->sec != DNSANS_BOGUS)
		out->rcode = LDNS_RCODE_SERVFAIL;
	if (out->sec == DNSANS_BOGUS) {
		out->rcode = LDNS_RCODE_SERVFAIL;
		snprintf(out->why_bogus, sizeof(out->why_bogus), "signature expired");
	}
	return rc;
}

static uint64_t __attribute__((unused))
zf_now(void *arg)
{
	(void)arg;
	return 0;
}

static int __attribute__((unused))
zf_reach(void *arg, enum reach_kind kind, struct reach_item *items, size_t n,
    const char *qname, uint16_t qtype, uint64_t deadline_ms)
{
	struct zonefake *z = arg;

	(void)kind;
	(void)qname;
	(void)qtype;
	(void)deadline_ms;
	for (size_t i = 0; i < n; i++) {
		char key[80];

		snprintf(key, sizeof(key), "%s:%u", items[i].addr, (unsigned)items[i].port);
		items[i].ok = !in_list(z->reach_fail, key) && !in_list(z->reach_fail, items[i].addr);
		snprintf(items[i].why, sizeof(items[i].why), "%s", items[i].ok ? "" :
		    "connection refused");
		z->reach_items++;
	}
	return 0;
}

#define T_A      LDNS_RR_TYPE_A
#define T_NS     LDNS_RR_TYPE_NS
#define T_SOA    LDNS_RR_TYPE_SOA
#define T_MX     LDNS_RR_TYPE_MX
#define T_AAAA   LDNS_RR_TYPE_AAAA
#define T_DS     LDNS_RR_TYPE_DS
#define T_DNSKEY LDNS_RR_TYPE_DNSKEY
#define T_TXT    LDNS_RR_TYPE_TXT

/* A zone's SOA record as build_packet takes it. */
#define SOA(z) z ". 300 IN SOA ns1." z ". hostmaster." z ". 1 1800 900 604800 300"

static void __attribute__((unused))
assert_contains(const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", hay ? hay : "(null)", needle);
}

#endif
