/* bytes.h: big-endian keys, protobuf varints and ASCII words, for code that handles bytes by hand. */
#ifndef PEIL_BYTES_H
#define PEIL_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void
be64_put(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static inline uint64_t
be64_get(const uint8_t in[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

/* Bytes a protobuf varint of v takes (1..10). */
static inline size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Writes v as a protobuf varint at p (room for 10 bytes); returns the byte after it. */
static inline uint8_t *
varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* The next element of a comma-separated list in p[0..n), from *i: *start and *len, the blanks
 * (SP, HTAB) around it left out; *i moves past its comma. Every comma ends an element, so ""
 * and a trailing comma give an empty one. False once the last element was taken. */
static inline bool
list_next(const uint8_t *p, size_t n, size_t *i, size_t *start, size_t *len)
{
	size_t a = *i, b;

	if (a > n)
		return false;
	while (*i < n && p[*i] != ',')
		(*i)++;
	b = *i;
	while (a < b && (p[a] == ' ' || p[a] == '\t'))
		a++;
	while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
		b--;
	*start = a;
	*len = b - a;
	(*i)++;
	return true;
}

/* An ASCII byte in lower case; other bytes unchanged. */
static inline uint8_t
ascii_lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

/* Does buf[s, e) equal the lower-case word w, ASCII case ignored (as ABNF literals are)? */
static inline bool
ascii_word_is(const uint8_t *buf, size_t s, size_t e, const char *w)
{
	size_t n = 0;

	while (w[n] != '\0')
		n++;
	if (e - s != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(buf[s + i]) != (uint8_t)w[i])
			return false;
	return true;
}

/* ASCII classes for parsers of the standards' records (ABNF ALPHA, DIGIT, HEXDIG, WSP). */
static inline bool
ascii_is_alpha(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline bool
ascii_is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

static inline bool
ascii_is_hex(uint8_t ch)
{
	return ascii_is_digit(ch) || (ascii_lower(ch) >= 'a' && ascii_lower(ch) <= 'f');
}

static inline bool
ascii_is_wsp(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/* The first offset from p (below e) that is not a space or tab. */
static inline size_t
ascii_skip_wsp(const uint8_t *buf, size_t p, size_t e)
{
	while (p < e && ascii_is_wsp(buf[p]))
		p++;
	return p;
}

/* True when the n bytes at p equal the lower-case ASCII literal `lit`, ASCII letters of p
 * compared without regard to case (header and field names in untrusted input). */
static inline bool
bytes_ieq(const uint8_t *p, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)lit[i])
			return false;
	}
	return true;
}

#endif
