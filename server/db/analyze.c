/* Planner statistics after bulk writes: a thread with a connection of its own that runs
 * ANALYZE on the tables bulk writes changed a large share of, instead of leaving the planner
 * to the statistics of a much smaller table until autovacuum comes round. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"

/* After a bulk write, look once a second for this long: a backend's counts of changed rows
 * reach pg_stat_user_tables within a second of its commit, or up to ten when it goes idle. */
#define WATCH_SEC 15
/* ANALYZE of a large table takes a good part of a second of a core (records at 100,000 plots:
 * 0.3 s): after a look that took d, the next waits 9 d, so that the upkeep takes at most a
 * tenth of a core while a load runs (bench/run: PostgreSQL analyzed 15 times in a 10 s load of
 * 100,000 plots, a third of its CPU). A look on small tables takes milliseconds and comes
 * every second, as before: that is when statistics change the plans. */
#define DUTY_FACTOR 9

/* One analyzing server at a time; the tables whose changes since their last analyze
 * (n_mod_since_analyze) exceed what autovacuum would wait for by default: 50 rows and a
 * tenth of the rows counted then. Each ANALYZE is a transaction of its own, outside any
 * block: it then holds a transaction id only while it writes the statistics, and the feed,
 * which numbers no change above a running transaction's, is not held back for the seconds an
 * ANALYZE of a large table takes. */
static const char sql_lock[] = "SELECT pg_try_advisory_lock(7438204)";
static const char sql_unlock[] = "SELECT pg_advisory_unlock(7438204)";
static const char sql_stale[] =
    "SELECT c.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.relid IN ('records'::regclass, 'changes'::regclass, 'findings'::regclass) "
    "  AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)";
/* ANALYZE waits for an autovacuum of the table, which gives way after deadlock_timeout. */
static const char sql_settings[] = "SET lock_timeout = '30s'; SET statement_timeout = '10min'";
static const char *const analyze_sql[][2] = {
    {"records", "ANALYZE records"},
    {"changes", "ANALYZE changes"},
    {"findings", "ANALYZE findings"},
};

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static bool running;
static struct timespec watch_until; /* CLOCK_MONOTONIC */
static char conninfo[4096];

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static bool command_ok(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "soilshare: statistics upkeep: %s", PQerrorMessage(c));
	PQclear(res);
	return ok;
}

/* Analyzes the tables that need it; false when the connection failed. */
static bool analyze_stale(PGconn *c)
{
	PGresult *res = PQexec(c, sql_lock);
	bool mine = PQresultStatus(res) == PGRES_TUPLES_OK && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!mine)
		return PQstatus(c) == CONNECTION_OK;
	res = PQexec(c, sql_stale);
	for (int r = 0; PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res); r++)
		for (size_t t = 0; t < sizeof(analyze_sql) / sizeof(analyze_sql[0]); t++)
			if (strcmp(PQgetvalue(res, r, 0), analyze_sql[t][0]) == 0)
				command_ok(c, analyze_sql[t][1]);
	PQclear(res);
	res = PQexec(c, sql_unlock);
	PQclear(res);
	return PQstatus(c) == CONNECTION_OK;
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void add_seconds(struct timespec *t, double s)
{
	long long ns = (long long)t->tv_nsec + (long long)(s * 1e9);
	t->tv_sec += (time_t)(ns / 1000000000);
	t->tv_nsec = (long)(ns % 1000000000);
}

static void *analyze_main(void *arg)
{
	(void)arg;
	PGconn *c = NULL;
	struct timespec due; /* the next look, a second after the last or after the first write */
	struct timespec rested = {0}; /* no look before this: DUTY_FACTOR times the last one */
	bool scheduled = false;
	pthread_mutex_lock(&lock);
	while (running) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!before(&now, &watch_until)) {
			scheduled = false;
			pthread_cond_wait(&wake, &lock);
			continue;
		}
		if (!scheduled) {
			due = now;
			due.tv_sec += 1;
			if (before(&due, &rested))
				due = rested;
			/* the last look of a load is not skipped */
			if (!before(&due, &watch_until)) {
				watch_until = due;
				add_seconds(&watch_until, 0.001);
			}
			scheduled = true;
		}
		if (before(&now, &due)) {
			pthread_cond_timedwait(&wake, &lock, &due);
			continue;
		}
		scheduled = false;
		pthread_mutex_unlock(&lock);
		char err[512];
		if (!c) {
			c = db_connect_as(conninfo, "soilshare statistics", err, sizeof(err));
			if (c && !command_ok(c, sql_settings)) {
				PQfinish(c);
				c = NULL;
			}
		}
		struct timespec start, end;
		clock_gettime(CLOCK_MONOTONIC, &start);
		if (c && !analyze_stale(c)) {
			PQfinish(c);
			c = NULL;
		}
		clock_gettime(CLOCK_MONOTONIC, &end);
		rested = end;
		add_seconds(&rested, DUTY_FACTOR * seconds_between(&start, &end));
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	if (c)
		PQfinish(c);
	return NULL;
}

int db_analyze_start(const char *conn)
{
	snprintf(conninfo, sizeof(conninfo), "%s", conn);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	running = true;
	if (pthread_create(&thread, NULL, analyze_main, NULL) != 0) {
		running = false;
		return -1;
	}
	return 0;
}

void db_analyze_after_bulk(void)
{
	pthread_mutex_lock(&lock);
	if (running) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += WATCH_SEC;
		if (before(&watch_until, &until)) /* never earlier than a look already due */
			watch_until = until;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
}

void db_analyze_stop(void)
{
	pthread_mutex_lock(&lock);
	bool was = running;
	running = false;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (was)
		pthread_join(thread, NULL);
}
