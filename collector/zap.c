/* zap.c: ZAP handler. Every ZMTP handshake on the collector's socket asks this handler; a
 * CURVE client key not in the allowlist is refused before any message of its is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "err.h"
#include "limits.h"
#include "log.h"
#include "zap.h"

#define ZAP_FRAMES 7   /* version, request id, domain, address, identity, mechanism, key */

struct zap {
	void *sock;
	struct allowlist *al;
	bool plaintext;
	struct log_limit *ll;
	struct zap_stats stats;
};

struct zap *
zap_new(void *zctx, struct allowlist *al, bool plaintext, char *err, size_t errlen)
{
	struct zap *z;

	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->ll = log_limit_new(1024, DROP_LOG_INTERVAL_S)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(z);
		allowlist_free(al);
		return NULL;
	}
	z->al = al;
	z->plaintext = plaintext;
	if ((z->sock = zmq_socket(zctx, ZMQ_REP)) == NULL ||
	    zmq_bind(z->sock, "inproc://zeromq.zap.01") != 0) {
		snprintf(err, errlen, "binding the ZAP handler: %s", zmq_strerror(zmq_errno()));
		zap_free(z);
		return NULL;
	}
	return z;
}

void
zap_free(struct zap *z)
{
	if (z == NULL)
		return;
	if (z->sock != NULL)
		zmq_close(z->sock);
	allowlist_free(z->al);
	log_limit_free(z->ll);
	free(z);
}

void *
zap_socket(struct zap *z)
{
	return z->sock;
}

void
zap_set_allowlist(struct zap *z, struct allowlist *al)
{
	allowlist_free(z->al);
	z->al = al;
}

void
zap_get_stats(const struct zap *z, struct zap_stats *out)
{
	*out = z->stats;
}

static void
zap_reply(struct zap *z, const zmq_msg_t *reqid, const char *code, const char *text,
    const char *user)
{
	zmq_msg_t id;

	zmq_send(z->sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_msg_init(&id);
	zmq_msg_copy(&id, (zmq_msg_t *)reqid);
	zmq_msg_send(&id, z->sock, ZMQ_SNDMORE);
	zmq_send(z->sock, code, strlen(code), ZMQ_SNDMORE);
	zmq_send(z->sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(z->sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(z->sock, "", 0, 0);
}

static bool
frame_is(const zmq_msg_t *m, const char *s)
{
	size_t n = strlen(s);

	return zmq_msg_size((zmq_msg_t *)m) == n && memcmp(zmq_msg_data((zmq_msg_t *)m), s, n) == 0;
}

/* Reads one request (all its frames) and answers it. Returns false when none was waiting. */
static bool
zap_handle_one(struct zap *z)
{
	zmq_msg_t f[ZAP_FRAMES];
	int n = 0, more = 1;
	char addr[64] = "", user[MAX_AGENT_NAME_LEN + 16] = "";
	const char *name = NULL, *why = NULL;
	bool ok = false;

	for (int i = 0; i < ZAP_FRAMES; i++)
		zmq_msg_init(&f[i]);
	while (more) {
		zmq_msg_t extra;
		zmq_msg_t *m = n < ZAP_FRAMES ? &f[n] : &extra;

		if (n >= ZAP_FRAMES)
			zmq_msg_init(&extra);
		if (zmq_msg_recv(m, z->sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			if (n >= ZAP_FRAMES)
				zmq_msg_close(&extra);
			goto out;
		}
		more = zmq_msg_more(m);
		if (n >= ZAP_FRAMES)
			zmq_msg_close(&extra);
		n++;
	}
	if (n < 6 || !frame_is(&f[0], "1.0")) {
		/* Not a request we understand; a REP socket must still answer. */
		zap_reply(z, &f[1], "500", "malformed ZAP request", "");
		ok = true;
		goto out;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)zmq_msg_size(&f[3]), (char *)zmq_msg_data(&f[3]));
	if (frame_is(&f[5], "CURVE") && n == 7 && zmq_msg_size(&f[6]) == 32) {
		name = z->al != NULL ? allowlist_find(z->al, zmq_msg_data(&f[6])) : NULL;
		if (name != NULL)
			snprintf(user, sizeof(user), "%s", name);
		else
			why = "public key not in the allowlist";
	} else if (frame_is(&f[5], "NULL") && z->plaintext) {
		/* ZAP does not carry the peer's routing id: the server names plain-text
		 * messages by it (see server.c). */
		snprintf(user, sizeof(user), "plain");
	} else {
		why = "mechanism not allowed";
	}
	if (why == NULL) {
		z->stats.admitted++;
		log_debug("admitted %s from %s", user, addr);
		zap_reply(z, &f[1], "200", "OK", user);
	} else {
		z->stats.denied++;
		if (log_limit_ok(z->ll, addr, time(NULL)))
			log_warn("refused a connection from %s: %s (%llu refused so far)", addr, why,
			    (unsigned long long)z->stats.denied);
		zap_reply(z, &f[1], "400", why, "");
	}
	ok = true;
out:
	for (int i = 0; i < ZAP_FRAMES; i++)
		zmq_msg_close(&f[i]);
	return ok;
}

void
zap_handle(struct zap *z)
{
	for (int i = 0; i < MAX_DRAIN_MESSAGES && zap_handle_one(z); i++)
		;
}
