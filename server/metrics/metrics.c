/* Process-wide counters and histograms, and their Prometheus text for /metrics: requests by
 * route and status, latency by route, database wait and query time. */
#include <stdio.h>
#include <string.h>

#include "metrics.h"

struct metrics g_metrics;

/* Seconds; Prometheus' usual latency buckets with a finer start, as most answers take
 * well under 10 ms. */
const double metrics_buckets[METRICS_N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,    0.25,  0.5,    1,     2.5,  10};

struct histogram {
	atomic_ulong buckets[METRICS_N_BUCKETS]; /* not cumulative: one bucket per answer */
	atomic_ulong count;
	atomic_ulong sum_us;
};

/* The statuses the service answers; anything else counts under 0 ("other"). */
static const unsigned statuses[] = {0,   200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                                    406, 409, 410, 412, 413, 415, 422, 429, 431, 500, 503};
#define N_STATUSES (sizeof(statuses) / sizeof(statuses[0]))

#define MAX_ROUTES 96 /* the last slot: requests no route matched */

static const struct route *route_table;
static size_t n_routes;
static atomic_ulong requests[MAX_ROUTES][N_STATUSES];
static struct histogram latency[MAX_ROUTES];
static struct histogram db_wait, db_query;

void metrics_routes(const struct route *routes, size_t n)
{
	route_table = routes;
	n_routes = n < MAX_ROUTES - 1 ? n : MAX_ROUTES - 1;
}

static void observe(struct histogram *h, double seconds)
{
	size_t b = 0;
	while (b < METRICS_N_BUCKETS - 1 && seconds > metrics_buckets[b])
		b++;
	if (seconds <= metrics_buckets[b])
		atomic_fetch_add(&h->buckets[b], 1);
	atomic_fetch_add(&h->count, 1);
	atomic_fetch_add(&h->sum_us, (unsigned long)(seconds * 1e6));
}

static size_t route_slot(const struct route *route)
{
	if (route && route_table && route >= route_table && route < route_table + n_routes)
		return (size_t)(route - route_table);
	return MAX_ROUTES - 1;
}

void metrics_request(const struct route *route, unsigned status, double seconds)
{
	size_t slot = route_slot(route), s = 0;
	for (size_t i = 1; i < N_STATUSES; i++)
		if (statuses[i] == status)
			s = i;
	atomic_fetch_add(&requests[slot][s], 1);
	observe(&latency[slot], seconds);
}

void metrics_db_wait(double seconds)
{
	observe(&db_wait, seconds);
}

void metrics_db_query(double seconds)
{
	observe(&db_query, seconds);
}

/* The labels of a route slot: method and pattern (the pattern has no quote or backslash). */
static void route_labels(size_t slot, char *buf, size_t size)
{
	if (slot == MAX_ROUTES - 1 || !route_table)
		snprintf(buf, size, "method=\"\",route=\"unmatched\"");
	else
		snprintf(buf, size, "method=\"%s\",route=\"%s\"",
		         http_method_name(route_table[slot].method), route_table[slot].pattern);
}

static void write_histogram(struct strbuf *sb, const char *name, const char *labels,
                            struct histogram *h)
{
	unsigned long cumulative = 0;
	const char *sep = labels[0] ? "," : "";
	for (size_t b = 0; b < METRICS_N_BUCKETS; b++) {
		cumulative += atomic_load(&h->buckets[b]);
		strbuf_addf(sb, "%s_bucket{%s%sle=\"%g\"} %lu\n", name, labels, sep,
		            metrics_buckets[b], cumulative);
	}
	unsigned long count = atomic_load(&h->count);
	strbuf_addf(sb, "%s_bucket{%s%sle=\"+Inf\"} %lu\n", name, labels, sep, count);
	strbuf_addf(sb, "%s_sum%s%s%s %.6f\n", name, labels[0] ? "{" : "", labels,
	            labels[0] ? "}" : "", (double)atomic_load(&h->sum_us) / 1e6);
	strbuf_addf(sb, "%s_count%s%s%s %lu\n", name, labels[0] ? "{" : "", labels,
	            labels[0] ? "}" : "", count);
}

void metrics_write(struct strbuf *sb)
{
	char labels[256];
	strbuf_adds(sb, "# HELP soilshare_http_requests_total HTTP requests answered, by method, "
	                "route template and status.\n"
	                "# TYPE soilshare_http_requests_total counter\n");
	for (size_t r = 0; r < MAX_ROUTES; r++) {
		if (r >= n_routes && r != MAX_ROUTES - 1)
			continue;
		route_labels(r, labels, sizeof(labels));
		for (size_t s = 0; s < N_STATUSES; s++) {
			unsigned long n = atomic_load(&requests[r][s]);
			if (!n)
				continue;
			if (s)
				strbuf_addf(sb,
				            "soilshare_http_requests_total{%s,status=\"%u\"} %lu\n",
				            labels, statuses[s], n);
			else
				strbuf_addf(
				    sb, "soilshare_http_requests_total{%s,status=\"other\"} %lu\n",
				    labels, n);
		}
	}
	strbuf_adds(sb, "# HELP soilshare_http_request_duration_seconds Time from a request's "
	                "headers to its answer, by method and route template.\n"
	                "# TYPE soilshare_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r < MAX_ROUTES; r++) {
		if ((r >= n_routes && r != MAX_ROUTES - 1) || !atomic_load(&latency[r].count))
			continue;
		route_labels(r, labels, sizeof(labels));
		write_histogram(sb, "soilshare_http_request_duration_seconds", labels, &latency[r]);
	}
	strbuf_adds(sb, "# HELP soilshare_db_connection_wait_seconds Time a request waited for its "
	                "database connection (reconnects included).\n"
	                "# TYPE soilshare_db_connection_wait_seconds histogram\n");
	write_histogram(sb, "soilshare_db_connection_wait_seconds", "", &db_wait);
	strbuf_adds(sb, "# HELP soilshare_db_query_duration_seconds Round trip of one database "
	                "statement.\n# TYPE soilshare_db_query_duration_seconds histogram\n");
	write_histogram(sb, "soilshare_db_query_duration_seconds", "", &db_query);
	strbuf_adds(sb, "# HELP soilshare_http_requests_by_class_total HTTP requests answered, by "
	                "status class.\n# TYPE soilshare_http_requests_by_class_total counter\n");
	for (int c = 1; c <= 5; c++)
		strbuf_addf(sb, "soilshare_http_requests_by_class_total{class=\"%dxx\"} %lu\n", c,
		            atomic_load(&g_metrics.requests[c]));
	strbuf_addf(
	    sb,
	    "# HELP soilshare_http_in_flight Requests being processed.\n"
	    "# TYPE soilshare_http_in_flight gauge\nsoilshare_http_in_flight %ld\n"
	    "# HELP soilshare_db_connects_total Database connections opened.\n"
	    "# TYPE soilshare_db_connects_total counter\nsoilshare_db_connects_total %lu\n"
	    "# HELP soilshare_auth_cache_hits_total API key checks answered from memory.\n"
	    "# TYPE soilshare_auth_cache_hits_total counter\n"
	    "soilshare_auth_cache_hits_total %lu\n"
	    "# HELP soilshare_auth_cache_misses_total API key checks that read the database.\n"
	    "# TYPE soilshare_auth_cache_misses_total counter\n"
	    "soilshare_auth_cache_misses_total %lu\n"
	    "# HELP soilshare_rate_limited_total Requests refused by the per-key rate limit.\n"
	    "# TYPE soilshare_rate_limited_total counter\nsoilshare_rate_limited_total %lu\n",
	    atomic_load(&g_metrics.in_flight), atomic_load(&g_metrics.db_reconnects),
	    atomic_load(&g_metrics.auth_cache_hits), atomic_load(&g_metrics.auth_cache_misses),
	    atomic_load(&g_metrics.rate_limited));
}
