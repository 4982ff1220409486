/* The HTTP layer: daemon, request context, responses and problem+json errors. */
#ifndef SOILSHARE_HTTP_H
#define SOILSHARE_HTTP_H

#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "auth.h"
#include "config.h"
#include "router.h"

#define BODY_LIMIT_SINGLE  (1u << 20)  /* 1 MiB */
#define BODY_LIMIT_BULK    (16u << 20) /* 16 MiB */
#define HEADER_BLOCK_LIMIT (16u << 10) /* 16 KiB */

/* One per request: created on the first MHD callback, freed in the completion
 * callback and nowhere else. Everything per-request is allocated from `arena`. */
struct feed_query;

struct request {
	struct arena arena;
	struct MHD_Connection *conn;
	enum http_method method;
	const char *path;
	char request_id[130];
	struct route_match match;
	struct identity who;
	bool authenticated;
	/* Body: malloc'd, grown as MHD hands data, capped at body_limit. */
	char *body;
	size_t body_len;
	size_t body_cap;
	size_t body_limit;
	bool body_too_large;
	bool framing_error;
	bool header_too_large;
	bool no_host;
	bool responded;
	bool queue_failed;
	bool want_csv; /* Accept asked for text/csv on a route that serves it */
	/* Idempotency: the key claimed for this request, its response to be remembered. */
	const char *idem_key;
	const char *idem_scope;
	bool idem_saved;
	unsigned idem_status;
	const char *idem_content_type, *idem_headers, *idem_body;
	/* A suspended request (long-poll) continues in `resume` when woken. */
	route_handler resume;
	double wait_deadline;
	struct feed_query *feed;
	/* Runs when the request completes, for state that outlives a handler call. */
	void (*cleanup)(void *arg);
	void *cleanup_arg;
	unsigned status;
};

/* Starts the daemon; returns NULL with a message on failure. */
struct MHD_Daemon *http_start(const struct config *cfg, char *errbuf, size_t size);
/* Stops accepting, waits up to `drain_sec` for in-flight requests, then stops. */
void http_stop(struct MHD_Daemon *d, int drain_sec);

const char *req_header(struct request *req, const char *name);
const char *req_query(struct request *req, const char *name);

/* Responses. Each queues the response and marks the request answered; `extra`
 * headers are "Name: value" pairs separated by '\n' (or NULL). */
void respond(struct request *req, unsigned status, const char *content_type, const char *body,
             size_t len, const char *extra);
/* A body that lives as long as the process (no copy). */
void respond_static(struct request *req, unsigned status, const char *content_type,
                    const char *body, size_t len);
/* Hands a malloc'd body to MHD without copying; it is freed when sent. */
void respond_owned(struct request *req, unsigned status, const char *content_type, char *body,
                   size_t len, const char *extra);
/* Sends column 0 of row 0 of a PGresult without copying; the result is cleared when sent. */
void respond_pgresult(struct request *req, unsigned status, PGresult *res, const char *extra);
void respond_json(struct request *req, unsigned status, json_t *body, const char *extra);

/* problem+json: `slug` names the type (/problems/<slug>). `detail` is printf-style. */
void problem(struct request *req, unsigned status, const char *slug, const char *title,
             const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with members added to the body (e.g. "errors"); steals `extra_members`. */
void problem_ex(struct request *req, unsigned status, const char *slug, const char *title,
                json_t *extra_members, const char *extra_headers, const char *detail_fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* 503 (database unreachable, Retry-After) or 500 for a failed database call. */
void problem_db(struct request *req, PGresult *res);

/* Idempotency-Key: begin answers a replay or a conflict (true); capture keeps the
 * response a request gives; finish stores it once the request's transaction is over. */
bool idempotency_begin(struct request *req);
void idempotency_capture(struct request *req, unsigned status, const char *content_type,
                         const char *body, size_t len, const char *extra);
void idempotency_finish(struct request *req);

/* Answers a list page: parses the query against `filters`, runs `stmt` (parameters:
 * dataset, after id, districts, updated_since, publishers, field filters as JSON, limit + 1;
 * columns: the item as JSON text and its id) and writes JSON or, when asked, CSV with
 * `csv_columns` (NULL: the dataset's own columns). */
void list_serve(struct request *req, const struct dataset *filters, const char *stmt,
                const char *dataset, const char *const *csv_columns);

/* The route table and its handlers. */
extern const struct route routes[];
extern const size_t routes_count;

void handle_healthz(struct request *req);
void handle_readyz(struct request *req);
void handle_metrics(struct request *req);
void handle_openapi(struct request *req);
void handle_me(struct request *req);
void handle_datasets(struct request *req);
void handle_districts(struct request *req);
void handle_agencies(struct request *req);
void handle_list(struct request *req);
void handle_directory(struct request *req);
void handle_bulk(struct request *req);
void handle_history(struct request *req);
void handle_changes(struct request *req);
void handle_findings(struct request *req);
void handle_get(struct request *req);
void handle_put(struct request *req);
void handle_patch(struct request *req);
void handle_delete(struct request *req);

/* Statement registration of each module, called before threads start. */
void api_register_statements(void);
void records_register_statements(void);
void changes_register_statements(void);
void idempotency_register_statements(void);
void findings_register_statements(void);

#endif
