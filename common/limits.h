/* limits.h: every hard limit and default of peil, in one place. */
/* gcc's own <limits.h> reaches for the C library's through syslimits.h's #include_next, which
 * finds this file first when common/ is an -iquote directory: pass on to the system's, so
 * that both are seen (without it, _FORTIFY_SOURCE's check of MB_LEN_MAX fails and glibc's
 * limits go missing). clang's <limits.h> finds the C library's itself. */
#if defined(__GNUC__) && !defined(__clang__)
#include_next <limits.h>
#endif
#ifndef PEIL_LIMITS_H
#define PEIL_LIMITS_H

/* Wire (ZeroMQ) defaults; each can be overridden in the [limits] config section. */
#define MAX_MESSAGE_BYTES        (16 * 1024 * 1024)  /* ZMQ_MAXMSGSIZE */
#define DEFAULT_SNDHWM           1000
#define DEFAULT_RCVHWM           1000
#define DEFAULT_HEARTBEAT_IVL_MS 5000
#define DEFAULT_HEARTBEAT_TTL_MS 30000
#define DEFAULT_HEARTBEAT_TIMEOUT_MS 30000
#define DEFAULT_ACK_TIMEOUT_MS   10000   /* agent re-sends unacked batches after this */
#define DEFAULT_BATCH_MAX        1000    /* results per ResultBatch */
#define MAX_BATCH_RESULTS        10000   /* collector refuses larger batches */
#define DEFAULT_WINDOW           8       /* batches in flight per agent */
#define MAX_WINDOW               64
#define DEFAULT_SEAL_INTERVAL_MS 100     /* agent seals pending results this often */
#define DEFAULT_RECONNECT_IVL_MS 1000
#define MAX_REDIAL_MS            60000   /* agent: longest pause before a new socket */
#define MAX_DRAIN_MESSAGES       256     /* collector: messages taken per write transaction */
#define MAX_TURN_RECEIVED_BYTES  (4u << 20)  /* collector: message bytes taken per turn (a real
                                          * batch is ~300 KB: a dozen batches, ~10^4 results) */
#define MAX_TURN_PEER_MESSAGES   8       /* collector: one agent's messages per turn; the turn
                                          * ends after the one that passes it (fairness) */
#define MAX_DECODE_FACTOR        16u     /* decoding one message may use 16 times its bytes (a
                                          * real batch uses 2-3; tiny evidence pairs ~11) */
#define DECODE_SLACK_BYTES       (64u << 10)  /* ... plus this much */
#define TURN_ARENA_FACTOR        32u     /* a turn's arena: decoding (16x) plus the checked
                                          * results packed again with their vantage */
#define DROP_LOG_INTERVAL_S      60      /* one drop log line per peer per this many seconds */

/* Strings inside messages. */
#define MAX_DOMAIN_LEN           253
#define MAX_DOMAIN_INPUT_LEN     1024   /* a domain as given (UTF-8), before IDN conversion */
#define MAX_TEST_ID_LEN          64
#define MAX_AGENT_NAME_LEN       64
#define MAX_EVIDENCE_PAIRS       256
#define MAX_EVIDENCE_KEY_LEN     64
#define MAX_EVIDENCE_VALUE_LEN   4096
#define MAX_GUIDELINE_LEN        64
#define MAX_TARGETS_PER_ROUND    1000000
#define MAX_TASK_PAGE            4096    /* targets per TaskList message: a page of the
                                          * longest names fits MAX_TASKLIST_BYTES */
#define MAX_TASK_TESTS           128     /* test ids a round may name */
#define MAX_RESULT_BYTES         (256 * 1024)

/* The largest message the collector sends: a TaskList page of the longest names (a string:
 * tag, 2-byte length, 253 bytes) and every test id, plus the Envelope. About 1.05 MB. */
#define MAX_TASKLIST_BYTES       (MAX_TASK_PAGE * (MAX_DOMAIN_LEN + 3) + \
                                  MAX_TASK_TESTS * (MAX_TEST_ID_LEN + 2) + 256)

/* Collector memory (collector/server.c, collector/zap.c). What the collector holds at most:
 *   per admitted connection: (rcvhwm + 2) messages of max_message_bytes inbound (the
 *     ROUTER's receive pipe, plus the frame libzmq is reading and its CURVE-decrypted copy)
 *     and sndhwm replies of at most MAX_TASKLIST_BYTES outbound (a peer that never reads);
 *   the turn being decoded: MAX_TURN_RECEIVED_BYTES plus one message, held;
 *   two turn arenas (one decoding, one committing), TURN_ARENA_FACTOR times a turn's bytes
 *     plus DECODE_SLACK_BYTES per message each;
 *   COLLECTOR_BASE_MB for the rest (code, libraries, allowlist, log limiter, LMDB pages).
 * With the defaults below: 32 x ((8 + 2) x 1 MiB + (16 + 2) x 1.01 MiB) = 901 MiB, + 5 MiB
 * held, + 2 x (32 x 5 MiB + 256 x 64 KiB) = 352 MiB of arenas, + 64 MiB = 1322 MiB, under
 * the budget of 1536 MiB. The collector refuses a configuration whose worst case is over
 * collector.memory_mb (default COLLECTOR_MEMORY_BUDGET_MB). Connections beyond
 * collector.max_connections are closed as they come (unauthenticated ones first). */
#define COLLECTOR_MAX_MESSAGE_BYTES 1048576  /* collector's ZMQ_MAXMSGSIZE: 3 real batches, 4
                                          * results of MAX_RESULT_BYTES; agents seal below it */
#define COLLECTOR_RCVHWM         8       /* messages queued per connection (then TCP waits) */
#define COLLECTOR_SNDHWM         16      /* replies queued per connection: a turn's acks to one
                                          * agent (MAX_TURN_PEER_MESSAGES + 1) fit twice */
#define DEFAULT_MAX_CONNECTIONS  32      /* connections the collector keeps open at once */
#define MAX_CONNECTIONS_LIMIT    4096    /* ... configurable up to this */
#define MAX_AGENT_CONNECTIONS    2       /* per agent name: a reconnect may overlap the old one;
                                          * a third closes the oldest */
#define CONN_EVICT_AGE_MS        10000   /* a full table closes an unnamed connection older
                                          * than this (past the 10 s handshake limit: an
                                          * admitted one that never spoke) for a new one */
#define COLLECTOR_BASE_MB        64
#define COLLECTOR_MMAP_THRESHOLD (256 * 1024) /* collector daemon: larger blocks are mmap'd */
#define COLLECTOR_MEMORY_BUDGET_MB 1536
#define MAX_MEMORY_BUDGET_MB     1048576
/* Room the agent leaves under the collector's message limit when it seals a batch: the
 * Envelope around the stored batch (seq, length, instance: 27 bytes at most) and CURVE's
 * MESSAGE framing (33 bytes), which libzmq counts against ZMQ_MAXMSGSIZE. */
#define WIRE_SEAL_MARGIN         64

/* Configuration files. */
#define MAX_CONF_LINE            4096
#define MAX_LOG_LINE             4096   /* one log line, prefix and newline included; longer ends in "..." */
#define MAX_CONF_ENTRIES         512

/* Keys and allowlist. */
#define MAX_ALLOWLIST_ENTRIES    100000
#define MAX_KEY_FILE_BYTES       4096
#define ALLOWLIST_CHECK_MS       1000    /* the allowlist directory's mtime is also checked this
                                          * often, should inotify miss a change */
#define ALLOWLIST_SETTLE_MS      50      /* a change to it is loaded this long after the first
                                          * event, once for a burst */

/* Metrics (common/metrics.c): Prometheus text over HTTP on [metrics] listen. */
#define MAX_METRIC_FAMILIES      64      /* metric names per daemon */
#define MAX_METRIC_LABEL_LEN     128     /* one label value, bytes (longer: cut) */
#define MAX_METRICS_PAGE_BYTES   (16 << 20) /* one scrape's text */
#define METRICS_MAX_CLIENTS      8       /* scrapes served at once */
#define METRICS_TIMEOUT_S        10      /* an idle HTTP connection is closed after this */
#define METRICS_BUCKETS          14      /* histogram buckets, +Inf included */

/* Stores. */
#define DEFAULT_STORE_MAP_MB     64
#define DEFAULT_STORE_MAP_MAX_MB 65536   /* the collector's map never grows past this; a write
                                          * that needs more is refused (collector.map_max_mb) */
#define MAX_STORE_MAP_GROWTHS    32      /* doublings of the map per transaction, at most */
#define AGENT_TAKEOVER_S         600     /* a key's new instance replaces a silent one after this */
#define AGENT_SEEN_WRITE_S       60      /* agent record: an unchanged hello is written this rarely */
#define MAX_INDEX_CHUNK          65536   /* log entries the indexer sorts per transaction */
#define MAX_PROC_MAPS_LINES      100000  /* /proc/self/maps lines read to find the store's map */
#define INDEX_QUIET_MS           200     /* collector: index once no message came for this long */
#define MAX_INDEX_LAG            500000  /* ... or at once when this many entries wait */
#define DEFAULT_SPOOL_MAP_MB     64
#define MAX_CSV_LINE             4096
#define MAX_ORG_NAME_LEN         256     /* organisation names in the targets file */
#define MAX_REPORT_EVIDENCE_LINE 300     /* bytes of the decisive evidence on a report's
                                          * per-test page (the organisation page has all) */
#define MAX_DESCRIPTION_LEN      256     /* an agent's vantage description, as stored */

/* DNS probing. */
#define DEFAULT_DNS_TIMEOUT_MS   5000    /* one resolver query, all retries included */
#define DEFAULT_DOMAIN_BUDGET_MS 60000   /* every DNS test of one domain */
#define DEFAULT_CONCURRENCY      8       /* domains probed at once */
#define MAX_CONCURRENCY          256
#define MAX_DOMAIN_TRIES         3       /* tries of one domain per round whose results could
                                          * not be kept; then error results (round.c) */
#define MAX_MX                   10      /* as internet.nl */
#define MAX_NS                   16
#define MAX_ADDRS_PER_HOST       32
#define MAX_ZONE_WALK            16      /* labels walked up looking for a zone cut */
#define MAX_CNAME_CHAIN          16      /* CNAMEs followed inside one answer */
#define MAX_WHY_BOGUS_LEN        512     /* libunbound's why_bogus kept, NUL included */
#define MAX_DNS_MESSAGE          65535   /* bytes of one DNS message */
#define MAX_SPF_RECORD_LEN       4096    /* bytes of one SPF record, strings joined */
#define MAX_SPF_TERMS            128     /* terms in one SPF record */
#define MAX_SPF_LOOKUPS          10      /* DNS-querying terms per check (RFC 7208 4.6.4) */
#define MAX_SPF_VOID_LOOKUPS     2       /* void lookups per check (RFC 7208 4.6.4) */
#define MAX_SPF_MX_NAMES         10      /* MX names one mx term may yield (RFC 7208 4.6.4) */
#define MAX_DMARC_RECORD_LEN     4096    /* bytes of one DMARC record, strings joined */
#define MAX_DMARC_URIS           8       /* URIs in one rua or ruf tag */
#define MAX_DMARC_URI_LEN        512     /* bytes of one rua/ruf URI */
#define MAX_DMARC_TREE_WALK      8       /* RFC 9989 tree walk: DNS queries at most */
#define MAX_DMARC_TAG_ERRORS     8       /* RFC 9989 4.8: discarded tags kept for evidence */
#define MAX_TXT_KEEP             16      /* version-tagged TXT (or TLSA) records one answer keeps */
#define MAX_TXT_POOL             16384   /* bytes of kept TXT data per answer */
#define MAX_REACH_ITEMS          (MAX_NS * MAX_ADDRS_PER_HOST)  /* addresses one reach test tries */
#define MAX_REACH_PARALLEL       64      /* sockets open at once per reach test */
#define DEFAULT_REACH_TIMEOUT_MS 3000    /* one connect or one DNS query (UDP + TCP) */
#define MAX_RESOLVER_CONTEXTS    4       /* libunbound contexts (a thread each) the workers share */
#define MAX_RESOLVER_SOCKETS     8192    /* UDP sockets one context may have open (outgoing-range) */
#define MAX_PROBE_RESOLVER_SOCKETS 256   /* the same for `peil-agent probe` (one domain at a time):
                                          * libunbound sets each one up at the first query and
                                          * frees it at exit: 8192 cost ~2 ms a run, 1024 ~2 ms
                                          * more than 256 */
#define MAX_TEST_EVIDENCE        128     /* evidence pairs one DNS/mail test gathers (the rest
                                          * counted in an evidence_cut pair) */
#define MAX_PROBE_MEMO           64      /* answers one domain's tests share (a question once) */
#define MAX_PROBE_MEMO_BYTES     (256 * 1024) /* ... and their bytes */

/* SMTP dialogue to STARTTLS (agent/net/smtp.c). */
#define MAX_SMTP_REPLY_BYTES     65536   /* one reply, all lines: a longer one is refused */
#define MAX_SMTP_REPLY_LINES     128     /* lines of one reply (an EHLO reply has ~10) */
#define MAX_SMTP_LINE_LEN        2048    /* one reply line, CRLF included (RFC 5321: 512) */
#define DEFAULT_SMTP_STEP_MS     10000   /* connect, greeting, EHLO, STARTTLS: each step */
#define DEFAULT_SMTP_HOST_MS     60000   /* the whole SMTP dialogue with one address */

/* DANE (agent/parse/dane.c). */
#define MAX_TLSA_RECORDS         16      /* TLSA records of one name examined */
#define MAX_TLSA_DATA            2048    /* association data bytes: any SPKI, most full certs */
#define MAX_CHAIN_CERTS          16      /* certificates of a presented chain examined */

/* MTA-STS and TLS-RPT (agent/parse/mtasts.c, agent/net/mtasts_fetch.c). */
#define MAX_MTASTS_RECORD_LEN    4096    /* bytes of one _mta-sts TXT record, strings joined */
#define MAX_MTASTS_ID_LEN        32      /* id= characters (RFC 8461 3.1) */
#define MAX_MTASTS_POLICY_BYTES  65536   /* policy file body (RFC 8461 3.3 suggests 64 KiB) */
#define MAX_MTASTS_MX            64      /* mx: patterns kept from one policy */
#define MAX_MTASTS_MAX_AGE       31557600 /* max_age seconds, at most (RFC 8461 3.2) */

/* Web header parsers (agent/parse/hsts.c, referrer.c). */
#define MAX_HSTS_HEADER_LEN      4096    /* bytes of one Strict-Transport-Security value */
#define MAX_HSTS_DIRECTIVES      32      /* directives (empty ones included) in one HSTS value */
#define MAX_HSTS_MAX_AGE         4294967295ULL /* max-age is capped (and flagged) above this */
#define MAX_HSTS_MAX_AGE_TEXT    32      /* bytes of the max-age text kept for evidence */
#define MAX_REFERRER_HEADER_LEN  4096    /* bytes of one Referrer-Policy value */
#define MAX_REFERRER_TOKENS      16      /* tokens kept from one Referrer-Policy value */
#define MAX_REFERRER_TOKEN_LEN   40      /* bytes kept of one token (longer: truncated) */
#define MAX_SECTXT_BYTES         102400  /* security.txt body (RFC 9116 sets none; internet.nl
                                          * refuses more than 100 KB) */
#define MAX_SECTXT_VALUES        8       /* values kept per security.txt field */
#define MAX_SECTXT_VALUE_LEN     512     /* bytes kept of one value (longer: truncated) */
#define MAX_SECTXT_ERRORS        16      /* errors kept (all are counted) */
#define DEFAULT_MTASTS_FETCH_MS  10000   /* the whole policy fetch: connect, TLS, body */
#define MAX_CONTENT_TYPE_LEN     128     /* Content-Type header kept for evidence */
#define MAX_TLSRPT_RECORD_LEN    4096    /* bytes of one _smtp._tls TXT record, strings joined */
#define MAX_TLSRPT_RUA           8       /* rua URIs in one TLS-RPT record */
#define MAX_TLSRPT_URI_LEN       512     /* bytes of one rua URI */
#define MAX_CAA_RECORDS          16      /* CAA records of one name judged (dnsans keeps at most
                                          * MAX_TXT_KEEP; internet.nl judges 1000) */
#define MAX_CAA_TAG_LEN          15      /* tag bytes (RFC 8659 4.1: 1..15); longer: a bad tag */
#define MAX_CAA_VALUE_KEEP       256     /* value bytes kept for evidence (all are checked) */
#define MAX_CAA_ISSUER_LEN       253     /* issuer-domain-name kept; longer: a syntax error */
#define MAX_CAA_EMAIL_LEN        254     /* contactemail / iodef mailto address (as internet.nl) */
#define MAX_CAA_REASONS          8       /* reasons a CAA verdict keeps (all are counted) */
#define MAX_CAA_REASON_LEN       160     /* bytes of one reason */
#define MAX_CSP_BYTES            65536   /* Content-Security-Policy value(s), all headers
                                          * joined with ',' (a longer one is refused at once) */
#define MAX_CSP_POLICIES         16      /* policies (headers or ','-separated values) */
#define MAX_CSP_DIRECTIVES       64      /* directives of one policy, empty ones not counted */
#define MAX_CSP_SOURCES          512     /* sources (values) of one directive */
#define MAX_CSP_SOURCES_TOTAL    8192    /* sources of all policies together */
#define MAX_CSP_NAME_LEN         32      /* bytes kept of a directive name (longer: cut) */
#define MAX_CSP_REASONS          16      /* reasons a CSP verdict keeps (all are counted) */
#define MAX_CSP_REASON_LEN       200     /* bytes of one reason */
#define MAX_CSP_REASON_SRC       64      /* bytes of a source quoted in a reason */

/* HTTP engine (agent/net/http.c) and the web tests (agent/probe/webwork.c). */
#define MAX_HTTP_URL_LEN         2048    /* bytes of a URL asked or a Location kept */
#define MAX_HTTP_REDIRECTS       10      /* hops one GET follows at most */
#define MAX_HTTP_FIELDS          100     /* header fields of one response kept; more: cut */
#define MAX_HTTP_HEADER_BYTES    65536   /* header bytes of one response kept; more: stopped */
#define MAX_HTTP_FIELD_LEN       16384   /* one header line; longer: the transfer is stopped */
#define MAX_HTTP_BODY_BYTES      512000  /* body bytes read at most (500 KB: the IPv4/IPv6
                                          * comparison's share, as internet.nl) */
#define DEFAULT_HTTP_GET_MS      10000   /* one GET, every hop included */
#define MAX_WEB_HOSTS            2       /* the domain and www.<domain> */
#define MAX_WEB_ADDRS            8       /* addresses of one web host tested (each family) */
#define MAX_WEB_PARALLEL         4       /* addresses of one domain's web hosts tested at once */
#define MAX_WEB_EV_VALUE_LEN     512     /* bytes of one header value a web test quotes in its
                                          * evidence (longer: cut) */
#define MAX_WEB_SIMILAR_BYTES    500000  /* body bytes the IPv4/IPv6 comparison reads (internet.nl:
                                          * 0.5 MB) */
#define MAX_WEB_SIMILAR_PCT      10      /* IPv4 and IPv6 bodies may differ by this much (internet.nl
                                          * SIMHASH_MAX) */
#define DEFAULT_WEB_HOST_MS      30000   /* everything on one web server address */
#define MAX_CAA_CLIMB            16      /* names the CAA lookup asks, the host first, then
                                          * its parents (RFC 8659 3; never the root) */

/* TLS engine (agent/net/tls.c). */
#define MAX_TLS_CHAIN_BYTES      (64 * 1024) /* the server's Certificate message: a larger one
                                              * fails the handshake ("excessive message size") */
#define MAX_TLS_CHAIN_CERTS      16      /* certificates of a chain kept (DER), as MAX_CHAIN_CERTS */
#define MAX_TLS_HANDSHAKES       200     /* tries per server, every version and step included */
#define MAX_TLS_HELLO_BYTES      16384   /* a ServerHello read after a hand-built ClientHello */
#define DEFAULT_TLS_HANDSHAKE_MS 10000   /* one try: connect (STARTTLS included) and handshake */
#define MAX_TLS_OCSP_BYTES       (16 * 1024) /* a stapled OCSP response judged; a larger one
                                              * is judged invalid ("too big") */
#define DEFAULT_TLS_OCSP_SKEW_S  300     /* clock skew allowed on thisUpdate/nextUpdate */
#define DEFAULT_TLS_TICKET_MS    2000    /* wait for TLS 1.3 session tickets after a handshake
                                          * (within the try's time-out) */
#define MAX_TLS_EARLY_REPLY      4096    /* bytes of the answer to early data read for its first line */
#define DEFAULT_TLS_PER_HOST     2       /* connections to one server host at once */
#define MAX_STARTTLS_ADDRS       8       /* addresses of one MX the STARTTLS tests try */
#define DEFAULT_STARTTLS_HOST_MS 30000   /* SMTP dialogues and the TLS engine on one address */
#define MAX_STARTTLS_PARALLEL    4       /* addresses of one domain's MX tested at once */
#define MAX_TLS_SLOTS            (MAX_CONCURRENCY * MAX_STARTTLS_PARALLEL) /* mail server
                                          * addresses the agent's workers connect to at once */

/* Rounds. */
#define DEFAULT_ROUND_INTERVAL_S 86400
#define DEFAULT_RETRY_AFTER_S    30
#define DEFAULT_ROUND_GRACE_S    21600   /* a closed round's results are taken this long after it
                                          * ended (collector.round_grace) */
#define MAX_AGENT_ROUNDS         16      /* rounds handed to one agent that its record keeps:
                                          * results of older rounds are refused */
#define ROUND_CAP_MARGIN_PCT     25      /* results one agent may store for a round: targets x
                                          * tests, plus this much for re-probed domains ... */
#define ROUND_CAP_SLACK          1024    /* ... plus this many (vantage self-tests, tiny rounds) */

/* Command lines. */
#define MAX_CLI_NUMBER           1000000000ULL  /* --rounds N, --count N at most this */

/* RPKI (issue 13). */
#define MAX_RTR_CACHES           8       /* RTR caches in rpki.caches (preference order) */
#define DEFAULT_VRP_MAX_AGE_S    3600    /* a VRP table older than this: RPKI tests give error */
#define DEFAULT_RTR_SYNC_MS      15000   /* how long a start waits for the first RTR sync */
#define MAX_VRP_EVIDENCE         8       /* VRPs kept as evidence per validation */
#define MAX_VRP_FILE_BYTES       (512ULL * 1024 * 1024) /* a VRP file (JSON or CSV) */
#define MAX_ROUTE_ORIGINS        16      /* origin ASes kept per route (multi-origin, AS_SET) */
#define MAX_ROUTES               4000000 /* routes in one route-origin table */
#define MAX_ROUTE_FILE_BYTES     (4ULL * 1024 * 1024 * 1024) /* a route-origin file */
#define MAX_ROUTE_LINE           4096    /* a pfx2as or bgpdump -m line */
#define DEFAULT_ROUTES_CHECK_S   60      /* how often the route file is checked for a change */
#define MAX_RPKI_ADDRS           64      /* addresses one RPKI test judges (per test, per domain) */
#define MAX_BEACONS              4       /* beacons per kind in [vantage] */
#define MAX_VRPS                 4000000 /* VRPs in a VRP file (today: about 800,000) */
#define MAX_VRP_CSV_LINE         1024    /* a line of a CSV VRP file */
#define MAX_VRP_JSON_DEPTH       32      /* nesting of a JSON VRP file */
#define RTR_CONNECT_TIMEOUT_S    5       /* a TCP connect to an RTR cache */
#define MAX_RTR_REFRESH_S        3600    /* RTR serial queries at least this often (and at
                                          * max_age_s / 4) */
#define MAX_RTR_RETRY_S          60      /* a failed cache is tried again at least this often
                                          * (and at max_age_s / 10) */
#define VRP_FILE_CHECK_S         10      /* how often a VRP file is checked for a change */

#endif
