/* fuzz_ocsp.c: libFuzzer target for the TLS engine's judge of a stapled OCSP response
 * (tls_ocsp_judge: untrusted DER from any server), with a fixed CA and leaf. The seeds
 * (good, delegated responder, revoked, another certificate, no nextUpdate) were made with
 * `openssl ocsp` for these certificates; they stay valid until 2126. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char ca_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBdDCCARqgAwIBAgIUC1cbo3dmoNDscAhdyjLdsFEi2+4wCgYIKoZIzj0EAwIw\n"
	"FzEVMBMGA1UEAwwMcGVpbCBmdXp6IENBMCAXDTI2MTIwNDIwMDA0MVoYDzIxMjYx\n"
	"MTEwMjAwMDQxWjAXMRUwEwYDVQQDDAxwZWlsIGZ1enogQ0EwWTATBgcqhkjOPQIB\n"
	"BggqhkjOPQMBBwNCAAT2XSIx2PtSpmJJH6iRwXuO1LqmSlx+tou5YY19SQmWl8LT\n"
	"UGNjVv8M9uuXd4gR1ws7T9Rev/DTIfC5SBOsJ6EUo0IwQDAPBgNVHRMBAf8EBTAD\n"
	"AQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQUXudveqN9RZsCzoEU43c0ReBj\n"
	"/3AwCgYIKoZIzj0EAwIDSAAwRQIhAP9AEbUb9sW7Piy7rhmBNoefSE87TEuMocqC\n"
	"LWkVLtyiAiAL9O+2fbObJbUnKdoMXVJu6chK6xFoLxrN9L5Ey4xFxQ==\n"
	"-----END CERTIFICATE-----\n";

static const char leaf_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBmDCCAT2gAwIBAgIEO/i+jTAKBggqhkjOPQQDAjAXMRUwEwYDVQQDDAxwZWls\n"
	"IGZ1enogQ0EwIBcNMjYxMjA0MjAwMDQxWhgPMjEyNjExMTAyMDAwNDFaMBQxEjAQ\n"
	"BgNVBAMMCWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFTB4hwI\n"
	"TnWnxOMvtxMge2r2rKuIpt8qb0wKHKIc3opkFZw0PqGwNvG0yxoZ1FOhGZKOgUX7\n"
	"zuIcSxcJ7CtXJBOjeDB2MAkGA1UdEwQCMAAwFAYDVR0RBA0wC4IJbG9jYWxob3N0\n"
	"MBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBRdOCvccXWVNbYxY1HIBCvZ\n"
	"4Exp+zAfBgNVHSMEGDAWgBRe5296o31FmwLOgRTjdzRF4GP/cDAKBggqhkjOPQQD\n"
	"AgNJADBGAiEAhqF4L/M40HDd2g0rRzCd7ZUZOwSJQhy7gUnWo8KNH50CIQCqboHX\n"
	"ezNmUwiCbC5PcCyB91kxZ70lhWMyzH1Lfg0bfA==\n"
	"-----END CERTIFICATE-----\n";

static char ca_file[64];
static uint8_t *der[2];
static size_t derlen[2];

static void
unlink_ca(void)
{
	if (ca_file[0] != '\0')
		unlink(ca_file);
}

static size_t
pem_der(const char *pem, uint8_t **out)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	int len = x != NULL ? i2d_X509(x, NULL) : -1;
	uint8_t *p;

	if (len <= 0 || (*out = malloc((size_t)len)) == NULL)
		abort();
	p = *out;
	if (i2d_X509(x, &p) != len)
		abort();
	X509_free(x);
	BIO_free(b);
	return (size_t)len;
}

static void
init(void)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(ca_file, sizeof(ca_file), "%s/fuzz-ocsp-XXXXXX", tmp != NULL &&
	    strlen(tmp) < 40 ? tmp : "/tmp");
	if ((fd = mkstemp(ca_file)) < 0 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fputs(ca_pem, f);
	fclose(f);
	atexit(unlink_ca);
	derlen[0] = pem_der(leaf_pem, &der[0]);
	derlen[1] = pem_der(ca_pem, &der[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint8_t *copy;
	char why[128];
	int valid;

	if (der[0] == NULL)
		init();
	/* An exactly sized copy: the sanitizers see any read past the end. */
	if ((copy = malloc(n > 0 ? n : 1)) == NULL)
		return 0;
	memcpy(copy, d, n);
	for (size_t chain = 1; chain <= 2; chain++) {
		valid = 7;
		memset(why, 'x', sizeof(why));
		if (tls_ocsp_judge(copy, n, der, derlen, chain, ca_file, &valid, why,
		    sizeof(why)) != 0 || valid < -1 || valid > 1 || memchr(why, '\0', sizeof(why)) == NULL)
			__builtin_trap();
	}
	free(copy);
	return 0;
}
