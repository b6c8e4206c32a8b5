/* rawclient.c: a hostile agent for tests. Connects with CURVE like an agent, then sends every
 * file of a folder as one message, a two-frame message and a message over the size limit. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "keys.h"

int
main(int argc, char **argv)
{
	struct keypair kp;
	char server[KEY_Z85_LEN + 1], err[512];
	void *ctx, *s;
	DIR *d;
	struct dirent *de;
	size_t big = 0, sent = 0;
	int linger = 2000;

	if (argc != 6) {
		fprintf(stderr, "usage: rawclient ENDPOINT COLLECTOR.pub AGENT.key SEED_DIR OVERSIZE\n");
		return 2;
	}
	if (keys_read_public(argv[2], server, err, sizeof(err)) != 0 ||
	    keys_read_secret(argv[3], &kp, err, sizeof(err)) != 0) {
		fprintf(stderr, "rawclient: %s\n", err);
		return 1;
	}
	big = (size_t)strtoull(argv[5], NULL, 10);
	ctx = zmq_ctx_new();
	s = zmq_socket(ctx, ZMQ_DEALER);
	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, kp.public_z85, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, kp.secret_z85, KEY_Z85_LEN + 1);
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	if (zmq_connect(s, argv[1]) != 0) {
		fprintf(stderr, "rawclient: connect: %s\n", zmq_strerror(zmq_errno()));
		return 1;
	}
	if ((d = opendir(argv[4])) == NULL) {
		perror(argv[4]);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096], buf[65536];
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[4], de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		zmq_send(s, buf, n, 0);
		sent++;
	}
	closedir(d);
	zmq_send(s, "\x08\x01", 2, ZMQ_SNDMORE);
	zmq_send(s, "\x3a\x00", 2, 0);
	sent++;
	if (big > 0) {
		char *huge = calloc(1, big);

		if (huge != NULL) {
			zmq_send(s, huge, big, 0);
			sent++;
			free(huge);
		}
	}
	zmq_poll(NULL, 0, 500);
	zmq_close(s);
	zmq_ctx_term(ctx);
	printf("rawclient: sent %zu hostile messages\n", sent);
	return 0;
}
