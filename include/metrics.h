/* Process-wide counters and histograms for /metrics (Prometheus text format). */
#ifndef SOILSHARE_METRICS_H
#define SOILSHARE_METRICS_H

#include <stdatomic.h>
#include <stddef.h>

#include "router.h"
#include "strbuf.h"

struct metrics {
	atomic_ulong requests[6]; /* by status class: [1]..[5] */
	atomic_long in_flight;
	atomic_ulong db_reconnects;
	atomic_ulong db_unavailable;
	atomic_ulong auth_cache_hits;
	atomic_ulong auth_cache_misses;
	atomic_ulong rate_limited;
};

extern struct metrics g_metrics;

/* The route table whose entries label the request metrics (their method and pattern). */
void metrics_routes(const struct route *routes, size_t n);

/* One answered request: its route (NULL when none matched), status and duration. */
void metrics_request(const struct route *route, unsigned status, double seconds);

/* Time spent waiting for a database connection (reconnects included), and in one
 * statement's round trip. */
void metrics_db_wait(double seconds);
void metrics_db_query(double seconds);

/* Appends every counter and histogram in the Prometheus text exposition format. */
void metrics_write(struct strbuf *sb);

/* The upper bounds (seconds) of the histograms' buckets, +Inf aside. */
#define METRICS_N_BUCKETS 13
extern const double metrics_buckets[METRICS_N_BUCKETS];

#endif
