/* Pipelined reads: lanes, each a thread owning one primary connection in pipeline mode, that
 * send the statements workers queue in one write and hand each result back in order. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "db_internal.h"
#include "metrics.h"

#define MAX_LANES            64
#define RECONNECT_BACKOFF_MS 200

/* One queued statement. `params` point into `text`. */
struct op {
	struct op *next;
	const char *stmt;
	int n;
	const char *params[DB_ASYNC_MAX_PARAMS];
	db_async_done done;
	void *arg;
	double queued_at;
	PGresult *res;
	bool retried;    /* sent once already, on a connection that broke or an aborted pipeline */
	bool sync_after; /* the last of a batch: a sync point follows it in the pipeline */
	char text[];
};

struct queue {
	struct op *head, **tail;
};

/* Invariants: `incoming` is touched under `lock` only; everything else by the lane's thread
 * only. `sent` is in pipeline order; `expect_sync` is set while the sync point after the last
 * completed statement of a batch is still to be read. */
struct lane {
	pthread_t thread;
	pthread_mutex_t lock;
	struct queue incoming;
	bool stopping;
	int efd; /* written when `incoming` becomes non-empty, and to stop */
	PGconn *conn;
	struct queue sent;
	struct queue retry; /* to send again before what is incoming */
	bool expect_sync;
	long long failed_at_ms;
};

static struct lane lanes[MAX_LANES];
static int n_lanes;
static atomic_bool running;
static atomic_uint next_lane;
static _Thread_local int my_lane = -1;
/* When stopping lanes give up on what PostgreSQL has not answered (set before `stopping`). */
static double stop_deadline;

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void queue_init(struct queue *q)
{
	q->head = NULL;
	q->tail = &q->head;
}

static void queue_push(struct queue *q, struct op *op)
{
	op->next = NULL;
	*q->tail = op;
	q->tail = &op->next;
}

static struct op *queue_pop(struct queue *q)
{
	struct op *op = q->head;
	if (op) {
		q->head = op->next;
		if (!q->head)
			q->tail = &q->head;
	}
	return op;
}

/* Moves all of `from` to the end of `to`. */
static void queue_append(struct queue *to, struct queue *from)
{
	if (!from->head)
		return;
	*to->tail = from->head;
	to->tail = from->tail;
	queue_init(from);
}

static void finish(struct op *op, PGresult *res)
{
	metrics_db_query(seconds_now() - op->queued_at);
	op->done(op->arg, res);
	free(op);
}

/* Answers every statement of `q` as unavailable (503). */
static void fail_all(struct queue *q)
{
	struct op *op;
	while ((op = queue_pop(q)) != NULL) {
		PQclear(op->res);
		finish(op, NULL);
	}
}

static bool lane_connect(struct lane *l)
{
	if (l->conn)
		return true;
	long long t = (long long)(seconds_now() * 1000);
	if (l->failed_at_ms && t - l->failed_at_ms < RECONNECT_BACKOFF_MS)
		return false;
	PGconn *c = db_connect_prepared();
	if (c && (PQsetnonblocking(c, 1) != 0 || PQenterPipelineMode(c) != 1)) {
		PQfinish(c);
		c = NULL;
	}
	if (!c) {
		l->failed_at_ms = t;
		return false;
	}
	if (l->failed_at_ms)
		atomic_fetch_add(&g_metrics.db_reconnects, 1);
	l->failed_at_ms = 0;
	l->conn = c;
	l->expect_sync = false;
	return true;
}

/* The connection broke: what was in the pipeline is sent once more on a new connection
 * (reads outside a transaction are safe to repeat), what was sent again already gets 503. */
static void lane_broken(struct lane *l)
{
	PQfinish(l->conn);
	l->conn = NULL;
	l->expect_sync = false;
	l->failed_at_ms = (long long)(seconds_now() * 1000) - RECONNECT_BACKOFF_MS;
	struct queue again, lost;
	queue_init(&again);
	queue_init(&lost);
	struct op *op;
	while ((op = queue_pop(&l->sent)) != NULL) {
		PQclear(op->res);
		op->res = NULL;
		queue_push(op->retried ? &lost : &again, op);
		op->retried = true;
	}
	queue_append(&again, &l->retry);
	l->retry = again;
	if (!l->retry.head)
		queue_init(&l->retry);
	fail_all(&lost);
}

/* Sends `batch` and a sync point in one write (the sync flushes). */
static void send_batch(struct lane *l, struct queue *batch)
{
	if (!batch->head)
		return;
	if (!lane_connect(l)) {
		fail_all(batch);
		return;
	}
	struct op *op, *last = NULL;
	while ((op = queue_pop(batch)) != NULL) {
		op->sync_after = false;
		queue_push(&l->sent, op);
		last = op;
		if (!PQsendQueryPrepared(l->conn, op->stmt, op->n, op->params, NULL, NULL, 0)) {
			/* The rest is handed to lane_broken(), which sends it once more. */
			queue_append(&l->sent, batch);
			lane_broken(l);
			return;
		}
	}
	if (!last)
		return;
	last->sync_after = true;
	if (PQpipelineSync(l->conn) != 1)
		lane_broken(l);
}

/* An error that ends the connection (the server shutting down, a lost link): what is in
 * the pipeline goes to a new connection instead of being answered with it. */
static bool connection_lost(PGconn *c, const PGresult *r)
{
	if (PQstatus(c) != CONNECTION_OK)
		return true;
	if (PQresultStatus(r) != PGRES_FATAL_ERROR)
		return false;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return !state || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0;
}

/* Hands out every result that has arrived, in pipeline order. */
static void read_results(struct lane *l)
{
	while ((l->sent.head || l->expect_sync) && !PQisBusy(l->conn)) {
		PGresult *r = PQgetResult(l->conn);
		if (r && connection_lost(l->conn, r)) {
			PQclear(r);
			lane_broken(l);
			return;
		}
		if (l->expect_sync) {
			if (PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
				PQclear(r);
				lane_broken(l);
				return;
			}
			PQclear(r);
			l->expect_sync = false;
			continue;
		}
		struct op *op = l->sent.head;
		if (r) {
			/* One result per statement; anything after the first is dropped. */
			if (op->res)
				PQclear(r);
			else
				op->res = r;
			continue;
		}
		/* NULL: this statement's results are complete. */
		queue_pop(&l->sent);
		l->expect_sync = op->sync_after;
		if (PQresultStatus(op->res) == PGRES_PIPELINE_ABORTED && !op->retried) {
			/* An earlier statement of its batch failed: this one never ran. */
			PQclear(op->res);
			op->res = NULL;
			op->retried = true;
			queue_push(&l->retry, op);
			continue;
		}
		if (PQresultStatus(op->res) == PGRES_PIPELINE_ABORTED) {
			PQclear(op->res);
			op->res = NULL;
		}
		PGresult *res = op->res;
		op->res = NULL;
		finish(op, res);
	}
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	bool stopping = false;
	for (;;) {
		PGconn *polled = l->conn;
		struct pollfd p[2] = {{.fd = l->efd, .events = POLLIN}, {.fd = -1}};
		if (polled) {
			p[1].fd = PQsocket(polled);
			p[1].events = POLLIN | (PQflush(polled) == 1 ? POLLOUT : 0);
		}
		if (poll(p, 2, stopping ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			uint64_t v;
			if (read(l->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
				break;
		}
		if (polled && l->conn == polled && p[1].revents) {
			if (PQconsumeInput(polled) != 1)
				lane_broken(l);
			else
				read_results(l);
		}
		pthread_mutex_lock(&l->lock);
		struct queue batch = l->incoming;
		if (!batch.head)
			queue_init(&batch);
		queue_init(&l->incoming);
		stopping = l->stopping;
		pthread_mutex_unlock(&l->lock);
		queue_append(&l->retry, &batch);
		batch = l->retry;
		if (!batch.head)
			queue_init(&batch);
		queue_init(&l->retry);
		send_batch(l, &batch);
		if (stopping &&
		    ((!l->sent.head && !l->retry.head) || seconds_now() > stop_deadline))
			break;
	}
	fail_all(&l->sent);
	fail_all(&l->retry);
	if (l->conn)
		PQfinish(l->conn);
	l->conn = NULL;
	return NULL;
}

int db_async_start(int n)
{
	if (n <= 0 || db_standby_configured())
		return 0;
	if (n > MAX_LANES)
		n = MAX_LANES;
	for (n_lanes = 0; n_lanes < n; n_lanes++) {
		struct lane *l = &lanes[n_lanes];
		memset(l, 0, sizeof(*l));
		pthread_mutex_init(&l->lock, NULL);
		queue_init(&l->incoming);
		queue_init(&l->sent);
		queue_init(&l->retry);
		l->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (l->efd < 0)
			break;
		lane_connect(l); /* now rather than on the first request; retried when it fails */
		if (pthread_create(&l->thread, NULL, lane_main, l) != 0) {
			if (l->conn)
				PQfinish(l->conn);
			close(l->efd);
			break;
		}
	}
	atomic_store(&running, n_lanes > 0);
	return n_lanes;
}

static void wake(struct lane *l)
{
	uint64_t one = 1;
	if (write(l->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fprintf(stderr, "soilshare: cannot wake a database lane: %s\n", strerror(errno));
}

void db_async_stop(int wait_sec)
{
	if (!atomic_exchange(&running, false))
		return;
	stop_deadline = seconds_now() + wait_sec;
	for (int i = 0; i < n_lanes; i++) {
		pthread_mutex_lock(&lanes[i].lock);
		lanes[i].stopping = true;
		pthread_mutex_unlock(&lanes[i].lock);
		wake(&lanes[i]);
	}
	for (int i = 0; i < n_lanes; i++) {
		pthread_join(lanes[i].thread, NULL);
		/* Whatever was queued after the lane's last look at `incoming`. */
		fail_all(&lanes[i].incoming);
		close(lanes[i].efd);
	}
}

bool db_async_enabled(void)
{
	return atomic_load(&running);
}

/* The op with its parameters copied; NULL when out of memory. */
static struct op *op_new(const char *stmt, int n, const char *const *params)
{
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += params[i] ? strlen(params[i]) + 1 : 0;
	struct op *op = malloc(sizeof(*op) + len);
	if (!op)
		return NULL;
	memset(op, 0, sizeof(*op));
	op->stmt = stmt;
	op->n = n;
	char *w = op->text;
	for (int i = 0; i < n; i++) {
		if (!params[i])
			continue;
		size_t k = strlen(params[i]) + 1;
		memcpy(w, params[i], k);
		op->params[i] = w;
		w += k;
	}
	return op;
}

int db_async_exec(const char *stmt, int n, const char *const *params, db_async_done done, void *arg)
{
	if (n > DB_ASYNC_MAX_PARAMS || !atomic_load(&running))
		return -1;
	struct op *op = op_new(stmt, n, params);
	if (!op)
		return -1;
	op->done = done;
	op->arg = arg;
	op->queued_at = seconds_now();
	/* Each worker thread keeps to one lane: its statements stay in order, and lanes share
	 * the workers evenly. */
	if (my_lane < 0)
		my_lane = (int)(atomic_fetch_add(&next_lane, 1) % (unsigned)n_lanes);
	struct lane *l = &lanes[my_lane];
	pthread_mutex_lock(&l->lock);
	if (l->stopping) {
		pthread_mutex_unlock(&l->lock);
		free(op);
		return -1;
	}
	bool was_empty = !l->incoming.head;
	queue_push(&l->incoming, op);
	if (was_empty)
		wake(l); /* under the lock: db_async_stop() closes the descriptor after it */
	pthread_mutex_unlock(&l->lock);
	return 0;
}
