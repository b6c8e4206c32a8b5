/* esc.c: escaping for terminal text, HTML and SVG, CSV fields and JSON strings (one path per
 * context). */
#include <string.h>

#include "esc.h"

static const char HEX[] = "0123456789abcdef";
static const char REPLACEMENT[] = "\xef\xbf\xbd";   /* U+FFFD */

size_t
esc_utf8_len(const uint8_t *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1fu;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0fu;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07u;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The code point of a well-formed sequence of len bytes. */
static uint32_t
utf8_cp(const uint8_t *p, size_t len)
{
	static const uint8_t lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = p[0] & lead_mask[len];

	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (p[i] & 0x3fu);
	return cp;
}

/* A C1 control or a character that is invisible yet changes how a line shows: bidi marks,
 * embeddings, overrides and isolates (the "Trojan Source" characters), line and paragraph
 * separators, the byte-order mark. */
static int
cp_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static void
put_u(FILE *f, uint32_t cp)
{
	fprintf(f, "\\u%c%c%c%c", HEX[(cp >> 12) & 0xf], HEX[(cp >> 8) & 0xf], HEX[(cp >> 4) & 0xf],
	    HEX[cp & 0xf]);
}

static void
put_x(FILE *f, uint8_t c)
{
	fprintf(f, "\\x%c%c", HEX[c >> 4], HEX[c & 0xf]);
}

/* esc_text's walk; `html` also writes & < > " ' as character references. */
static size_t
text_walk(FILE *f, const char *s, size_t n, int html)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t l, cols = 0;

	for (size_t i = 0; i < n; i += l) {
		uint8_t c = p[i];
		uint32_t cp;

		l = 1;
		if (c == '\\') {
			fputs("\\\\", f);
			cols += 2;
		} else if (html && c != 0 && strchr("&<>\"'", c) != NULL) {
			fputs(c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" :
			    c == '"' ? "&quot;" : "&#39;", f);
			cols++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			putc('\\', f);
			putc(c == '\n' ? 'n' : c == '\r' ? 'r' : 't', f);
			cols += 2;
		} else if (c < 0x20 || c == 0x7f) {
			put_x(f, c);
			cols += 4;
		} else if (c < 0x80) {
			putc(c, f);
			cols++;
		} else if ((l = esc_utf8_len(p + i, n - i)) == 0) {
			put_x(f, c);
			cols += 4;
			l = 1;
		} else if (cp_hidden(cp = utf8_cp(p + i, l))) {
			put_u(f, cp);
			cols += 6;
		} else {
			fwrite(p + i, 1, l, f);
			cols++;
		}
	}
	return cols;
}

size_t
esc_text(FILE *f, const char *s, size_t n)
{
	return text_walk(f, s, n, 0);
}

void
esc_html(FILE *f, const char *s, size_t n)
{
	(void)text_walk(f, s, n, 1);
}

void
esc_html_str(FILE *f, const char *s)
{
	if (s != NULL)
		esc_html(f, s, strlen(s));
}

size_t
esc_text_str(FILE *f, const char *s)
{
	if (s == NULL)
		return 0;
	return esc_text(f, s, strlen(s));
}

void
esc_text_pad(FILE *f, const char *s, size_t width)
{
	for (size_t used = esc_text_str(f, s); used < width; used++)
		putc(' ', f);
}

/* Writes n bytes of a CSV field's content: quotes doubled when quoted, the characters that
 * have no place in a field replaced by U+FFFD. */
static void
csv_body(FILE *f, const uint8_t *p, size_t n, int quoted)
{
	size_t l;

	for (size_t i = 0; i < n; i += l) {
		uint8_t c = p[i];

		l = 1;
		if (c == '"') {
			fputs(quoted ? "\"\"" : "\"", f);
		} else if (c == '\t' || c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7f)) {
			putc(c, f);
		} else if (c < 0x80) {
			fputs(REPLACEMENT, f);   /* C0, DEL */
		} else if ((l = esc_utf8_len(p + i, n - i)) == 0) {
			fputs(REPLACEMENT, f);
			l = 1;
		} else if (cp_hidden(utf8_cp(p + i, l))) {
			fputs(REPLACEMENT, f);   /* C1, bidi and line controls */
		} else {
			fwrite(p + i, 1, l, f);
		}
	}
}

static void
csv_field(FILE *f, const char *s, int always)
{
	size_t n = s != NULL ? strlen(s) : 0;
	int formula, quote;

	if (n == 0) {
		if (always)
			fputs("\"\"", f);
		return;
	}
	/* OWASP's list: a cell starting so is evaluated by Excel, LibreOffice and Sheets. */
	formula = strchr("=+-@\t\r", s[0]) != NULL;
	quote = always || formula || strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[0] == '\t' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t';
	if (quote)
		putc('"', f);
	if (formula)
		putc('\'', f);
	csv_body(f, (const uint8_t *)s, n, quote);
	if (quote)
		putc('"', f);
}

void
esc_csv(FILE *f, const char *s)
{
	csv_field(f, s, 0);
}

void
esc_csv_quoted(FILE *f, const char *s)
{
	csv_field(f, s, 1);
}

void
esc_json(FILE *f, const char *s)
{
	const uint8_t *p = (const uint8_t *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), l;

	putc('"', f);
	for (size_t i = 0; i < n; i += l) {
		uint8_t c = p[i];
		uint32_t cp;

		l = 1;
		switch (c) {
		case '"':  fputs("\\\"", f); continue;
		case '\\': fputs("\\\\", f); continue;
		case '\b': fputs("\\b", f); continue;
		case '\f': fputs("\\f", f); continue;
		case '\n': fputs("\\n", f); continue;
		case '\r': fputs("\\r", f); continue;
		case '\t': fputs("\\t", f); continue;
		default:   break;
		}
		if (c < 0x20 || c == 0x7f) {
			put_u(f, c);
		} else if (c < 0x80) {
			putc(c, f);
		} else if ((l = esc_utf8_len(p + i, n - i)) == 0) {
			fputs("\\ufffd", f);
			l = 1;
		} else if (cp_hidden(cp = utf8_cp(p + i, l))) {
			put_u(f, cp);
		} else {
			fwrite(p + i, 1, l, f);
		}
	}
	putc('"', f);
}
