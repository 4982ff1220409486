/* Configuration: defaults, then environment variables, then command-line flags. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "webhooks.h"

enum opt_kind { OPT_STR, OPT_INT, OPT_DOUBLE };

struct option_def {
	const char *flag; /* without the leading -- */
	const char *env;
	enum opt_kind kind;
	size_t offset;
	double min, max;
	const char *help;
};

#define OFF(f) offsetof(struct config, f)

static const struct option_def options[] = {
    {"database-url", "DATABASE_URL", OPT_STR, OFF(database_url), 0, 0,
     "PostgreSQL connection string (required for serve)"},
    {"database-read-url", "DATABASE_READ_URL", OPT_STR, OFF(database_read_url), 0, 0,
     "a hot standby of the database for reads: GET requests, lists and the change feed "
     "(default: none, everything on DATABASE_URL)"},
    {"bind", "BIND", OPT_STR, OFF(bind), 0, 0, "address to listen on (default 0.0.0.0)"},
    {"port", "PORT", OPT_INT, OFF(port), 1, 65535, "TCP port (default 8080)"},
    {"threads", "THREADS", OPT_INT, OFF(threads), 1, 256,
     "worker threads, each with its own database connection (default: 2 per core)"},
    {"db-lanes", "DB_LANES", OPT_INT, OFF(db_lanes), 0, 64,
     "threads that each carry many requests' record lookups on one pipelined database "
     "connection, so that workers do not wait for the database; 0 looks up on the workers' "
     "own connections; not used with --database-read-url (default: 1 per 4 cores, at least 1)"},
    {"tls-cert", "TLS_CERT", OPT_STR, OFF(tls_cert), 0, 0, "PEM certificate file: serve HTTPS"},
    {"tls-key", "TLS_KEY", OPT_STR, OFF(tls_key), 0, 0, "PEM private key file for --tls-cert"},
    {"max-connections", "MAX_CONNECTIONS", OPT_INT, OFF(max_connections), 1, 1000000,
     "open connections at most (default 4096)"},
    {"per-ip-connections", "PER_IP_CONNECTIONS", OPT_INT, OFF(per_ip_connections), 0, 1000000,
     "open connections from one address at most, 0 for no limit (default 1024)"},
    {"idle-timeout", "IDLE_TIMEOUT", OPT_INT, OFF(idle_timeout_sec), 1, 3600,
     "seconds before an idle connection is closed (default 30)"},
    {"statement-timeout", "STATEMENT_TIMEOUT_MS", OPT_INT, OFF(statement_timeout_ms), 100, 600000,
     "milliseconds a database statement may run (default 5000)"},
    {"rate-limit", "RATE_LIMIT", OPT_DOUBLE, OFF(rate_per_sec), 0.1, 1e6,
     "requests per second per key (default 100)"},
    {"rate-burst", "RATE_BURST", OPT_DOUBLE, OFF(rate_burst), 1, 1e6,
     "burst size per key (default 200)"},
    {"feed-retention", "FEED_RETENTION", OPT_DOUBLE, OFF(feed_retention_sec), 1, 1e9,
     "seconds a change-feed cursor stays valid (default 2592000, 30 days)"},
    {"drain-timeout", "DRAIN_TIMEOUT", OPT_INT, OFF(drain_timeout_sec), 0, 600,
     "seconds SIGTERM waits for in-flight requests (default 10)"},
    {"public-rate-limit", "PUBLIC_RATE_LIMIT", OPT_DOUBLE, OFF(public_rate_per_sec), 0.1, 1e6,
     "requests per second per client address to /public/, which needs no key (default 20)"},
    {"public-rate-burst", "PUBLIC_RATE_BURST", OPT_DOUBLE, OFF(public_rate_burst), 1, 1e6,
     "burst size per client address to /public/ (default 60)"},
    {"log-format", "LOG_FORMAT", OPT_STR, OFF(log_format), 0, 0,
     "the access log on stderr, a line per request: json (default), text, or none"},
    {"log-key", "LOG_KEY_FILE", OPT_STR, OFF(log_key_file), 0, 0,
     "the file of the key that signs the verifiable log's checkpoints (`soilshare log "
     "keygen`); without it the server appends the log but signs nothing"},
    {"map-tiles", "MAP_TILES", OPT_STR, OFF(map_tiles), 0, 0,
     "tile URL template for the maps of /public/ and /dashboard/, e.g. "
     "https://tiles.example/{z}/{x}/{y}.png "
     "(default: none; the maps draw the plots alone and need no internet)"},
    {"webhook-allow", "WEBHOOK_ALLOW", OPT_STR, OFF(webhook_allow), 0, 0,
     "networks webhook deliveries may go to, as CIDR blocks separated by commas, e.g. "
     "10.20.0.0/16,127.0.0.1/32 (default: none, so nothing is delivered; loopback only when "
     "listed)"},
    {"webhook-retry-base", "WEBHOOK_RETRY_BASE", OPT_DOUBLE, OFF(webhook_retry_base), 0.0001, 3600,
     "seconds of the first webhook retry wait; the later ones are multiples of it: 5 s, 30 s, "
     "2 min, 10 min, 30 min, 1 h, 3 h, then 6 h, over 28 hours in all (default 5)"},
    {"webhook-senders", "WEBHOOK_SENDERS", OPT_INT, OFF(webhook_senders), 0, 64,
     "threads sending webhook deliveries, each with its own database connection; 0 leaves "
     "sending to other servers (default 2)"},
};

/* A tile URL template the public map can use: absolute http(s) or a path of this server's
 * origin, naming the tile by {z}, {x} and {y}. */
static bool map_tiles_valid(const char *t)
{
	bool absolute = strncmp(t, "https://", 8) == 0 || strncmp(t, "http://", 7) == 0;
	bool path = t[0] == '/' && t[1] != '/';
	return (absolute || path) && strstr(t, "{z}") && strstr(t, "{x}") && strstr(t, "{y}");
}

static int set_option(struct config *c, const struct option_def *o, const char *value,
                      const char *source, char *errbuf, size_t size)
{
	/* The member at `offset`, of the type `kind` names. */
	void *member = (char *)c + o->offset;
	if (o->kind == OPT_STR) {
		*(const char **)member = value;
		return 0;
	}
	char *end;
	errno = 0;
	double d = strtod(value, &end);
	if (*value == '\0' || *end || errno || !isfinite(d) || d < o->min || d > o->max ||
	    (o->kind == OPT_INT && d != (double)(long)d)) {
		snprintf(errbuf, size, "%s: \"%s\" is not %s from %g to %g", source, value,
		         o->kind == OPT_INT ? "a whole number" : "a number", o->min, o->max);
		return -1;
	}
	if (o->kind == OPT_INT)
		*(int *)member = (int)d;
	else
		*(double *)member = d;
	return 0;
}

int config_parse(struct config *c, int argc, char **argv, const char *(*getenv_fn)(const char *),
                 char *errbuf, size_t size)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	*c = (struct config){
	    .bind = "0.0.0.0",
	    .port = 8080,
	    .threads = cores > 0 ? 2 * (int)cores : 4,
	    .db_lanes = cores > 4 ? (int)(cores + 3) / 4 : 1,
	    .max_connections = 4096,
	    .per_ip_connections = 1024,
	    .idle_timeout_sec = 30,
	    .statement_timeout_ms = 5000,
	    .rate_per_sec = 100,
	    .rate_burst = 200,
	    .drain_timeout_sec = 10,
	    .feed_retention_sec = 30 * 86400,
	    .public_rate_per_sec = 20,
	    .public_rate_burst = 60,
	    .log_format = "json",
	    .webhook_retry_base = 5,
	    .webhook_senders = 2,
	};
	const size_t n_opts = sizeof(options) / sizeof(options[0]);
	for (size_t i = 0; getenv_fn && i < n_opts; i++) {
		const char *v = getenv_fn(options[i].env);
		if (v && *v && set_option(c, &options[i], v, options[i].env, errbuf, size) < 0)
			return -1;
	}
	for (int a = 0; a < argc; a++) {
		const char *arg = argv[a];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return 1;
		if (strncmp(arg, "--", 2) != 0) {
			snprintf(errbuf, size, "unexpected argument \"%s\"; see --help", arg);
			return -1;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct option_def *o = NULL;
		for (size_t i = 0; i < n_opts; i++)
			if (strlen(options[i].flag) == len &&
			    strncmp(options[i].flag, name, len) == 0)
				o = &options[i];
		if (!o) {
			snprintf(errbuf, size, "unknown option \"%s\"; see --help", arg);
			return -1;
		}
		const char *value = eq ? eq + 1 : (a + 1 < argc ? argv[++a] : NULL);
		if (!value) {
			snprintf(errbuf, size, "option --%s needs a value", o->flag);
			return -1;
		}
		if (set_option(c, o, value, arg, errbuf, size) < 0)
			return -1;
	}
	if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
		snprintf(errbuf, size, "--tls-cert and --tls-key go together");
		return -1;
	}
	if (strcmp(c->log_format, "json") && strcmp(c->log_format, "text") &&
	    strcmp(c->log_format, "none")) {
		snprintf(errbuf, size, "--log-format \"%.40s\" is not json, text or none",
		         c->log_format);
		return -1;
	}
	struct webhook_allow allow;
	if (webhook_allow_parse(c->webhook_allow, &allow, errbuf, size) < 0)
		return -1;
	if (c->map_tiles && !map_tiles_valid(c->map_tiles)) {
		snprintf(
		    errbuf, size,
		    "--map-tiles \"%.200s\" is not a tile URL template: give an http(s) URL or "
		    "a path from /, with {z}, {x} and {y}, e.g. "
		    "https://tiles.example/{z}/{x}/{y}.png",
		    c->map_tiles);
		return -1;
	}
	return 0;
}

void config_usage(const char *prog)
{
	printf("usage: %s [serve] [options]       run the service (applies migrations first)\n"
	       "       %s migrate [options]       apply database migrations and exit\n"
	       "       %s keys create --agency CODE [--district CODE] [--expires YYYY-MM-DD] "
	       "[--label TEXT]\n"
	       "       %s keys list\n"
	       "       %s keys revoke KEY_ID\n"
	       "       %s log keygen --name NAME --out FILE\n"
	       "       %s log key [FILE]\n"
	       "       %s log verify [--verifier-key KEY]\n\n"
	       "options (each also read from the environment variable shown):\n",
	       prog, prog, prog, prog, prog, prog, prog, prog);
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		printf("  --%-20s %-22s %s\n", options[i].flag, options[i].env, options[i].help);
}
