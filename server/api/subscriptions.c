/* Webhook subscriptions (SPEC §11): create with a secret shown once, list, get, delete and
 * rotate the secret. An agency sees and manages only its own. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "encoding.h"
#include "internal.h"
#include "jsonutil.h"
#include "listpage.h"
#include "webhooks.h"

#define DOC "webhook_subscription_doc(s)::text"

static const char sql_create[] =
    "INSERT INTO webhook_subscriptions AS s (id, owner, url, datasets, findings, description, "
    " secret) VALUES ($1, $2, $3, ARRAY (SELECT jsonb_array_elements_text($4::jsonb)), "
    " $5::boolean, $6, $7) RETURNING " DOC;
/* The list takes limit and cursor only: $3 to $6, the record lists' filters, are NULL. */
static const char sql_list[] =
    "SELECT " DOC ", s.id FROM webhook_subscriptions s WHERE s.owner = $1 AND s.id > $2 "
    "AND $3::jsonb IS NULL AND $4::timestamptz IS NULL AND $5::jsonb IS NULL "
    "AND $6::jsonb IS NULL ORDER BY s.id LIMIT $7";
static const char sql_get[] =
    "SELECT " DOC " FROM webhook_subscriptions s WHERE s.id = $1 AND s.owner = $2";
static const char sql_delete[] =
    "DELETE FROM webhook_subscriptions WHERE id = $1 AND owner = $2 RETURNING id";
/* The old secret keeps signing for a day, beside the new one. */
static const char sql_rotate[] =
    "UPDATE webhook_subscriptions AS s SET previous_secret = secret, "
    " previous_until = now() + interval '24 hours', secret = $3, secret_rotated_at = now() "
    "WHERE s.id = $1 AND s.owner = $2 RETURNING " DOC;

static const struct db_stmt statements[] = {
    {"sub_create", sql_create}, {"sub_list", sql_list},     {"sub_get", sql_get},
    {"sub_delete", sql_delete}, {"sub_rotate", sql_rotate},
};

void subscriptions_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

const char *subscription_owner(struct request *req)
{
	const struct identity *who = who_of(req);
	if (who->district[0])
		return arena_printf(&req->arena, "%s:%s", who->agency, who->district);
	return who->agency;
}

void subscription_not_found(struct request *req)
{
	problem(req, 404, "not-found", "Not Found",
	        "your agency has no subscription %.80s; GET /v1/subscriptions lists yours",
	        req->match.id);
}

/* The subscription's document (JSON text ending in '}') with its secret added. */
static void respond_with_secret(struct request *req, unsigned status, PGresult *res,
                                const char *secret, const char *extra)
{
	const char *doc = PQgetvalue(res, 0, 0);
	size_t len = (size_t)PQgetlength(res, 0, 0);
	char *body =
	    arena_printf(&req->arena, "%.*s, \"secret\" : \"%s\"}", (int)(len - 1), doc, secret);
	PQclear(res);
	respond(req, status, "application/json", body, strlen(body), extra);
}

/* The parsed JSON body of a write; NULL after answering. */
static json_t *json_body(struct request *req)
{
	if (!req_content_type_is(req, "application/json")) {
		problem(req, 415, "unsupported-media-type", "Unsupported Media Type",
		        "send the subscription as JSON (Content-Type: application/json)");
		return NULL;
	}
	char err[512];
	json_t *body =
	    json_parse_strict(req->body ? req->body : "", req->body_len, err, sizeof(err));
	if (!body)
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
	return body;
}

static void refuse(struct request *req, json_t *errors)
{
	problem_ex(req, 422, "validation", "Unprocessable Content",
	           json_pack("{s:o}", "errors", errors), NULL,
	           "the subscription is not valid: %zu problem(s); see errors",
	           json_array_size(errors));
}

void handle_subscription_create(struct request *req)
{
	json_t *body = json_body(req);
	if (!body)
		return;
	struct webhook_subscription sub;
	json_t *errors = json_array();
	if (webhook_subscription_parse(body, &sub, errors) < 0) {
		refuse(req, errors);
		json_decref(body);
		return;
	}
	char why[512];
	if (webhook_url_check(sub.url, why, sizeof(why)) < 0) {
		json_array_append_new(errors,
		                      json_pack("{s:s, s:s}", "pointer", "/url", "message", why));
		refuse(req, errors);
		json_decref(body);
		return;
	}
	json_decref(errors);
	unsigned char rnd[12];
	char hex[25], id[32], secret[WEBHOOK_SECRET_SIZE];
	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0 || webhook_secret_new(secret) < 0) {
		json_decref(body);
		problem(req, 500, "internal", "Internal Server Error",
		        "no random bytes for the subscription's secret (request id %s)",
		        req->request_id);
		return;
	}
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(id, sizeof(id), "sub_%s", hex);
	char *names = sub.datasets ? json_dumps(sub.datasets, JSON_COMPACT) : strdup("[]");
	const char *params[] = {id,    subscription_owner(req),         sub.url,
	                        names, sub.findings ? "true" : "false", sub.description,
	                        secret};
	PGresult *res = db_exec("sub_create", 7, params);
	free(names);
	json_decref(body);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	char *location = arena_printf(&req->arena, "Location: /v1/subscriptions/%s", id);
	respond_with_secret(req, 201, res, secret, location);
}

void handle_subscription_list(struct request *req)
{
	static const char *const only[] = {"limit", "cursor", NULL};
	static const struct dataset no_filters = {.name = "subscriptions"};
	static const struct page_shape shape = {.member = "items"};
	const struct list_source src = {.filters = &no_filters,
	                                .stmt = "sub_list",
	                                .dataset = subscription_owner(req),
	                                .only = only};
	list_serve(req, &src, &shape);
}

void handle_subscription_get(struct request *req)
{
	const char *params[] = {req->match.id, subscription_owner(req)};
	PGresult *res = db_exec("sub_get", 2, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQntuples(res) == 0) {
		PQclear(res);
		subscription_not_found(req);
		return;
	}
	respond_pgresult(req, 200, res, NULL);
}

void handle_subscription_delete(struct request *req)
{
	const char *params[] = {req->match.id, subscription_owner(req)};
	PGresult *res = db_exec("sub_delete", 2, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	int n = PQntuples(res);
	PQclear(res);
	if (n == 0) {
		subscription_not_found(req);
		return;
	}
	respond(req, 204, NULL, "", 0, NULL);
}

void handle_subscription_rotate(struct request *req)
{
	char secret[WEBHOOK_SECRET_SIZE];
	if (webhook_secret_new(secret) < 0) {
		problem(req, 500, "internal", "Internal Server Error",
		        "no random bytes for the new secret (request id %s)", req->request_id);
		return;
	}
	const char *params[] = {req->match.id, subscription_owner(req), secret};
	PGresult *res = db_exec("sub_rotate", 3, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQntuples(res) == 0) {
		PQclear(res);
		subscription_not_found(req);
		return;
	}
	respond_with_secret(req, 200, res, secret, NULL);
}
