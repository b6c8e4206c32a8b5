/* report.c: `peil-collector report`: the report's directory (built beside --out, swapped in
 * atomically, the old one removed), the small writers every page shares, and the order the
 * pages are written in (report_site.c, report_org.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "err.h"
#include "esc.h"
#include "limits.h"
#include "log.h"
#include "report_int.h"

/* ---- files ---------------------------------------------------------------------------------- */

int
rep_open(struct rctx *x, const char *rel, FILE **f)
{
	int fd = openat(x->dirfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	*f = NULL;
	if (fd < 0) {
		err_set(x->err, x->errlen, "cannot create %s in the report: %s", rel,
		    strerror(errno));
		return PEIL_EIO;
	}
	if ((*f = fdopen(fd, "w")) == NULL) {
		close(fd);
		err_set(x->err, x->errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	setvbuf(*f, NULL, _IOFBF, 1 << 16);
	return 0;
}

int
rep_close(struct rctx *x, FILE *f, const char *rel)
{
	long size;
	int bad;

	if (f == NULL)
		return 0;
	bad = fflush(f) != 0 || ferror(f);
	size = ftell(f);
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		err_set(x->err, x->errlen, "cannot write %s in the report: %s", rel, strerror(errno));
		return PEIL_EIO;
	}
	x->info->pages++;
	x->info->bytes += size > 0 ? (uint64_t)size : 0;
	return 0;
}

int
rep_mkdir(struct rctx *x, const char *rel)
{
	if (mkdirat(x->dirfd, rel, 0755) != 0) {
		err_set(x->err, x->errlen, "cannot create %s/ in the report: %s", rel,
		    strerror(errno));
		return PEIL_EIO;
	}
	return 0;
}

/* Removes directory `name` under dirfd and everything in it, following no symlink (a link
 * inside is removed, not what it points to). Returns 0 or -1 (errno). */
static int
rm_tree(int dirfd, const char *name, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	if (depth > 8)   /* the report nests two levels; deeper is not ours */
		return errno = ELOOP, -1;
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode) ? rm_tree(fd, de->d_name, depth + 1) != 0 ||
		    unlinkat(fd, de->d_name, AT_REMOVEDIR) != 0 : unlinkat(fd, de->d_name, 0) != 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

static int
rm_dir(const char *path)
{
	if (rm_tree(AT_FDCWD, path, 0) != 0 && errno != ENOENT)
		return -1;
	if (rmdir(path) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* Removes the temporary siblings of dst (dst.tmp-PID) that a killed report left: those
 * holding the marker whose process is gone. */
static void
stale_clean(const char *dst)
{
	char *dir = strdup(dst), *slash, *path = NULL;
	const char *base, *parent;
	struct dirent *de;
	size_t bl;
	DIR *d;

	if (dir == NULL)
		return;
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		parent = ".";
		base = dst;
	} else {
		*slash = '\0';
		parent = slash == dir ? "/" : dir;
		base = slash + 1;
	}
	bl = strlen(base);
	if ((d = opendir(parent)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, base, bl) != 0 || strncmp(de->d_name + bl, ".tmp-", 5) != 0)
			continue;
		pid = strtol(de->d_name + bl + 5, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		free(path);
		if (asprintf(&path, "%s/%s/%s", parent, de->d_name, REPORT_MARKER) < 0) {
			path = NULL;
			break;
		}
		if (access(path, F_OK) != 0)
			continue;
		path[strlen(path) - strlen(REPORT_MARKER) - 1] = '\0';
		if (rm_dir(path) == 0)
			log_info("report: removed %s, left by a report that did not finish", path);
	}
	free(path);
	closedir(d);
	free(dir);
}

/* What is at OUT: nothing, an empty directory, a previous report, or something refused. */
enum out_kind { OUT_NONE, OUT_EMPTY, OUT_REPORT };

static int
out_check(const char *out, enum out_kind *kind, char *err, size_t errlen)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;
	bool empty = true;

	if (lstat(out, &st) != 0) {
		if (errno == ENOENT) {
			*kind = OUT_NONE;
			return 0;
		}
		err_set(err, errlen, "%s: %s", out, strerror(errno));
		return PEIL_EIO;
	}
	if (S_ISLNK(st.st_mode)) {
		err_set(err, errlen, "%s is a symbolic link: give the directory itself (report "
		    "writes only there and beside it)", out);
		return PEIL_EEXIST;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(err, errlen, "%s exists and is not a directory: give a new directory or "
		    "a previous report's", out);
		return PEIL_EEXIST;
	}
	if ((fd = open(out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		err_set(err, errlen, "%s: %s", out, strerror(errno));
		return PEIL_EIO;
	}
	if (faccessat(fd, REPORT_MARKER, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		close(fd);
		*kind = OUT_REPORT;
		return 0;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		err_set(err, errlen, "%s: %s", out, strerror(errno));
		return PEIL_EIO;
	}
	while (empty && (de = readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	if (!empty) {
		err_set(err, errlen, "%s is not empty and holds no previous report (no %s file in "
		    "it): refusing to replace it; give a new or empty directory", out,
		    REPORT_MARKER);
		return PEIL_EEXIST;
	}
	*kind = OUT_EMPTY;
	return 0;
}

/* ---- small writers ------------------------------------------------------------------------- */

bool
rep_named(const struct rctx *x, long org)
{
	if (!x->pub)
		return true;
	return org >= 0 && x->j->orgs[org].publish;
}

const char *
rep_status_name(int status)
{
	static const char *const names[] = { "no result", "passed", "failed", "warning", "info",
	    "not tested", "error" };

	return status >= 0 && status <= 6 ? names[status] : "no result";
}

const char *
rep_comply_name(enum judge_comply c)
{
	return c == JUDGE_COMPLIES ? "complies" : c == JUDGE_FAILS ? "fails" : "undecided";
}

void
rep_status(FILE *f, uint8_t cell)
{
	static const char *const cls[] = { "none", "passed", "failed", "warning", "info",
	    "nottested", "error" };
	int st = JUDGE_STATUS(cell);

	if (st < 0 || st > 6)
		st = 0;
	fprintf(f, "<span class=\"st st-%s\">%s</span>", cls[st], rep_status_name(st));
	if (cell & JUDGE_DISAGREE)
		fputs(" <span class=\"dis\">vantages disagree</span>", f);
}

void
rep_comply(FILE *f, enum judge_comply c)
{
	fprintf(f, "<span class=\"cp cp-%s\">%s</span>", rep_comply_name(c), rep_comply_name(c));
}

void
rep_date(FILE *f, int64_t t)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		fputs("-", f);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	fputs(buf, f);
}

void
rep_pct(FILE *f, size_t part, size_t whole)
{
	if (whole == 0)
		fputs("-", f);
	else
		chart_num(f, 100.0 * (double)part / (double)whole, "%");
}

void
rep_guideline(FILE *f, const char *id)
{
	static const struct { const char *prefix, *url; } known[] = {
		{ "ncsc-tls", "https://www.ncsc.nl/english/current-topics/factsheets/"
		  "it-security-guidelines-for-transport-layer-security-tls.html" },
		{ "internet.nl", "https://internet.nl/" },
		{ "whatwg-fetch", "https://fetch.spec.whatwg.org/" },
	};
	size_t i, n;

	if (id == NULL || id[0] == '\0') {
		fputs("-", f);
		return;
	}
	/* rfcNNNN: digits only, so the URL is built from known characters. */
	n = strlen(id);
	if (n > 3 && n <= 8 && strncmp(id, "rfc", 3) == 0 &&
	    strspn(id + 3, "0123456789") == n - 3) {
		fprintf(f, "<a href=\"https://www.rfc-editor.org/rfc/%s\">RFC %s</a>", id, id + 3);
		return;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strncmp(id, known[i].prefix, strlen(known[i].prefix)) == 0) {
			fprintf(f, "<a href=\"%s\">", known[i].url);
			esc_html_str(f, id);
			fputs("</a>", f);
			return;
		}
	esc_html_str(f, id);
}

void
rep_cut(FILE *f, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n <= max) {
		esc_html(f, s, n);
		return;
	}
	/* Back up to the start of a UTF-8 character. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	esc_html(f, s, max);
	fputs("…", f);
}

static const char css[] =
	":root{color-scheme:light}\n"
	"body{font-family:system-ui,sans-serif;line-height:1.4;margin:0 auto;max-width:72rem;"
	"padding:0 1rem;color:#111;background:#fff}\n"
	"main,section,table,td,th,li,p,h1,h2,h3,h4,dd,dt,figure,caption{overflow-wrap:anywhere;"
	"word-break:break-word}\n"
	"table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}\n"
	"th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}\n"
	"th{background:#eee}\n"
	/* overflow-wrap:anywhere lets a table squeeze a column to a letter a line. A column's
	 * heading is peil's own words: never broken inside one. A row's heading (a domain, an
	 * organisation) is what the row is read by: at least 10rem wide. */
	"th[scope=col]{overflow-wrap:normal;word-break:normal}\n"
	"th[scope=row]{min-width:10rem}\n"
	"td.n,th.n{text-align:right}\n"
	"caption{text-align:left;font-weight:bold;padding:.2rem 0}\n"
	"nav{margin:.5rem 0;padding:.3rem 0;border-bottom:1px solid #999}\n"
	"nav a{margin-right:1rem}\n"
	".banner{border:2px solid #a60;background:#fff4e0;padding:.5rem;margin:.5rem 0}\n"
	".st,.cp{font-weight:bold;white-space:nowrap}\n"
	".st-passed,.cp-complies{color:#060}\n"
	".st-failed,.cp-fails{color:#a00}\n"
	".st-warning{color:#850}\n"
	".st-error,.cp-undecided{color:#555}\n"
	".dis{font-style:italic}\n"
	".chg{font-weight:bold}\n"
	".ev{list-style:none;padding:0;margin:0}\n"
	".ev li{white-space:pre-wrap;font-family:monospace;font-size:90%}\n"
	".ev .k{font-weight:bold}\n"
	".finding{border-left:4px solid #a00;padding-left:.5rem;margin:1rem 0}\n"
	"figure{margin:1rem 0}\n"
	"svg{max-width:100%;height:auto}\n"
	"@media print{nav{display:none}.finding,table,figure{break-inside:avoid}"
	"a{color:inherit}}\n";

int
rep_css(struct rctx *x, const char *dir)
{
	char rel[REPORT_SLUG_LEN + 16];
	FILE *f;
	int rc;

	snprintf(rel, sizeof(rel), "%s%sstyle.css", dir, dir[0] ? "/" : "");
	if ((rc = rep_open(x, rel, &f)) != 0)
		return rc;
	fputs(css, f);
	return rep_close(x, f, rel);
}

/* s escaped, at most max bytes of the escaped text, never cut inside an entity or a UTF-8
 * character; "…" when cut. */
static void
title_cut(FILE *f, const char *s, size_t max)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return;
	esc_html_str(m, s);
	if (fclose(m) != 0) {
		free(buf);
		return;
	}
	if (len <= max) {
		fputs(buf, f);
		free(buf);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
		n--;
	for (size_t k = n; k > 0 && k + 8 > n; k--)
		if (buf[k - 1] == ';')
			break;
		else if (buf[k - 1] == '&') {
			n = k - 1;
			break;
		}
	fwrite(buf, 1, n, f);
	fputs("…", f);
	free(buf);
}

void
rep_head(FILE *f, const char *title, const char *title_extra, const char *cssrel)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>", f);
	/* A title stays short (a name may be 10,000 bytes): cut once escaped. */
	title_cut(f, title, 40);
	if (title_extra != NULL) {
		fputs(" - ", f);
		title_cut(f, title_extra, 24);
	}
	fprintf(f, "</title>\n<link rel=\"stylesheet\" href=\"%s\">\n</head>\n<body>\n", cssrel);
}

void
rep_foot(FILE *f)
{
	fputs("</main>\n<footer><p>Written by peil-collector report " PEIL_VERSION
	    ".</p></footer>\n</body>\n</html>\n", f);
}

/* ---- slugs ------------------------------------------------------------------------------------ */

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* [a-z0-9] runs of the name joined by '-', at most 24 characters, then '-' and 12 hex
 * digits of its hash; a clash (two names, one slug) takes the organisation's index too. */
static void
slug_make(const char *name, size_t idx, bool clash, char out[REPORT_SLUG_LEN])
{
	char base[25];
	size_t n = 0;
	bool dash = false;

	for (const char *p = name; *p && n < sizeof(base) - 1; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0) {
				if (n >= sizeof(base) - 2)
					break;
				base[n++] = '-';
			}
			dash = false;
			base[n++] = c;
		} else {
			dash = true;
		}
	}
	base[n] = '\0';
	if (clash)
		snprintf(out, REPORT_SLUG_LEN, "%s%s%012llx-%zu", base, n ? "-" : "org-",
		    (unsigned long long)(fnv1a(name) & 0xffffffffffffULL), idx);
	else
		snprintf(out, REPORT_SLUG_LEN, "%s%s%012llx", base, n ? "-" : "org-",
		    (unsigned long long)(fnv1a(name) & 0xffffffffffffULL));
}

static struct rctx *slug_sort_ctx;

static int
slug_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return strcmp(slug_sort_ctx->slug[*x], slug_sort_ctx->slug[*y]);
}

static int
slugs_make(struct rctx *x)
{
	size_t n = x->j->norgs, *ix;

	if ((x->slug = calloc(n ? n : 1, sizeof(*x->slug))) == NULL ||
	    (ix = calloc(n ? n : 1, sizeof(*ix))) == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		slug_make(x->j->orgs[i].name, i, false, x->slug[i]);
		ix[i] = i;
	}
	slug_sort_ctx = x;
	qsort(ix, n, sizeof(*ix), slug_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(x->slug[ix[i]], x->slug[ix[i - 1]]) == 0) {
			slug_make(x->j->orgs[ix[i]].name, ix[i], true, x->slug[ix[i]]);
			slug_make(x->j->orgs[ix[i - 1]].name, ix[i - 1], true, x->slug[ix[i - 1]]);
		}
	free(ix);
	return 0;
}

/* ---- the report ------------------------------------------------------------------------------ */

static int
write_site(struct rctx *x)
{
	char rel[REPORT_SLUG_LEN + 16];
	int rc;

	if ((rc = rep_css(x, "")) != 0 || (rc = rep_mkdir(x, "org")) != 0 ||
	    (rc = rep_mkdir(x, "test")) != 0)
		return rc;
	if ((rc = report_site_index(x)) != 0)
		return rc;
	if ((rc = report_site_tests_open(x)) != 0)
		return rc;
	for (size_t i = 0; i < x->j->norgs; i++) {
		/* A public report has no page of an organisation that does not consent; its
		 * domains still go into the per-test pages' counts. */
		snprintf(rel, sizeof(rel), "org/%s.html", x->slug[i]);
		if ((rc = report_org_page(x, i, rep_named(x, (long)i) ? rel : NULL, false,
		    NULL)) != 0)
			return rc;
		if (rep_named(x, (long)i))
			x->info->organisations++;
	}
	if ((rc = report_site_tests_close(x)) != 0)
		return rc;
	return report_site_vantages(x);
}

static int
write_pack(struct rctx *x, size_t org, FILE *list)
{
	char rel[REPORT_SLUG_LEN + 16], csvrel[REPORT_SLUG_LEN + 16];
	FILE *csv = NULL;
	int rc;

	if ((rc = rep_mkdir(x, x->slug[org])) != 0 || (rc = rep_css(x, x->slug[org])) != 0)
		return rc;
	snprintf(csvrel, sizeof(csvrel), "%s/failing.csv", x->slug[org]);
	if ((rc = rep_open(x, csvrel, &csv)) != 0)
		return rc;
	fputs(report_csv_header, csv);
	snprintf(rel, sizeof(rel), "%s/index.html", x->slug[org]);
	rc = report_org_page(x, org, rel, true, csv);
	if (rc != 0) {
		fclose(csv);
		return rc;
	}
	if ((rc = rep_close(x, csv, csvrel)) != 0)
		return rc;
	esc_csv(list, x->j->orgs[org].name);
	fprintf(list, ",%s/,%zu\n", x->slug[org], x->j->orgs[org].ndomains);
	x->info->organisations++;
	return 0;
}

static int
write_packs(struct rctx *x)
{
	FILE *list = NULL;
	size_t i;
	int rc;

	if ((rc = rep_open(x, "packs.csv", &list)) != 0)
		return rc;
	fputs("organisation,folder,domains\n", list);
	if (x->o->pack != NULL) {
		for (i = 0; i < x->j->norgs && strcmp(x->j->orgs[i].name, x->o->pack) != 0; i++)
			;
		if (i == x->j->norgs) {
			fclose(list);
			err_set(x->err, x->errlen, "no organisation named '%s' among the targets "
			    "(peil-collector targets list shows them; the name is matched exactly)",
			    x->o->pack);
			return PEIL_ENOENT;
		}
		rc = write_pack(x, i, list);
	} else {
		for (i = 0; i < x->j->norgs && rc == 0; i++)
			rc = write_pack(x, i, list);
	}
	if (rc != 0) {
		fclose(list);
		return rc;
	}
	return rep_close(x, list, "packs.csv");
}

/* OUT without trailing slashes, and its temporary sibling. */
static int
paths_make(const char *out, char **dst, char **tmp)
{
	size_t n = strlen(out);

	while (n > 1 && out[n - 1] == '/')
		n--;
	*dst = strndup(out, n);
	*tmp = NULL;
	if (*dst == NULL || asprintf(tmp, "%s.tmp-%ld", *dst, (long)getpid()) < 0) {
		*tmp = NULL;
		return PEIL_ENOMEM;
	}
	return 0;
}

int
report_write(struct store *s, const struct report_opts *o, struct report_info *info,
    char *err, size_t errlen)
{
	struct judge_opts jo = { o->round, o->history, true };
	struct rctx x;
	enum out_kind kind = OUT_NONE;
	char *dst = NULL, *tmp = NULL;
	bool made = false;
	FILE *m = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	memset(info, 0, sizeof(*info));
	x.s = s;
	x.o = o;
	x.info = info;
	x.err = err;
	x.errlen = errlen;
	x.dirfd = -1;
	x.pub = o->audience == REPORT_PUBLIC;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (o->out == NULL || o->out[0] == '\0') {
		err_set(err, errlen, "no output directory (--out DIR)");
		return PEIL_EINVAL;
	}
	if ((rc = paths_make(o->out, &dst, &tmp)) != 0) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	{
		const char *base = strrchr(dst, '/') ? strrchr(dst, '/') + 1 : dst;

		/* "." or ".." would put the temporary directory inside OUT or above it. */
		if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || base[0] == '\0') {
			err_set(err, errlen, "%s: give the directory by its name (its temporary "
			    "sibling is made beside it)", dst);
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	if ((rc = out_check(dst, &kind, err, errlen)) != 0)
		goto out;
	stale_clean(dst);
	if ((rc = judge_load(s, &jo, &x.j, err, errlen)) != 0)
		goto out;
	x.r = x.j->nrounds - 1;
	info->round = x.j->rounds[x.r].id;
	info->domains = x.j->rounds[x.r].measured;
	if ((rc = store_view_open(s, &x.view)) != 0) {
		err_set(err, errlen, "cannot read the store: %s", peil_strerror(rc));
		goto out;
	}
	if ((rc = slugs_make(&x)) != 0) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	if (mkdir(tmp, 0755) != 0) {
		err_set(err, errlen, "cannot create %s: %s%s", tmp, strerror(errno),
		    errno == EEXIST ? " (left by a report that was killed? remove it)" : "");
		rc = PEIL_EIO;
		goto out;
	}
	made = true;
	if ((x.dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		err_set(err, errlen, "cannot open %s: %s", tmp, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	/* The marker first: a temporary directory left by a crash is a report's too. */
	if ((rc = rep_open(&x, REPORT_MARKER, &m)) != 0)
		goto out;
	fprintf(m, "peil report of round %llu\n", (unsigned long long)info->round);
	if ((rc = rep_close(&x, m, REPORT_MARKER)) != 0)
		goto out;
	info->pages = 0;
	info->bytes = 0;
	rc = o->pack != NULL || o->packs ? write_packs(&x) : write_site(&x);
	if (rc != 0)
		goto out;
	if (syncfs(x.dirfd) != 0) {
		err_set(err, errlen, "cannot sync %s: %s", tmp, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	if (kind == OUT_NONE ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) != 0 :
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) != 0) {
		err_set(err, errlen, "cannot move %s into place as %s: %s", tmp, dst,
		    strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	/* tmp now holds the previous report (or nothing): removed below. */
	rc = 0;
out:
	if (x.dirfd >= 0)
		close(x.dirfd);
	if (made && rm_dir(tmp) != 0)
		log_warn("report: could not remove %s: %s", tmp, strerror(errno));
	for (size_t t = 0; t < TEST_COUNT; t++)
		if (x.tests[t] != NULL)
			fclose(x.tests[t]);
	free(x.slug);
	store_view_free(x.view);
	judge_free(x.j);
	free(dst);
	free(tmp);
	return rc;
}
