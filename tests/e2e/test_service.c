/* Service endpoints, routing errors and request ids over HTTP. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

Test(service, healthz_needs_no_key)
{
	struct resp *r = call("GET", "/healthz", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "ok");
	cr_assert_not_null(resp_header(r, "X-Request-ID"));
	resp_free(r);
}

Test(service, readyz_reports_schema_version)
{
	struct resp *r = call("GET", "/readyz", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "ready");
	cr_assert_geq(json_integer_value(json_object_get(r->json, "schema_version")), 3);
	resp_free(r);
}

/* The value of the series `name{labels}` (exact text up to the value) in a scrape, or -1. */
static double series(const char *body, const char *line_start)
{
	size_t n = strlen(line_start);
	for (const char *p = body; (p = strstr(p, line_start)) != NULL; p += n)
		if ((p == body || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	return -1;
}

static char *scrape(void)
{
	struct resp *r = call("GET", "/metrics", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/plain"));
	char *body = strdup(r->body);
	resp_free(r);
	return body;
}

/* Known requests move their route's counter and latency histogram (other tests run at the
 * same time, so the counts grow by at least as much). */
Test(service, metrics_count_requests_by_route_and_status)
{
	char *before = scrape();
	cr_assert(strstr(before, "# TYPE soilshare_http_requests_total counter"));
	cr_assert(strstr(before, "# TYPE soilshare_http_request_duration_seconds histogram"));
	cr_assert(strstr(before, "# TYPE soilshare_db_query_duration_seconds histogram"));
	cr_assert(strstr(before, "# TYPE soilshare_db_connection_wait_seconds histogram"));
	cr_assert(strstr(before, "soilshare_feed_lag_seconds "));
	cr_assert(
	    strstr(before, "soilshare_findings_open{rule=\"sensitive-use-before-clearance\"} "));
	static const char ok[] =
	    "soilshare_http_requests_total{method=\"GET\",route=\"/v1/districts\",status=\"200\"}";
	static const char refused[] =
	    "soilshare_http_requests_total{method=\"GET\",route=\"/v1/districts\",status=\"401\"}";
	static const char bucket[] =
	    "soilshare_http_request_duration_seconds_bucket{method=\"GET\","
	    "route=\"/v1/districts\",le=\"10\"}";
	static const char count[] = "soilshare_http_request_duration_seconds_count{method=\"GET\","
	                            "route=\"/v1/districts\"}";
	double ok0 = series(before, ok), refused0 = series(before, refused);
	double bucket0 = series(before, bucket), count0 = series(before, count);
	for (int i = 0; i < 3; i++) {
		struct resp *r = call("GET", "/v1/districts", key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200);
		resp_free(r);
	}
	struct resp *r = call("GET", "/v1/districts", NULL, NULL, NULL);
	cr_assert_eq(r->status, 401);
	resp_free(r);
	/* A request is counted when its connection reports it complete, just after the
	 * client has its answer: scrape until the counts arrive (a second at most). */
	char *after = NULL;
	for (int tries = 0; tries < 20; tries++) {
		free(after);
		after = scrape();
		if (series(after, refused) >= (refused0 < 0 ? 0 : refused0) + 1 &&
		    series(after, count) >= (count0 < 0 ? 0 : count0) + 4)
			break;
		usleep(50 * 1000);
	}
	cr_assert_geq(series(after, ok), (ok0 < 0 ? 0 : ok0) + 3, "200s counted:\n%s", after);
	cr_assert_geq(series(after, refused), (refused0 < 0 ? 0 : refused0) + 1, "401 counted");
	cr_assert_geq(series(after, bucket), (bucket0 < 0 ? 0 : bucket0) + 4,
	              "the le=10 bucket moved");
	cr_assert_geq(series(after, count), (count0 < 0 ? 0 : count0) + 4);
	free(before);
	free(after);
}

Test(service, openapi_json_is_the_repository_document)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/openapi/openapi.json", need_env("SOILSHARE_ROOT"));
	json_error_t err;
	json_t *file = json_load_file(path, 0, &err);
	cr_assert_not_null(file, "%s: %s", path, err.text);
	struct resp *r = call("GET", "/openapi.json", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(json_equal(file, r->json), "served document differs from openapi/openapi.json");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "openapi")), "3.1.0");
	json_decref(file);
	resp_free(r);
}

Test(service, request_id_is_echoed_or_generated)
{
	const char *h[] = {"X-Request-ID: my-trace.42", NULL};
	struct resp *r = call("GET", "/healthz", NULL, NULL, h);
	cr_assert_str_eq(resp_header(r, "X-Request-ID"), "my-trace.42");
	resp_free(r);
	const char *bad[] = {"X-Request-ID: has spaces and <tags>", NULL};
	r = call("GET", "/healthz", NULL, NULL, bad);
	const char *rid = resp_header(r, "X-Request-ID");
	cr_assert(rid && strlen(rid) == 36, "a generated UUID replaces an unusable id, got %s",
	          rid);
	resp_free(r);
}

Test(service, unknown_route_is_problem_404)
{
	struct resp *r = call("GET", "/nothing/here", NULL, NULL, NULL);
	assert_problem(r, 404, "/problems/not-found");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "instance")), "/nothing/here");
	resp_free(r);
	r = call("GET", "/v1/no-such-dataset", key_of("water"), NULL, NULL);
	assert_problem(r, 404, "/problems/not-found");
	cr_assert(strstr(r->body, "/v1/datasets"), "points to the catalogue: %s", r->body);
	resp_free(r);
	r = call("GET", "/v1/plots/", key_of("water"), NULL, NULL);
	assert_problem(r, 404, NULL);
	resp_free(r);
}

/* A path that is not UTF-8 is a 400; it, or a long path quoted cut short, still gets every
 * member of the problem, in UTF-8 (bytes that are no character become U+FFFD). */
Test(service, problem_quotes_paths_that_are_not_utf8)
{
	struct resp *r = call("GET", "/v1/plots/%FF", key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	const char *instance = json_string_value(json_object_get(r->json, "instance"));
	cr_assert_not_null(instance, "no instance in %s", r->body);
	cr_assert_str_eq(instance, "/v1/plots/\xEF\xBF\xBD");
	resp_free(r);
	char path[256] = "/v1/";
	for (int i = 0; i < 22; i++)
		strcat(path, "%E4%BA%AC"); /* 京: the quote of 64 bytes would cut the 22nd */
	r = call("GET", path, key_of("water"), NULL, NULL);
	assert_problem(r, 404, "/problems/not-found");
	const char *detail = json_string_value(json_object_get(r->json, "detail"));
	cr_assert_not_null(detail, "no detail in %s", r->body);
	cr_assert(strstr(detail, "京京京京京京京京京京京京京京京京京京京京京\""),
	          "21 whole characters quoted: %s", detail);
	resp_free(r);
}

Test(service, wrong_method_is_405_with_allow)
{
	struct resp *r = call("DELETE", "/healthz", NULL, NULL, NULL);
	assert_problem(r, 405, "/problems/method-not-allowed");
	cr_assert_str_eq(resp_header(r, "Allow"), "GET, HEAD");
	resp_free(r);
	r = call("POST", "/v1/plots/x", key_of("ecology"), "{}", NULL);
	assert_problem(r, 405, NULL);
	cr_assert_str_eq(resp_header(r, "Allow"), "GET, HEAD, PUT, PATCH, DELETE");
	resp_free(r);
}

Test(service, head_answers_like_get_without_body)
{
	struct resp *r = call("HEAD", "/healthz", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(r->len, 0);
	resp_free(r);
}

Test(service, reference_lists)
{
	struct resp *r = call("GET", "/v1/districts", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), 17, "16 districts and E-Town");
	bool etown = false;
	size_t i;
	json_t *d;
	json_array_foreach(
	    items, i, d) if (strcmp(json_string_value(json_object_get(d, "code")), "110302") == 0)
	    etown = json_is_false(json_object_get(d, "gb2260"));
	cr_assert(etown, "E-Town is listed with gb2260 false");
	resp_free(r);
	r = call("GET", "/v1/agencies", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 15);
	resp_free(r);
}

Test(service, catalogue_lists_every_dataset)
{
	struct resp *r = call("GET", "/v1/datasets", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), 12);
	json_t *first = json_array_get(items, 0);
	cr_assert_str_eq(json_string_value(json_object_get(first, "name")), "plots");
	cr_assert_str_eq(json_string_value(json_object_get(first, "title_zh")), "地块（污染状况）");
	cr_assert(json_is_integer(json_object_get(first, "count")));
	cr_assert_eq(json_array_size(json_object_get(first, "publishers")), 2);
	cr_assert_not_null(json_object_get(first, "last_changed_at"));
	resp_free(r);
}

Test(service, framing_conflicts_are_400)
{
	/* Content-Length twice: the server must refuse, not guess. */
	const char *h[] = {"Content-Length: 2", "Content-Length: 2", NULL};
	struct resp *r = call("PUT", "/v1/plots/framing-test", key_of("ecology"), "{}", h);
	cr_assert(r->status == 400, "got %ld", r->status);
	resp_free(r);
	r = call("GET", "/healthz", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200, "server healthy afterwards");
	resp_free(r);
}

Test(service, oversized_header_block_is_431)
{
	char *big = malloc(20000);
	strcpy(big, "X-Filler: ");
	memset(big + 10, 'a', 17000);
	big[17010] = '\0';
	const char *h[] = {big, NULL};
	struct resp *r = call("GET", "/healthz", NULL, NULL, h);
	cr_assert_eq(r->status, 431, "got %ld", r->status);
	resp_free(r);
	free(big);
}

Test(service, unacceptable_accept_is_406)
{
	const char *h[] = {"Accept: text/html", NULL};
	struct resp *r = call("GET", "/v1/datasets", key_of("water"), NULL, h);
	assert_problem(r, 406, "/problems/not-acceptable");
	resp_free(r);
	const char *ok[] = {"Accept: text/html, application/json;q=0.9", NULL};
	r = call("GET", "/v1/datasets", key_of("water"), NULL, ok);
	cr_assert_eq(r->status, 200);
	resp_free(r);
}

Test(service, content_length_with_transfer_encoding_is_400)
{
	const char *h[] = {"Content-Length: 2", "Transfer-Encoding: chunked", NULL};
	struct resp *r = call("PUT", "/v1/plots/framing-te", key_of("ecology"), "{}", h);
	cr_assert(r->status == 400, "got %ld", r->status);
	resp_free(r);
}
