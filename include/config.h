/* Server configuration from environment variables and command-line flags. Pure parsing. */
#ifndef SOILSHARE_CONFIG_H
#define SOILSHARE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	const char *database_url;
	const char *database_read_url; /* a hot standby for reads, or NULL */
	const char *bind;
	int port;
	int threads;
	int db_lanes; /* pipelined database connections for record lookups; 0: none */
	const char *tls_cert;
	const char *tls_key;
	int max_connections;
	int per_ip_connections;
	int idle_timeout_sec;
	int statement_timeout_ms;
	double rate_per_sec;
	double rate_burst;
	int drain_timeout_sec;
	double feed_retention_sec;
	double public_rate_per_sec; /* per client address, on the pages and data without a key */
	double public_rate_burst;
	const char *map_tiles;     /* tile URL template for the maps, or NULL: none */
	const char *log_format;    /* the access log: "json", "text" or "none" */
	const char *log_key_file;  /* the verifiable log's signing key, or NULL: sign nothing */
	const char *webhook_allow; /* CIDR list deliveries may go to, or NULL: none */
	double webhook_retry_base; /* seconds: the base of the retry schedule */
	int webhook_senders;       /* threads sending webhook deliveries */
};

/* Fills `c` from defaults, then `getenv_fn` (may be NULL), then flags in argv
 * (--port 8080 or --port=8080). Returns 0, 1 when --help was asked, or -1 with a
 * message in errbuf. */
int config_parse(struct config *c, int argc, char **argv, const char *(*getenv_fn)(const char *),
                 char *errbuf, size_t size);
void config_usage(const char *prog);

#endif
