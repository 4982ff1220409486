/* Webhook subscriptions on a server whose operator allows no network (the default): nothing
 * can be subscribed, and the routes answer like the rest of the API. The deliveries
 * themselves are tested against a receiver in tests/restart/test_webhooks.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

Test(subscriptions, nothing_is_subscribed_until_the_operator_allows_a_network)
{
	struct resp *r =
	    call("POST", "/v1/subscriptions", key_of("water"),
	         "{\"url\": \"http://127.0.0.1:9/hook\", \"datasets\": [\"plots\"]}", NULL);
	assert_problem(r, 422, "/problems/validation");
	json_t *e = json_array_get(json_object_get(r->json, "errors"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(e, "pointer")), "/url");
	cr_assert(strstr(json_string_value(json_object_get(e, "message")), "--webhook-allow"),
	          "says what the operator has to do: %s", r->body);
	resp_free(r);
	/* The body is checked before the networks. */
	r = call("POST", "/v1/subscriptions", key_of("water"),
	         "{\"url\": \"http://127.0.0.1:9/hook\", \"datasets\": [\"plotz\"]}", NULL);
	assert_problem(r, 422, "/problems/validation");
	cr_assert(strstr(r->body, "/datasets/0"), "%s", r->body);
	resp_free(r);
}

Test(subscriptions, routes_answer_like_the_rest_of_the_api)
{
	struct resp *r = call("GET", "/v1/subscriptions", NULL, NULL, NULL);
	assert_problem(r, 401, "/problems/unauthorized");
	resp_free(r);
	r = call("GET", "/v1/subscriptions", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(json_is_array(json_object_get(r->json, "items")), "%s", r->body);
	resp_free(r);
	r = call("GET", "/v1/subscriptions?district=110105", key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	static const char *const missing[][2] = {
	    {"GET", "/v1/subscriptions/sub_000000000000000000000000"},
	    {"DELETE", "/v1/subscriptions/sub_000000000000000000000000"},
	    {"POST", "/v1/subscriptions/sub_000000000000000000000000/rotate-secret"},
	    {"GET", "/v1/subscriptions/sub_000000000000000000000000/deliveries"},
	    {"POST", "/v1/subscriptions/sub_000000000000000000000000/deliveries/msg_1/retry"},
	};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		r = call(missing[i][0], missing[i][1], key_of("water"), NULL, NULL);
		assert_problem(r, 404, "/problems/not-found");
		resp_free(r);
	}
	r = call("PUT", "/v1/subscriptions", key_of("water"), "{}", NULL);
	assert_problem(r, 405, "/problems/method-not-allowed");
	cr_assert(strstr(resp_header(r, "Allow"), "POST"), "Allow: %s", resp_header(r, "Allow"));
	resp_free(r);
	r = call("POST", "/v1/subscriptions", key_of("water"), "[1, 2",
	         (const char *const[]){"Content-Type: application/json", NULL});
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
}

Test(subscriptions, metrics_count_deliveries_by_outcome)
{
	struct resp *r = call("GET", "/metrics", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	static const char *const outcomes[] = {"delivered", "retried", "failed", "disabled"};
	for (size_t i = 0; i < 4; i++) {
		char *series =
		    strfmt("soilshare_webhook_deliveries_total{outcome=\"%s\"} ", outcomes[i]);
		cr_assert(strstr(r->body, series), "%s is exported", series);
		free(series);
	}
	cr_assert(strstr(r->body, "# TYPE soilshare_webhook_backlog gauge"));
	resp_free(r);
}
