/* catalogue.c: the test catalogue (DESIGN.md §6): every test id, what it belongs to, which
 * module of the agent runs it. */
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

#define A1 AGREEMENT(1)
#define A2 AGREEMENT(2)
#define A3 AGREEMENT(3)
#define A4 AGREEMENT(4)
#define A5 AGREEMENT(5)

#define G_DNSSEC "rfc4033"
#define G_IPV6   "internet.nl"
#define G_SPF    "rfc7208"
#define G_DMARC  "rfc7489"
#define G_DKIM   "rfc6376"
#define G_TLS    "ncsc-tls-2025-05"
#define G_DANE   "rfc7672"
#define G_WDANE  "rfc6698"
#define G_RPKI   "rfc6811"
#define G_HTTP   "rfc9110"
#define G_HSTS   "rfc6797"

/* Short names of the modules, for the table. */
#define M_NONE   MODULE_NONE
#define M_DNSSEC MODULE_DNSSEC
#define M_IPV6   MODULE_IPV6
#define M_MAIL   MODULE_MAILAUTH
#define M_STS    MODULE_MTASTS_TLSRPT
#define M_DANE   MODULE_DANE
#define M_TLS    MODULE_STARTTLS

/* One row per enum catalogue_test, in its order: sorted by id (strcmp order), so that
 * catalogue_find bsearches the table; test_catalogue checks the order and that every row's id
 * is its enumerator's name. */
static const struct catalogue_entry catalogue[] = {
	{ "mail_auth_dkim_exist",              "mailauth",  A1,      true,  G_DKIM,    M_MAIL },
	{ "mail_auth_dmarc_exist",             "mailauth",  A1,      true,  G_DMARC,   M_MAIL },
	{ "mail_auth_dmarc_ext_destination",   "mailauth",  A1,      false, G_DMARC,   M_MAIL },
	{ "mail_auth_dmarc_policy",            "mailauth",  A3,      true,  G_DMARC,   M_MAIL },
	{ "mail_auth_spf_exist",               "mailauth",  A1,      true,  G_SPF,     M_MAIL },
	{ "mail_auth_spf_policy",              "mailauth",  A3,      true,  G_SPF,     M_MAIL },
	{ "mail_dnssec_mailto_exist",          "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "mail_dnssec_mailto_valid",          "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "mail_dnssec_mx_exist",              "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "mail_dnssec_mx_valid",              "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "mail_ipv6_mx_address",              "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "mail_ipv6_mx_reach",                "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "mail_ipv6_ns_address",              "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "mail_ipv6_ns_reach",                "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "mail_mtasts",                       "starttls",  0,       false, "rfc8461", M_STS },
	{ "mail_mx_ns_rpki_exists",            "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_mx_ns_rpki_valid",             "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_ns_rpki_exists",               "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_ns_rpki_valid",                "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_rpki_exists",                  "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_rpki_valid",                   "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "mail_starttls_cert_chain",          "starttls",  A3,      false, G_TLS,     M_TLS },
	{ "mail_starttls_cert_domain",         "starttls",  A3,      false, G_TLS,     M_TLS },
	{ "mail_starttls_cert_pubkey",         "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_cert_sig",            "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_dane_exist",          "starttls",  A3,      true,  G_DANE,    M_DANE },
	{ "mail_starttls_dane_rollover",       "starttls",  A3,      false, G_DANE,    M_DANE },
	{ "mail_starttls_dane_valid",          "starttls",  A3,      true,  G_DANE,    M_DANE },
	{ "mail_starttls_tls_available",       "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_cipherorder",     "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_ciphers",         "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_clientreneg",     "starttls",  A3,      false, G_TLS,     M_TLS },
	{ "mail_starttls_tls_compress",        "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_keyexchange",     "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_keyexchangehash", "starttls",  A3,      false, G_TLS,     M_TLS },
	{ "mail_starttls_tls_secreneg",        "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_starttls_tls_version",         "starttls",  A3,      true,  G_TLS,     M_TLS },
	{ "mail_tlsrpt",                       "starttls",  0,       false, "rfc8460", M_STS },
	{ "vantage_ipv6",                      "vantage",   0,       false, "peil",    M_NONE },
	{ "vantage_rov",                       "vantage",   0,       false, "peil",    M_NONE },
	{ "web_appsecpriv_csp",                "appsecpriv", 0,      false, "w3c-csp3", M_NONE },
	{ "web_appsecpriv_referrer_policy",    "appsecpriv", 0,      false, "w3c-referrer-policy", M_NONE },
	{ "web_appsecpriv_securitytxt",        "appsecpriv", 0,      false, "rfc9116", M_NONE },
	{ "web_appsecpriv_x_content_type_options", "appsecpriv", 0,  false, "whatwg-fetch", M_NONE },
	{ "web_appsecpriv_x_frame_options",    "appsecpriv", 0,      false, "rfc7034", M_NONE },
	{ "web_caa",                           "https",     0,       false, "rfc8659", M_NONE },
	{ "web_dnssec_exist",                  "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "web_dnssec_valid",                  "dnssec",    A1,      true,  G_DNSSEC,  M_DNSSEC },
	{ "web_https_cert_chain",              "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_cert_domain",             "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_cert_pubkey",             "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_cert_sig",                "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_dane_exist",              "https",     0,       false, G_WDANE,   M_NONE },
	{ "web_https_dane_valid",              "https",     0,       false, G_WDANE,   M_NONE },
	{ "web_https_http_available",          "https",     A1 | A2, true,  G_HTTP,    M_NONE },
	{ "web_https_http_compress",           "https",     A2,      false, G_TLS,     M_NONE },
	{ "web_https_http_hsts",               "https",     A2,      true,  G_HSTS,    M_NONE },
	{ "web_https_http_redirect",           "https",     A1 | A2, true,  G_HTTP,    M_NONE },
	{ "web_https_tls_0rtt",                "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_cipherorder",         "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_ciphers",             "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_clientreneg",         "https",     A1 | A2, false, G_TLS,     M_NONE },
	{ "web_https_tls_compress",            "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_keyexchange",         "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_keyexchangehash",     "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_ocsp",                "https",     A1 | A2, false, G_TLS,     M_NONE },
	{ "web_https_tls_secreneg",            "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_https_tls_version",             "https",     A1 | A2, true,  G_TLS,     M_NONE },
	{ "web_ipv6_ns_address",               "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "web_ipv6_ns_reach",                 "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "web_ipv6_ws_address",               "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "web_ipv6_ws_reach",                 "ipv6",      A4,      true,  G_IPV6,                M_IPV6 },
	{ "web_ipv6_ws_similar",               "ipv6",      A4,      true,  G_IPV6,    M_NONE },
	{ "web_ns_rpki_exists",                "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "web_ns_rpki_valid",                 "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "web_rpki_exists",                   "rpki",      A5,      true,  G_RPKI,    M_NONE },
	{ "web_rpki_valid",                    "rpki",      A5,      true,  G_RPKI,    M_NONE },
};

#define CATALOGUE_N (sizeof(catalogue) / sizeof(catalogue[0]))
_Static_assert(CATALOGUE_N == TEST_COUNT, "one catalogue row per enum catalogue_test");

const struct catalogue_entry *
catalogue_all(size_t *n)
{
	*n = CATALOGUE_N;
	return catalogue;
}

const struct catalogue_entry *
catalogue_get(enum catalogue_test t)
{
	return (unsigned)t < TEST_COUNT ? &catalogue[t] : NULL;
}

static int
catalogue_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalogue_entry *)elem)->id);
}

const struct catalogue_entry *
catalogue_find(const char *id)
{
	if (id == NULL)
		return NULL;
	return bsearch(id, catalogue, CATALOGUE_N, sizeof(catalogue[0]), catalogue_cmp);
}

bool
catalogue_test_find(const char *id, enum catalogue_test *out)
{
	const struct catalogue_entry *e = catalogue_find(id);

	if (e == NULL)
		return false;
	*out = (enum catalogue_test)(e - catalogue);
	return true;
}
