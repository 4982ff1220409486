/* The 名录's authority over HTTP (SPEC §3, §4): who may list, delist, create in the
 * directory and delete; delete-and-create cannot skip the lifecycle; the new arrows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define D        "110105" /* the district whose key the tests hold */
#define DISTRICT "district:110105"

static const char *const MERGE[] = {"Content-Type: application/merge-patch+json", NULL};

static long put_plot(const char *who, const char *id, const char *status)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	char *body = plot_body(D, status, "R2");
	struct resp *r = call("PUT", path, key_of(who), body, NULL);
	long s = r->status;
	if (s == 403)
		cr_assert(strstr(r->body, "ecology"), "a 403 names who may: %s", r->body);
	resp_free(r);
	free(body);
	return s;
}

static long set_status(const char *who, const char *id, const char *status)
{
	char path[256], body[96];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	snprintf(body, sizeof(body), "{\"status\":\"%s\"}", status);
	struct resp *r = call("PATCH", path, key_of(who), body, MERGE);
	long s = r->status;
	if (s == 403)
		cr_assert(strstr(r->body, "ecology"), "a 403 names who may: %s", r->body);
	resp_free(r);
	return s;
}

static long delete_plot(const char *who, const char *id)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	struct resp *r = call("DELETE", path, key_of(who), NULL, NULL);
	long s = r->status;
	resp_free(r);
	return s;
}

static const char *status_of(const char *id)
{
	static char status[64];
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(status, sizeof(status), "%s",
	         json_string_value(json_object_get(r->json, "status")));
	resp_free(r);
	return status;
}

Test(authority, listing_and_delisting_are_ecology_decisions)
{
	char *id = uniq(D "-L");
	cr_assert_eq(put_plot(DISTRICT, id, "risk_assessment"), 201);
	cr_assert_eq(set_status(DISTRICT, id, "listed"), 403, "a district key lists nothing");
	cr_assert_str_eq(status_of(id), "risk_assessment", "the refused change wrote nothing");
	cr_assert_eq(set_status("ecology", id, "listed"), 200);
	/* The steps inside the 名录 are the district's to take. */
	cr_assert_eq(set_status(DISTRICT, id, "under_control"), 200);
	cr_assert_eq(set_status(DISTRICT, id, "effect_evaluation"), 200);
	cr_assert_eq(set_status(DISTRICT, id, "delisted"), 403, "a district key delists nothing");
	cr_assert_str_eq(status_of(id), "effect_evaluation");
	cr_assert_eq(set_status("ecology", id, "delisted"), 200);
	cr_assert_eq(set_status(DISTRICT, id, "post_management"), 200);
	free(id);
}

Test(authority, creating_a_plot_in_the_directory_needs_ecology)
{
	const char *states[] = {"listed", "under_control", "effect_evaluation", "delisted"};
	for (size_t i = 0; i < 4; i++) {
		char *id = uniq(D "-C");
		cr_assert_eq(put_plot(DISTRICT, id, states[i]), 403, "%s", states[i]);
		cr_assert_eq(put_plot("ecology", id, states[i]), 201, "%s", states[i]);
		free(id);
	}
	char *id = uniq(D "-C");
	cr_assert_eq(put_plot(DISTRICT, id, "cleared"), 201, "other states are the district's");
	free(id);
	/* In bulk too, for that record alone. */
	char *a = uniq(D "-B"), *b = uniq(D "-B");
	char body[1024];
	snprintf(body, sizeof(body),
	         "[{\"id\":\"%s\",\"name\":\"甲\",\"district\":\"" D "\",\"status\":\"suspected\"},"
	         "{\"id\":\"%s\",\"name\":\"乙\",\"district\":\"" D "\",\"status\":\"listed\"}]",
	         a, b);
	struct resp *r = call("POST", "/v1/plots", key_of(DISTRICT), body, NULL);
	assert_problem(r, 422, "/problems/validation");
	json_t *e = json_array_get(json_object_get(r->json, "errors"), 0);
	cr_assert_eq(json_array_size(json_object_get(r->json, "errors")), 1, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(e, "pointer")), "/1/status", "%s",
	                 r->body);
	cr_assert(strstr(json_string_value(json_object_get(e, "message")), "ecology"), "%s",
	          r->body);
	resp_free(r);
	free(a), free(b);
}

Test(authority, district_keys_delete_only_suspected_plots)
{
	char *id = uniq(D "-D");
	cr_assert_eq(put_plot(DISTRICT, id, "suspected"), 201);
	cr_assert_eq(delete_plot(DISTRICT, id), 204, "a mistaken entry");
	free(id);
	id = uniq(D "-D");
	cr_assert_eq(put_plot(DISTRICT, id, "preliminary_survey"), 201);
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	struct resp *r = call("DELETE", path, key_of(DISTRICT), NULL, NULL);
	assert_problem(r, 403, "/problems/forbidden");
	cr_assert(strstr(r->body, "suspected") && strstr(r->body, "ecology"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(delete_plot("ecology", id), 204);
	free(id);
}

/* DELETE a listed plot and PUT it back as closed: the lifecycle still applies. */
Test(authority, delete_and_create_cannot_skip_the_lifecycle)
{
	char *id = uniq(D "-R");
	cr_assert_eq(put_plot(DISTRICT, id, "suspected"), 201);
	cr_assert_eq(set_status(DISTRICT, id, "preliminary_survey"), 200);
	cr_assert_eq(delete_plot("ecology", id), 204);
	/* Written again by the district: a change from preliminary_survey. */
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	char *body = plot_body(D, "closed", "R2");
	struct resp *r = call("PUT", path, key_of(DISTRICT), body, NULL);
	assert_problem(r, 409, "/problems/invalid-transition");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "from")), "preliminary_survey");
	resp_free(r);
	free(body);
	cr_assert_eq(put_plot(DISTRICT, id, "cleared"), 201, "an allowed change from there");
	cr_assert_eq(delete_plot("ecology", id), 204);
	/* Ecology imports as it finds: no lifecycle for its re-creation. */
	cr_assert_eq(put_plot("ecology", id, "closed"), 201);
	free(id);
}

Test(authority, the_new_arrows)
{
	const char *paths[][3] = {
	    {"exceeds_screening", "risk_assessment", NULL},
	    {"detailed_survey", "cleared", NULL},
	    {"cleared", "preliminary_survey", NULL},
	    {"delisted", "preliminary_survey", NULL},
	    {"post_management", "preliminary_survey", NULL},
	    {"closed", "preliminary_survey", NULL},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *id = uniq(D "-A");
		cr_assert_eq(put_plot("ecology", id, paths[i][0]), 201);
		cr_assert_eq(set_status("ecology", id, paths[i][1]), 200, "%s -> %s", paths[i][0],
		             paths[i][1]);
		free(id);
	}
	/* And one that still is no arrow. */
	char *id = uniq(D "-A");
	cr_assert_eq(put_plot("ecology", id, "closed"), 201);
	cr_assert_eq(set_status("ecology", id, "cleared"), 409);
	free(id);
}
