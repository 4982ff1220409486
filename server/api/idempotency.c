/* Idempotency-Key: a write retried with the same key gets the first response again. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "encoding.h"
#include "internal.h"

#define IDEM_KEY_MAX 255

/* Claims the key for this database session, or takes over an unfinished claim whose
 * session is gone (a killed server's, or one that lost the database mid-request) or that
 * is two minutes old. No row back means someone else holds it or has finished it. */
static const char sql_claim[] =
    "INSERT INTO idempotency_keys (agency, key, fingerprint, claim_pid, claim_started) "
    "SELECT $1, $2, $3, a.pid, a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a "
    "ON CONFLICT (agency, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
    " created_at = now(), claim_pid = EXCLUDED.claim_pid, "
    " claim_started = EXCLUDED.claim_started "
    " WHERE NOT idempotency_keys.completed "
    "   AND (idempotency_keys.created_at < now() - interval '2 minutes' "
    "     OR NOT idempotency_claimant_alive(idempotency_keys.claim_pid, "
    "                                       idempotency_keys.claim_started)) "
    "RETURNING 1";
static const char sql_lookup[] =
    "SELECT completed, fingerprint, status, content_type, coalesce(headers, ''), "
    " coalesce(body, '') FROM idempotency_keys WHERE agency = $1 AND key = $2";
static const char sql_finish[] =
    "UPDATE idempotency_keys SET completed = true, status = $3, content_type = $4, "
    " headers = $5, body = $6 WHERE agency = $1 AND key = $2";
static const char sql_forget[] = "DELETE FROM idempotency_keys WHERE agency = $1 AND key = $2";

static const struct db_stmt statements[] = {
    {"idem_claim", sql_claim},
    {"idem_lookup", sql_lookup},
    {"idem_finish", sql_finish},
    {"idem_forget", sql_forget},
};

void idempotency_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

/* Keys are per agency; a district key's scope is its district. */
static const char *scope_of(struct request *req)
{
	const struct identity *who = who_of(req);
	if (who->district[0])
		return arena_printf(&req->arena, "district:%s", who->district);
	return who->agency;
}

static bool key_valid_text(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > IDEM_KEY_MAX)
		return false;
	for (; *k; k++)
		if ((unsigned char)*k < 0x21 || (unsigned char)*k > 0x7e)
			return false;
	return true;
}

static void fingerprint(struct request *req, char out[65])
{
	struct sha256_ctx ctx;
	unsigned char digest[SHA256_DIGEST_SIZE];
	const char *m = http_method_name(req->method);
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(m), (const uint8_t *)m);
	sha256_update(&ctx, 1, (const uint8_t *)"\n");
	sha256_update(&ctx, strlen(req->path), (const uint8_t *)req->path);
	sha256_update(&ctx, 1, (const uint8_t *)"\n");
	if (req->body)
		sha256_update(&ctx, req->body_len, (const uint8_t *)req->body);
	sha256_digest(&ctx, sizeof(digest), digest);
	hex_encode(digest, sizeof(digest), out);
}

bool idempotency_begin(struct request *req)
{
	if (req->method != HTTP_POST && req->method != HTTP_PUT && req->method != HTTP_PATCH &&
	    req->method != HTTP_DELETE)
		return false;
	const char *key = req_header(req, "Idempotency-Key");
	if (!key)
		return false;
	if (!key_valid_text(key)) {
		problem(req, 400, "bad-request", "Bad Request",
		        "Idempotency-Key must be 1 to %d visible ASCII characters", IDEM_KEY_MAX);
		return true;
	}
	char fp[65];
	fingerprint(req, fp);
	const char *scope = scope_of(req);
	const char *params[] = {scope, key, fp};
	PGresult *res = db_exec("idem_claim", 3, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return true;
	}
	bool claimed = PQntuples(res) == 1;
	PQclear(res);
	if (claimed) {
		struct call *c = call_of(req);
		c->idem_key = arena_strdup(&req->arena, key);
		c->idem_scope = scope;
		return false;
	}
	res = db_exec("idem_lookup", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return true;
	}
	if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		problem_ex(req, 409, "idempotency-in-progress", "Conflict", NULL, "Retry-After: 1",
		           "a request with this Idempotency-Key is still being processed; retry "
		           "in a moment to get its response");
		return true;
	}
	if (strcmp(PQgetvalue(res, 0, 1), fp) != 0) {
		PQclear(res);
		problem(req, 422, "idempotency-key-reused", "Unprocessable Content",
		        "this Idempotency-Key was used for a different request (method, path or "
		        "body); use a new key for a new request");
		return true;
	}
	unsigned status = (unsigned)atoi(PQgetvalue(res, 0, 2));
	const char *headers = PQgetvalue(res, 0, 4);
	char *extra = arena_printf(&req->arena, "%s%sIdempotent-Replayed: true", headers,
	                           headers[0] ? "\n" : "");
	respond(req, status, PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3),
	        PQgetvalue(res, 0, 5), (size_t)PQgetlength(res, 0, 5), extra);
	PQclear(res);
	return true;
}

void idempotency_capture(struct request *req, unsigned status, const char *content_type,
                         const char *body, size_t len, const char *extra)
{
	struct call *c = call_of(req);
	if (!c->idem_key || c->idem_saved)
		return;
	c->idem_saved = true;
	c->idem_status = status;
	c->idem_content_type = content_type ? arena_strdup(&req->arena, content_type) : NULL;
	c->idem_headers = extra ? arena_strdup(&req->arena, extra) : NULL;
	c->idem_body = arena_strndup(&req->arena, body ? body : "", body ? len : 0);
	/* Stored before the response leaves when no transaction is open, so that a retry
	 * that follows the response finds it; else when the request completes. */
	if (!db_in_transaction())
		idempotency_finish(req);
}

void idempotency_finish(struct request *req)
{
	struct call *c = call_of(req);
	if (!c->idem_key)
		return;
	const char *params[6] = {c->idem_scope, c->idem_key};
	if (!c->idem_saved || c->idem_status >= 500) {
		PGresult *res = db_exec("idem_forget", 2, params);
		if (res)
			PQclear(res);
		c->idem_key = NULL;
		return;
	}
	char status[8];
	snprintf(status, sizeof(status), "%u", c->idem_status);
	params[2] = status;
	params[3] = c->idem_content_type;
	params[4] = c->idem_headers;
	params[5] = c->idem_body;
	PGresult *res = db_exec("idem_finish", 6, params);
	if (res)
		PQclear(res);
	c->idem_key = NULL;
}
