/* enrollment.c: `peil-agent enroll --collector-key FINGERPRINT`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "enrollment.h"
#include "esc.h"
#include "fingerprint.h"
#include "keys.h"
#include "session.h"

static const char enrollment_help[] =
    "usage: peil-agent enroll --collector-key FINGERPRINT [-c FILE]\n"
    "Checks the collector's public key file (collector.public_key) against the\n"
    "fingerprint the coordinator gave you, then prints what to send the coordinator:\n"
    "this agent's name (agent.name), its public key (from agent.secret_key) and that\n"
    "key's fingerprint. Nothing is written or sent.\n"
    "  -K, --collector-key FP  the collector key's fingerprint as the coordinator gave it\n"
    "                          (SHA256:xxxx:xxxx:...; case, ':' '-' and spaces ignored)\n"
    "Exit status: 0 the collector key matches (what to send is printed), 1 it does not\n"
    "match or a key file cannot be read, 2 usage (no or a malformed fingerprint) or\n"
    "configuration error.\n";

int
enrollment_cmd(int argc, char **argv)
{
	struct cli_opts o;
	struct conf *conf = NULL;
	struct keypair kp;
	uint8_t want[FINGERPRINT_BYTES];
	char coll[KEY_Z85_LEN + 1], cfp[FINGERPRINT_LEN + 1], afp[FINGERPRINT_LEN + 1];
	char err[1024];
	const char *cpath, *kpath, *name;
	int status = EXIT_OK, i;

	memset(&kp, 0, sizeof(kp));
	if ((i = cli_parse("peil-agent", argc, argv, "K", &o, enrollment_help, &status)) < 0)
		return status;
	if (i != argc || o.collector_key == NULL) {
		if (o.collector_key == NULL && i == argc)
			fputs("peil-agent: enroll: --collector-key FINGERPRINT is needed: ask the "
			    "coordinator for the collector key's fingerprint (peil-collector keygen "
			    "printed it)\n", stderr);
		fputs(enrollment_help, stderr);
		cli_help_common(stderr);
		return EXIT_USAGE;
	}
	if (fingerprint_parse((const uint8_t *)o.collector_key, strlen(o.collector_key),
	    want) != 0) {
		fputs("peil-agent: enroll: --collector-key '", stderr);
		esc_text_str(stderr, o.collector_key);
		fputs("' is not a fingerprint: SHA256: and 64 hexadecimal digits, as "
		    "peil-collector keygen prints it\n", stderr);
		return EXIT_USAGE;
	}
	if ((status = cli_load("peil-agent", &o, session_schema, &conf)) != EXIT_OK)
		return status;
	status = EXIT_FAIL;
	cpath = conf_str(conf, "collector", "public_key");
	kpath = conf_str(conf, "agent", "secret_key");
	name = conf_str(conf, "agent", "name");
	if (keys_read_public(cpath, coll, err, sizeof(err)) != 0) {
		fprintf(stderr, "peil-agent: enroll: collector.public_key: %s (put the collector's "
		    "public key file, as the coordinator sent it, there)\n", err);
		goto out;
	}
	if (fingerprint_of(coll, cfp) != 0)
		goto out;
	if (!fingerprint_matches(coll, want)) {
		fprintf(stderr, "peil-agent: enroll: the collector key in %s does NOT match the "
		    "fingerprint you were given: its fingerprint is %s. Do not run this agent "
		    "with it: get the collector's public key file again from the coordinator, "
		    "over a channel you trust, and compare again\n", cpath, cfp);
		goto out;
	}
	if (keys_read_secret(kpath, &kp, err, sizeof(err)) != 0) {
		fprintf(stderr, "peil-agent: enroll: agent.secret_key: %s (make this agent's key "
		    "pair with peil-agent keygen --output PREFIX, and give PREFIX.key as "
		    "agent.secret_key)\n", err);
		goto out;
	}
	if (!keys_name_valid(name)) {
		fprintf(stderr, "peil-agent: enroll: agent.name '%s' is not a valid agent name: 1 "
		    "to 64 of A-Z a-z 0-9 . _ -, not starting with '.'\n", name);
		status = EXIT_USAGE;
		goto out;
	}
	if (fingerprint_of(kp.public_z85, afp) != 0)
		goto out;
	printf("The collector key in %s matches the fingerprint you were given:\n  %s\n\n"
	    "Send this to the coordinator (it is public; the secret key stays here):\n"
	    "  agent name   %s\n"
	    "  public key   %s\n"
	    "  fingerprint  %s\n\n"
	    "The coordinator saves the key as a file, NAME.pub, holding the line\n"
	    "  public-key = %s\n"
	    "and enrolls it, comparing the fingerprint it prints with the one above:\n"
	    "  peil-collector agents add %s %s.pub\n",
	    cpath, cfp, name, kp.public_z85, afp, kp.public_z85, name, name);
	status = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	memset(&kp, 0, sizeof(kp));
	conf_free(conf);
	return status;
}
