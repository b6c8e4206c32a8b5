/* esc.h: the one escaping path per output context. Every string that came from the network,
 * an agent or a file is written through one of these (DESIGN.md §10): terminal text and table
 * cells, HTML and SVG, CSV fields, JSON strings. */
#ifndef PEIL_ESC_H
#define PEIL_ESC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length of the well-formed UTF-8 sequence at p (1..4 bytes), or 0 when p does not start one:
 * no overlong forms, no surrogates, nothing past U+10FFFF, nothing cut by n. */
size_t esc_utf8_len(const uint8_t *p, size_t n);

/* Writes n bytes of s for a terminal or a table cell, so that nothing in it can move the
 * cursor, colour, retitle or reorder the screen, and every byte stays visible:
 *   backslash -> "\\";  LF, CR, tab -> "\n", "\r", "\t";  other C0 and DEL -> "\xNN";
 *   C1 controls (U+0080..U+009F) and invisible bidi/line controls (U+061C, U+200E, U+200F,
 *   U+2028..U+202E, U+2066..U+2069, U+FEFF) -> "\uXXXX";
 *   a byte that is not part of well-formed UTF-8 (a lone 0x9b CSI, an overlong form, a
 *   surrogate) -> "\xNN";  any other well-formed UTF-8 as it is.
 * Returns the characters written (escapes count their length), for alignment. */
size_t esc_text(FILE *f, const char *s, size_t n);
/* esc_text of a C string; NULL writes nothing. */
size_t esc_text_str(FILE *f, const char *s);
/* esc_text_str, then spaces up to width characters (a left-aligned column). */
void esc_text_pad(FILE *f, const char *s, size_t width);

/* Writes n bytes of s as HTML or XML (SVG) character data or a quoted attribute value: what
 * esc_text writes, with '&', '<', '>', '"' and '\'' as "&amp;", "&lt;", "&gt;", "&quot;" and
 * "&#39;". Nothing in the output can open a tag, end an attribute, or be a control character
 * (which XML forbids): controls, bidi marks and bytes that are not UTF-8 show as the visible
 * escapes esc_text writes. Not for URLs (a javascript: URL stays one): write no untrusted
 * string into href or src. */
void esc_html(FILE *f, const char *s, size_t n);
/* esc_html of a C string; NULL writes nothing. */
void esc_html_str(FILE *f, const char *s);

/* Writes s as one CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF or
 * starts or ends with a blank, quotes doubled. Well-formed UTF-8, tab, CR and LF are kept; any
 * other control character (C0, DEL, C1, the bidi and line controls esc_text names) and any
 * byte that is not well-formed UTF-8 becomes U+FFFD. A field that a spreadsheet would take for a formula (first character '=', '+', '-',
 * '@', tab or CR) is neutralised: written quoted with a leading apostrophe ("'=1+1"). NULL is
 * an empty field. */
void esc_csv(FILE *f, const char *s);
/* esc_csv, always quoted (an empty field as ""). */
void esc_csv_quoted(FILE *f, const char *s);

/* Writes s as a JSON string with its quotes (RFC 8259): '"' and '\' escaped, C0 and DEL as
 * \b \f \n \r \t or \u00XX, C1 controls and the controls esc_text names as \uXXXX (so that a
 * terminal showing the JSON is safe too), a byte that is not well-formed UTF-8 as \ufffd.
 * NULL is "". */
void esc_json(FILE *f, const char *s);

#endif
