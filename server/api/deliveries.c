/* A subscription's deliveries (SPEC §11): the list, by status (failed: the dead letters),
 * and sending a dead one again. */
#include <string.h>

#include "api.h"
#include "db.h"
#include "internal.h"
#include "listpage.h"

static const char sql_owned[] =
    "SELECT status FROM webhook_subscriptions WHERE id = $1 AND owner = $2";
/* $6 holds the status filter ({"status": [...]}); $3 to $5 are NULL. */
static const char sql_list[] =
    "SELECT webhook_delivery_doc(d)::text, d.id FROM webhook_deliveries d "
    "WHERE d.subscription_id = $1 AND d.id > $2 AND $3::jsonb IS NULL "
    "AND $4::timestamptz IS NULL AND $5::jsonb IS NULL "
    "AND ($6::jsonb IS NULL OR coalesce(($6::jsonb -> 'status') ? d.status, false)) "
    "ORDER BY d.id LIMIT $7";
/* A dead delivery goes back to the queue, first in its subscription's line (it is the
 * oldest), with a new schedule; the senders hear of it at once. */
static const char sql_retry[] =
    "UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now(), "
    " failed_at = NULL FROM webhook_subscriptions s "
    "WHERE s.id = d.subscription_id AND d.subscription_id = $1 AND s.owner = $2 AND d.id = $3 "
    " AND d.status = 'failed' AND s.status = 'active' "
    "RETURNING webhook_delivery_doc(d)::text, pg_notify('soilshare_webhooks', '')";
static const char sql_delivery_status[] =
    "SELECT d.status FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.id = $2";

static const struct db_stmt statements[] = {
    {"sub_owned", sql_owned},
    {"dlv_list", sql_list},
    {"dlv_retry", sql_retry},
    {"dlv_status", sql_delivery_status},
};

void deliveries_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

/* The subscription's status ("active", "disabled") when the caller owns it; NULL after
 * answering 404 (or a database problem). */
static const char *owned_status(struct request *req)
{
	const char *params[] = {req->match.id, subscription_owner(req)};
	PGresult *res = db_exec("sub_owned", 2, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		subscription_not_found(req);
		return NULL;
	}
	const char *status = arena_strdup(&req->arena, PQgetvalue(res, 0, 0));
	PQclear(res);
	return status;
}

static const char *const delivery_states[] = {"pending", "delivered", "failed", NULL};
static const struct field delivery_filters[] = {
    {.name = "status", .type = FT_ENUM, .values = delivery_states, .filter = true},
};
static const struct dataset deliveries_filters = {
    .name = "deliveries",
    .fields = delivery_filters,
    .n_fields = sizeof(delivery_filters) / sizeof(delivery_filters[0]),
};

void handle_deliveries_list(struct request *req)
{
	if (!owned_status(req))
		return;
	static const char *const only[] = {"limit", "cursor", "status", NULL};
	static const struct page_shape shape = {.member = "items"};
	const struct list_source src = {.filters = &deliveries_filters,
	                                .stmt = "dlv_list",
	                                .dataset = req->match.id,
	                                .only = only};
	list_serve(req, &src, &shape);
}

void handle_delivery_retry(struct request *req)
{
	const char *status = owned_status(req);
	if (!status)
		return;
	if (strcmp(status, "active") != 0) {
		problem(req, 409, "conflict", "Conflict",
		        "subscription %.80s is disabled (its receiver answered 410 Gone) and sends "
		        "nothing; create a new subscription for the receiver",
		        req->match.id);
		return;
	}
	const char *params[] = {req->match.id, subscription_owner(req), req->match.sub};
	PGresult *res = db_exec("dlv_retry", 3, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQntuples(res) == 1) {
		respond_pgresult(req, 202, res, NULL);
		return;
	}
	PQclear(res);
	const char *which[] = {req->match.id, req->match.sub};
	res = db_exec("dlv_status", 2, which);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQntuples(res) == 0) {
		PQclear(res);
		problem(req, 404, "not-found", "Not Found",
		        "subscription %.80s has no delivery %.80s; GET "
		        "/v1/subscriptions/%.80s/deliveries?status=failed lists its dead ones",
		        req->match.id, req->match.sub, req->match.id);
		return;
	}
	bool pending = strcmp(PQgetvalue(res, 0, 0), "pending") == 0;
	PQclear(res);
	problem(req, 409, "conflict", "Conflict",
	        pending ? "delivery %.80s is still being tried; only a failed (dead) delivery is "
	                  "sent again"
	                : "delivery %.80s was delivered; only a failed (dead) delivery is sent "
	                  "again",
	        req->match.sub);
}
