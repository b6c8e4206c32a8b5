/* dnsfake.h: DNS answer messages built from zone-file lines, for the probe tests. */
#ifndef PEIL_TEST_DNSFAKE_H
#define PEIL_TEST_DNSFAKE_H

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

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

#endif
