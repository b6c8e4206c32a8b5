/* test_metrics.c: the metrics registry's exposition text, its HTTP server (a scrape, a 404,
 * a port in use), and counters updated from several threads at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "metrics.h"

static void
test_render(void **state)
{
	struct metrics *m = metrics_new();
	struct metric_family *f;
	struct metric *c, *g, *h;
	char *text;
	size_t len;

	(void)state;
	assert_non_null(m);
	c = metrics_series(metrics_family(m, METRIC_COUNTER, "peil_x_total", "Things.", NULL, 1),
	    NULL);
	f = metrics_family(m, METRIC_GAUGE, "peil_y_bytes", "Sizes.", "agent", 2);
	g = metrics_series(f, "a\"b\\c\nd");
	assert_non_null(metrics_series(f, "second"));
	assert_null(metrics_series(f, "third"));   /* past max_series */
	h = metrics_series(metrics_family(m, METRIC_HISTOGRAM, "peil_z_seconds", "Times.",
	    "test", 4), "t1");
	metric_add(c, 3);
	metric_add(c, 4);
	metric_set(g, 1.5);
	metric_gauge_add(g, 2);
	metric_observe(h, 0.001);
	metric_observe(h, 0.2);
	metric_observe(h, 9999);
	metric_add(NULL, 1);     /* ignored */
	assert_true(metric_value(c) == 7);
	assert_true(metric_value(g) == 3.5);
	assert_non_null(text = metrics_render(m, &len));
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "# HELP peil_x_total Things.\n# TYPE peil_x_total counter\n"
	    "peil_x_total 7\n"));
	assert_non_null(strstr(text, "peil_y_bytes{agent=\"a\\\"b\\\\c\\nd\"} 3.5\n"));
	assert_non_null(strstr(text, "peil_y_bytes{agent=\"second\"} 0\n"));
	assert_non_null(strstr(text, "# TYPE peil_z_seconds histogram\n"));
	assert_non_null(strstr(text, "peil_z_seconds_bucket{test=\"t1\",le=\"0.005\"} 1\n"));
	assert_non_null(strstr(text, "peil_z_seconds_bucket{test=\"t1\",le=\"0.25\"} 2\n"));
	assert_non_null(strstr(text, "peil_z_seconds_bucket{test=\"t1\",le=\"600\"} 2\n"));
	assert_non_null(strstr(text, "peil_z_seconds_bucket{test=\"t1\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(text, "peil_z_seconds_count{test=\"t1\"} 3\n"));
	free(text);
	/* Cleared: hidden until set again. */
	metrics_family_clear(f);
	assert_non_null(text = metrics_render(m, &len));
	assert_null(strstr(text, "peil_y_bytes{"));
	free(text);
	metric_set(metrics_series(f, "second"), 2);
	assert_non_null(text = metrics_render(m, &len));
	assert_non_null(strstr(text, "peil_y_bytes{agent=\"second\"} 2\n"));
	free(text);
	/* A refresh: the series set after the mark stay, with no gap; the others go. */
	metric_set(g, 1);
	metrics_family_mark(f);
	assert_non_null(text = metrics_render(m, &len));
	assert_non_null(strstr(text, "peil_y_bytes{agent=\"a\\\"b\\\\c\\nd\"} 1\n"));
	free(text);
	assert_false(metric_marked(metrics_series(f, "second")));
	metric_set(metrics_series(f, "second"), 4);
	assert_true(metric_marked(metrics_series(f, "second")));
	metrics_family_sweep(f);
	assert_non_null(text = metrics_render(m, &len));
	assert_null(strstr(text, "agent=\"a"));
	assert_non_null(strstr(text, "peil_y_bytes{agent=\"second\"} 4\n"));
	free(text);
	metrics_free(m);
	metrics_free(NULL);
}

static void *
adder(void *arg)
{
	for (int i = 0; i < 100000; i++)
		metric_add(arg, 1);
	return NULL;
}

static void
test_threads(void **state)
{
	struct metrics *m = metrics_new();
	struct metric *c = metrics_series(metrics_family(m, METRIC_COUNTER, "peil_n_total", "N.",
	    NULL, 1), NULL);
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, adder, c), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_true(metric_value(c) == 400000);
	metrics_free(m);
}

/* A free loopback port (bound, read, released). */
static unsigned
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* GET path on 127.0.0.1:port; the whole answer into buf. */
static void
http_get(unsigned port, const char *path, char *buf, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[256];
	size_t got = 0;
	ssize_t r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (got < len - 1 && (r = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	close(fd);
}

static void
test_serve(void **state)
{
	struct metrics *m = metrics_new(), *m2 = metrics_new();
	char addr[64], err[512], buf[8192];
	unsigned port = free_port();

	(void)state;
	metric_add(metrics_series(metrics_family(m, METRIC_COUNTER, "peil_s_total", "S.", NULL,
	    1), NULL), 5);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	assert_int_equal(metrics_serve(m, addr, err, sizeof(err)), 0);
	assert_int_equal(metrics_port(m), port);
	http_get(port, "/metrics", buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.0 200") != NULL ? buf : strstr(buf, "HTTP/1.1 200"));
	assert_non_null(strstr(buf, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(buf, "\r\n\r\n# HELP peil_s_total S.\n"));
	assert_non_null(strstr(buf, "peil_s_total 5\n"));
	http_get(port, "/", buf, sizeof(buf));
	assert_non_null(strstr(buf, " 404 "));
	/* The port taken: refused, naming it. */
	assert_int_equal(metrics_serve(m2, addr, err, sizeof(err)), PEIL_EIO);
	assert_non_null(strstr(err, addr));
	assert_non_null(strstr(err, "Address already in use"));
	/* Malformed addresses. */
	assert_int_equal(metrics_check_listen("localhost:9100", err, sizeof(err)), PEIL_EINVAL);
	assert_int_equal(metrics_check_listen("127.0.0.1", err, sizeof(err)), PEIL_EINVAL);
	assert_int_equal(metrics_check_listen("127.0.0.1:0", err, sizeof(err)), PEIL_EINVAL);
	assert_int_equal(metrics_check_listen("127.0.0.1:65536", err, sizeof(err)), PEIL_EINVAL);
	assert_int_equal(metrics_check_listen("::1:9100", err, sizeof(err)), PEIL_EINVAL);
	assert_int_equal(metrics_check_listen("[::1]:9100", err, sizeof(err)), 0);
	assert_int_equal(metrics_check_listen("0.0.0.0:9100", err, sizeof(err)), 0);
	metrics_free(m);
	metrics_free(m2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_serve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
