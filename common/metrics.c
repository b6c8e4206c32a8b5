/* metrics.c: a small metrics registry and its exposition text, served by libmicrohttpd.
 * Families are fixed once registered; a family's series are made on first use and never
 * freed while the registry lives (a cleared series is hidden and reused), so an updater
 * holds a pointer without a lock and every value is a C11 atomic. Creating a series and
 * rendering take the registry's mutex. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dynlib.h"
#include "err.h"
#include "limits.h"
#include "metrics.h"
#include "mhdapi.h"

/* Upper bounds of the histogram buckets, seconds; the last is +Inf. */
static const double metrics_bounds[METRICS_BUCKETS - 1] = {
	0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 600,
};

struct metric {
	struct metric_family *f;
	char value[MAX_METRIC_LABEL_LEN + 1];
	atomic_bool live;
	atomic_uint_fast64_t v;                 /* counter, or a gauge's double as bits */
	atomic_uint_fast64_t bucket[METRICS_BUCKETS];  /* per bucket, not cumulative */
	atomic_uint_fast64_t sum_ns;
	atomic_uint seen;                        /* the family's mark when last updated */
};

struct metric_family {
	struct metrics *m;
	enum metric_kind kind;
	char *name, *help, *label;
	struct metric **series;       /* max_series slots */
	size_t max_series;
	atomic_size_t n;              /* slots filled */
	atomic_uint mark;             /* metrics_family_mark's count */
};

struct metrics {
	pthread_mutex_t mu;
	struct metric_family *fam[MAX_METRIC_FAMILIES];
	size_t nfam;
	struct MHD_Daemon *httpd;
	int fd;
	unsigned port;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	m->fd = -1;
	return m;
}

static void
family_free(struct metric_family *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < atomic_load(&f->n); i++)
		free(f->series[i]);
	free(f->series);
	free(f->name);
	free(f->help);
	free(f->label);
	free(f);
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	/* A daemon was started: libmicrohttpd is loaded. */
	if (m->httpd != NULL) {
		const struct mhdapi *mhd = mhdapi();

		mhd->stop_daemon(m->httpd);
	}
	if (m->fd >= 0)
		close(m->fd);
	for (size_t i = 0; i < m->nfam; i++)
		family_free(m->fam[i]);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

struct metric_family *
metrics_family(struct metrics *m, enum metric_kind kind, const char *name, const char *help,
    const char *label, size_t max_series)
{
	struct metric_family *f = NULL;

	if (m == NULL)
		return NULL;
	if (label == NULL)
		max_series = 1;
	if (max_series == 0)
		return NULL;
	pthread_mutex_lock(&m->mu);
	if (m->nfam == MAX_METRIC_FAMILIES || (f = calloc(1, sizeof(*f))) == NULL ||
	    (f->name = strdup(name)) == NULL || (f->help = strdup(help)) == NULL ||
	    (label != NULL && (f->label = strdup(label)) == NULL) ||
	    (f->series = calloc(max_series, sizeof(*f->series))) == NULL) {
		family_free(f);
		pthread_mutex_unlock(&m->mu);
		return NULL;
	}
	f->m = m;
	f->kind = kind;
	f->max_series = max_series;
	m->fam[m->nfam++] = f;
	pthread_mutex_unlock(&m->mu);
	/* A family without a label shows its 0 from the start. */
	if (label == NULL)
		(void)metrics_series(f, NULL);
	return f;
}

static struct metric *
series_find(struct metric_family *f, const char *value)
{
	size_t n = atomic_load(&f->n);

	for (size_t i = 0; i < n; i++)
		if (strncmp(f->series[i]->value, value, MAX_METRIC_LABEL_LEN) == 0)
			return f->series[i];
	return NULL;
}

struct metric *
metrics_series(struct metric_family *f, const char *value)
{
	struct metric *s;

	if (f == NULL)
		return NULL;
	if (value == NULL || f->label == NULL)
		value = "";
	if ((s = series_find(f, value)) != NULL) {
		atomic_store(&s->live, true);
		return s;
	}
	pthread_mutex_lock(&f->m->mu);
	if ((s = series_find(f, value)) == NULL && atomic_load(&f->n) < f->max_series &&
	    (s = calloc(1, sizeof(*s))) != NULL) {
		s->f = f;
		snprintf(s->value, sizeof(s->value), "%s", value);
		f->series[atomic_load(&f->n)] = s;
		/* Published after it is whole: a lock-free reader sees it complete. */
		atomic_fetch_add(&f->n, 1);
	}
	if (s != NULL)
		atomic_store(&s->live, true);
	pthread_mutex_unlock(&f->m->mu);
	return s;
}

void
metrics_family_clear(struct metric_family *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->m->mu);
	for (size_t i = 0; i < atomic_load(&f->n); i++) {
		atomic_store(&f->series[i]->live, false);
		atomic_store(&f->series[i]->v, 0);
	}
	pthread_mutex_unlock(&f->m->mu);
}

void
metrics_family_mark(struct metric_family *f)
{
	if (f != NULL)
		atomic_fetch_add(&f->mark, 1);
}

void
metrics_family_sweep(struct metric_family *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->m->mu);
	for (size_t i = 0; i < atomic_load(&f->n); i++) {
		struct metric *s = f->series[i];

		if (atomic_load(&s->seen) != atomic_load(&f->mark)) {
			atomic_store(&s->live, false);
			atomic_store(&s->v, 0);
		}
	}
	pthread_mutex_unlock(&f->m->mu);
}

bool
metric_marked(const struct metric *s)
{
	return s != NULL && atomic_load(&s->seen) == atomic_load(&s->f->mark);
}

/* An update: the series is current as of the family's mark, and shown again if it was
 * cleared or swept. */
static void
metric_touch(struct metric *s)
{
	atomic_store(&s->seen, atomic_load(&s->f->mark));
	atomic_store(&s->live, true);
}

void
metric_add(struct metric *s, uint64_t n)
{
	if (s != NULL) {
		atomic_fetch_add(&s->v, n);
		metric_touch(s);
	}
}

void
metric_set_count(struct metric *s, uint64_t v)
{
	if (s != NULL) {
		atomic_store(&s->v, v);
		metric_touch(s);
	}
}

static uint64_t
dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double
bitsd(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

void
metric_set(struct metric *s, double v)
{
	if (s != NULL) {
		atomic_store(&s->v, dbits(v));
		metric_touch(s);
	}
}

void
metric_gauge_add(struct metric *s, int64_t d)
{
	uint_fast64_t old;

	if (s == NULL)
		return;
	old = atomic_load(&s->v);
	while (!atomic_compare_exchange_weak(&s->v, &old, dbits(bitsd(old) + (double)d)))
		;
	metric_touch(s);
}

double
metric_value(const struct metric *s)
{
	if (s == NULL)
		return 0;
	if (s->f->kind == METRIC_COUNTER)
		return (double)atomic_load(&s->v);
	return bitsd(atomic_load(&s->v));
}

void
metric_observe(struct metric *s, double seconds)
{
	size_t b = 0;

	if (s == NULL)
		return;
	if (!(seconds >= 0))
		seconds = 0;
	while (b < METRICS_BUCKETS - 1 && seconds > metrics_bounds[b])
		b++;
	atomic_fetch_add(&s->bucket[b], 1);
	atomic_fetch_add(&s->sum_ns, (uint64_t)(seconds * 1e9));
}

/* A label value as the exposition format quotes it: \\, \" and \n escaped. */
static void
put_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			putc(*v, f);
	}
}

/* The series' labels: "{label="v"}", with an `le` when given; nothing when none. */
static void
put_labels(FILE *f, const struct metric *s, const char *le)
{
	bool any = s->f->label != NULL;

	if (!any && le == NULL)
		return;
	putc('{', f);
	if (any) {
		fprintf(f, "%s=\"", s->f->label);
		put_label_value(f, s->value);
		putc('"', f);
	}
	if (le != NULL)
		fprintf(f, "%sle=\"%s\"", any ? "," : "", le);
	putc('}', f);
}

static void
put_double(FILE *f, double d)
{
	if (d != d)
		fputs("NaN", f);
	else
		fprintf(f, "%.15g", d);
}

static void
render_family(FILE *f, const struct metric_family *fam)
{
	static const char *const kinds[] = { "counter", "gauge", "histogram" };
	size_t n = atomic_load(&fam->n);

	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
	    kinds[fam->kind]);
	for (size_t i = 0; i < n; i++) {
		const struct metric *s = fam->series[i];
		uint64_t cum = 0;
		char le[32];

		if (!atomic_load(&s->live))
			continue;
		switch (fam->kind) {
		case METRIC_COUNTER:
			fputs(fam->name, f);
			put_labels(f, s, NULL);
			fprintf(f, " %llu\n", (unsigned long long)atomic_load(&s->v));
			break;
		case METRIC_GAUGE:
			fputs(fam->name, f);
			put_labels(f, s, NULL);
			putc(' ', f);
			put_double(f, bitsd(atomic_load(&s->v)));
			putc('\n', f);
			break;
		case METRIC_HISTOGRAM:
			for (size_t b = 0; b < METRICS_BUCKETS; b++) {
				cum += atomic_load(&s->bucket[b]);
				if (b < METRICS_BUCKETS - 1)
					snprintf(le, sizeof(le), "%g", metrics_bounds[b]);
				else
					snprintf(le, sizeof(le), "+Inf");
				fprintf(f, "%s_bucket", fam->name);
				put_labels(f, s, le);
				fprintf(f, " %llu\n", (unsigned long long)cum);
			}
			fprintf(f, "%s_sum", fam->name);
			put_labels(f, s, NULL);
			putc(' ', f);
			put_double(f, (double)atomic_load(&s->sum_ns) / 1e9);
			fprintf(f, "\n%s_count", fam->name);
			put_labels(f, s, NULL);
			fprintf(f, " %llu\n", (unsigned long long)cum);
			break;
		}
	}
}

char *
metrics_render(struct metrics *m, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	*len = 0;
	if ((f = open_memstream(&buf, &n)) == NULL)
		return NULL;
	pthread_mutex_lock(&m->mu);
	for (size_t i = 0; i < m->nfam; i++)
		render_family(f, m->fam[i]);
	pthread_mutex_unlock(&m->mu);
	if (fclose(f) != 0 || buf == NULL || n > MAX_METRICS_PAGE_BYTES) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static enum MHD_Result
metrics_answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **state)
{
	const struct mhdapi *mhd = mhdapi();
	struct metrics *m = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned code = MHD_HTTP_OK;
	char *page = NULL;
	size_t len = 0;
	static const char not_found[] = "peil: metrics are at /metrics\n";
	static const char failed[] = "peil: out of memory rendering the metrics\n";

	(void)version;
	(void)upload;
	/* A request without a body: answered on the first call. */
	if (*upload_len != 0) {
		*upload_len = 0;
		return MHD_YES;
	}
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		r = mhd->create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		if (r != NULL)
			mhd->add_response_header(r, "Allow", "GET, HEAD");
	} else if (strcmp(url, "/metrics") != 0) {
		r = mhd->create_response_from_buffer(sizeof(not_found) - 1, (void *)not_found,
		    MHD_RESPMEM_PERSISTENT);
		code = MHD_HTTP_NOT_FOUND;
	} else if ((page = metrics_render(m, &len)) == NULL) {
		r = mhd->create_response_from_buffer(sizeof(failed) - 1, (void *)failed,
		    MHD_RESPMEM_PERSISTENT);
		code = MHD_HTTP_INTERNAL_SERVER_ERROR;
	} else {
		r = mhd->create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(page);
		else
			mhd->add_response_header(r, "Content-Type",
			    "text/plain; version=0.0.4; charset=utf-8");
	}
	if (r == NULL)
		return MHD_NO;
	ret = mhd->queue_response(c, code, r);
	mhd->destroy_response(r);
	return ret;
}

/* ADDR:PORT or [ADDR]:PORT into a socket address. */
static int
metrics_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl,
    unsigned *port)
{
	char host[64];
	const char *p, *colon;
	char *end;
	unsigned long v;
	size_t hl;

	if (listen[0] == '[') {
		if ((p = strchr(listen, ']')) == NULL || p[1] != ':')
			return PEIL_EINVAL;
		hl = (size_t)(p - listen - 1);
		colon = p + 1;
		listen++;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL || strchr(listen, ':') != colon)
			return PEIL_EINVAL;
		hl = (size_t)(colon - listen);
	}
	if (hl == 0 || hl >= sizeof(host))
		return PEIL_EINVAL;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || v == 0 ||
	    v > 65535)
		return PEIL_EINVAL;
	*port = (unsigned)v;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)v);
		*sl = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)v);
		*sl = sizeof(struct sockaddr_in6);
		return 0;
	}
	return PEIL_EINVAL;
}

int
metrics_check_listen(const char *listen_addr, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned port;

	if (metrics_parse_listen(listen_addr, &ss, &sl, &port) != 0) {
		err_set(err, errlen, "metrics.listen '%.200s' is not ADDR:PORT or [ADDR]:PORT (a "
		    "numeric address and a port from 1 to 65535, e.g. 127.0.0.1:9108; empty: no "
		    "metrics)", listen_addr);
		return PEIL_EINVAL;
	}
	return 0;
}

int
metrics_serve(struct metrics *m, const char *listen_addr, char *err, size_t errlen)
{
	const struct mhdapi *mhd;
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, e;
	char why[DYNLIB_WHY_LEN];

	if (metrics_check_listen(listen_addr, err, errlen) != 0 ||
	    metrics_parse_listen(listen_addr, &ss, &sl, &m->port) != 0)
		return PEIL_EINVAL;
	if ((mhd = mhdapi_load(why, sizeof(why))) == NULL) {
		err_set(err, errlen, "metrics.listen %s: %s", listen_addr, why);
		return PEIL_ENOLIB;
	}
	/* Our own socket, so a port in use is told as such (libmicrohttpd only fails). */
	if ((m->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
	    setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(m->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(m->fd, (struct sockaddr *)&ss, sl) != 0 || listen(m->fd, 16) != 0) {
		e = errno;
		err_set(err, errlen, "metrics.listen %s: cannot listen: %s%s", listen_addr,
		    strerror(e), e == EADDRINUSE ? " (another program has this port: choose "
		    "another in [metrics] listen, or stop that program)" :
		    e == EADDRNOTAVAIL ? " (no interface of this machine has that address)" : "");
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		errno = e;
		return PEIL_EIO;
	}
	m->httpd = mhd->start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL,
	    NULL, metrics_answer, m,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)m->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MAX_CLIENTS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_S,
	    MHD_OPTION_END);
	if (m->httpd == NULL) {
		err_set(err, errlen, "metrics.listen %s: libmicrohttpd could not start", listen_addr);
		close(m->fd);
		m->fd = -1;
		return PEIL_EIO;
	}
	/* libmicrohttpd owns and closes the socket from now on. */
	m->fd = -1;
	return 0;
}

unsigned
metrics_port(const struct metrics *m)
{
	return m->port;
}
