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

/* In the order of enum catalogue_test, which is sorted by id (strcmp order): catalogue_find
 * bsearches the table and a unit test checks the order. */
static const struct catalogue_entry catalogue[TEST_COUNT] = {
	[TEST_MAIL_AUTH_DKIM_EXIST] = { "mail_auth_dkim_exist",              "mailauth",  A1,      true,  G_DKIM, MODULE_MAILAUTH },
	[TEST_MAIL_AUTH_DMARC_EXIST] = { "mail_auth_dmarc_exist",             "mailauth",  A1,      true,  G_DMARC, MODULE_MAILAUTH },
	[TEST_MAIL_AUTH_DMARC_EXT_DESTINATION] = { "mail_auth_dmarc_ext_destination",   "mailauth",  A1,      false, G_DMARC, MODULE_MAILAUTH },
	[TEST_MAIL_AUTH_DMARC_POLICY] = { "mail_auth_dmarc_policy",            "mailauth",  A3,      true,  G_DMARC, MODULE_MAILAUTH },
	[TEST_MAIL_AUTH_SPF_EXIST] = { "mail_auth_spf_exist",               "mailauth",  A1,      true,  G_SPF, MODULE_MAILAUTH },
	[TEST_MAIL_AUTH_SPF_POLICY] = { "mail_auth_spf_policy",              "mailauth",  A3,      true,  G_SPF, MODULE_MAILAUTH },
	[TEST_MAIL_DNSSEC_MAILTO_EXIST] = { "mail_dnssec_mailto_exist",          "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_MAIL_DNSSEC_MAILTO_VALID] = { "mail_dnssec_mailto_valid",          "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_MAIL_DNSSEC_MX_EXIST] = { "mail_dnssec_mx_exist",              "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_MAIL_DNSSEC_MX_VALID] = { "mail_dnssec_mx_valid",              "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_MAIL_IPV6_MX_ADDRESS] = { "mail_ipv6_mx_address",              "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_MAIL_IPV6_MX_REACH] = { "mail_ipv6_mx_reach",                "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_MAIL_IPV6_NS_ADDRESS] = { "mail_ipv6_ns_address",              "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_MAIL_IPV6_NS_REACH] = { "mail_ipv6_ns_reach",                "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_MAIL_MTASTS] = { "mail_mtasts",                       "starttls",  0,       false, "rfc8461", MODULE_MTASTS_TLSRPT },
	[TEST_MAIL_MX_NS_RPKI_EXISTS] = { "mail_mx_ns_rpki_exists",            "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_MX_NS_RPKI_VALID] = { "mail_mx_ns_rpki_valid",             "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_NS_RPKI_EXISTS] = { "mail_ns_rpki_exists",               "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_NS_RPKI_VALID] = { "mail_ns_rpki_valid",                "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_RPKI_EXISTS] = { "mail_rpki_exists",                  "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_RPKI_VALID] = { "mail_rpki_valid",                   "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_MAIL_STARTTLS_CERT_CHAIN] = { "mail_starttls_cert_chain",          "starttls",  A3,      false, G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_CERT_DOMAIN] = { "mail_starttls_cert_domain",         "starttls",  A3,      false, G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_CERT_PUBKEY] = { "mail_starttls_cert_pubkey",         "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_CERT_SIG] = { "mail_starttls_cert_sig",            "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_DANE_EXIST] = { "mail_starttls_dane_exist",          "starttls",  A3,      true,  G_DANE, MODULE_DANE },
	[TEST_MAIL_STARTTLS_DANE_ROLLOVER] = { "mail_starttls_dane_rollover",       "starttls",  A3,      false, G_DANE, MODULE_DANE },
	[TEST_MAIL_STARTTLS_DANE_VALID] = { "mail_starttls_dane_valid",          "starttls",  A3,      true,  G_DANE, MODULE_DANE },
	[TEST_MAIL_STARTTLS_TLS_AVAILABLE] = { "mail_starttls_tls_available",       "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_CIPHERORDER] = { "mail_starttls_tls_cipherorder",     "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_CIPHERS] = { "mail_starttls_tls_ciphers",         "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_CLIENTRENEG] = { "mail_starttls_tls_clientreneg",     "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_COMPRESS] = { "mail_starttls_tls_compress",        "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE] = { "mail_starttls_tls_keyexchange",     "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH] = { "mail_starttls_tls_keyexchangehash", "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_SECRENEG] = { "mail_starttls_tls_secreneg",        "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_STARTTLS_TLS_VERSION] = { "mail_starttls_tls_version",         "starttls",  A3,      true,  G_TLS, MODULE_STARTTLS },
	[TEST_MAIL_TLSRPT] = { "mail_tlsrpt",                       "starttls",  0,       false, "rfc8460", MODULE_MTASTS_TLSRPT },
	[TEST_VANTAGE_IPV6] = { "vantage_ipv6",                      "vantage",   0,       false, "peil", MODULE_NONE },
	[TEST_VANTAGE_ROV] = { "vantage_rov",                       "vantage",   0,       false, "peil", MODULE_NONE },
	[TEST_WEB_APPSECPRIV_CSP] = { "web_appsecpriv_csp",                "appsecpriv", 0,      false, "w3c-csp3", MODULE_NONE },
	[TEST_WEB_APPSECPRIV_REFERRER_POLICY] = { "web_appsecpriv_referrer_policy",    "appsecpriv", 0,      false, "w3c-referrer-policy", MODULE_NONE },
	[TEST_WEB_APPSECPRIV_SECURITYTXT] = { "web_appsecpriv_securitytxt",        "appsecpriv", 0,      true,  "rfc9116", MODULE_NONE },
	[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS] = { "web_appsecpriv_x_content_type_options", "appsecpriv", 0,  true,  "whatwg-fetch", MODULE_NONE },
	[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS] = { "web_appsecpriv_x_frame_options",    "appsecpriv", 0,      true,  "rfc7034", MODULE_NONE },
	[TEST_WEB_CAA] = { "web_caa",                           "https",     0,       false, "rfc8659", MODULE_NONE },
	[TEST_WEB_DNSSEC_EXIST] = { "web_dnssec_exist",                  "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_WEB_DNSSEC_VALID] = { "web_dnssec_valid",                  "dnssec",    A1,      true,  G_DNSSEC, MODULE_DNSSEC },
	[TEST_WEB_HTTPS_CERT_CHAIN] = { "web_https_cert_chain",              "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_CERT_DOMAIN] = { "web_https_cert_domain",             "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_CERT_PUBKEY] = { "web_https_cert_pubkey",             "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_CERT_SIG] = { "web_https_cert_sig",                "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_DANE_EXIST] = { "web_https_dane_exist",              "https",     0,       false, G_WDANE, MODULE_NONE },
	[TEST_WEB_HTTPS_DANE_VALID] = { "web_https_dane_valid",              "https",     0,       false, G_WDANE, MODULE_NONE },
	[TEST_WEB_HTTPS_HTTP_AVAILABLE] = { "web_https_http_available",          "https",     A1 | A2, true,  G_HTTP, MODULE_NONE },
	[TEST_WEB_HTTPS_HTTP_COMPRESS] = { "web_https_http_compress",           "https",     A2,      false, G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_HTTP_HSTS] = { "web_https_http_hsts",               "https",     A2,      true,  G_HSTS, MODULE_NONE },
	[TEST_WEB_HTTPS_HTTP_REDIRECT] = { "web_https_http_redirect",           "https",     A1 | A2, true,  G_HTTP, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_0RTT] = { "web_https_tls_0rtt",                "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_CIPHERORDER] = { "web_https_tls_cipherorder",         "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_CIPHERS] = { "web_https_tls_ciphers",             "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_CLIENTRENEG] = { "web_https_tls_clientreneg",         "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_COMPRESS] = { "web_https_tls_compress",            "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_KEYEXCHANGE] = { "web_https_tls_keyexchange",         "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH] = { "web_https_tls_keyexchangehash",     "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_OCSP] = { "web_https_tls_ocsp",                "https",     A1 | A2, false, G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_SECRENEG] = { "web_https_tls_secreneg",            "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_HTTPS_TLS_VERSION] = { "web_https_tls_version",             "https",     A1 | A2, true,  G_TLS, MODULE_NONE },
	[TEST_WEB_IPV6_NS_ADDRESS] = { "web_ipv6_ns_address",               "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_WEB_IPV6_NS_REACH] = { "web_ipv6_ns_reach",                 "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_WEB_IPV6_WS_ADDRESS] = { "web_ipv6_ws_address",               "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_WEB_IPV6_WS_REACH] = { "web_ipv6_ws_reach",                 "ipv6",      A4,      true,  G_IPV6, MODULE_IPV6 },
	[TEST_WEB_IPV6_WS_SIMILAR] = { "web_ipv6_ws_similar",               "ipv6",      A4,      true,  G_IPV6, MODULE_NONE },
	[TEST_WEB_NS_RPKI_EXISTS] = { "web_ns_rpki_exists",                "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_WEB_NS_RPKI_VALID] = { "web_ns_rpki_valid",                 "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_WEB_RPKI_EXISTS] = { "web_rpki_exists",                   "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
	[TEST_WEB_RPKI_VALID] = { "web_rpki_valid",                    "rpki",      A5,      true,  G_RPKI, MODULE_NONE },
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
