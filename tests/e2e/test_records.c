/* Single-record API over HTTP: create, read, replace, patch, delete, conditions, validation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *path_of(const char *dataset, const char *id)
{
	char *p = malloc(512);
	snprintf(p, 512, "/v1/%s/%s", dataset, id);
	return p;
}

static struct resp *put_plot(const char *id, const char *body)
{
	char *p = path_of("plots", id);
	struct resp *r = call("PUT", p, key_of("ecology"), body, NULL);
	free(p);
	return r;
}

Test(records, put_creates_then_replaces_and_get_reads)
{
	char *id = uniq("110105-T");
	char *body = plot_body("110105", "suspected", "R2");
	struct resp *r = put_plot(id, body);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"1\"");
	cr_assert(strstr(resp_header(r, "Location"), id));
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "publisher")), "ecology");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "land_class")), "I");
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 1);
	cr_assert_not_null(json_string_value(json_object_get(r->json, "created_at")));
	resp_free(r);

	/* The same content again changes nothing. */
	r = put_plot(id, body);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 1);
	resp_free(r);

	char *p = path_of("plots", id);
	r = call("GET", p, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"1\"");
	cr_assert_eq(json_real_value(json_object_get(r->json, "area_m2")), 1234.5);
	resp_free(r);

	const char *inm[] = {"If-None-Match: \"1\"", NULL};
	r = call("GET", p, key_of("water"), NULL, inm);
	cr_assert_eq(r->status, 304);
	cr_assert_eq(r->len, 0);
	resp_free(r);

	/* A fetched record sent back (server-owned fields included) is accepted. */
	char *changed = plot_body("110105", "preliminary_survey", "M1");
	json_t *j = json_loads(changed, 0, NULL);
	json_object_set_new(j, "version", json_integer(99));
	json_object_set_new(j, "publisher", json_string("someone"));
	json_object_set_new(j, "land_class", json_string("I"));
	json_object_set_new(j, "id", json_string(id));
	char *text = json_dumps(j, 0);
	r = put_plot(id, text);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "land_class")), "II");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "publisher")), "ecology");
	resp_free(r);
	json_decref(j);
	free(text);
	free(changed);
	free(body);
	free(p);
	free(id);
}

Test(records, conditional_writes)
{
	char *id = uniq("110105-C");
	char *body = plot_body("110105", "suspected", "B1");
	char *p = path_of("plots", id);
	const char *create_only[] = {"If-None-Match: *", NULL};
	struct resp *r = call("PUT", p, key_of("ecology"), body, create_only);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = call("PUT", p, key_of("ecology"), body, create_only);
	assert_problem(r, 412, "/problems/precondition-failed");
	resp_free(r);

	const char *stale[] = {"If-Match: \"7\"", NULL};
	r = call("PUT", p, key_of("ecology"), body, stale);
	assert_problem(r, 412, NULL);
	cr_assert(strstr(r->body, "version 1"), "%s", r->body);
	resp_free(r);

	const char *fresh[] = {"If-Match: \"1\"", "Content-Type: application/merge-patch+json",
	                       NULL};
	r = call("PATCH", p, key_of("ecology"), "{\"address\":\"北京市朝阳区测试路1号\"}", fresh);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"2\"");
	resp_free(r);

	r = call("DELETE", p, key_of("ecology"), NULL, stale);
	assert_problem(r, 412, NULL);
	resp_free(r);
	free(p);
	free(body);
	free(id);
}

Test(records, patch_merges_and_null_removes)
{
	char *id = uniq("110108-P");
	char *p = path_of("plots", id);
	struct resp *r =
	    call("PUT", p, key_of("ecology"),
	         "{\"name\":\"原测试化工厂\",\"district\":\"110108\",\"status\":\"suspected\","
	         "\"address\":\"海淀区某路\",\"pollutants\":[\"As\",\"Cd\"]}",
	         NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	r = call("PATCH", p, key_of("ecology"),
	         "{\"address\":null,\"pollutants\":[\"Pb\"],\"status\":\"preliminary_survey\"}",
	         mp);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(json_object_get(r->json, "address"));
	cr_assert_eq(json_array_size(json_object_get(r->json, "pollutants")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "status")),
	                 "preliminary_survey");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "name")), "原测试化工厂");
	resp_free(r);

	r = call("PATCH", p, key_of("ecology"), "{\"area_m2\":-5}", mp);
	assert_problem(r, 422, "/problems/validation");
	resp_free(r);

	r = call("PATCH", "/v1/plots/110108-never-existed", key_of("ecology"), "{\"name\":\"x\"}",
	         mp);
	assert_problem(r, 404, NULL);
	resp_free(r);

	r = call("PATCH", p, key_of("ecology"), "{\"name\":\"x\"}",
	         (const char *const[]){"Content-Type: text/plain", NULL});
	assert_problem(r, 415, "/problems/unsupported-media-type");
	resp_free(r);
	free(p);
	free(id);
}

Test(records, delete_then_recreate_continues_version)
{
	char *id = uniq("110106-D");
	char *p = path_of("plots", id);
	char *body = plot_body("110106", "cleared", "R2");
	struct resp *r = call("PUT", p, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201);
	resp_free(r);
	r = call("DELETE", p, key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = call("GET", p, key_of("water"), NULL, NULL);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	r = call("DELETE", p, key_of("ecology"), NULL, NULL);
	assert_problem(r, 404, NULL);
	resp_free(r);
	r = call("PUT", p, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 3,
	             "version 1, deleted at 2, created again at 3: %s", r->body);
	resp_free(r);
	free(body);
	free(p);
	free(id);
}

Test(records, validation_errors_name_each_field)
{
	struct resp *r =
	    put_plot("110105-V-1", "{\"name\":\"\",\"district\":\"110103\",\"status\":"
	                           "\"bogus\",\"colour\":\"red\",\"area_m2\":\"big\"}");
	assert_problem(r, 422, "/problems/validation");
	json_t *errs = json_object_get(r->json, "errors");
	cr_assert_geq(json_array_size(errs), 5, "%s", r->body);
	const char *want[] = {"/name", "/district", "/status", "/colour", "/area_m2"};
	for (size_t w = 0; w < 5; w++) {
		bool found = false;
		size_t i;
		json_t *e;
		json_array_foreach(errs, i, e)
		{
			if (strcmp(json_string_value(json_object_get(e, "pointer")), want[w]) ==
			    0) {
				found = true;
				cr_assert_gt(
				    strlen(json_string_value(json_object_get(e, "message"))), 5);
			}
		}
		cr_assert(found, "an error for %s in %s", want[w], r->body);
	}
	cr_assert(strstr(r->body, "110101"), "the retired district names its successor: %s",
	          r->body);
	resp_free(r);

	r = put_plot("110105-V-2", "{\"id\":\"other\",\"name\":\"n\",\"district\":\"110105\","
	                           "\"status\":\"suspected\"}");
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "\"/id\""), "%s", r->body);
	resp_free(r);

	r = put_plot("bad%20id",
	             "{\"name\":\"n\",\"district\":\"110105\",\"status\":\"suspected\"}");
	assert_problem(r, 422, NULL);
	resp_free(r);
}

Test(records, malformed_bodies_are_400)
{
	const char *bad[] = {"{", "{\"name\":1,\"name\":2}", "[1,2", "\xff\xfe", "", "nul"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = put_plot("110105-M", bad[i]);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
	}
	char deep[200];
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	struct resp *r = put_plot("110105-M", deep);
	assert_problem(r, 400, NULL);
	cr_assert(strstr(r->body, "64"), "%s", r->body);
	resp_free(r);
	r = put_plot("110105-M", "[1]");
	assert_problem(r, 422, NULL);
	resp_free(r);
	r = call("PUT", "/v1/plots/110105-M", key_of("ecology"), "{}",
	         (const char *const[]){"Content-Type: text/csv", NULL});
	assert_problem(r, 415, NULL);
	resp_free(r);
}

/* Valid JSON of the wrong type is no malformed body: 422 at the body's root, saying that an
 * object is expected. */
Test(records, non_object_bodies_are_422_at_the_root)
{
	const char *bodies[] = {"\"just a string\"", "123", "null", "true", "[]"};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct resp *r = put_plot("110105-M", bodies[i]);
		assert_problem(r, 422, "/problems/validation");
		json_t *first = json_array_get(json_object_get(r->json, "errors"), 0);
		cr_assert_str_eq(json_string_value(json_object_get(first, "pointer")), "", "%s: %s",
		                 bodies[i], r->body);
		cr_assert(strstr(json_string_value(json_object_get(first, "message")), "object"),
		          "%s: %s", bodies[i], r->body);
		resp_free(r);
	}
	struct resp *r =
	    call("PATCH", "/v1/plots/110105-M", key_of("ecology"), "123",
	         (const char *const[]){"Content-Type: application/merge-patch+json", NULL});
	assert_problem(r, 422, "/problems/validation");
	resp_free(r);
}

Test(records, body_over_one_mebibyte_is_413)
{
	size_t n = (1u << 20) + 100;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	struct resp *r = put_plot("110105-BIG", big);
	assert_problem(r, 413, "/problems/payload-too-large");
	resp_free(r);
	free(big);
}

Test(records, status_follows_the_lifecycle)
{
	char *id = uniq("110111-L");
	char *p = path_of("plots", id);
	char *body = plot_body("110111", "suspected", "M1");
	struct resp *r = call("PUT", p, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201);
	resp_free(r);
	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	r = call("PATCH", p, key_of("ecology"), "{\"status\":\"listed\"}", mp);
	assert_problem(r, 409, "/problems/invalid-transition");
	json_t *allowed = json_object_get(r->json, "allowed");
	cr_assert_eq(json_array_size(allowed), 1);
	cr_assert_str_eq(json_string_value(json_array_get(allowed, 0)), "preliminary_survey");
	resp_free(r);
	const char *path[] = {"preliminary_survey",
	                      "exceeds_screening",
	                      "detailed_survey",
	                      "risk_assessment",
	                      "listed",
	                      "under_control",
	                      "effect_evaluation",
	                      "delisted",
	                      "post_management",
	                      "closed"};
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		char patch[96];
		snprintf(patch, sizeof(patch), "{\"status\":\"%s\"}", path[i]);
		r = call("PATCH", p, key_of("ecology"), patch, mp);
		cr_assert_eq(r->status, 200, "to %s: %s", path[i], r->body);
		resp_free(r);
	}
	r = call("PATCH", p, key_of("ecology"), "{\"status\":\"suspected\"}", mp);
	assert_problem(r, 409, NULL);
	cr_assert(strstr(r->body, "it may go to: preliminary_survey"),
	          "a closed plot may only be surveyed again: %s", r->body);
	resp_free(r);
	free(body);
	free(p);
	free(id);
}

Test(records, geometry_is_checked)
{
	const char *outside = "{\"name\":\"n\",\"district\":\"110105\",\"status\":\"suspected\","
	                      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.4,31.2],"
	                      "[121.5,31.2],[121.5,31.3],[121.4,31.2]]]}}";
	struct resp *r = put_plot("110105-G-1", outside);
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "/geometry") && strstr(r->body, "outside Beijing"), "%s",
	          r->body);
	resp_free(r);
	const char *bowtie = "{\"name\":\"n\",\"district\":\"110105\",\"status\":\"suspected\","
	                     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.40,39.90],"
	                     "[116.41,39.91],[116.41,39.90],[116.40,39.91],[116.40,39.90]]]}}";
	r = put_plot("110105-G-2", bowtie);
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "Self-intersection"), "PostGIS names the fault: %s", r->body);
	resp_free(r);
	char *id = uniq("110105-G");
	const char *ok = "{\"name\":\"n\",\"district\":\"110105\",\"status\":\"suspected\","
	                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.40,39.90],"
	                 "[116.41,39.90],[116.41,39.91],[116.40,39.91],[116.40,39.90]]]}}";
	r = put_plot(id, ok);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_t *ring =
	    json_array_get(json_object_get(json_object_get(r->json, "geometry"), "coordinates"), 0);
	cr_assert_eq(json_real_value(json_array_get(json_array_get(ring, 1), 0)), 116.41);
	resp_free(r);
	free(id);
}

Test(records, supervised_unit_uscc_is_checked)
{
	const char *body = "{\"name\":\"北京测试化工有限公司\",\"industry_code\":\"C2614\","
	                   "\"district\":\"110112\",\"listed_year\":2020,\"obligations\":"
	                   "{\"hazard_check\":\"2024-06-30\",\"annual_report\":null}}";
	struct resp *r =
	    call("PUT", "/v1/supervised-units/91110112MA01ABCD1X", key_of("ecology"), body, NULL);
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "check digit"), "%s", r->body);
	resp_free(r);
	/* 91110000802100433B is a published code with a correct check digit. */
	r = call("PUT", "/v1/supervised-units/91110000802100433B", key_of("ecology"), body, NULL);
	cr_assert(r->status == 201 || r->status == 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "listed_year")), 2020);
	resp_free(r);
}

Test(records, land_use_change_plot_link)
{
	char *chg = uniq("京规自变");
	char path[512];
	snprintf(path, sizeof(path), "/v1/land-use-changes/%s", chg);
	/* libcurl sends the UTF-8 path bytes as they are. */
	struct resp *r = call("PUT", path, key_of("planning"),
	                      "{\"plot_id\":\"110105-missing-plot\",\"district\":\"110105\","
	                      "\"to_use\":\"R2\",\"approved_on\":\"2024-05-01\"}",
	                      NULL);
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "/plot_id"), "%s", r->body);
	resp_free(r);

	char *plot = uniq("110105-K");
	char ppath[256];
	snprintf(ppath, sizeof(ppath), "/v1/plots/%s", plot);
	char *pb = plot_body("110105", "suspected", "M1");
	r = call("PUT", ppath, key_of("ecology"), pb, NULL);
	cr_assert_eq(r->status, 201);
	resp_free(r);
	char body[512];
	snprintf(body, sizeof(body),
	         "{\"plot_id\":\"%s\",\"district\":\"110105\",\"from_use\":\"M1\","
	         "\"to_use\":\"A33\",\"approved_on\":\"2024-05-01\"}",
	         plot);
	r = call("PUT", path, key_of("planning"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = call("DELETE", ppath, key_of("ecology"), NULL, NULL);
	assert_problem(r, 409, "/problems/conflict");
	cr_assert(strstr(r->body, "land-use-changes"), "names the linking record: %s", r->body);
	resp_free(r);
	r = call("DELETE", path, key_of("planning"), NULL, NULL);
	cr_assert_eq(r->status, 204);
	resp_free(r);
	r = call("DELETE", ppath, key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	free(pb);
	free(plot);
	free(chg);
}
