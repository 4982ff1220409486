/* The service's hooks into the HTTP layer: API keys and their rate limit, idempotent
 * writes, and the database connection's state when a request ends. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "internal.h"
#include "metrics.h"
#include "write.h"

/* The service's part of the request, made on the first hook that needs it. */
static struct call *call_new(struct request *req)
{
	if (!req->app) {
		req->app = arena_alloc(&req->arena, sizeof(struct call));
		memset(req->app, 0, sizeof(struct call));
	}
	return req->app;
}

bool api_authenticate(struct request *req)
{
	db_prefer_standby(false); /* keys are checked on the primary */
	struct call *c = call_new(req);
	const char *authz = req_header(req, "Authorization");
	switch (auth_verify(authz, &c->who)) {
	case AUTH_OK:
		break;
	case AUTH_MISSING:
		problem_ex(req, 401, "unauthorized", "Unauthorized", NULL,
		           "WWW-Authenticate: Bearer realm=\"soilshare\"",
		           "send the API key of your agency as Authorization: Bearer <key>");
		return true;
	case AUTH_INVALID:
		problem_ex(req, 401, "unauthorized", "Unauthorized", NULL,
		           "WWW-Authenticate: Bearer realm=\"soilshare\", error=\"invalid_token\"",
		           "the API key is unknown, expired or revoked; ask your administrator "
		           "for a valid key");
		return true;
	case AUTH_UNAVAILABLE:
		problem_db(req, NULL);
		return true;
	}
	c->authenticated = true;
	double wait;
	if (!auth_rate_allow(c->who.key_id, &wait)) {
		answer_rate_limited(req, wait, "this key sent more requests than its limit allows",
		                    "");
		return true;
	}
	return false;
}

void answer_rate_limited(struct request *req, double wait, const char *why, const char *advice)
{
	char hdr[64];
	snprintf(hdr, sizeof(hdr), "Retry-After: %d", (int)wait + 1);
	problem_ex(req, 429, "rate-limited", "Too Many Requests", NULL, hdr,
	           "%s; retry after %d second(s)%s", why, (int)wait + 1, advice);
}

/* Reads may go to the standby (DATABASE_READ_URL); writes, and replays of them, never. A
 * read that must see the latest writes stays on the primary: a conditional GET (If-Match,
 * If-None-Match: it compares with the current version) or one sent with Cache-Control:
 * no-cache. */
static bool may_read_standby(struct request *req)
{
	if (req->method != HTTP_GET && req->method != HTTP_HEAD)
		return false;
	if (req_header(req, "If-Match") || req_header(req, "If-None-Match"))
		return false;
	const char *cc = req_header(req, "Cache-Control");
	return !(cc && strstr(cc, "no-cache"));
}

bool api_before(struct request *req)
{
	call_new(req);
	db_prefer_standby(may_read_standby(req));
	return idempotency_begin(req); /* answered: a replay, a conflict or a bad key */
}

void api_on_response(struct request *req, unsigned status, const char *content_type,
                     const char *body, size_t len, const char *extra)
{
	if (req->app)
		idempotency_capture(req, status, content_type, body, len, extra);
}

void api_on_complete(struct request *req)
{
	access_log(req);
	db_request_done();
	db_prefer_standby(false);
	if (req->app)
		idempotency_finish(req);
}

void api_register_statements(void)
{
	service_register_statements();
	record_register_statements();
	lists_register_statements();
	changes_register_statements();
	idempotency_register_statements();
	findings_register_statements();
	public_register_statements();
	statistics_register_statements();
	ogc_register_statements();
	write_register_statements();
	subscriptions_register_statements();
	deliveries_register_statements();
}
