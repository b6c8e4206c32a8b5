/* conf.c: INI configuration files checked against a declared schema, and overrides. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "err.h"
#include "limits.h"
#include "log.h"

/* The value of one schema key: its text as given (NULL: unset) and the parsed form. */
struct conf_val {
	char *text;
	uint64_t u64;
	bool b;
	unsigned line;          /* line of the file that set it; 0 when not from the file */
};

struct conf {
	const struct conf_key *schema;
	size_t nkeys;
	struct conf_val *vals;  /* one per schema key, the set value */
	struct conf_val *defs;  /* one per schema key, the parsed default */
};

/* Where an error happened: "FILE:LINE", "command line", or nothing (conf_set). */
struct conf_where {
	const char *file;
	unsigned line;
	const char *label;
};

static void
conf_err(char *err, size_t errlen, const struct conf_where *w, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
conf_err(char *err, size_t errlen, const struct conf_where *w, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (err == NULL || errlen == 0)
		return;
	if (w->file != NULL && w->line > 0)
		n = snprintf(err, errlen, "%s:%u: ", w->file, w->line);
	else if (w->file != NULL)
		n = snprintf(err, errlen, "%s: ", w->file);
	else if (w->label != NULL)
		n = snprintf(err, errlen, "%s: ", w->label);
	if (n < 0)
		n = 0;
	if ((size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static size_t
schema_len(const struct conf_key *schema)
{
	size_t n = 0;

	while (schema[n].section != NULL && schema[n].key != NULL)
		n++;
	return n;
}

static bool
section_known(const struct conf *c, const char *section)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		if (strcmp(c->schema[i].section, section) == 0)
			return true;
	}
	return false;
}

/* Index of section.key in the schema, or -1. */
static long
key_index(const struct conf *c, const char *section, const char *key)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		if (strcmp(c->schema[i].section, section) == 0 && strcmp(c->schema[i].key, key) == 0)
			return (long)i;
	}
	return -1;
}

/* Parses a decimal number within [min, max]; on failure says why in err. */
static bool
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t whylen)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '\0') {
		snprintf(why, whylen, "empty value, expected a number");
		return false;
	}
	for (; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9') {
			snprintf(why, whylen, "'%s' is not a number", s);
			return false;
		}
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			snprintf(why, whylen, "'%s' is out of range %llu..%llu", s,
			    (unsigned long long)min, (unsigned long long)max);
			return false;
		}
		v = v * 10 + d;
	}
	if (v < min || v > max) {
		snprintf(why, whylen, "'%s' is out of range %llu..%llu", s, (unsigned long long)min,
		    (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

static bool
parse_bool(const char *s, bool *out, char *why, size_t whylen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	snprintf(why, whylen, "'%s' is not a boolean (yes/no/true/false/on/off/1/0)", s);
	return false;
}

/* Parses value for schema key k into v (which takes a copy of the text). */
static int
val_parse(const struct conf_key *k, const char *value, struct conf_val *v, char *why,
    size_t whylen)
{
	struct conf_val nv = { 0 };

	switch (k->type) {
	case CONF_U64:
		if (!parse_u64(value, k->min, k->max, &nv.u64, why, whylen))
			return PEIL_ECONF;
		break;
	case CONF_BOOL:
		if (!parse_bool(value, &nv.b, why, whylen))
			return PEIL_ECONF;
		break;
	case CONF_PATH:
		if (*value == '\0') {
			snprintf(why, whylen, "empty path");
			return PEIL_ECONF;
		}
		break;
	case CONF_STR:
		break;
	}
	if ((nv.text = strdup(value)) == NULL)
		return PEIL_ENOMEM;
	free(v->text);
	*v = nv;
	return 0;
}

/* Sets section.key = value, reporting errors at w. `line` is the file line (0: not the file),
 * used to refuse a key given twice in one file. */
static int
conf_assign(struct conf *c, const char *section, const char *key, const char *value,
    const struct conf_where *w, char *err, size_t errlen)
{
	char why[256];
	long i;
	int rc;

	if ((i = key_index(c, section, key)) < 0) {
		if (!section_known(c, section))
			conf_err(err, errlen, w, "key '%s.%s': unknown section '%s'", section, key,
			    section);
		else
			conf_err(err, errlen, w, "key '%s.%s': unknown key", section, key);
		return PEIL_ECONF;
	}
	if (w->line > 0 && c->vals[i].line > 0) {
		conf_err(err, errlen, w, "key '%s.%s': duplicate key (first set on line %u)",
		    section, key, c->vals[i].line);
		return PEIL_ECONF;
	}
	why[0] = '\0';
	if ((rc = val_parse(&c->schema[i], value, &c->vals[i], why, sizeof(why))) != 0) {
		conf_err(err, errlen, w, "key '%s.%s': %s", section, key,
		    rc == PEIL_ENOMEM ? "out of memory" : why);
		return rc;
	}
	c->vals[i].line = w->line;
	return 0;
}

/* Trims ASCII white space from both ends, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

/* Strips one pair of double quotes around a value; a value that opens a quote must close it
 * as its last character. Returns NULL for an unterminated quote. */
static char *
unquote(char *v)
{
	size_t n = strlen(v);

	if (n == 0 || v[0] != '"')
		return v;
	if (n < 2 || v[n - 1] != '"')
		return NULL;
	v[n - 1] = '\0';
	return v + 1;
}

static void
conf_free_vals(struct conf_val *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	conf_free_vals(c->vals, c->nkeys);
	conf_free_vals(c->defs, c->nkeys);
	free(c);
}

static bool
name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	}
	return true;
}

/* Reads one line into buf (at most MAX_CONF_LINE bytes before the newline). Returns 1 for a
 * line, 0 at end of file, PEIL_ETOOBIG for a longer line, PEIL_EINVAL for a NUL byte, PEIL_EIO
 * on a read error. */
static int
read_line(FILE *f, char *buf)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF) {
		if (ch == '\n')
			break;
		if (ch == '\0')
			return PEIL_EINVAL;
		if (n == MAX_CONF_LINE)
			return PEIL_ETOOBIG;
		buf[n++] = (char)ch;
	}
	if (ch == EOF && ferror(f))
		return PEIL_EIO;
	if (ch == EOF && n == 0)
		return 0;
	buf[n] = '\0';
	return 1;
}

/* Parses the file into c; errors name the file and line. */
static int
conf_parse_file(struct conf *c, const char *path, FILE *f, char *err, size_t errlen)
{
	struct conf_where w = { path, 0, NULL };
	char *buf, *section = NULL, *line, *eq, *key, *value;
	size_t entries = 0;
	int rc, r;

	if ((buf = malloc(MAX_CONF_LINE + 1)) == NULL) {
		conf_err(err, errlen, &w, "out of memory");
		return PEIL_ENOMEM;
	}
	for (;;) {
		w.line++;
		r = read_line(f, buf);
		if (r == 0)
			break;
		if (r == PEIL_ETOOBIG) {
			conf_err(err, errlen, &w, "line longer than %d bytes", MAX_CONF_LINE);
			rc = PEIL_ECONF;
			goto out;
		}
		if (r == PEIL_EINVAL) {
			conf_err(err, errlen, &w, "NUL byte in line");
			rc = PEIL_ECONF;
			goto out;
		}
		if (r < 0) {
			w.line = 0;
			conf_err(err, errlen, &w, "read error: %s", strerror(errno));
			rc = PEIL_EIO;
			goto out;
		}
		line = trim(buf);
		if (*line == '\0' || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			char *end = strchr(line, ']');

			if (end == NULL || end[1] != '\0') {
				conf_err(err, errlen, &w, "bad section header (expected '[name]')");
				rc = PEIL_ECONF;
				goto out;
			}
			*end = '\0';
			line = trim(line + 1);
			if (!name_ok(line)) {
				conf_err(err, errlen, &w, "bad section name '%s'", line);
				rc = PEIL_ECONF;
				goto out;
			}
			if (!section_known(c, line)) {
				conf_err(err, errlen, &w, "unknown section '%s'", line);
				rc = PEIL_ECONF;
				goto out;
			}
			free(section);
			if ((section = strdup(line)) == NULL) {
				conf_err(err, errlen, &w, "out of memory");
				rc = PEIL_ENOMEM;
				goto out;
			}
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL) {
			conf_err(err, errlen, &w, "expected 'key = value', '[section]' or a comment");
			rc = PEIL_ECONF;
			goto out;
		}
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		if (!name_ok(key)) {
			conf_err(err, errlen, &w, "bad key name '%s'", key);
			rc = PEIL_ECONF;
			goto out;
		}
		if (section == NULL) {
			conf_err(err, errlen, &w, "key '%s' outside of any [section]", key);
			rc = PEIL_ECONF;
			goto out;
		}
		if (++entries > MAX_CONF_ENTRIES) {
			conf_err(err, errlen, &w, "more than %d entries", MAX_CONF_ENTRIES);
			rc = PEIL_ECONF;
			goto out;
		}
		if ((value = unquote(value)) == NULL) {
			conf_err(err, errlen, &w, "key '%s.%s': unterminated quoted value", section,
			    key);
			rc = PEIL_ECONF;
			goto out;
		}
		if ((rc = conf_assign(c, section, key, value, &w, err, errlen)) != 0)
			goto out;
	}
	rc = 0;
out:
	free(section);
	free(buf);
	return rc;
}

struct conf *
conf_load(const char *path, const struct conf_key *schema, char *err, size_t errlen)
{
	struct conf_where w = { "schema", 0, NULL };
	struct conf *c = NULL;
	FILE *f = NULL;
	char why[256];
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	c->schema = schema;
	c->nkeys = schema_len(schema);
	if ((c->vals = calloc(c->nkeys + 1, sizeof(*c->vals))) == NULL ||
	    (c->defs = calloc(c->nkeys + 1, sizeof(*c->defs))) == NULL)
		goto oom;
	/* A default that does not parse is a bug in the program: say so at once. */
	for (size_t i = 0; i < c->nkeys; i++) {
		if (schema[i].def == NULL)
			continue;
		why[0] = '\0';
		rc = val_parse(&schema[i], schema[i].def, &c->defs[i], why, sizeof(why));
		if (rc == PEIL_ENOMEM)
			goto oom;
		if (rc != 0) {
			conf_err(err, errlen, &w, "key '%s.%s': bad default: %s", schema[i].section,
			    schema[i].key, why);
			goto fail;
		}
	}
	if (path == NULL)
		return c;
	if ((f = fopen(path, "r")) == NULL) {
		w.file = path;
		conf_err(err, errlen, &w, "%s", strerror(errno));
		goto fail;
	}
	if (conf_parse_file(c, path, f, err, errlen) != 0)
		goto fail;
	fclose(f);
	return c;
oom:
	w.file = path;
	conf_err(err, errlen, &w, "out of memory");
fail:
	if (f != NULL)
		fclose(f);
	conf_free(c);
	return NULL;
}

int
conf_override(struct conf *c, const char *spec, char *err, size_t errlen)
{
	struct conf_where w = { NULL, 0, "command line" };
	char *s, *eq, *dot, *key, *section, *value;
	int rc;

	if ((s = strdup(spec)) == NULL) {
		conf_err(err, errlen, &w, "out of memory");
		return PEIL_ENOMEM;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		conf_err(err, errlen, &w, "'%s': expected section.key=value", spec);
		rc = PEIL_ECONF;
		goto out;
	}
	*eq = '\0';
	section = trim(s);
	value = trim(eq + 1);
	if ((dot = strchr(section, '.')) == NULL) {
		conf_err(err, errlen, &w, "'%s': expected section.key=value", spec);
		rc = PEIL_ECONF;
		goto out;
	}
	*dot = '\0';
	key = dot + 1;
	if ((value = unquote(value)) == NULL) {
		conf_err(err, errlen, &w, "key '%s.%s': unterminated quoted value", section, key);
		rc = PEIL_ECONF;
		goto out;
	}
	rc = conf_assign(c, section, key, value, &w, err, errlen);
out:
	free(s);
	return rc;
}

int
conf_set(struct conf *c, const char *section, const char *key, const char *value, char *err,
    size_t errlen)
{
	struct conf_where w = { NULL, 0, NULL };

	return conf_assign(c, section, key, value, &w, err, errlen);
}

/* The value in force for a schema key: set, else default, else NULL. A key outside the schema
 * or asked for as the wrong type is a bug between our own parts. */
static const struct conf_val *
conf_get(const struct conf *c, const char *section, const char *key, int want_type)
{
	long i = key_index(c, section, key);

	if (i < 0)
		log_fatal("configuration: key '%s.%s' is not in the schema", section, key);
	if (want_type >= 0 && (int)c->schema[i].type != want_type)
		log_fatal("configuration: key '%s.%s' read as the wrong type", section, key);
	if (c->vals[i].text != NULL)
		return &c->vals[i];
	if (c->defs[i].text != NULL)
		return &c->defs[i];
	return NULL;
}

const char *
conf_str(const struct conf *c, const char *section, const char *key)
{
	const struct conf_val *v = conf_get(c, section, key, -1);

	return v != NULL ? v->text : NULL;
}

uint64_t
conf_u64(const struct conf *c, const char *section, const char *key)
{
	const struct conf_val *v = conf_get(c, section, key, CONF_U64);

	return v != NULL ? v->u64 : 0;
}

bool
conf_bool(const struct conf *c, const char *section, const char *key)
{
	const struct conf_val *v = conf_get(c, section, key, CONF_BOOL);

	return v != NULL ? v->b : false;
}

static const char *
type_doc(const struct conf_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case CONF_U64:
		snprintf(buf, len, "number, %llu..%llu", (unsigned long long)k->min,
		    (unsigned long long)k->max);
		return buf;
	case CONF_BOOL:
		return "yes or no";
	case CONF_PATH:
		return "path";
	case CONF_STR:
		break;
	}
	return "text";
}

/* A default needs quotes when trimming would change it or it starts with a quote. */
static bool
needs_quotes(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || s[0] == '"' || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t';
}

void
conf_write_example(const struct conf_key *schema, FILE *f)
{
	size_t n = schema_len(schema);
	char tbuf[64];

	fprintf(f, "# peil configuration. Every key is shown commented out with its default;\n"
	    "# remove the '#' in front of a key to set it. Comments take a whole line.\n");
	/* Sections in the order they first appear, each with all of its keys. */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(schema[j].section, schema[i].section) == 0;
		if (seen)
			continue;
		fprintf(f, "\n[%s]\n", schema[i].section);
		for (size_t j = i; j < n; j++) {
			const struct conf_key *k = &schema[j];

			if (strcmp(k->section, schema[i].section) != 0)
				continue;
			fprintf(f, "# %s (%s)\n", k->doc != NULL ? k->doc : k->key,
			    type_doc(k, tbuf, sizeof(tbuf)));
			if (k->def == NULL)
				fprintf(f, "#%s =\n", k->key);
			else if (needs_quotes(k->def))
				fprintf(f, "#%s = \"%s\"\n", k->key, k->def);
			else
				fprintf(f, "#%s = %s\n", k->key, k->def);
		}
	}
}
