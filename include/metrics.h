/* Process-wide counters for /metrics. */
#ifndef SOILSHARE_METRICS_H
#define SOILSHARE_METRICS_H

#include <stdatomic.h>

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

/* Appends every counter in the Prometheus text exposition format. */
void metrics_write(struct strbuf *sb);

#endif
