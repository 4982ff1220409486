/* One PostgreSQL connection per worker thread, with every registered statement prepared. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_internal.h"
#include "metrics.h"

#define MAX_STATEMENT_SETS   16
#define RECONNECT_BACKOFF_MS 200

static char conninfo_buf[4096];
static int stmt_timeout_ms = 5000;
static struct {
	const struct db_stmt *stmts;
	size_t n;
} sets[MAX_STATEMENT_SETS];
static size_t n_sets;

static _Thread_local PGconn *conn;
static _Thread_local long long last_failure_ms;
static _Thread_local bool unavailable;

/* The standby: its own connection per thread, used while `prefer_standby` is set. */
static char standby_buf[4096];
static bool have_standby;
static _Thread_local PGconn *standby;
static _Thread_local long long standby_failure_ms;
static _Thread_local bool prefer_standby;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void db_configure(const char *conninfo, int statement_timeout_ms)
{
	snprintf(conninfo_buf, sizeof(conninfo_buf), "%s", conninfo);
	stmt_timeout_ms = statement_timeout_ms;
}

void db_configure_standby(const char *conninfo)
{
	have_standby = conninfo && *conninfo;
	if (have_standby)
		snprintf(standby_buf, sizeof(standby_buf), "%s", conninfo);
}

bool db_standby_configured(void)
{
	return have_standby;
}

void db_prefer_standby(bool prefer)
{
	prefer_standby = prefer;
}

void db_register(const struct db_stmt *stmts, size_t n)
{
	if (n_sets == MAX_STATEMENT_SETS)
		abort();
	sets[n_sets].stmts = stmts;
	sets[n_sets].n = n;
	n_sets++;
}

PGconn *db_connect(const char *conninfo, char *errbuf, size_t size)
{
	return db_connect_as(conninfo, "soilshare", errbuf, size);
}

PGconn *db_connect_as(const char *conninfo, const char *application, char *errbuf, size_t size)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
	const char *vals[] = {conninfo, "3", application, "-c client_min_messages=warning", NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(errbuf, size, "%s", PQerrorMessage(c));
		size_t n = strlen(errbuf);
		while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == ' '))
			errbuf[--n] = '\0';
		PQfinish(c);
		return NULL;
	}
	return c;
}

static bool prepare_all(PGconn *c)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SET statement_timeout = %d; SET TIME ZONE 'UTC'",
	         stmt_timeout_ms);
	PGresult *res = PQexec(c, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	for (size_t s = 0; ok && s < n_sets; s++)
		for (size_t i = 0; ok && i < sets[s].n; i++) {
			res = PQprepare(c, sets[s].stmts[i].name, sets[s].stmts[i].sql, 0, NULL);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				fprintf(stderr, "soilshare: preparing %s: %s",
				        sets[s].stmts[i].name, PQerrorMessage(c));
				ok = false;
			}
			PQclear(res);
		}
	return ok;
}

PGconn *db_connect_prepared(void)
{
	char err[512];
	PGconn *c = db_connect(conninfo_buf, err, sizeof(err));
	if (c && !prepare_all(c)) {
		PQfinish(c);
		c = NULL;
	}
	return c;
}

/* Connections made at start, taken by worker threads on their first request. */
#define MAX_SPARES 256
static PGconn *spares[MAX_SPARES];
static size_t n_spares;
static pthread_mutex_t spares_lock = PTHREAD_MUTEX_INITIALIZER;

int db_connect_ahead(int n)
{
	int made = 0;
	for (int i = 0; i < n && n_spares < MAX_SPARES; i++) {
		char err[512];
		PGconn *c = db_connect(conninfo_buf, err, sizeof(err));
		if (c && !prepare_all(c)) {
			PQfinish(c);
			c = NULL;
		}
		if (!c)
			break;
		pthread_mutex_lock(&spares_lock);
		spares[n_spares++] = c;
		pthread_mutex_unlock(&spares_lock);
		made++;
	}
	return made;
}

static PGconn *take_spare(void)
{
	PGconn *c = NULL;
	pthread_mutex_lock(&spares_lock);
	if (n_spares > 0)
		c = spares[--n_spares];
	pthread_mutex_unlock(&spares_lock);
	if (c && PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		c = NULL;
	}
	return c;
}

/* This thread's connection, connecting when needed; NULL while the database is away. */
static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static PGconn *get_conn(void)
{
	if (conn && PQstatus(conn) == CONNECTION_OK)
		return conn;
	if (conn) {
		PQfinish(conn);
		conn = NULL;
	}
	if ((conn = take_spare()) != NULL)
		return conn;
	long long t = now_ms();
	if (last_failure_ms && t - last_failure_ms < RECONNECT_BACKOFF_MS) {
		unavailable = true;
		return NULL;
	}
	char err[512];
	PGconn *c = db_connect(conninfo_buf, err, sizeof(err));
	if (c && !prepare_all(c)) {
		PQfinish(c);
		c = NULL;
	}
	if (!c) {
		last_failure_ms = t;
		unavailable = true;
		return NULL;
	}
	atomic_fetch_add(&g_metrics.db_reconnects, 1);
	last_failure_ms = 0;
	unavailable = false;
	conn = c;
	return conn;
}

bool db_unavailable(void)
{
	return unavailable;
}

const char *db_sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* This thread's standby connection, or NULL (none configured, or it cannot be reached:
 * then reads go to the primary, and the standby is tried again after a pause). */
static PGconn *get_standby(void)
{
	if (standby && PQstatus(standby) == CONNECTION_OK)
		return standby;
	if (standby) {
		PQfinish(standby);
		standby = NULL;
	}
	long long t = now_ms();
	if (standby_failure_ms && t - standby_failure_ms < 1000)
		return NULL;
	char err[512];
	PGconn *c = db_connect_as(standby_buf, "soilshare-read", err, sizeof(err));
	if (c && !prepare_all(c)) {
		PQfinish(c);
		c = NULL;
	}
	if (!c) {
		fprintf(stderr,
		        "soilshare: the standby cannot be reached, reading from the primary: %s\n",
		        err);
		standby_failure_ms = t;
		return NULL;
	}
	standby_failure_ms = 0;
	standby = c;
	return standby;
}

/* A read on the standby when this request may use it; NULL to go to the primary. */
static PGresult *standby_exec(const char *stmt, int n, const char *const *params)
{
	if (!prefer_standby || !have_standby || db_in_transaction())
		return NULL;
	double t0 = seconds_now();
	PGconn *c = get_standby();
	double t1 = seconds_now();
	metrics_db_wait(t1 - t0);
	if (!c)
		return NULL;
	PGresult *res = PQexecPrepared(c, stmt, n, params, NULL, NULL, 0);
	metrics_db_query(seconds_now() - t1);
	if (PQstatus(c) == CONNECTION_OK)
		return res;
	PQclear(res);
	PQfinish(standby);
	standby = NULL;
	standby_failure_ms = now_ms();
	return NULL;
}

PGresult *db_exec(const char *stmt, int n, const char *const *params)
{
	PGresult *read = standby_exec(stmt, n, params);
	if (read)
		return read;
	for (int attempt = 0; attempt < 2; attempt++) {
		double t0 = seconds_now();
		PGconn *c = get_conn();
		double t1 = seconds_now();
		metrics_db_wait(t1 - t0);
		if (!c)
			return NULL;
		bool idle = PQtransactionStatus(c) == PQTRANS_IDLE;
		PGresult *res = PQexecPrepared(c, stmt, n, params, NULL, NULL, 0);
		metrics_db_query(seconds_now() - t1);
		if (PQstatus(c) == CONNECTION_OK) {
			unavailable = false;
			return res;
		}
		/* The server went away (restart, failover): drop the connection; a
		 * statement outside a transaction is safe to send once more. */
		PQclear(res);
		PQfinish(conn);
		conn = NULL;
		last_failure_ms = 0;
		if (!idle)
			break;
	}
	unavailable = true;
	return NULL;
}

/* Runs a transaction-control command; `retry` when it is safe to send again on a new
 * connection (BEGIN: nothing has happened yet). */
static int simple(const char *sql, bool retry)
{
	for (int attempt = 0; attempt < (retry ? 2 : 1); attempt++) {
		PGconn *c = get_conn();
		if (!c)
			return -1;
		PGresult *res = PQexec(c, sql);
		int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
		PQclear(res);
		if (PQstatus(c) == CONNECTION_OK)
			return rc;
		PQfinish(conn);
		conn = NULL;
		last_failure_ms = 0;
	}
	unavailable = true;
	return -1;
}

int db_begin(void)
{
	return simple("BEGIN", true);
}

int db_commit(void)
{
	return simple("COMMIT", false);
}

void db_rollback(void)
{
	if (conn && PQtransactionStatus(conn) != PQTRANS_IDLE)
		simple("ROLLBACK", false);
}

bool db_in_transaction(void)
{
	return conn && PQtransactionStatus(conn) != PQTRANS_IDLE;
}

void db_request_done(void)
{
	db_rollback();
}
