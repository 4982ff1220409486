/* The change feed thread: orders finished changes (feed_sequence) and then runs the tick it
 * was given (the verifiable log's appending), wakes long-polls on NOTIFY, drops announced API
 * keys from the key cache, and sweeps idempotency keys past their time. Also the feed's query
 * parsing. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "auth.h"
#include "cursor.h"
#include "datasets.h"
#include "db.h"
#include "encoding.h"
#include "feed.h"
#include "strbuf.h"
#include "utf8.h"

int feed_cursor_encode(int64_t pos, int64_t time, char *out, size_t size)
{
	char plain[64];
	int n = snprintf(plain, sizeof(plain), "f1:%" PRId64 ":%" PRId64, pos, time);
	if (n < 0 || (size_t)n >= sizeof(plain))
		return -1;
	return base64url_encode((const unsigned char *)plain, (size_t)n, out, size) < 0 ? -1 : 0;
}

int feed_cursor_decode(const char *cursor, int64_t *pos, int64_t *time)
{
	unsigned char plain[64];
	size_t len = strnlen(cursor, 80);
	if (len == 0 || len >= 80)
		return -1;
	int n = base64url_decode(cursor, len, plain, sizeof(plain) - 1);
	if (n < 6)
		return -1;
	plain[n] = '\0';
	const char *p = (const char *)plain;
	/* A NUL inside would end the text early: "f1:1:2" and zero bytes is no cursor. */
	if (strlen(p) != (size_t)n || strncmp(p, "f1:", 3) != 0)
		return -1;
	char *end;
	errno = 0;
	long long a = strtoll(p + 3, &end, 10);
	if (errno || end == p + 3 || *end != ':' || a < 0)
		return -1;
	const char *t = end + 1;
	long long b = strtoll(t, &end, 10);
	if (errno || end == t || *end != '\0' || b < 0)
		return -1;
	*pos = a;
	*time = b;
	return 0;
}

static int parse_int(const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

int feed_query_parse(const struct query_arg *args, size_t n, struct feed_query *q, char *errbuf,
                     size_t size)
{
	memset(q, 0, sizeof(*q));
	q->limit = FEED_LIMIT_DEFAULT;
	bool seen[5] = {false, false, false, false, false};
	static const char *const names[] = {"cursor", "datasets", "limit", "wait", "bom"};
	for (size_t i = 0; i < n; i++) {
		const char *k = args[i].key, *v = args[i].value;
		int which = -1;
		for (int j = 0; j < 5; j++)
			if (strcmp(k, names[j]) == 0)
				which = j;
		if (which < 0) {
			snprintf(errbuf, size,
			         "unknown query parameter %.*s; the feed takes cursor, datasets, "
			         "limit, wait and bom",
			         utf8_cut(k, 40), k);
			goto fail;
		}
		if (seen[which]) {
			snprintf(errbuf, size, "query parameter %s is repeated", k);
			goto fail;
		}
		seen[which] = true;
		if (!v || !*v) {
			snprintf(errbuf, size, "query parameter %s needs a value", k);
			goto fail;
		}
		long x;
		switch (which) {
		case 0:
			q->has_cursor = true;
			snprintf(q->cursor_text, sizeof(q->cursor_text), "%.63s", v);
			if (strcmp(v, "latest") == 0) {
				q->latest = true;
			} else if (feed_cursor_decode(v, &q->after_pos, &q->cursor_time) < 0) {
				snprintf(errbuf, size,
				         "cursor is not one this feed issued; use next_cursor "
				         "unchanged, "
				         "or cursor=latest");
				goto fail;
			}
			break;
		case 1: {
			struct slice items[64];
			int count = comma_split(v, items, 64);
			if (count < 0) {
				snprintf(errbuf, size, "datasets takes at most 64 names");
				goto fail;
			}
			json_t *list = json_array();
			for (int j = 0; j < count; j++) {
				char name[64];
				size_t len = items[j].len;
				snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63),
				         items[j].p);
				if (len == 0 || len > 63 ||
				    (!dataset_exists(name) && strcmp(name, "findings") != 0)) {
					snprintf(errbuf, size,
					         "datasets: \"%.*s\" is not a dataset; GET "
					         "/v1/datasets lists them",
					         utf8_cut(name, 40), name);
					json_decref(list);
					goto fail;
				}
				json_array_append_new(list, json_string(name));
			}
			q->datasets = json_dumps(list, JSON_COMPACT);
			json_decref(list);
			break;
		}
		case 2:
			if (parse_int(v, 1, 1000, &x) < 0) {
				snprintf(errbuf, size, "limit must be an integer from 1 to 1000");
				goto fail;
			}
			q->limit = (int)x;
			break;
		case 3:
			if (parse_int(v, 0, FEED_WAIT_MAX, &x) < 0) {
				snprintf(errbuf, size,
				         "wait must be a number of seconds from 0 to %d",
				         FEED_WAIT_MAX);
				goto fail;
			}
			q->wait = (int)x;
			break;
		case 4:
			if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
				snprintf(
				    errbuf, size,
				    "bom takes 1 (start a CSV page with a byte-order mark) or 0");
				goto fail;
			}
			q->bom = v[0] == '1';
			break;
		}
	}
	return 0;
fail:
	feed_query_release(q);
	return -1;
}

void feed_query_release(struct feed_query *q)
{
	free(q->datasets);
	q->datasets = NULL;
}

/* Long-poll waiters: suspended connections with their deadlines. */
#define MAX_WAITERS 4096

struct waiter {
	void (*resume)(void *arg);
	void *arg;
	double deadline;
	double since; /* when it parked */
};

static struct waiter waiters[MAX_WAITERS];
static size_t n_waiters;
/* When the listener last heard of a change, and when it last woke every waiter for one:
 * a change heard and not yet passed on to parked long-polls is feed lag. */
static double changed_at, woken_at;
static pthread_mutex_t waiters_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static volatile bool running;
static struct feed_config config;

double feed_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double feed_retention(void)
{
	return config.retention_sec;
}

bool feed_wait(double deadline, void (*suspend)(void *arg), void (*resume)(void *arg), void *arg)
{
	pthread_mutex_lock(&waiters_lock);
	bool ok = running && n_waiters < MAX_WAITERS;
	if (ok) {
		waiters[n_waiters].resume = resume;
		waiters[n_waiters].arg = arg;
		waiters[n_waiters].deadline = deadline;
		waiters[n_waiters].since = feed_now();
		n_waiters++;
		suspend(arg);
	}
	pthread_mutex_unlock(&waiters_lock);
	return ok;
}

/* Resumes the waiters whose deadline passed, or all of them. */
static void wake(bool all)
{
	double t = feed_now();
	pthread_mutex_lock(&waiters_lock);
	size_t kept = 0;
	for (size_t i = 0; i < n_waiters; i++) {
		if (all || waiters[i].deadline <= t)
			waiters[i].resume(waiters[i].arg);
		else
			waiters[kept++] = waiters[i];
	}
	n_waiters = kept;
	if (all)
		woken_at = t;
	pthread_mutex_unlock(&waiters_lock);
}

double feed_changed_at(void)
{
	pthread_mutex_lock(&waiters_lock);
	double t = changed_at;
	pthread_mutex_unlock(&waiters_lock);
	return t;
}

void feed_metrics(struct strbuf *sb)
{
	double t = feed_now();
	pthread_mutex_lock(&waiters_lock);
	size_t n = n_waiters;
	double oldest = 0;
	for (size_t i = 0; i < n_waiters; i++)
		if (t - waiters[i].since > oldest)
			oldest = t - waiters[i].since;
	double lag = n && changed_at > woken_at ? t - changed_at : 0;
	pthread_mutex_unlock(&waiters_lock);
	strbuf_addf(sb,
	            "# HELP soilshare_feed_long_polls Change-feed requests parked until a change "
	            "(wait=N).\n# TYPE soilshare_feed_long_polls gauge\n"
	            "soilshare_feed_long_polls %zu\n"
	            "# HELP soilshare_feed_oldest_long_poll_seconds How long the oldest parked "
	            "long-poll has waited.\n# TYPE soilshare_feed_oldest_long_poll_seconds gauge\n"
	            "soilshare_feed_oldest_long_poll_seconds %.3f\n"
	            "# HELP soilshare_feed_lag_seconds Time since the latest committed change that "
	            "parked long-polls have not yet been woken for (0 when they have).\n"
	            "# TYPE soilshare_feed_lag_seconds gauge\nsoilshare_feed_lag_seconds %.3f\n",
	            n, oldest, lag);
}

static const char sql_sequence[] = "SELECT feed_sequence()";
static const char sql_sweep[] =
    "DELETE FROM idempotency_keys WHERE created_at < now() - interval '48 hours'";
/* Time-based rules (a closed enterprise's 90 days) need checking without a write. */
static const char sql_rules_sweep[] = "SELECT rules_sweep()";

/* The reference tables changed (a migration or `soilshare reference load`): validation and
 * derived fields use the new version from now on. */
static void reload_reference(PGconn *c)
{
	char err[512];
	if (refdata_reload(c, err, sizeof(err)) < 0)
		fprintf(stderr, "soilshare: keeping the reference data loaded before: %s\n", err);
}

static PGconn *listen_conn(void)
{
	char err[512];
	PGconn *c = db_connect(config.conninfo, err, sizeof(err));
	if (!c)
		return NULL;
	PGresult *res =
	    PQexec(c, "LISTEN soilshare_feed; LISTEN soilshare_keys; LISTEN soilshare_reference");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	/* Announcements made while not listening are lost: check every key again, and load
	 * the reference data again. */
	auth_forget_all();
	reload_reference(c);
	return c;
}

static void *feed_main(void *arg)
{
	(void)arg;
	PGconn *c = NULL;
	double last_sweep = 0;
	while (running) {
		if (!c || PQstatus(c) != CONNECTION_OK) {
			if (c)
				PQfinish(c);
			c = listen_conn();
			if (!c) {
				wake(false);
				struct timespec ts = {0, 200 * 1000 * 1000};
				nanosleep(&ts, NULL);
				continue;
			}
		}
		PGresult *res = PQexec(c, sql_sequence);
		PQclear(res);
		if (config.tick)
			config.tick();
		struct pollfd pfd = {.fd = PQsocket(c), .events = POLLIN};
		poll(&pfd, 1, 100);
		PQconsumeInput(c);
		bool moved = false;
		PGnotify *note;
		while ((note = PQnotifies(c)) != NULL) {
			if (strcmp(note->relname, "soilshare_keys") == 0)
				auth_forget(note->extra);
			else if (strcmp(note->relname, "soilshare_reference") == 0)
				reload_reference(c);
			else
				moved = true;
			PQfreemem(note);
		}
		if (moved) {
			pthread_mutex_lock(&waiters_lock);
			changed_at = feed_now();
			pthread_mutex_unlock(&waiters_lock);
		}
		wake(moved);
		double t = feed_now();
		if (t - last_sweep > 60) {
			res = PQexec(c, sql_sweep);
			PQclear(res);
			res = PQexec(c, sql_rules_sweep);
			PQclear(res);
			last_sweep = t;
		}
	}
	if (c)
		PQfinish(c);
	return NULL;
}

int feed_start(const struct feed_config *cfg)
{
	config = *cfg;
	running = true;
	if (pthread_create(&thread, NULL, feed_main, NULL) != 0) {
		running = false;
		return -1;
	}
	return 0;
}

void feed_stop(void)
{
	pthread_mutex_lock(&waiters_lock);
	running = false;
	pthread_mutex_unlock(&waiters_lock);
	wake(true);
	pthread_join(thread, NULL);
}
