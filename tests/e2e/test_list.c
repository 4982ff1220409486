/* Lists over HTTP: keyset pagination, filters, cursors and their errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Huairou (110116) is used by this test only, so its plots are exactly the ones made here. */
#define N_PLOTS 23

Test(list, pages_cover_every_record_once)
{
	const char *statuses[] = {"suspected", "listed", "cleared"};
	char *ids[N_PLOTS];
	for (int i = 0; i < N_PLOTS; i++) {
		ids[i] = uniq("110116-L");
		char path[256];
		snprintf(path, sizeof(path), "/v1/plots/%s", ids[i]);
		char *body = plot_body("110116", statuses[i % 3], "G1");
		struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
		cr_assert_eq(r->status, 201, "%s", r->body);
		resp_free(r);
		free(body);
	}
	/* Walk the district's pages, 5 at a time, following next_cursor. */
	int seen = 0, pages = 0, mine = 0;
	char last[256] = "";
	char path[1024];
	snprintf(path, sizeof(path), "/v1/plots?district=110116&limit=5");
	for (;;) {
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		json_t *items = json_object_get(r->json, "items");
		cr_assert_leq(json_array_size(items), 5);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			const char *id = json_string_value(json_object_get(it, "id"));
			cr_assert_gt(strcmp(id, last), 0, "ids ascend without repeats: %s after %s",
			             id, last);
			snprintf(last, sizeof(last), "%s", id);
			cr_assert_str_eq(json_string_value(json_object_get(it, "district")),
			                 "110116");
			for (int k = 0; k < N_PLOTS; k++)
				mine += strcmp(ids[k], id) == 0;
			seen++;
		}
		pages++;
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		const char *link = resp_header(r, "Link");
		if (!next) {
			cr_assert_null(link, "no Link on the last page");
			resp_free(r);
			break;
		}
		cr_assert(link && strstr(link, next) && strstr(link, "rel=\"next\"") &&
		              strstr(link, "district=110116"),
		          "Link carries the cursor and the filters: %s", link ? link : "(none)");
		snprintf(path, sizeof(path), "/v1/plots?district=110116&limit=5&cursor=%s", next);
		resp_free(r);
		cr_assert_lt(pages, 100);
	}
	cr_assert_eq(mine, N_PLOTS, "every plot made here was listed once (seen %d)", seen);
	cr_assert_geq(pages, (N_PLOTS + 4) / 5);

	/* Any-of filter on status with the derived land class. */
	struct resp *r = call("GET",
	                      "/v1/plots?district=110116&status=listed,cleared&land_class=II"
	                      "&limit=1000",
	                      key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	size_t i;
	json_t *it;
	int listed_or_cleared = 0;
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	{
		const char *st = json_string_value(json_object_get(it, "status"));
		cr_assert(strcmp(st, "listed") == 0 || strcmp(st, "cleared") == 0, "%s", st);
		listed_or_cleared++;
	}
	cr_assert_geq(listed_or_cleared, (N_PLOTS / 3) * 2);
	resp_free(r);
	for (int k = 0; k < N_PLOTS; k++)
		free(ids[k]);
}

Test(list, cursor_is_bound_to_its_filters)
{
	for (int i = 0; i < 2; i++) {
		char *id = uniq("110105-CB"), path[256];
		snprintf(path, sizeof(path), "/v1/plots/%s", id);
		char *body = plot_body("110105", "suspected", "R2");
		struct resp *w = call("PUT", path, key_of("ecology"), body, NULL);
		cr_assert_eq(w->status, 201, "%s", w->body);
		resp_free(w);
		free(body);
		free(id);
	}
	struct resp *r = call("GET", "/v1/plots?limit=1", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
	cr_assert_not_null(next, "there is more than one plot: %s", r->body);
	char path[512];
	snprintf(path, sizeof(path), "/v1/plots?limit=1&status=listed&cursor=%s", next);
	struct resp *r2 = call("GET", path, key_of("water"), NULL, NULL);
	assert_problem(r2, 400, "/problems/bad-request");
	cr_assert(strstr(r2->body, "filters"), "%s", r2->body);
	resp_free(r2);
	resp_free(r);
}

Test(list, bad_parameters_are_400)
{
	const char *bad[] = {
	    "/v1/plots?limit=0",
	    "/v1/plots?limit=1001",
	    "/v1/plots?limit=ten",
	    "/v1/plots?cursor=not-a-cursor",
	    "/v1/plots?colour=red",
	    "/v1/plots?status=listed&status=cleared",
	    "/v1/plots?status=exploded",
	    "/v1/plots?land_class=III",
	    "/v1/plots?updated_since=yesterday",
	    "/v1/plots?district=110103",
	    "/v1/supervised-units?listed_year=1999",
	    "/v1/land-use-changes?status=listed",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = call("GET", bad[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
	}
	struct resp *r = call("GET", "/v1/plots?colour=red", key_of("water"), NULL, NULL);
	cr_assert(strstr(r->body, "status") && strstr(r->body, "planned_use"),
	          "the message lists the filters: %s", r->body);
	resp_free(r);
}

/* Hundreds of query parameters: an answer, the SPEC's 400, never a closed connection. */
Test(list, hundreds_of_parameters_get_a_400)
{
	static char many[8192], repeated[16384];
	size_t m = (size_t)snprintf(many, sizeof(many), "/v1/plots?p0=1");
	size_t n = (size_t)snprintf(repeated, sizeof(repeated), "/v1/plots?district=110105");
	for (int i = 1; i < 500; i++) {
		m += (size_t)snprintf(many + m, sizeof(many) - m, "&p%d=1", i);
		n += (size_t)snprintf(repeated + n, sizeof(repeated) - n, "&district=110105");
	}
	cr_assert_lt(m, sizeof(many) - 1);
	cr_assert_lt(n, sizeof(repeated) - 1);
	const char *paths[] = {many, repeated};
	for (size_t i = 0; i < 2; i++) {
		struct resp *r = call("GET", paths[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		cr_assert(strstr(r->body, "too many query parameters"), "%s", r->body);
		resp_free(r);
	}
	/* 64 parameters are still parsed and judged one by one. */
	char some[1024];
	size_t len = (size_t)snprintf(some, sizeof(some), "/v1/plots?q0=1");
	for (int i = 1; i < 64; i++)
		len += (size_t)snprintf(some + len, sizeof(some) - len, "&q%d=1", i);
	struct resp *r = call("GET", some, key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	/* The same many parameters on another route, and without a key, are answered too. */
	static char feed[8192 + 16];
	snprintf(feed, sizeof(feed), "/v1/changes?%s", many + strlen("/v1/plots?"));
	r = call("GET", feed, key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	r = call("GET", many, NULL, NULL, NULL);
	cr_assert(r->status == 400 || r->status == 401, "%ld", r->status);
	cr_assert_not_null(r->json, "a problem body: %s", r->body);
	resp_free(r);
}

/* Filter values may hold quotes, backslashes and braces: they are data, not syntax, so
 * values shaped to break out of an array literal match nothing (not ecology's plots). */
Test(list, filter_values_with_quotes_and_braces_work)
{
	char *id = uniq("110105-Q");
	char path0[128];
	snprintf(path0, sizeof(path0), "/v1/plots/%s", id);
	char *body = plot_body("110105", "suspected", "R2");
	struct resp *w = call("PUT", path0, key_of("ecology"), body, NULL);
	cr_assert_eq(w->status, 201, "%s", w->body);
	resp_free(w);
	free(body);
	free(id);
	const char *odd[] = {
	    "%22",           "%5C",  "%7B",       "%7D", "a%22%2C%7Bb%7D", "ecology%22,%22planning",
	    "%7Becology%7D", "x%5C", "ecology%5C"};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/v1/plots?publisher=%s", odd[i]);
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 0, "%s", r->body);
		resp_free(r);
		snprintf(path, sizeof(path), "/v1/findings?plot_id=%s", odd[i]);
		r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		resp_free(r);
	}
}

Test(list, updated_since_and_publisher_filter)
{
	struct resp *r = call("GET",
	                      "/v1/plots?updated_since=2000-01-01T00:00:00Z&publisher=ecology"
	                      "&limit=3",
	                      key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	    cr_assert_str_eq(json_string_value(json_object_get(it, "publisher")), "ecology");
	resp_free(r);
	r = call("GET", "/v1/plots?updated_since=2099-01-01T00:00:00%2B08:00", key_of("water"),
	         NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 0);
	cr_assert_null(json_object_get(r->json, "next_cursor"));
	resp_free(r);
}
