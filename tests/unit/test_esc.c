/* test_esc.c: the three output contexts (terminal text, CSV, JSON) against hostile strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esc.h"

/* Hostile inputs every context is tried with: after escaping, none may leave a byte a
 * terminal acts on (C0 but the allowed ones, DEL, C1 as 0xc2 0x80..0x9f, a lone 0x80..0xff
 * that is not UTF-8). */
static const char *const HOSTILE[] = {
	"\x1b[2J\x1b[H",                 /* ESC CSI: clear the screen */
	"\x1b]0;pwned\x07",              /* OSC: set the window title */
	"\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\",   /* OSC 8 hyperlink */
	"a\x9b" "31mred",                /* a lone 0x9b: CSI in 8-bit terminals */
	"a\xc2\x9b" "31mred",            /* U+009B: CSI as a C1 character */
	"\xc2\x85next line",             /* U+0085 NEL */
	"\xc0\xaf overlong slash",       /* overlong "/" */
	"\xe0\x80\xaf overlong 3",       /* overlong "/" in three bytes */
	"\xf0\x80\x80\xaf overlong 4",   /* overlong "/" in four bytes */
	"\xed\xa0\x80 surrogate",        /* U+D800 */
	"\xf4\x90\x80\x80 past max",     /* U+110000 */
	"cut \xe2\x82",                  /* a sequence cut short */
	"\xff\xfe bytes",
	"tab\there\nnew\rline",
	"back\\slash \\x1b literal",
	"\x7f del \x01 soh \x08 bs",
	"say \"hi\", o'k",
	"\xe2\x80\xae" "evil\xe2\x80\xac",   /* RLO ... PDF: bidi override */
	"\xe2\x81\xa6isolate\xe2\x81\xa9",   /* LRI ... PDI */
	"\xef\xbb\xbf" "bom",
	"=cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"+1+1",
	"-2+3+cmd|' /C calc'!A0",
	"\t=1+1",
	"\r=1+1",
	"",
};
#define N_HOSTILE (sizeof(HOSTILE) / sizeof(HOSTILE[0]))

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void
cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *
cap_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

/* Nothing a terminal acts on: no C0 (but the allowed ones), no DEL, no C1, only well-formed
 * UTF-8, none of the bidi controls. */
static void
assert_terminal_safe(const char *s, size_t n, const char *allowed_c0)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t l;

	for (size_t i = 0; i < n; i += l) {
		l = esc_utf8_len(p + i, n - i);
		if (l == 0)
			fail_msg("byte 0x%02x at %zu is not UTF-8 in \"%s\"", p[i], i, s);
		if (p[i] < 0x20 && strchr(allowed_c0, p[i]) == NULL)
			fail_msg("C0 0x%02x at %zu in \"%s\"", p[i], i, s);
		if (p[i] == 0x7f)
			fail_msg("DEL at %zu", i);
		if (l == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			fail_msg("C1 at %zu", i);
		if (l == 3 && p[i] == 0xe2 && ((p[i + 1] == 0x80 && p[i + 2] >= 0xa8 &&
		    p[i + 2] <= 0xae) || (p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)))
			fail_msg("bidi control at %zu", i);
	}
}

static void
test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(esc_utf8_len((const uint8_t *)"a", 1), 1);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xc3\xa9", 2), 2);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xc0\xaf", 2), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xc1\xbf", 2), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xe0\x80\xaf", 3), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xf0\x80\x80\xaf", 4), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xed\xa0\x80", 3), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xe2\x82\xac", 2), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\x9b", 1), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"\xff", 1), 0);
	assert_int_equal(esc_utf8_len((const uint8_t *)"", 0), 0);
}

static void
test_text_exact(void **state)
{
	struct capture c;
	size_t cols;

	(void)state;
	cap_open(&c);
	cols = esc_text_str(c.f, "\x1b[2J" "a\x9b" "b\xc2\x9b" "c\xc0\xaf\\\t\n\r\x7f\xe2\x80\xae"
	    "\xc3\xa9\xef\xbb\xbf!");
	assert_string_equal(cap_close(&c),
	    "\\x1b[2Ja\\x9bb\\u009bc\\xc0\\xaf\\\\\\t\\n\\r\\x7f\\u202e\xc3\xa9\\ufeff!");
	/* \x1b [ 2 J a \x9b b \u009b c \xc0 \xaf \\ \t \n \r \x7f \u202e é \ufeff ! */
	assert_int_equal(cols, 4 + 3 + 1 + 4 + 1 + 6 + 1 + 4 + 4 + 2 + 2 + 2 + 2 + 4 + 6 + 1 + 6 + 1);
	free(c.buf);

	/* A literal backslash-x cannot pass for an escaped byte. */
	cap_open(&c);
	esc_text_str(c.f, "\\x1b");
	assert_string_equal(cap_close(&c), "\\\\x1b");
	free(c.buf);

	/* NULL writes nothing; a NUL inside a counted string is shown. */
	cap_open(&c);
	assert_int_equal(esc_text_str(c.f, NULL), 0);
	esc_text(c.f, "a\0b", 3);
	assert_string_equal(cap_close(&c), "a\\x00b");
	free(c.buf);
}

static void
test_text_pad(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c);
	esc_text_pad(c.f, "ab", 5);
	putc('|', c.f);
	esc_text_pad(c.f, "\x1b", 3);   /* longer than the column: no padding, no cut */
	putc('|', c.f);
	esc_text_pad(c.f, "\xc3\xa9", 3);   /* one character, two bytes */
	putc('|', c.f);
	esc_text_pad(c.f, NULL, 2);
	putc('|', c.f);
	assert_string_equal(cap_close(&c), "ab   |\\x1b|\xc3\xa9  |  |");
	free(c.buf);
}

static void
test_text_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_HOSTILE; i++) {
		struct capture c;

		cap_open(&c);
		esc_text_str(c.f, HOSTILE[i]);
		cap_close(&c);
		/* A table cell keeps to one line: not even LF, CR or tab pass. */
		assert_terminal_safe(c.buf, c.len, "");
		free(c.buf);
	}
}

static void
test_html_exact(void **state)
{
	struct capture c;
	static const char nul[] = { 'a', '\0', 'b' };

	(void)state;
	cap_open(&c);
	esc_html_str(c.f, "<script>alert(\"x\")</script> & 'q' \\ \n\x07\xe2\x80\xae\xff ok\xc3\xa9");
	putc('|', c.f);
	esc_html(c.f, nul, sizeof(nul));
	putc('|', c.f);
	esc_html_str(c.f, NULL);
	assert_string_equal(cap_close(&c),
	    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; \\\\ "
	    "\\n\\x07\\u202e\\xff ok\xc3\xa9|a\\x00b|");
	free(c.buf);
}

static void
test_html_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_HOSTILE; i++) {
		struct capture c;

		cap_open(&c);
		esc_html_str(c.f, HOSTILE[i]);
		cap_close(&c);
		/* Nothing opens a tag, ends an attribute or starts a reference but the escapes. */
		assert_terminal_safe(c.buf, c.len, "");
		for (size_t k = 0; k < c.len; k++) {
			assert_null(strchr("<>\"'", c.buf[k]));
			if (c.buf[k] == '&')
				assert_true(strncmp(c.buf + k, "&amp;", 5) == 0 ||
				    strncmp(c.buf + k, "&lt;", 4) == 0 || strncmp(c.buf + k, "&gt;", 4) == 0 ||
				    strncmp(c.buf + k, "&quot;", 6) == 0 || strncmp(c.buf + k, "&#39;", 5) == 0);
		}
		free(c.buf);
	}
}

static void
test_csv_exact(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c);
	esc_csv(c.f, "plain");
	putc(',', c.f);
	esc_csv(c.f, "a,b");
	putc(',', c.f);
	esc_csv(c.f, "say \"hi\"");
	putc(',', c.f);
	esc_csv(c.f, "two\nlines\r\n");
	putc(',', c.f);
	esc_csv(c.f, " lead");
	putc(',', c.f);
	esc_csv(c.f, "");
	putc(',', c.f);
	esc_csv(c.f, NULL);
	putc(',', c.f);
	esc_csv_quoted(c.f, "q");
	putc(',', c.f);
	esc_csv_quoted(c.f, "");
	assert_string_equal(cap_close(&c),
	    "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\r\n\",\" lead\",,,\"q\",\"\"");
	free(c.buf);

	/* Formula injection: neutralised with an apostrophe, inside quotes. */
	cap_open(&c);
	esc_csv(c.f, "=cmd|' /C calc'!A0");
	putc('\n', c.f);
	esc_csv(c.f, "@SUM(1+1)");
	putc('\n', c.f);
	esc_csv(c.f, "+1+1");
	putc('\n', c.f);
	esc_csv(c.f, "-2+3");
	putc('\n', c.f);
	esc_csv(c.f, "\t=1");
	putc('\n', c.f);
	esc_csv(c.f, "\r=1");
	putc('\n', c.f);
	esc_csv(c.f, "=HYPERLINK(\"http://x\",\"y\")");
	putc('\n', c.f);
	esc_csv(c.f, "a=1");   /* '=' further in is data */
	assert_string_equal(cap_close(&c),
	    "\"'=cmd|' /C calc'!A0\"\n"
	    "\"'@SUM(1+1)\"\n"
	    "\"'+1+1\"\n"
	    "\"'-2+3\"\n"
	    "\"'\t=1\"\n"
	    "\"'\r=1\"\n"
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n"
	    "a=1");
	free(c.buf);

	/* Controls and bytes that are not UTF-8 become U+FFFD; well-formed UTF-8 stays. */
	cap_open(&c);
	esc_csv(c.f, "\x1b[31m\x9b\xc2\x9b\xc0\xaf\x7f\x01\xc3\xa9");
	assert_string_equal(cap_close(&c),
	    "\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
	free(c.buf);
}

/* Reads one RFC 4180 field back from s: returns its content (malloc'd) and where it ended. */
static char *
csv_read_field(const char *s, const char **end)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	assert_non_null(out);
	if (*s == '"') {
		for (s++; *s; s++) {
			if (*s == '"' && s[1] == '"') {
				*o++ = '"';
				s++;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				*o++ = *s;
			}
		}
	} else {
		while (*s && *s != ',' && *s != '\n') {
			assert_true(*s != '"');   /* a bare quote only in a quoted field */
			*o++ = *s++;
		}
	}
	*o = '\0';
	*end = s;
	return out;
}

static void
test_csv_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_HOSTILE; i++) {
		struct capture c;
		const char *end;
		char *field;

		cap_open(&c);
		esc_csv(c.f, HOSTILE[i]);
		fputs(",next", c.f);
		cap_close(&c);
		/* Inside a quoted CSV field tab, CR and LF are data. */
		assert_terminal_safe(c.buf, c.len, "\t\r\n");
		/* The field ends where it should: the next field is intact. */
		field = csv_read_field(c.buf, &end);
		assert_string_equal(end, ",next");
		/* No spreadsheet formula: the content never starts with = + - @ tab CR. */
		assert_null(field[0] != '\0' ? strchr("=+-@\t\r", field[0]) : NULL);
		free(field);
		free(c.buf);
	}
}

static void
test_json_exact(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c);
	esc_json(c.f, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f");
	esc_json(c.f, "ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	esc_json(c.f, "bad \xff \xc3 \xe0\x80\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \x9b|");
	esc_json(c.f, "ls \xe2\x80\xa8 ps \xe2\x80\xa9 csi \xc2\x9b rlo \xe2\x80\xae bom \xef\xbb\xbf");
	esc_json(c.f, "\x1b[2J\x1b]0;t\x07");
	esc_json(c.f, NULL);
	esc_json(c.f, "=cmd|' /C calc'!A0");
	assert_string_equal(cap_close(&c),
	    "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\""
	    "\"ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""
	    "\"bad \\ufffd \\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
	    "\\ufffd\\ufffd\\ufffd\\ufffd \\ufffd|\""
	    "\"ls \\u2028 ps \\u2029 csi \\u009b rlo \\u202e bom \\ufeff\""
	    "\"\\u001b[2J\\u001b]0;t\\u0007\""
	    "\"\""
	    "\"=cmd|' /C calc'!A0\"");
	free(c.buf);
}

static void
test_json_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_HOSTILE; i++) {
		struct capture c;
		size_t quotes = 0;

		cap_open(&c);
		esc_json(c.f, HOSTILE[i]);
		cap_close(&c);
		/* One line, nothing a terminal acts on, well-formed UTF-8 (RFC 8259 section 8.1). */
		assert_terminal_safe(c.buf, c.len, "");
		/* Exactly the two delimiting quotes are unescaped. */
		for (size_t j = 0; j < c.len; j++) {
			if (c.buf[j] == '\\')
				j++;
			else if (c.buf[j] == '"')
				quotes++;
		}
		assert_int_equal(quotes, 2);
		assert_int_equal(c.buf[0], '"');
		assert_int_equal(c.buf[c.len - 1], '"');
		free(c.buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_text_exact),
		cmocka_unit_test(test_text_pad),
		cmocka_unit_test(test_text_hostile),
		cmocka_unit_test(test_html_exact),
		cmocka_unit_test(test_html_hostile),
		cmocka_unit_test(test_csv_exact),
		cmocka_unit_test(test_csv_hostile),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_json_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
