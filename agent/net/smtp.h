/* smtp.h: the SMTP dialogue up to STARTTLS (RFC 5321, RFC 3207) and the reply parser. */
#ifndef PEIL_SMTP_H
#define PEIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* One SMTP reply, as smtp_reply_parse found it. */
struct smtp_reply {
	int code;                 /* 200..599, the same on every line */
	size_t nlines;            /* 1..MAX_SMTP_REPLY_LINES */
	bool starttls;            /* a line after the first (an EHLO keyword line) has the first
	                           * word STARTTLS, any case; the first line of an EHLO reply is
	                           * the server's name, never a keyword */
	char text[256];           /* the first line's text after "DDD-" / "DDD ", cut to 255
	                           * bytes, every byte outside 0x20..0x7e shown as '?'; NUL-
	                           * terminated, "" when the line is only "DDD" */
	size_t bytes;             /* bytes of the reply, line endings included (= *used) */
};

/* Parses one complete reply at the start of buf[0..len), untrusted bytes: lines "DDD-text"
 * ... "DDD text" (RFC 5321 4.2), each ended by CR LF or a bare LF; the last line may also
 * be "DDD" alone. Lenient where it costs nothing: a line may be up to MAX_SMTP_LINE_LEN
 * bytes (RFC 5321 4.5.3.1.5 says 512), text bytes are not checked but for NUL, a CR before
 * the LF is dropped. Uses no memory but *out. Returns:
 *   0             a reply: *out filled, *used its bytes (bytes after it are left alone);
 *   PEIL_EAGAIN   the bytes so far are the start of a well-formed reply: read more;
 *   PEIL_EINVAL   malformed: a line not starting with three digits, a first digit outside
 *                 2..5, a fourth byte other than '-', ' ' or the line end, codes that
 *                 differ between lines, a NUL byte, a line longer than MAX_SMTP_LINE_LEN;
 *   PEIL_ETOOBIG  over MAX_SMTP_REPLY_LINES lines or MAX_SMTP_REPLY_BYTES bytes.
 * Errors are found as early as the bytes allow: a bad line start or over-long line without
 * waiting for its end, and PEIL_ETOOBIG as soon as len passes MAX_SMTP_REPLY_BYTES without a
 * whole reply; so a caller that reads until this returns anything but PEIL_EAGAIN never
 * holds more than MAX_SMTP_REPLY_BYTES + 1 bytes. On an error the reason ("line 3: code 251
 * differs from 250") goes to why (may be NULL), and *out and *used are unspecified. */
int smtp_reply_parse(const uint8_t *buf, size_t len, struct smtp_reply *out, size_t *used,
    char *why, size_t whylen);

/* What smtp_starttls saw of one server; filled as far as the dialogue got. */
struct smtp_session {
	char banner[256];         /* the greeting's first line text ("" before it came) */
	int banner_code;          /* 220, or what came instead; 0: no complete greeting */
	char ehlo_text[256];      /* the EHLO reply's first line text (the server's name) */
	int ehlo_code;            /* 250, or what came instead; 0: not sent or no reply */
	bool starttls_offered;    /* the EHLO reply lists STARTTLS */
	int starttls_code;        /* the reply to STARTTLS (220 to go on); 0: not sent */
	unsigned stray_bytes;     /* bytes the server sent out of turn (after the greeting before
	                           * EHLO, after the EHLO reply): ignored, counted here */
	unsigned ms_connect, ms_banner, ms_ehlo, ms_starttls; /* time each step took */
};

/* Connects to addr (a numeric IPv4 or IPv6 address) port over TCP, reads the greeting (220),
 * sends "EHLO <ehlo_name>\r\n", reads its reply (250, multi-line), and when it offers
 * STARTTLS sends "STARTTLS\r\n" and reads 220. Sends nothing but EHLO, STARTTLS and, when
 * the dialogue fails after a complete greeting, QUIT (best effort: one non-blocking send,
 * no wait for its reply). Each step (connect, greeting, EHLO, STARTTLS) is bounded by
 * step_ms (0: DEFAULT_SMTP_STEP_MS), the whole by deadline_ms, an absolute time on
 * clock_mono_ms() (0: DEFAULT_SMTP_HOST_MS from now). ehlo_name: a host name or address
 * literal ("[192.0.2.1]", "[IPv6:2001:db8::1]") of letters, digits, '-', '.', ':', '[', ']',
 * 1..255 bytes.
 * Returns 0: *fd is a connected socket, in NON-blocking mode (the TLS engine drives it with
 * its own time-outs), close-on-exec, at the point where the TLS ClientHello goes; bytes the
 * server sent after its 220 to STARTTLS would be out of turn and make this fail instead.
 * The caller owns and closes *fd. On any error *fd is -1 (the socket closed), the reason,
 * naming the step, is in why ("banner: no complete reply within 10000 ms (17 bytes
 * received)"), and s holds what was seen:
 *   PEIL_EINVAL    bad arguments; a malformed reply; a wrong code (a 554 greeting, EHLO
 *                  5xx, STARTTLS 454), bytes after the STARTTLS 220;
 *   PEIL_ETIMEDOUT a step got no complete reply within step_ms, or the deadline passed;
 *   PEIL_EIO       connect refused or unreachable, connection reset or closed early;
 *   PEIL_ENOENT    the EHLO reply does not offer STARTTLS (s->starttls_offered false);
 *   PEIL_ETOOBIG   a reply over MAX_SMTP_REPLY_BYTES or MAX_SMTP_REPLY_LINES (no more of it
 *                  is read);
 *   PEIL_ENOMEM    no memory for the receive buffer. */
int smtp_starttls(const char *addr, uint16_t port, const char *ehlo_name, unsigned step_ms,
    uint64_t deadline_ms, int *fd, struct smtp_session *s, char *why, size_t whylen);

#endif
