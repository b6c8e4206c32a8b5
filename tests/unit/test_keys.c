/* test_keys.c: key generation, key files (write, read, every error), the allowlist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <zmq.h>

#include "err.h"
#include "keys.h"
#include "limits.h"
#include "log.h"

static char dir[64];
static char err[1024];

static void
rm_tree(const char *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", d);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/peil-test-keys-XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

static void
path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void
put_file(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	path_of(p, sizeof(p), name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
slurp(const char *p)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t
count_dir(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(dp);
	return n;
}

static void
test_generate(void **state)
{
	struct keypair a, b;
	uint8_t bin[32];

	(void)state;
	assert_int_equal(keys_generate(&a), 0);
	assert_int_equal(keys_generate(&b), 0);
	assert_int_equal(strlen(a.public_z85), KEY_Z85_LEN);
	assert_int_equal(strlen(a.secret_z85), KEY_Z85_LEN);
	assert_non_null(zmq_z85_decode(bin, a.public_z85));
	assert_non_null(zmq_z85_decode(bin, a.secret_z85));
	assert_string_not_equal(a.public_z85, b.public_z85);
	assert_string_not_equal(a.secret_z85, b.secret_z85);
}

static void
test_write_read_roundtrip(void **state)
{
	struct keypair kp, back;
	char prefix[128], p[256], pub[KEY_Z85_LEN + 1], want[256];
	struct stat st;

	(void)state;
	assert_int_equal(keys_generate(&kp), 0);
	path_of(prefix, sizeof(prefix), "agent1");
	assert_int_equal(keys_write(&kp, prefix, false), 0);
	assert_int_equal(count_dir(dir), 2);   /* no temporary files left */

	snprintf(p, sizeof(p), "%s.key", prefix);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(want, sizeof(want), "\npublic-key = %s\nsecret-key = %s\n", kp.public_z85,
	    kp.secret_z85);
	assert_non_null(strstr(slurp(p), want));
	assert_int_equal(slurp(p)[0], '#');
	memset(&back, 'x', sizeof(back));
	assert_int_equal(keys_read_secret(p, &back, err, sizeof(err)), 0);
	assert_string_equal(back.public_z85, kp.public_z85);
	assert_string_equal(back.secret_z85, kp.secret_z85);

	snprintf(p, sizeof(p), "%s.pub", prefix);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_null(strstr(slurp(p), kp.secret_z85));
	assert_int_equal(slurp(p)[0], '#');
	assert_int_equal(keys_read_public(p, pub, err, sizeof(err)), 0);
	assert_string_equal(pub, kp.public_z85);
}

static void
test_write_refuses_overwrite(void **state)
{
	struct keypair kp, kp2, back;
	char prefix[128], p[256], before[8192];

	(void)state;
	assert_int_equal(keys_generate(&kp), 0);
	assert_int_equal(keys_generate(&kp2), 0);
	path_of(prefix, sizeof(prefix), "a2");
	assert_int_equal(keys_write(&kp, prefix, false), 0);
	snprintf(p, sizeof(p), "%s.key", prefix);
	strcpy(before, slurp(p));
	assert_int_equal(keys_write(&kp2, prefix, false), PEIL_EEXIST);
	assert_string_equal(slurp(p), before);
	assert_int_equal(count_dir(dir), 2);

	/* With force the pair is replaced. */
	assert_int_equal(keys_write(&kp2, prefix, true), 0);
	assert_int_equal(keys_read_secret(p, &back, err, sizeof(err)), 0);
	assert_string_equal(back.secret_z85, kp2.secret_z85);
	assert_int_equal(count_dir(dir), 2);

	/* Only the .pub exists: still refused, and no .key made. */
	put_file("a3.pub", "something\n");
	path_of(prefix, sizeof(prefix), "a3");
	assert_int_equal(keys_write(&kp, prefix, false), PEIL_EEXIST);
	snprintf(p, sizeof(p), "%s.key", prefix);
	assert_int_not_equal(access(p, F_OK), 0);
	assert_int_equal(count_dir(dir), 3);

	/* A missing directory, and keys that are not keys. */
	path_of(prefix, sizeof(prefix), "no/such/dir/x");
	assert_int_equal(keys_write(&kp, prefix, false), PEIL_EIO);
	assert_int_equal(keys_write(&kp, prefix, true), PEIL_EIO);
	kp.secret_z85[5] = ' ';
	path_of(prefix, sizeof(prefix), "a4");
	assert_int_equal(keys_write(&kp, prefix, false), PEIL_EINVAL);
	assert_int_equal(count_dir(dir), 3);
}

/* Expects keys_read_secret on a file holding `text` to fail with `rc` and "PATH<tail>". */
static void
expect_secret_error(const char *text, int rc, const char *tail)
{
	char p[256], want[600];
	struct keypair kp;

	put_file("bad.key", text);
	path_of(p, sizeof(p), "bad.key");
	err[0] = '\0';
	assert_int_equal(keys_read_secret(p, &kp, err, sizeof(err)), rc);
	snprintf(want, sizeof(want), "%s%s", p, tail);
	assert_string_equal(err, want);
}

static void
expect_public_error(const char *text, int rc, const char *tail)
{
	char p[256], want[600], out[KEY_Z85_LEN + 1];

	put_file("bad.pub", text);
	path_of(p, sizeof(p), "bad.pub");
	err[0] = '\0';
	assert_int_equal(keys_read_public(p, out, err, sizeof(err)), rc);
	snprintf(want, sizeof(want), "%s%s", p, tail);
	assert_string_equal(err, want);
}

static void
test_read_secret_errors(void **state)
{
	struct keypair kp, other;
	char text[512], p[256], *big;

	(void)state;
	assert_int_equal(keys_generate(&kp), 0);
	assert_int_equal(keys_generate(&other), 0);

	path_of(p, sizeof(p), "missing.key");
	assert_int_equal(keys_read_secret(p, &other, err, sizeof(err)), PEIL_ENOENT);
	assert_non_null(strstr(err, "missing.key: No such file or directory"));
	assert_int_equal(keys_read_secret(dir, &other, err, sizeof(err)), PEIL_EINVAL);
	assert_non_null(strstr(err, ": not a regular file"));

	/* Comments, blank lines, CRLF, either order: fine. */
	snprintf(text, sizeof(text), "; c\r\n\r\n  secret-key=%s  \r\n# c\npublic-key =  %s\r\n",
	    kp.secret_z85, kp.public_z85);
	put_file("ok.key", text);
	path_of(p, sizeof(p), "ok.key");
	chmod(p, 0600);
	assert_int_equal(keys_read_secret(p, &other, err, sizeof(err)), 0);
	assert_string_equal(other.secret_z85, kp.secret_z85);
	assert_int_equal(keys_generate(&other), 0);

	snprintf(text, sizeof(text), "public-key = %s\n", kp.public_z85);
	expect_secret_error(text, PEIL_EINVAL, ": no secret-key line");
	snprintf(text, sizeof(text), "secret-key = %s\n", kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL, ": no public-key line");
	expect_secret_error("", PEIL_EINVAL, ": no secret-key line");
	snprintf(text, sizeof(text), "public-key = %s\nsecret-key = %s\n", other.public_z85,
	    kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL, ": public-key does not belong to secret-key");
	snprintf(text, sizeof(text), "public-key = %s\npublic-key = %s\n", kp.public_z85,
	    kp.public_z85);
	expect_secret_error(text, PEIL_EINVAL, ":2: a second public-key");
	snprintf(text, sizeof(text), "secret-key = %s\n\nsecret-key = %s\n", kp.secret_z85,
	    kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL, ":3: a second secret-key");
	snprintf(text, sizeof(text), "# x\npublic-key = %.39s\nsecret-key = %s\n", kp.public_z85,
	    kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL,
	    ":2: public-key is not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	snprintf(text, sizeof(text), "public-key = %s\nsecret-key = %s0\n", kp.public_z85,
	    kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL,
	    ":2: secret-key is not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	snprintf(text, sizeof(text), "public-key = %s\nsecret-key = %.39s~\n", kp.public_z85,
	    kp.secret_z85);
	expect_secret_error(text, PEIL_EINVAL,
	    ":2: secret-key is not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	/* Every character in the alphabet, but a group over 32 bits. */
	snprintf(text, sizeof(text), "public-key = %s\nsecret-key = %%%%%%%%%%%.35s\n",
	    kp.public_z85, kp.secret_z85 + 5);
	expect_secret_error(text, PEIL_EINVAL,
	    ":2: secret-key is not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	expect_secret_error("public-key: abc\n", PEIL_EINVAL,
	    ":1: expected 'public-key = KEY' or 'secret-key = KEY'");
	expect_secret_error("public-keys = abc\n", PEIL_EINVAL,
	    ":1: expected 'public-key = KEY' or 'secret-key = KEY'");

	big = malloc(MAX_KEY_FILE_BYTES + 2);
	memset(big, '#', MAX_KEY_FILE_BYTES + 1);
	big[MAX_KEY_FILE_BYTES + 1] = '\0';
	expect_secret_error(big, PEIL_EINVAL, ": larger than 4096 bytes");
	/* Exactly at the limit: read (and found wanting for other reasons). */
	big[MAX_KEY_FILE_BYTES] = '\0';
	expect_secret_error(big, PEIL_EINVAL, ": no secret-key line");
	free(big);

	{
		FILE *f;

		path_of(p, sizeof(p), "nul.key");
		f = fopen(p, "w");
		fwrite("public-key = \0x\n", 1, 16, f);
		fclose(f);
		assert_int_equal(keys_read_secret(p, &kp, err, sizeof(err)), PEIL_EINVAL);
		assert_non_null(strstr(err, "nul.key: NUL byte in file"));
	}
}

/* A secret key file anyone but its owner may read or change is refused, naming the file, its
 * mode and the fix; nothing of the key is kept. */
static void
test_read_secret_mode(void **state)
{
	static const struct keypair zero;
	static const unsigned modes[] = { 0640, 0604, 0620, 0602, 0644, 0660 };
	struct keypair kp, back;
	char prefix[256], p[256], want[1024];

	(void)state;
	assert_int_equal(keys_generate(&kp), 0);
	path_of(prefix, sizeof(prefix), "m");
	assert_int_equal(keys_write(&kp, prefix, false), 0);
	path_of(p, sizeof(p), "m.key");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(p, modes[i]), 0);
		memset(&back, 'x', sizeof(back));
		err[0] = '\0';
		assert_int_equal(keys_read_secret(p, &back, err, sizeof(err)), PEIL_EINVAL);
		snprintf(want, sizeof(want), "%s: mode %04o lets other users read or change the "
		    "secret key: chmod 600 %s", p, modes[i], p);
		assert_non_null(strstr(err, want));
		assert_memory_equal(&back, &zero, sizeof(back));
	}
	assert_int_equal(chmod(p, 0400), 0);
	assert_int_equal(keys_read_secret(p, &back, err, sizeof(err)), 0);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(keys_read_secret(p, &back, err, sizeof(err)), 0);
	assert_string_equal(back.secret_z85, kp.secret_z85);
}

static void
test_read_public(void **state)
{
	struct keypair kp;
	char text[512], p[256], out[KEY_Z85_LEN + 1];

	(void)state;
	assert_int_equal(keys_generate(&kp), 0);
	path_of(p, sizeof(p), "good.pub");

	/* Bare key, "public-key =" form, comments around, CRLF. */
	snprintf(text, sizeof(text), "# agent x\n\n%s\n", kp.public_z85);
	put_file("good.pub", text);
	assert_int_equal(keys_read_public(p, out, err, sizeof(err)), 0);
	assert_string_equal(out, kp.public_z85);
	snprintf(text, sizeof(text), "; c\r\n  public-key = %s \r\n# trailing comment\r\n\r\n",
	    kp.public_z85);
	put_file("good.pub", text);
	memset(out, 0, sizeof(out));
	assert_int_equal(keys_read_public(p, out, err, sizeof(err)), 0);
	assert_string_equal(out, kp.public_z85);

	path_of(p, sizeof(p), "none.pub");
	assert_int_equal(keys_read_public(p, out, err, sizeof(err)), PEIL_ENOENT);
	assert_non_null(strstr(err, "none.pub: No such file or directory"));
	expect_public_error("# only a comment\n\n", PEIL_EINVAL, ": no key in file");
	expect_public_error("", PEIL_EINVAL, ": no key in file");
	expect_public_error("# c\nnot a key\n", PEIL_EINVAL,
	    ":2: not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	snprintf(text, sizeof(text), "%.39s\n", kp.public_z85);
	expect_public_error(text, PEIL_EINVAL,
	    ":1: not a Z85 CURVE key (40 characters of the Z85 alphabet)");
	snprintf(text, sizeof(text), "%s\n%s\n", kp.public_z85, kp.public_z85);
	expect_public_error(text, PEIL_EINVAL, ":2: unexpected line after the key");
	snprintf(text, sizeof(text), "public-key = %s\nsecret-key = %s\n", kp.public_z85,
	    kp.secret_z85);
	expect_public_error(text, PEIL_EINVAL, ":2: unexpected line after the key");
	snprintf(text, sizeof(text), "secret-key = %s\n", kp.secret_z85);
	expect_public_error(text, PEIL_EINVAL,
	    ":1: a secret key does not belong in a public key file");
}

static void
test_name_valid(void **state)
{
	char longname[MAX_AGENT_NAME_LEN + 2];

	(void)state;
	assert_true(keys_name_valid("agent-1"));
	assert_true(keys_name_valid("ams.example_NL"));
	assert_true(keys_name_valid("a"));
	assert_true(keys_name_valid("a."));
	assert_false(keys_name_valid(""));
	assert_false(keys_name_valid(NULL));
	assert_false(keys_name_valid(".hidden"));
	assert_false(keys_name_valid("a b"));
	assert_false(keys_name_valid("a/b"));
	assert_false(keys_name_valid("caf\xc3\xa9"));
	assert_false(keys_name_valid("a\n"));
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(keys_name_valid(longname));
	longname[MAX_AGENT_NAME_LEN] = '\0';
	assert_true(keys_name_valid(longname));
}

static void
put_pub(const char *name, const struct keypair *kp, bool named_form)
{
	char text[256];

	snprintf(text, sizeof(text), "# %s\n%s%s\n", name, named_form ? "public-key = " : "",
	    kp->public_z85);
	put_file(name, text);
}

static void
test_allowlist(void **state)
{
	struct keypair k[6];
	unsigned char bin[32];
	struct allowlist *al;
	char sub[128];

	(void)state;
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(keys_generate(&k[i]), 0);
	put_pub("alpha", &k[0], false);
	put_pub("beta", &k[1], true);
	put_pub("zeta", &k[2], false);
	put_pub("gamma", &k[2], false);       /* same key as zeta: gamma wins, first by name */
	put_pub(".hidden", &k[3], false);      /* dotfile: ignored */
	put_pub("alpha~", &k[3], false);       /* editor backups: ignored */
	put_pub("beta.swp", &k[3], false);
	put_pub("bad name", &k[3], false);     /* not a valid agent name */
	put_file("broken", "# no key here\nxyz\n");
	put_file("empty", "");
	put_pub("delta", &k[4], false);
	path_of(sub, sizeof(sub), "subdir");   /* not a regular file */
	assert_int_equal(mkdir(sub, 0755), 0);

	/* Warnings go to stderr: catch them to check that each names the file. */
	{
		char logpath[] = "/tmp/peil-test-keys-log-XXXXXX";
		int fd = mkstemp(logpath), saved = dup(2);
		const char *log;

		assert_true(fd >= 0 && saved >= 0);
		fflush(stderr);
		dup2(fd, 2);
		log_init("test_keys", LOG_WARN);
		al = allowlist_load(dir, err, sizeof(err));
		log_init("test_keys", LOG_ERR);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		close(fd);
		log = slurp(logpath);
		unlink(logpath);
		assert_non_null(strstr(log, "skipping 'bad name': not a valid agent name"));
		assert_non_null(strstr(log, "skipping agent 'broken': "));
		assert_non_null(strstr(log, "/broken:2: not a Z85 CURVE key"));
		assert_non_null(strstr(log, "skipping agent 'empty': "));
		assert_non_null(strstr(log, "/empty: no key in file"));
		assert_non_null(strstr(log, "skipping agent 'subdir': "));
		assert_non_null(strstr(log, "skipping agent 'zeta': same key as agent 'gamma'"));
		assert_null(strstr(log, "hidden"));
		assert_null(strstr(log, "alpha~"));
		assert_null(strstr(log, "beta.swp"));
	}
	assert_non_null(al);
	assert_int_equal(allowlist_count(al), 4);
	assert_non_null(zmq_z85_decode(bin, k[0].public_z85));
	assert_string_equal(allowlist_find(al, bin), "alpha");
	zmq_z85_decode(bin, k[1].public_z85);
	assert_string_equal(allowlist_find(al, bin), "beta");
	zmq_z85_decode(bin, k[2].public_z85);
	assert_string_equal(allowlist_find(al, bin), "gamma");
	zmq_z85_decode(bin, k[4].public_z85);
	assert_string_equal(allowlist_find(al, bin), "delta");
	zmq_z85_decode(bin, k[3].public_z85);
	assert_null(allowlist_find(al, bin));
	zmq_z85_decode(bin, k[5].public_z85);
	assert_null(allowlist_find(al, bin));
	/* The secret key is not a public key of anyone. */
	zmq_z85_decode(bin, k[0].secret_z85);
	assert_null(allowlist_find(al, bin));
	allowlist_free(al);
	allowlist_free(NULL);
	assert_int_equal(allowlist_count(NULL), 0);
	assert_null(allowlist_find(NULL, bin));
}

static void
test_allowlist_empty_and_missing(void **state)
{
	struct allowlist *al;
	char p[128], want[300];
	unsigned char bin[32] = { 0 };

	(void)state;
	al = allowlist_load(dir, err, sizeof(err));
	assert_non_null(al);
	assert_int_equal(allowlist_count(al), 0);
	assert_null(allowlist_find(al, bin));
	allowlist_free(al);

	path_of(p, sizeof(p), "nope");
	assert_null(allowlist_load(p, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", p);
	assert_string_equal(err, want);
}

static void
test_allowlist_many(void **state)
{
	struct keypair kp;
	unsigned char bin[32];
	struct allowlist *al;
	char name[32];
	unsigned char keys[200][32];

	(void)state;
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "agent%03d", i);
		assert_int_equal(keys_generate(&kp), 0);
		put_pub(name, &kp, i % 2 == 0);
		zmq_z85_decode(keys[i], kp.public_z85);
	}
	al = allowlist_load(dir, err, sizeof(err));
	assert_non_null(al);
	assert_int_equal(allowlist_count(al), 200);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "agent%03d", i);
		assert_string_equal(allowlist_find(al, keys[i]), name);
	}
	memset(bin, 0, sizeof(bin));
	assert_null(allowlist_find(al, bin));
	allowlist_free(al);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test_setup_teardown(test_write_read_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_refuses_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_secret_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_secret_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_public, setup, teardown),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test_setup_teardown(test_allowlist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allowlist_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allowlist_many, setup, teardown),
	};

	log_init("test_keys", LOG_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
