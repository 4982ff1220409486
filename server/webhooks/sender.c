/* The webhook senders: threads with a database connection of their own that claim each
 * subscription's next delivery from the queue in PostgreSQL, post it with libcurl, signed,
 * and record the outcome (delivered, retried later, dead, or the subscription disabled). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "db.h"
#include "encoding.h"
#include "feed.h"
#include "strbuf.h"
#include "webhooks.h"
#include "webhooks_internal.h"

#define MAX_SENDERS   64
#define IDLE_WAIT_SEC 1.0 /* look at the queue at least this often */
#define SWEEP_SEC     3600.0
#define LEASE         "interval '5 minutes'" /* a claim outlives no sender by more */

/* Numbers what has finished when deliveries wait for a feed position. */
static const char sql_sequence[] =
    "SELECT feed_sequence() WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE pos IS NULL)";

/* The head of each subscription's queue: its pending delivery of the lowest position. */
#define HEAD                                                                                       \
	"CROSS JOIN LATERAL (SELECT d.seq, d.next_attempt_at FROM webhook_deliveries d "           \
	" WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.pos IS NOT NULL "          \
	" ORDER BY d.pos LIMIT 1) h "

/* Claims the due head of one subscription nobody is sending to ($1: this claim's token). A
 * claim is free when its session is gone (a dead server, a restarted database) or its time
 * is up. The lock is FOR NO KEY UPDATE: writes that queue deliveries hold a key-share lock on
 * the subscription (the foreign key) until they commit, and must neither wait for a claim nor
 * make one wait. The delivery row is updated too, so that a head another sender has dealt
 * with since this statement's snapshot is seen as it is now (re-checked under its row lock),
 * not sent twice. Columns: subscription id, url, secret, the previous secret while it still
 * signs, delivery seq, its webhook id, dataset, record id, op, version, the Unix time of the
 * change before it in the feed (for its cursor), its position, its time, attempts so far. */
static const char sql_claim[] =
    "WITH cand AS (SELECT s.id, h.seq FROM webhook_subscriptions s " HEAD
    " WHERE s.status = 'active' AND h.next_attempt_at <= now() "
    "   AND (s.lease_token IS NULL OR s.lease_until < now() OR NOT EXISTS ("
    "        SELECT 1 FROM pg_stat_activity a WHERE a.pid = s.lease_pid "
    "           AND a.backend_start IS NOT DISTINCT FROM s.lease_backend_start)) "
    " ORDER BY h.next_attempt_at LIMIT 1 FOR NO KEY UPDATE OF s SKIP LOCKED), "
    "claimed AS (UPDATE webhook_deliveries d SET claimed_at = now() FROM cand "
    " WHERE d.seq = cand.seq AND d.status = 'pending' AND d.next_attempt_at <= now() "
    " RETURNING d.*, coalesce((SELECT extract(epoch FROM c.changed_at)::bigint "
    "   FROM changes c WHERE c.pos = d.pos - 1), extract(epoch FROM d.changed_at)::bigint) "
    "   AS before_time) "
    "UPDATE webhook_subscriptions s SET lease_token = $1, lease_pid = pg_backend_pid(), "
    " lease_backend_start = (SELECT backend_start FROM pg_stat_activity "
    "                         WHERE pid = pg_backend_pid()), "
    " lease_until = now() + " LEASE " "
    "FROM claimed d WHERE s.id = d.subscription_id "
    "RETURNING s.id, s.url, s.secret, "
    " CASE WHEN s.previous_until > now() THEN s.previous_secret END, d.seq, d.id, d.dataset, "
    " d.record_id, d.op, d.version, d.before_time, d.pos, rfc3339(d.changed_at), d.attempts";

/* Seconds until the next head falls due (NULL: nothing waits), claims in flight aside. */
static const char sql_next_due[] =
    "SELECT extract(epoch FROM min(h.next_attempt_at) - now()) FROM webhook_subscriptions s " HEAD
    "WHERE s.status = 'active' AND (s.lease_token IS NULL OR s.lease_until < now())";

#define RELEASE                                                                                    \
	"UPDATE webhook_subscriptions SET lease_token = NULL, lease_pid = NULL, "                  \
	" lease_backend_start = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2"

/* $1 subscription, $2 token, $3 delivery seq, $4 HTTP status. */
static const char sql_delivered[] =
    "WITH d AS (UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, "
    " last_attempt_at = now(), delivered_at = now(), last_status = $4::integer, "
    " last_error = NULL WHERE seq = $3 AND status = 'pending' RETURNING seq) " RELEASE;

/* $4 HTTP status or NULL, $5 what went wrong, $6 seconds until the next attempt, or NULL
 * when this was the last: the delivery is dead. */
static const char sql_failed[] =
    "WITH d AS (UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), "
    " last_status = $4::integer, last_error = $5, "
    " status = CASE WHEN $6::float8 IS NULL THEN 'failed' ELSE 'pending' END, "
    " failed_at = CASE WHEN $6::float8 IS NULL THEN now() END, "
    " next_attempt_at = CASE WHEN $6::float8 IS NULL THEN next_attempt_at "
    "   ELSE now() + $6::float8 * interval '1 second' END "
    " WHERE seq = $3 AND status = 'pending' RETURNING seq) " RELEASE;

/* 410 Gone: the receiver asks for no more; the subscription is disabled, whoever holds its
 * claim. $1 subscription, $2 delivery seq, $3 why. */
static const char sql_gone[] =
    "WITH d AS (UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), "
    " last_status = 410, last_error = $3 WHERE seq = $2 AND status = 'pending' RETURNING seq) "
    "UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(), "
    " disabled_reason = $3, lease_token = NULL, lease_pid = NULL, lease_backend_start = NULL, "
    " lease_until = NULL WHERE id = $1";

/* Delivered deliveries are kept a week for the deliveries list. */
static const char sql_sweep[] = "DELETE FROM webhook_deliveries WHERE status = 'delivered' "
                                "AND delivered_at < now() - interval '7 days'";

static const struct db_stmt statements[] = {
    {"wh_sequence", sql_sequence},   {"wh_claim", sql_claim},   {"wh_next_due", sql_next_due},
    {"wh_delivered", sql_delivered}, {"wh_failed", sql_failed}, {"wh_gone", sql_gone},
    {"wh_sweep", sql_sweep},
};

/* Outcomes since start, for /metrics. */
static atomic_ulong n_delivered, n_retried, n_failed, n_disabled;

static pthread_t threads[MAX_SENDERS];
static int n_threads;
static atomic_bool running;
static int wake_pipe[2] = {-1, -1};

/* One claimed delivery. */
struct claim {
	char token[33];
	char sub[64];
	char *url, *secret, *previous;
	char seq[24], msg_id[64];
	char *dataset, *record_id, *op;
	long long version, before_time, pos;
	char *changed_at;
	int attempts;
};

/* An outcome not yet recorded because the connection broke: kept to record once back. */
struct outcome {
	bool pending;
	const char *stmt;
	int n;
	char p[6][320];
	bool null[6];
};

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void claim_release(struct claim *c)
{
	free(c->url);
	free(c->secret);
	free(c->previous);
	free(c->dataset);
	free(c->record_id);
	free(c->op);
	free(c->changed_at);
	memset(c, 0, sizeof(*c));
}

static PGconn *sender_connect(void)
{
	char err[512];
	PGconn *c =
	    db_connect_as(webhook_settings.conninfo, "soilshare-webhooks", err, sizeof(err));
	if (!c)
		return NULL;
	PGresult *res = PQexec(c, "SET TIME ZONE 'UTC'; SET statement_timeout = 10000; "
	                          "LISTEN soilshare_webhooks; LISTEN soilshare_feed");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	for (size_t i = 0; ok && i < sizeof(statements) / sizeof(statements[0]); i++) {
		res = PQprepare(c, statements[i].name, statements[i].sql, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "soilshare: webhooks: preparing %s: %s", statements[i].name,
			        PQerrorMessage(c));
			ok = false;
		}
		PQclear(res);
	}
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

static char *dup_value(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : strdup(PQgetvalue(res, 0, col));
}

/* Claims the next due delivery: 1 with `c` filled, 0 when none is due, -1 on failure. */
static int claim_next(PGconn *conn, struct claim *c)
{
	unsigned char rnd[16];
	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		return -1;
	char token[33];
	hex_encode(rnd, sizeof(rnd), token);
	const char *params[] = {token};
	PGresult *res = PQexecPrepared(conn, "wh_claim", 1, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (PQstatus(conn) == CONNECTION_OK)
			fprintf(stderr, "soilshare: webhooks: claiming a delivery: %s",
			        PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	memset(c, 0, sizeof(*c));
	memcpy(c->token, token, sizeof(token));
	snprintf(c->sub, sizeof(c->sub), "%s", PQgetvalue(res, 0, 0));
	c->url = dup_value(res, 1);
	c->secret = dup_value(res, 2);
	c->previous = dup_value(res, 3);
	snprintf(c->seq, sizeof(c->seq), "%s", PQgetvalue(res, 0, 4));
	snprintf(c->msg_id, sizeof(c->msg_id), "%s", PQgetvalue(res, 0, 5));
	c->dataset = dup_value(res, 6);
	c->record_id = dup_value(res, 7);
	c->op = dup_value(res, 8);
	c->version = strtoll(PQgetvalue(res, 0, 9), NULL, 10);
	c->before_time = strtoll(PQgetvalue(res, 0, 10), NULL, 10);
	c->pos = strtoll(PQgetvalue(res, 0, 11), NULL, 10);
	c->changed_at = dup_value(res, 12);
	c->attempts = atoi(PQgetvalue(res, 0, 13));
	PQclear(res);
	return 1;
}

/* The delivery's body: thin, with the feed cursor just before its change. */
static char *delivery_body(const struct claim *c)
{
	char cursor[96];
	if (feed_cursor_encode(c->pos > 0 ? c->pos - 1 : 0, c->before_time, cursor,
	                       sizeof(cursor)) < 0)
		return NULL;
	bool finding = strcmp(c->dataset, "findings") == 0;
	json_t *body = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:I, s:s}}", "type",
	                         finding ? "finding" : "change", "timestamp", c->changed_at, "data",
	                         "dataset", c->dataset, "id", c->record_id, "op", c->op, "version",
	                         (json_int_t)c->version, "cursor", cursor);
	if (!body)
		return NULL;
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return text;
}

/* The statement and parameters that record `a`, into `o`. */
static void outcome_of(const struct claim *c, const struct webhook_attempt *a, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->pending = true;
	snprintf(o->p[0], sizeof(o->p[0]), "%s", c->sub);
	snprintf(o->p[1], sizeof(o->p[1]), "%s", c->token);
	snprintf(o->p[2], sizeof(o->p[2]), "%s", c->seq);
	snprintf(o->p[3], sizeof(o->p[3]), "%ld", a->status);
	if (a->status >= 200 && a->status < 300) {
		o->stmt = "wh_delivered";
		o->n = 4;
		atomic_fetch_add(&n_delivered, 1);
		return;
	}
	if (a->status == 410) {
		o->stmt = "wh_gone";
		o->n = 3;
		snprintf(o->p[1], sizeof(o->p[1]), "%s", c->seq);
		snprintf(o->p[2], sizeof(o->p[2]),
		         "the receiver answered 410 Gone: it wants no more deliveries");
		atomic_fetch_add(&n_disabled, 1);
		return;
	}
	o->stmt = "wh_failed";
	o->n = 6;
	o->null[3] = a->status == 0;
	if (a->status >= 300 && a->status < 400)
		snprintf(o->p[4], sizeof(o->p[4]),
		         "the receiver answered %ld; redirects are not followed: give the final "
		         "URL",
		         a->status);
	else if (a->status)
		snprintf(o->p[4], sizeof(o->p[4]), "the receiver answered %ld", a->status);
	else
		snprintf(o->p[4], sizeof(o->p[4]), "%s", a->error);
	unsigned char r[4];
	double u = 0;
	if (gnutls_rnd(GNUTLS_RND_NONCE, r, sizeof(r)) == 0)
		u = (double)((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 |
		             r[3]) /
		    4294967296.0;
	double wait = webhook_backoff(c->attempts + 1, webhook_settings.retry_base, u);
	if (wait < 0) {
		o->null[5] = true;
		atomic_fetch_add(&n_failed, 1);
		return;
	}
	if (a->retry_after > wait)
		wait = a->retry_after < WEBHOOK_RETRY_AFTER_MAX ? a->retry_after
		                                                : WEBHOOK_RETRY_AFTER_MAX;
	snprintf(o->p[5], sizeof(o->p[5]), "%.6f", wait);
	atomic_fetch_add(&n_retried, 1);
}

/* Records an outcome; 0, or -1 when the connection broke (kept in `o` for later). */
static int record(PGconn *conn, struct outcome *o)
{
	const char *params[6];
	for (int i = 0; i < o->n; i++)
		params[i] = o->null[i] ? NULL : o->p[i];
	PGresult *res = PQexecPrepared(conn, o->stmt, o->n, params, NULL, NULL, 0);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok && PQstatus(conn) == CONNECTION_OK)
		fprintf(stderr, "soilshare: webhooks: recording a delivery: %s",
		        PQresultErrorMessage(res));
	PQclear(res);
	if (!ok && PQstatus(conn) != CONNECTION_OK)
		return -1;
	o->pending = false;
	return 0;
}

static void exec_quietly(PGconn *conn, const char *stmt)
{
	PGresult *res = PQexecPrepared(conn, stmt, 0, NULL, NULL, NULL, 0);
	PQclear(res);
}

/* Seconds to wait before looking at the queue again. */
static double next_due(PGconn *conn)
{
	PGresult *res = PQexecPrepared(conn, "wh_next_due", 0, NULL, NULL, NULL, 0);
	double wait = IDLE_WAIT_SEC;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !PQgetisnull(res, 0, 0)) {
		double due = strtod(PQgetvalue(res, 0, 0), NULL);
		if (due < wait)
			wait = due < 0.001 ? 0.001 : due;
	}
	PQclear(res);
	return wait;
}

/* Drops the notifications received so far; whether there were any. */
static bool drain_notifications(PGconn *conn)
{
	bool any = false;
	PGnotify *note;
	while ((note = PQnotifies(conn)) != NULL) {
		PQfreemem(note);
		any = true;
	}
	return any;
}

/* Waits for a notification, the stop signal or `seconds`. A notification that came in with
 * the answer of an earlier statement is already read: it ends the wait at once. */
static void wait_for_news(PGconn *conn, double seconds)
{
	PQconsumeInput(conn);
	if (drain_notifications(conn))
		return;
	struct pollfd pfd[2] = {{.fd = PQsocket(conn), .events = POLLIN},
	                        {.fd = wake_pipe[0], .events = POLLIN}};
	int ms = (int)(seconds * 1000);
	if (ms < 1)
		ms = 1;
	if (poll(pfd, 2, ms) > 0 && (pfd[0].revents & POLLIN))
		PQconsumeInput(conn);
	drain_notifications(conn);
}

static void pause_a_little(double seconds)
{
	struct pollfd pfd = {.fd = wake_pipe[0], .events = POLLIN};
	poll(&pfd, 1, (int)(seconds * 1000));
}

static void *sender_main(void *arg)
{
	bool sweeper = arg != NULL;
	CURL *curl = curl_easy_init();
	PGconn *conn = NULL;
	struct outcome unrecorded = {.pending = false};
	double last_sweep = 0;
	while (atomic_load(&running) && curl) {
		if (!conn || PQstatus(conn) != CONNECTION_OK) {
			if (conn)
				PQfinish(conn);
			conn = sender_connect();
			if (!conn) {
				pause_a_little(0.2);
				continue;
			}
		}
		if (unrecorded.pending && record(conn, &unrecorded) < 0)
			continue;
		if (sweeper && now_sec() - last_sweep > SWEEP_SEC) {
			exec_quietly(conn, "wh_sweep");
			last_sweep = now_sec();
		}
		exec_quietly(conn, "wh_sequence");
		struct claim c;
		int got = claim_next(conn, &c);
		if (got < 0) {
			pause_a_little(0.2);
			continue;
		}
		if (got == 0) {
			wait_for_news(conn, next_due(conn));
			continue;
		}
		char *body = delivery_body(&c);
		struct webhook_attempt a;
		if (body) {
			webhook_post(curl, c.url, c.msg_id, c.secret, c.previous, body, &running,
			             &a);
			free(body);
		} else {
			memset(&a, 0, sizeof(a));
			snprintf(a.error, sizeof(a.error), "the delivery's body could not be made");
		}
		if (atomic_load(&running)) {
			outcome_of(&c, &a, &unrecorded);
			record(conn, &unrecorded);
		}
		claim_release(&c);
	}
	if (conn)
		PQfinish(conn);
	if (curl)
		curl_easy_cleanup(curl);
	return NULL;
}

int webhooks_start(void)
{
	if (webhook_settings.senders <= 0)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	atomic_store(&running, true);
	int want = webhook_settings.senders < MAX_SENDERS ? webhook_settings.senders : MAX_SENDERS;
	for (n_threads = 0; n_threads < want; n_threads++)
		if (pthread_create(&threads[n_threads], NULL, sender_main,
		                   n_threads == 0 ? (void *)1 : NULL) != 0)
			break;
	return n_threads > 0 ? 0 : -1;
}

void webhooks_stop(void)
{
	if (n_threads == 0)
		return;
	atomic_store(&running, false);
	if (write(wake_pipe[1], "x", 1) < 0 && errno != EAGAIN)
		fprintf(stderr, "soilshare: webhooks: cannot wake the senders\n");
	for (int i = 0; i < n_threads; i++)
		pthread_join(threads[i], NULL);
	n_threads = 0;
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	wake_pipe[0] = wake_pipe[1] = -1;
	curl_global_cleanup();
}

void webhooks_metrics(struct strbuf *sb)
{
	strbuf_addf(sb,
	            "# HELP soilshare_webhook_deliveries_total Webhook delivery attempts by "
	            "outcome: delivered (2xx), retried (to be tried again), failed (the last "
	            "attempt failed: the delivery is dead), disabled (410 Gone disabled the "
	            "subscription).\n"
	            "# TYPE soilshare_webhook_deliveries_total counter\n"
	            "soilshare_webhook_deliveries_total{outcome=\"delivered\"} %lu\n"
	            "soilshare_webhook_deliveries_total{outcome=\"retried\"} %lu\n"
	            "soilshare_webhook_deliveries_total{outcome=\"failed\"} %lu\n"
	            "soilshare_webhook_deliveries_total{outcome=\"disabled\"} %lu\n",
	            atomic_load(&n_delivered), atomic_load(&n_retried), atomic_load(&n_failed),
	            atomic_load(&n_disabled));
}
