/* The change feed (GET /v1/changes) and record history (GET /v1/{dataset}/{id}/history). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "db.h"
#include "feed.h"
#include "internal.h"
#include "listpage.h"
#include "strbuf.h"

static const char sql_sequence[] = "SELECT feed_sequence()";

/* Changes after a position, oldest first; columns: the change as JSON (the entry the
 * verifiable log hashes, with its leaf index `seq`), its position, and the Unix time it was
 * made. */
static const char sql_read[] =
    "SELECT change_entry(c)::text, pos, extract(epoch FROM changed_at)::bigint "
    "FROM changes c WHERE pos > $1 AND ($2::jsonb IS NULL OR dataset = ANY (ARRAY (SELECT "
    " jsonb_array_elements_text($2::jsonb)))) "
    "ORDER BY pos LIMIT $3";

static const char sql_latest[] =
    "SELECT s.last_pos, coalesce((SELECT extract(epoch FROM c.changed_at)::bigint "
    " FROM changes c WHERE c.pos = s.last_pos), extract(epoch FROM now())::bigint) "
    "FROM feed_state s";

static const char sql_history[] =
    "SELECT coalesce(json_agg(json_build_object('version', version, 'op', op, "
    " 'publisher', publisher, 'key_id', key_id, 'request_id', request_id, "
    " 'changed_at', rfc3339(changed_at), 'record', change_record(c)) ORDER BY version), "
    " '[]')::text, count(*) FROM changes c WHERE dataset = $1 AND id = $2";

static const struct db_stmt statements[] = {
    {"feed_sequence", sql_sequence},
    {"feed_read", sql_read},
    {"feed_latest", sql_latest},
    {"history", sql_history},
};

void changes_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

void handle_history(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	const char *params[] = {ds->name, req->match.id};
	PGresult *res = db_exec("history", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "0") == 0) {
		PQclear(res);
		problem(req, 404, "not-found", "Not Found", "%s never had a record with id \"%s\"",
		        ds->name, req->match.id);
		return;
	}
	struct strbuf sb;
	strbuf_init(&sb, (size_t)PQgetlength(res, 0, 0) + 16);
	strbuf_adds(&sb, "{\"items\":");
	strbuf_add(&sb, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	strbuf_addc(&sb, '}');
	PQclear(res);
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	respond_owned(req, 200, "application/json", text, len, NULL);
}

/* Orders what has finished, so that positions reflect every committed change. */
static bool sequence(struct request *req)
{
	/* Positions are given on the primary; a standby reads them as they replicate, in the
	 * order they were given (one transaction per run, runs in turn). */
	db_prefer_standby(false);
	PGresult *res = db_exec("feed_sequence", 0, NULL);
	db_prefer_standby(true);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return false;
	}
	PQclear(res);
	return true;
}

static void answer_latest(struct request *req)
{
	if (!sequence(req))
		return;
	PGresult *res = db_exec("feed_latest", 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		problem_db(req, res);
		return;
	}
	char cursor[96];
	feed_cursor_encode(strtoll(PQgetvalue(res, 0, 0), NULL, 10),
	                   strtoll(PQgetvalue(res, 0, 1), NULL, 10), cursor, sizeof(cursor));
	PQclear(res);
	char body[160];
	int n = snprintf(body, sizeof(body), "{\"changes\":[],\"next_cursor\":\"%s\"}", cursor);
	respond(req, 200, "application/json", body, (size_t)n, NULL);
}

static const char *const feed_columns[] = {"seq",       "dataset",    "id",     "op", "version",
                                           "publisher", "changed_at", "record", NULL};

static void answer_page(struct request *req, PGresult *res, int rows, const char *next)
{
	static const struct page_shape shape = {.member = "changes", .csv_columns = feed_columns};
	struct strbuf link;
	strbuf_init(&link, 128);
	strbuf_addf(&link, "%s?cursor=%s", req->path, next);
	const char *ds = req_query(req, "datasets");
	if (ds) {
		strbuf_adds(&link, "&datasets=");
		strbuf_add_urlencoded(&link, ds);
	}
	const char *limit = req_query(req, "limit");
	if (limit)
		strbuf_addf(&link, "&limit=%.8s", limit);
	page_respond(req, res, rows, &shape, next, link.buf);
	strbuf_release(&link);
}

static void read_feed(struct request *req);

/* A long-poll parks its connection until the feed moves; read_feed() runs again then. */
static void suspend(void *arg)
{
	http_suspend(arg, read_feed);
}

static void resume(void *arg)
{
	http_resume(arg);
}

/* Reads the feed for the parsed query; waits (suspending the connection) when asked. */
static void read_feed(struct request *req)
{
	db_prefer_standby(true); /* also when resumed, on whichever thread */
	struct call *c = call_of(req);
	struct feed_query *q = c->feed;
	char after[24], limit[16];
	snprintf(after, sizeof(after), "%" PRId64, q->after_pos);
	snprintf(limit, sizeof(limit), "%d", q->limit);
	const char *params[] = {after, q->datasets, limit};
	PGresult *res = db_exec("feed_read", 3, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return;
	}
	/* A short page means the reader is at the head of the feed: number what has just
	 * finished (the feed thread does so every 100 ms) and read once more. */
	if (PQntuples(res) < q->limit) {
		PQclear(res);
		if (!sequence(req))
			return;
		res = db_exec("feed_read", 3, params);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			problem_db(req, res);
			return;
		}
	}
	int rows = PQntuples(res);
	if (rows == 0 && q->wait > 0 && feed_now() < c->wait_deadline) {
		PQclear(res);
		/* A change heard since this long-poll began that the standby may not have
		 * replayed yet: look again soon (for two seconds after it), not only at the
		 * next change. */
		double now = feed_now(), until = c->wait_deadline, heard = feed_changed_at();
		if (c->parked_at == 0)
			c->parked_at = now;
		if (db_standby_configured() && heard > c->parked_at && now - heard < 2.0 &&
		    now + 0.1 < until)
			until = now + 0.1;
		if (feed_wait(until, suspend, resume, req))
			return;
		res = db_exec("feed_read", 3, params);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			problem_db(req, res);
			return;
		}
		rows = PQntuples(res);
	}
	char next[96];
	if (rows > 0)
		feed_cursor_encode(strtoll(PQgetvalue(res, rows - 1, 1), NULL, 10),
		                   strtoll(PQgetvalue(res, rows - 1, 2), NULL, 10), next,
		                   sizeof(next));
	else if (q->has_cursor)
		snprintf(next, sizeof(next), "%s", q->cursor_text);
	else
		feed_cursor_encode(0, (int64_t)time(NULL), next, sizeof(next));
	answer_page(req, res, rows, next);
	PQclear(res);
}

static void release_feed_query(void *p)
{
	feed_query_release(p);
}

void handle_changes(struct request *req)
{
	struct query_arg args[16];
	int n = req_query_args(req, args, 16);
	struct feed_query *q = arena_alloc(&req->arena, sizeof(*q));
	char err[256];
	if (n < 0) {
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters; the feed takes cursor, datasets, limit, wait "
		        "and bom");
		return;
	}
	if (feed_query_parse(args, (size_t)n, q, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	call_of(req)->feed = q;
	req->want_bom = req->want_bom || q->bom;
	req->cleanup = release_feed_query;
	req->cleanup_arg = q;
	if (q->latest) {
		answer_latest(req);
		return;
	}
	if (q->has_cursor && q->cursor_time > 0 &&
	    (double)time(NULL) - (double)q->cursor_time > feed_retention()) {
		problem(req, 410, "cursor-expired", "Gone",
		        "this cursor is older than the feed's retention window (%.0f days); copy "
		        "the datasets again from their lists, then follow the feed from a "
		        "cursor=latest taken before the copy",
		        feed_retention() / 86400);
		return;
	}
	call_of(req)->wait_deadline = feed_now() + q->wait;
	read_feed(req);
}
