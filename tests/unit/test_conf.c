/* test_conf.c: INI parsing, schema checks, error messages, overrides, the example file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "err.h"
#include "limits.h"

static const struct conf_key schema[] = {
	{ "net", "port", CONF_U64, "9100", 1, 65535, "TCP port" },
	{ "net", "host", CONF_STR, "localhost", 0, 0, "host to bind" },
	{ "net", "ipv6", CONF_BOOL, "yes", 0, 0, "use IPv6" },
	{ "store", "path", CONF_PATH, "/var/lib/peil", 0, 0, "store directory" },
	{ "store", "size", CONF_U64, "64", 0, UINT64_MAX, "map size, MB" },
	{ "store", "note", CONF_STR, NULL, 0, 0, "free text" },
	{ "store", "sync", CONF_BOOL, NULL, 0, 0, NULL },
	{ "net", "greeting", CONF_STR, "  hello  ", 0, 0, "padded default" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL },
};

static char dir[64];
static char path[128];
static char err[512];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/peil-test-conf-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
write_file(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Loads `text` as a file; returns the conf (NULL on error, message in err). */
static struct conf *
load_text(const char *text)
{
	write_file(text, strlen(text));
	err[0] = '\0';
	return conf_load(path, schema, err, sizeof(err));
}

/* Expects `text` to fail with "PATH:" followed by `tail`. */
static void
expect_error(const char *text, const char *tail)
{
	char want[600];
	struct conf *c = load_text(text);

	assert_null(c);
	snprintf(want, sizeof(want), "%s:%s", path, tail);
	assert_string_equal(err, want);
}

static void
test_defaults(void **state)
{
	struct conf *c;

	(void)state;
	c = conf_load(NULL, schema, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(conf_u64(c, "net", "port"), 9100);
	assert_string_equal(conf_str(c, "net", "port"), "9100");
	assert_string_equal(conf_str(c, "net", "host"), "localhost");
	assert_true(conf_bool(c, "net", "ipv6"));
	assert_string_equal(conf_str(c, "store", "path"), "/var/lib/peil");
	assert_null(conf_str(c, "store", "note"));
	assert_false(conf_bool(c, "store", "sync"));
	assert_string_equal(conf_str(c, "net", "greeting"), "  hello  ");
	conf_free(c);
	conf_free(NULL);
}

static void
test_file(void **state)
{
	struct conf *c;

	(void)state;
	c = load_text(
	    "# a comment\n"
	    "; another comment\n"
	    "\n"
	    "   [ net ]   \n"
	    "port=8080\n"
	    "\thost   =   \"  spaced host  \"   \r\n"
	    "  ipv6 = OFF\n"
	    "  # indented comment\n"
	    "[store]\n"
	    "path = /srv/peil store\n"
	    "size = 18446744073709551615\n"
	    "note = a = b # not a comment\n"
	    "sync = 1");   /* no final newline */
	assert_non_null(c);
	assert_int_equal(conf_u64(c, "net", "port"), 8080);
	assert_string_equal(conf_str(c, "net", "host"), "  spaced host  ");
	assert_false(conf_bool(c, "net", "ipv6"));
	assert_string_equal(conf_str(c, "store", "path"), "/srv/peil store");
	assert_true(conf_u64(c, "store", "size") == UINT64_MAX);
	assert_string_equal(conf_str(c, "store", "note"), "a = b # not a comment");
	assert_true(conf_bool(c, "store", "sync"));
	conf_free(c);

	/* Empty file, empty quoted string, a section given twice. */
	c = load_text("");
	assert_non_null(c);
	conf_free(c);
	c = load_text("[store]\nnote = \"\"\n[net]\nport = 1\n[store]\nsize = 0\n");
	assert_non_null(c);
	assert_string_equal(conf_str(c, "store", "note"), "");
	assert_int_equal(conf_u64(c, "store", "size"), 0);
	conf_free(c);
}

static void
test_bools(void **state)
{
	static const char *const t[] = { "yes", "true", "on", "1", "YES", "True", "On" };
	static const char *const f[] = { "no", "false", "off", "0", "No", "FALSE", "oFF" };
	char text[64];
	struct conf *c;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[net]\nipv6 = %s\n", t[i]);
		assert_non_null(c = load_text(text));
		assert_true(conf_bool(c, "net", "ipv6"));
		conf_free(c);
		snprintf(text, sizeof(text), "[net]\nipv6 = %s\n", f[i]);
		assert_non_null(c = load_text(text));
		assert_false(conf_bool(c, "net", "ipv6"));
		conf_free(c);
	}
	expect_error("[net]\nipv6 = maybe\n",
	    "2: key 'net.ipv6': 'maybe' is not a boolean (yes/no/true/false/on/off/1/0)");
	expect_error("[net]\nipv6 =\n",
	    "2: key 'net.ipv6': '' is not a boolean (yes/no/true/false/on/off/1/0)");
	expect_error("[net]\nipv6 = 2\n",
	    "2: key 'net.ipv6': '2' is not a boolean (yes/no/true/false/on/off/1/0)");
}

static void
test_numbers(void **state)
{
	(void)state;
	expect_error("[net]\nport = 12x\n", "2: key 'net.port': '12x' is not a number");
	expect_error("[net]\nport = -1\n", "2: key 'net.port': '-1' is not a number");
	expect_error("[net]\nport = +1\n", "2: key 'net.port': '+1' is not a number");
	expect_error("[net]\nport = 0x10\n", "2: key 'net.port': '0x10' is not a number");
	expect_error("[net]\nport = 1 2\n", "2: key 'net.port': '1 2' is not a number");
	expect_error("[net]\nport =\n", "2: key 'net.port': empty value, expected a number");
	expect_error("[net]\nport = 0\n", "2: key 'net.port': '0' is out of range 1..65535");
	expect_error("[net]\nport = 65536\n",
	    "2: key 'net.port': '65536' is out of range 1..65535");
	expect_error("[net]\nport = 99999999999999999999999\n",
	    "2: key 'net.port': '99999999999999999999999' is out of range 1..65535");
	expect_error("[store]\nsize = 18446744073709551616\n",
	    "2: key 'store.size': '18446744073709551616' is out of range "
	    "0..18446744073709551615");
}

static void
test_schema_errors(void **state)
{
	(void)state;
	expect_error("[net]\nport = 1\n[bogus]\nx = 1\n", "3: unknown section 'bogus'");
	expect_error("[net]\nbogus = 1\n", "2: key 'net.bogus': unknown key");
	expect_error("[net]\nport = 1\nhost = a\n\nport = 2\n",
	    "5: key 'net.port': duplicate key (first set on line 2)");
	expect_error("[net]\nport = 1\n[store]\n[net]\nport = 1\n",
	    "5: key 'net.port': duplicate key (first set on line 2)");
	expect_error("[store]\npath =\n", "2: key 'store.path': empty path");
	expect_error("[store]\npath = \"\"\n", "2: key 'store.path': empty path");
}

static void
test_syntax_errors(void **state)
{
	(void)state;
	expect_error("port = 1\n", "1: key 'port' outside of any [section]");
	expect_error("[net]\nport 1\n", "2: expected 'key = value', '[section]' or a comment");
	expect_error("[net]\n= 1\n", "2: bad key name ''");
	expect_error("[net]\nmy key = 1\n", "2: bad key name 'my key'");
	expect_error("[net\n", "1: bad section header (expected '[name]')");
	expect_error("[net] x\n", "1: bad section header (expected '[name]')");
	expect_error("[]\n", "1: bad section name ''");
	expect_error("[a.b]\n", "1: bad section name 'a.b'");
	expect_error("[net]\nhost = \"abc\n", "2: key 'net.host': unterminated quoted value");
	expect_error("[net]\nhost = \"\n", "2: key 'net.host': unterminated quoted value");
	expect_error("[net]\nport = 1 # comment\n",
	    "2: key 'net.port': '1 # comment' is not a number");
}

static void
test_limits(void **state)
{
	char *text = malloc(MAX_CONF_LINE + 64);
	struct conf *c;
	size_t n;

	(void)state;
	/* A line of exactly MAX_CONF_LINE bytes is fine. */
	n = (size_t)snprintf(text, 64, "[store]\nnote = ");
	memset(text + n, 'x', MAX_CONF_LINE - strlen("note = "));
	strcpy(text + n + MAX_CONF_LINE - strlen("note = "), "\n");
	assert_non_null(c = load_text(text));
	assert_int_equal(strlen(conf_str(c, "store", "note")), MAX_CONF_LINE - strlen("note = "));
	conf_free(c);
	/* One more byte is not. */
	strcpy(text + n + MAX_CONF_LINE - strlen("note = "), "y\n");
	expect_error(text, "2: line longer than 4096 bytes");
	free(text);

	write_file("[net]\nhost = a\0b\n", 17);
	assert_null(conf_load(path, schema, err, sizeof(err)));
	assert_non_null(strstr(err, ":2: NUL byte in line"));
}

static void
test_too_many_entries(void **state)
{
	struct conf_key *big = calloc(MAX_CONF_ENTRIES + 2, sizeof(*big));
	char (*names)[16] = calloc(MAX_CONF_ENTRIES + 1, sizeof(*names));
	FILE *f;
	struct conf *c;
	char want[256];

	(void)state;
	for (size_t i = 0; i <= MAX_CONF_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "k%zu", i);
		big[i] = (struct conf_key){ "s", names[i], CONF_STR, NULL, 0, 0, "doc" };
	}
	f = fopen(path, "w");
	fprintf(f, "[s]\n");
	for (size_t i = 0; i < MAX_CONF_ENTRIES; i++)
		fprintf(f, "k%zu = %zu\n", i, i);
	fclose(f);
	assert_non_null(c = conf_load(path, big, err, sizeof(err)));
	assert_string_equal(conf_str(c, "s", "k511"), "511");
	conf_free(c);
	f = fopen(path, "a");
	fprintf(f, "k%d = x\n", MAX_CONF_ENTRIES);
	fclose(f);
	assert_null(conf_load(path, big, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: more than %d entries", path, MAX_CONF_ENTRIES + 2,
	    MAX_CONF_ENTRIES);
	assert_string_equal(err, want);
	free(big);
	free(names);
}

static void
test_files_missing(void **state)
{
	char want[300], missing[160];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nope.conf", dir);
	assert_null(conf_load(missing, schema, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", missing);
	assert_string_equal(err, want);

	assert_null(conf_load(dir, schema, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: read error: Is a directory", dir);
	assert_string_equal(err, want);
}

static void
test_bad_default(void **state)
{
	static const struct conf_key bad[] = {
		{ "a", "n", CONF_U64, "100", 1, 10, "x" },
		{ NULL, NULL, 0, NULL, 0, 0, NULL },
	};

	(void)state;
	assert_null(conf_load(NULL, bad, err, sizeof(err)));
	assert_string_equal(err, "schema: key 'a.n': bad default: '100' is out of range 1..10");
}

static void
test_override_and_set(void **state)
{
	struct conf *c;

	(void)state;
	assert_non_null(c = load_text("[net]\nport = 8080\n"));
	assert_int_equal(conf_override(c, "net.port=8443", err, sizeof(err)), 0);
	assert_int_equal(conf_u64(c, "net", "port"), 8443);
	assert_int_equal(conf_override(c, " net.port = 9000 ", err, sizeof(err)), 0);
	assert_int_equal(conf_u64(c, "net", "port"), 9000);
	assert_int_equal(conf_override(c, "store.note=\"a=b\"", err, sizeof(err)), 0);
	assert_string_equal(conf_str(c, "store", "note"), "a=b");
	assert_int_equal(conf_override(c, "store.note=", err, sizeof(err)), 0);
	assert_string_equal(conf_str(c, "store", "note"), "");

	assert_int_equal(conf_override(c, "net.port", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: 'net.port': expected section.key=value");
	assert_int_equal(conf_override(c, "port=1", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: 'port=1': expected section.key=value");
	assert_int_equal(conf_override(c, "net.port=x", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: key 'net.port': 'x' is not a number");
	assert_int_equal(conf_override(c, "net.ipv6=perhaps", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: key 'net.ipv6': 'perhaps' is not a boolean "
	    "(yes/no/true/false/on/off/1/0)");
	assert_int_equal(conf_override(c, "foo.bar=1", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: key 'foo.bar': unknown section 'foo'");
	assert_int_equal(conf_override(c, "net.bar=1", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: key 'net.bar': unknown key");
	assert_int_equal(conf_override(c, "net.host=\"x", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "command line: key 'net.host': unterminated quoted value");
	/* A failed override leaves the value as it was. */
	assert_int_equal(conf_u64(c, "net", "port"), 9000);

	assert_int_equal(conf_set(c, "net", "ipv6", "no", err, sizeof(err)), 0);
	assert_false(conf_bool(c, "net", "ipv6"));
	assert_int_equal(conf_set(c, "net", "port", "70000", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "key 'net.port': '70000' is out of range 1..65535");
	assert_int_equal(conf_set(c, "store", "path", "", err, sizeof(err)), PEIL_ECONF);
	assert_string_equal(err, "key 'store.path': empty path");
	conf_free(c);
}

static void
test_example(void **state)
{
	char *buf = NULL, *text, *p;
	size_t len = 0;
	struct conf *c;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	conf_write_example(schema, f);
	fclose(f);
	assert_non_null(strstr(buf, "\n[net]\n# TCP port (number, 1..65535)\n#port = 9100\n"));
	assert_non_null(strstr(buf, "# host to bind (text)\n#host = localhost\n"));
	assert_non_null(strstr(buf, "# use IPv6 (yes or no)\n#ipv6 = yes\n"));
	assert_non_null(strstr(buf, "# padded default (text)\n#greeting = \"  hello  \"\n"));
	assert_non_null(strstr(buf, "\n[store]\n# store directory (path)\n#path = /var/lib/peil\n"));
	assert_non_null(strstr(buf, "# free text (text)\n#note =\n"));
	assert_non_null(strstr(buf, "# sync (yes or no)\n#sync =\n"));
	/* [net] once, with greeting in it, though the schema lists it after [store]. */
	assert_null(strstr(strstr(buf, "[net]") + 1, "[net]"));
	assert_true(strstr(buf, "#greeting") < strstr(buf, "[store]"));

	/* Uncommenting every key that has a default gives a file that loads to the defaults. */
	text = calloc(1, len + 64);
	p = text;
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (line[0] == '#' && line[1] != ' ' && line[strlen(line) - 1] != '=')
			line++;
		p += sprintf(p, "%s\n", line);
	}
	assert_non_null(c = load_text(text));
	assert_int_equal(conf_u64(c, "net", "port"), 9100);
	assert_string_equal(conf_str(c, "net", "greeting"), "  hello  ");
	assert_true(conf_bool(c, "net", "ipv6"));
	assert_int_equal(conf_override(c, "net.port=9101", err, sizeof(err)), 0);
	conf_free(c);
	/* And each of those keys is really set by the file: one more is a duplicate. */
	p += sprintf(p, "[net]\nport = 1\n");
	assert_null(load_text(text));
	assert_non_null(strstr(err, "key 'net.port': duplicate key (first set on line "));
	free(text);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_schema_errors),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_too_many_entries),
		cmocka_unit_test(test_files_missing),
		cmocka_unit_test(test_bad_default),
		cmocka_unit_test(test_override_and_set),
		cmocka_unit_test(test_example),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
