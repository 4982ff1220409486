/* Process-wide counters, and their Prometheus text for /metrics. */
#include "metrics.h"

struct metrics g_metrics;

void metrics_write(struct strbuf *sb)
{
	strbuf_adds(sb, "# HELP soilshare_http_requests_total HTTP requests answered, by status "
	                "class.\n# TYPE soilshare_http_requests_total counter\n");
	for (int c = 1; c <= 5; c++)
		strbuf_addf(sb, "soilshare_http_requests_total{class=\"%dxx\"} %lu\n", c,
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
