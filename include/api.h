/* The service's endpoints: the route table, the handlers, the hooks that wire keys,
 * idempotency and the database into the HTTP layer, and what a request carries for them. */
#ifndef SOILSHARE_API_H
#define SOILSHARE_API_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "feed.h"
#include "http.h"

/* The service's part of a request (`req->app`), from the arena; set by the hooks before
 * any handler runs, so handlers may use call_of(req) without a check. */
struct call {
	struct identity who;
	bool authenticated;
	/* Idempotency-Key: the key claimed for this request, and its response to remember. */
	const char *idem_key;
	const char *idem_scope;
	bool idem_saved;
	unsigned idem_status;
	const char *idem_content_type, *idem_headers, *idem_body;
	/* A long-poll of the change feed: its query and when it gives up waiting. */
	struct feed_query *feed;
	double wait_deadline;
	double parked_at; /* when a long-poll first parked (feed_now()), or 0 */
};

static inline struct call *call_of(struct request *req)
{
	return (struct call *)req->app;
}

static inline const struct identity *who_of(struct request *req)
{
	return &call_of(req)->who;
}

/* Keys, idempotency and the database, wired into the HTTP layer. */
extern const struct http_hooks api_hooks;

/* Replies from the database. Both take over `res`: it is cleared when sent or at once. */
/* Sends column 0 of row 0 as application/json without copying. */
void respond_pgresult(struct request *req, unsigned status, PGresult *res, const char *extra);
/* Answers a failed database call (`res` NULL: no answer at all): 503 with Retry-After when
 * the database is away or the statement met a timeout, lock or serialisation conflict; 500
 * otherwise, logged with its SQLSTATE. */
void problem_db(struct request *req, PGresult *res);
/* Whether a statement's result is what it should be; when not, answers with problem_db()
 * (taking over `res`) and returns false. */
bool db_ok(struct request *req, PGresult *res, ExecStatusType expected);

/* Idempotency-Key: begin answers a replay or a conflict (true); capture keeps the
 * response a request gives; finish stores it once the request's transaction is over. */
bool idempotency_begin(struct request *req);
void idempotency_capture(struct request *req, unsigned status, const char *content_type,
                         const char *body, size_t len, const char *extra);
void idempotency_finish(struct request *req);

/* The route table and its handlers. */
extern const struct route routes[];
extern const size_t routes_count;

void handle_healthz(struct request *req);
void handle_readyz(struct request *req);
void handle_metrics(struct request *req);
void handle_openapi(struct request *req);
/* The OpenAPI document with the pollutant and land-use enumerations of `r` (malloc'd, with
 * its length), or NULL. openapi_refresh() makes it the one served, from the reference data
 * held now: at start and whenever the reference data change. */
struct refdata;
char *openapi_document(const struct refdata *r, size_t *len);
int openapi_refresh(void);
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
void handle_statistics(struct request *req);
void handle_get(struct request *req);
void handle_put(struct request *req);
void handle_patch(struct request *req);
void handle_delete(struct request *req);
void handle_log_checkpoint(struct request *req);
void handle_log_inclusion(struct request *req);
void handle_log_consistency(struct request *req);
void handle_public_directory(struct request *req);
void handle_public_directory_changes(struct request *req);
void handle_public_page(struct request *req);
void handle_public_redirect(struct request *req);
void handle_public_asset(struct request *req);

/* The limits and settings of the public pages, before threads start. */
void public_configure(const struct config *cfg);
/* The access log's format (--log-format); each request's line is written as it completes. */
void access_log_configure(const struct config *cfg);
/* Makes the public page with its settings (the map's tiles); returns -1 when it cannot. */
int pages_configure(const struct config *cfg);

/* Pure: the query of GET /v1/statistics. Sets `as_of` to the date asked for (YYYY-MM-DD), or
 * to "" for today; -1 with a message for a 400 on an unknown or repeated parameter or a date
 * that is not one. */
int statistics_query_parse(const struct query_arg *args, size_t n, char as_of[11], char *errbuf,
                           size_t size);

/* Pure: the two query parameters of a log proof, `names` (seq and size; from and to), each
 * a whole number below 2^63, into `values`; -1 with a message for a 400 on a missing,
 * unknown, repeated or malformed one. */
int log_query_parse(const struct query_arg *args, size_t n, const char *const names[2],
                    uint64_t values[2], char *errbuf, size_t size);

/* Every prepared statement of the endpoints, registered before threads start. */
void api_register_statements(void);

#endif
