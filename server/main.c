/* soilshare: command-line entry — serve, migrate, key administration and the log's commands. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "feed.h"
#include "refdata.h"
#include "tlog.h"
#include "webhooks.h"

static const char *env(const char *name)
{
	return getenv(name);
}

/* Connects, migrates and loads reference data; returns 0 or exits the process. */
static int prepare_database(const struct config *cfg, bool verbose)
{
	if (!cfg->database_url) {
		fprintf(stderr,
		        "soilshare: set DATABASE_URL (or --database-url) to a PostgreSQL "
		        "connection string, e.g. postgresql://user@localhost:5432/soilshare\n");
		exit(2);
	}
	char err[1024];
	PGconn *c = db_connect(cfg->database_url, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "soilshare: cannot connect to the database: %s\n", err);
		exit(1);
	}
	int version = db_migrate(c, verbose, err, sizeof(err));
	if (version < 0) {
		fprintf(stderr, "soilshare: migration failed: %s", err);
		PQfinish(c);
		exit(1);
	}
	if (refdata_reload(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "soilshare: %s\n", err);
		PQfinish(c);
		exit(1);
	}
	PQfinish(c);
	return version;
}

static void openapi_changed(void)
{
	if (openapi_refresh() < 0)
		fprintf(stderr, "soilshare: keeping the OpenAPI document served before\n");
}

/* `soilshare openapi`: the document as a server on DATABASE_URL serves it (openapi/README). */
static int print_openapi(const char *url)
{
	char err[512];
	PGconn *c = db_connect(url, err, sizeof(err));
	if (!c || refdata_reload(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "soilshare: %s\n", err);
		if (c)
			PQfinish(c);
		return 1;
	}
	PQfinish(c);
	size_t len;
	char *doc = openapi_document(refdata_hold(), &len);
	refdata_release();
	if (!doc)
		return 1;
	fwrite(doc, 1, len, stdout);
	free(doc);
	return 0;
}

static int serve(struct config *cfg)
{
	int version = prepare_database(cfg, true);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	db_configure(cfg->database_url, cfg->statement_timeout_ms);
	db_configure_standby(cfg->database_read_url);
	auth_register_statements();
	api_register_statements();
	tlog_register_statements();
	if (cfg->log_key_file) {
		struct note_key key;
		char kerr[512], vkey[NOTE_KEY_TEXT_MAX];
		if (tlog_key_load(cfg->log_key_file, &key, kerr, sizeof(kerr)) < 0 ||
		    note_verifier_key(&key, vkey, sizeof(vkey)) < 0) {
			fprintf(stderr, "soilshare: --log-key: %s\n", kerr);
			return 1;
		}
		tlog_configure(&key);
		fprintf(stderr, "soilshare: signing the log's checkpoints with %s\n", vkey);
	} else {
		fprintf(stderr, "soilshare: no --log-key: the log is appended but no checkpoint "
		                "is signed (see README, Verifiable log)\n");
	}
	struct auth_config ac = {
	    .rate_per_sec = cfg->rate_per_sec, .burst = cfg->rate_burst, .cache_ttl_sec = 1.0};
	auth_configure(&ac);
	public_configure(cfg);
	access_log_configure(cfg);
	refdata_on_reload(openapi_changed);
	if (openapi_refresh() < 0) {
		fprintf(stderr, "soilshare: cannot make the OpenAPI document\n");
		return 1;
	}
	if (pages_configure(cfg) < 0) {
		fprintf(stderr, "soilshare: cannot make the pages\n");
		return 1;
	}

	/* Worker threads inherit this mask, so only sigwait() below sees the signals. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct feed_config fc = {.conninfo = cfg->database_url,
	                         .retention_sec = cfg->feed_retention_sec,
	                         .tick = tlog_tick};
	if (feed_start(&fc) < 0) {
		fprintf(stderr, "soilshare: cannot start the feed thread\n");
		return 1;
	}
	if (db_analyze_start(cfg->database_url) < 0) {
		fprintf(stderr, "soilshare: cannot start the statistics thread\n");
		return 1;
	}
	struct webhook_allow allow; /* config_parse() has checked it */
	char err_allow[256];
	if (webhook_allow_parse(cfg->webhook_allow, &allow, err_allow, sizeof(err_allow)) < 0) {
		fprintf(stderr, "soilshare: %s\n", err_allow);
		return 2;
	}
	struct webhook_config wc = {.conninfo = cfg->database_url,
	                            .allow = &allow,
	                            .allow_text = cfg->webhook_allow,
	                            .retry_base = cfg->webhook_retry_base,
	                            .senders = cfg->webhook_senders};
	webhooks_configure(&wc);
	if (webhooks_start() < 0) {
		fprintf(stderr, "soilshare: cannot start the webhook senders\n");
		return 1;
	}
	/* A worker that connects on its first request makes its clients wait. */
	db_connect_ahead(cfg->threads);
	int lanes = db_async_start(cfg->db_lanes);
	char err[256];
	struct MHD_Daemon *d = http_start(cfg, &api_hooks, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "soilshare: %s\n", err);
		return 1;
	}
	fprintf(stderr,
	        "soilshare: schema version %d; listening on %s://%s:%d with %d threads and %d "
	        "database lanes\n",
	        version, cfg->tls_cert ? "https" : "http", cfg->bind, cfg->port, cfg->threads,
	        lanes);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "soilshare: %s received, finishing in-flight requests\n",
	        sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop_accepting();
	feed_stop(); /* long-polls answer now: no suspended connection may outlive the daemon */
	db_async_stop(
	    cfg->drain_timeout_sec); /* and lookups in the lanes; later ones run on the workers */
	http_stop(d, cfg->drain_timeout_sec);
	webhooks_stop();
	db_analyze_stop();
	fprintf(stderr, "soilshare: stopped\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *prog = "soilshare";
	const char *cmd = argc > 1 && argv[1][0] != '-' ? argv[1] : "serve";
	int first = argc > 1 && argv[1][0] != '-' ? 2 : 1;
	struct config cfg;
	char err[512];

	if (strcmp(cmd, "openapi") == 0) {
		const char *url = getenv("DATABASE_URL");
		if (!url) {
			fprintf(stderr, "soilshare: set DATABASE_URL to read the reference data\n");
			return 2;
		}
		return print_openapi(url);
	}
	if (strcmp(cmd, "keys") == 0 || strcmp(cmd, "reference") == 0) {
		const char *url = getenv("DATABASE_URL");
		if (!url) {
			fprintf(stderr, "soilshare: set DATABASE_URL to administer %s\n", cmd);
			return 2;
		}
		return cmd[0] == 'k' ? keys_command(url, argc - first, argv + first)
		                     : reference_command(url, argc - first, argv + first);
	}
	if (strcmp(cmd, "log") == 0)
		return log_command(argc - first, argv + first);
	if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 && strcmp(cmd, "help") != 0) {
		fprintf(stderr, "soilshare: unknown command \"%s\"; see --help\n", cmd);
		return 2;
	}
	int rc = config_parse(&cfg, argc - first, argv + first, env, err, sizeof(err));
	if (rc == 1 || strcmp(cmd, "help") == 0) {
		config_usage(prog);
		return 0;
	}
	if (rc < 0) {
		fprintf(stderr, "soilshare: %s\n", err);
		return 2;
	}
	if (strcmp(cmd, "migrate") == 0) {
		int version = prepare_database(&cfg, true);
		fprintf(stderr, "soilshare: schema at version %d\n", version);
		return 0;
	}
	return serve(&cfg);
}
