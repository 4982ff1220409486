/* Idempotency-Key over HTTP: replays, reuse with another body, requests still running. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"

Test(idempotency, replay_returns_the_first_response_and_changes_nothing)
{
	char *id = uniq("110105-IK"), *key = uniq("key"), path[256], hdr[160];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	const char *h[] = {hdr, NULL};
	char *body = plot_body("110105", "suspected", "R2");
	struct resp *first = call("PUT", path, key_of("ecology"), body, h);
	cr_assert_eq(first->status, 201, "%s", first->body);
	cr_assert_null(resp_header(first, "Idempotent-Replayed"));
	char etag[32];
	snprintf(etag, sizeof(etag), "%s", resp_header(first, "ETag"));

	struct resp *again = call("PUT", path, key_of("ecology"), body, h);
	cr_assert_eq(again->status, 201, "the same status again");
	cr_assert_str_eq(again->body, first->body, "the same body again");
	cr_assert_str_eq(resp_header(again, "Idempotent-Replayed"), "true");
	cr_assert_str_eq(resp_header(again, "ETag"), etag);
	resp_free(again);

	struct resp *got = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(json_integer_value(json_object_get(got->json, "version")), 1);
	resp_free(got);

	char *other = plot_body("110105", "preliminary_survey", "R2");
	struct resp *reused = call("PUT", path, key_of("ecology"), other, h);
	assert_problem(reused, 422, "/problems/idempotency-key-reused");
	resp_free(reused);
	/* Keys are per agency: another agency's same key is its own. */
	struct resp *planning = call("DELETE", path, key_of("planning"), NULL, h);
	assert_problem(planning, 403, NULL);
	resp_free(planning);
	resp_free(first);
	free(other);
	free(body);
	free(key);
	free(id);
}

Test(idempotency, replayed_problem_keeps_its_request_id)
{
	char *key = uniq("key-problem"), hdr[160];
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	const char *h[] = {hdr, NULL};
	struct resp *a = call("PUT", "/v1/plots/110105-IKP", key_of("ecology"), "{\"name\":1}", h);
	assert_problem(a, 422, NULL);
	struct resp *b = call("PUT", "/v1/plots/110105-IKP", key_of("ecology"), "{\"name\":1}", h);
	cr_assert_eq(b->status, 422);
	cr_assert_str_eq(json_string_value(json_object_get(b->json, "request_id")),
	                 json_string_value(json_object_get(a->json, "request_id")));
	cr_assert_str_neq(resp_header(b, "X-Request-ID"),
	                  json_string_value(json_object_get(a->json, "request_id")),
	                  "the header is the retry's own");
	resp_free(a);
	resp_free(b);
	free(key);
}

Test(idempotency, a_request_still_running_is_409)
{
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK);
	char *key = uniq("key-running");
	const char *params[] = {key};
	/* A claim made by this live session, as a server's would be while its write runs. */
	PGresult *res = PQexecParams(
	    c,
	    "INSERT INTO idempotency_keys (agency, key, fingerprint, claim_pid, claim_started) "
	    "SELECT 'ecology', $1, 'x', a.pid, a.backend_start "
	    "FROM pg_stat_get_activity(pg_backend_pid()) a",
	    1, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(res);
	char hdr[160];
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	const char *h[] = {hdr, NULL};
	struct resp *r = call("DELETE", "/v1/plots/110105-anything", key_of("ecology"), NULL, h);
	assert_problem(r, 409, "/problems/idempotency-in-progress");
	cr_assert_not_null(resp_header(r, "Retry-After"));
	resp_free(r);
	/* Once the claiming session is gone, nothing will finish the claim: a retry takes it
	 * over at once (the session may take a moment to leave). */
	PQfinish(c);
	long status = 409;
	for (int i = 0; i < 40 && status == 409; i++) {
		if (i)
			usleep(50 * 1000);
		r = call("DELETE", "/v1/plots/110105-anything", key_of("ecology"), NULL, h);
		status = r->status;
		resp_free(r);
	}
	cr_assert_eq(status, 404, "the retry ran (no such plot) once the claimant was gone");
	const char *bad[] = {"Idempotency-Key: has space", NULL};
	r = call("DELETE", "/v1/plots/110105-anything", key_of("ecology"), NULL, bad);
	assert_problem(r, 400, NULL);
	resp_free(r);
	free(key);
}

Test(idempotency, bulk_replay)
{
	char *key = uniq("key-bulk"), hdr[160], *id = uniq("110105-IKB");
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	const char *h[] = {hdr, NULL};
	char body[512];
	snprintf(
	    body, sizeof(body),
	    "[{\"id\":\"%s\",\"name\":\"幂等\",\"district\":\"110105\",\"status\":\"suspected\"}]",
	    id);
	struct resp *a = call("POST", "/v1/plots", key_of("ecology"), body, h);
	cr_assert_eq(a->status, 200, "%s", a->body);
	cr_assert_eq(json_integer_value(json_object_get(a->json, "created")), 1);
	struct resp *b = call("POST", "/v1/plots", key_of("ecology"), body, h);
	cr_assert_str_eq(b->body, a->body, "the first counts, not a second run's");
	cr_assert_str_eq(resp_header(b, "Idempotent-Replayed"), "true");
	resp_free(a);
	resp_free(b);
	free(id);
	free(key);
}
