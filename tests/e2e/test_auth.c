/* Authentication over HTTP: missing, invalid, revoked and expired keys; /v1/me. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

Test(auth, missing_key_is_401_with_challenge)
{
	struct resp *r = call("GET", "/v1/plots", NULL, NULL, NULL);
	assert_problem(r, 401, "/problems/unauthorized");
	cr_assert(strncmp(resp_header(r, "WWW-Authenticate"), "Bearer", 6) == 0);
	resp_free(r);
}

Test(auth, unknown_or_malformed_key_is_401)
{
	const char *keys[] = {"nonsense",
	                      "ss_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	                      "ss_' OR 1=1 --"};
	for (size_t i = 0; i < 3; i++) {
		struct resp *r = call("GET", "/v1/plots", keys[i], NULL, NULL);
		assert_problem(r, 401, NULL);
		cr_assert_not_null(resp_header(r, "WWW-Authenticate"));
		resp_free(r);
	}
	/* A real key with one character changed. */
	char *k = strdup(key_of("water"));
	k[strlen(k) - 1] = k[strlen(k) - 1] == 'A' ? 'B' : 'A';
	struct resp *r = call("GET", "/v1/plots", k, NULL, NULL);
	assert_problem(r, 401, NULL);
	resp_free(r);
	free(k);
}

Test(auth, me_describes_the_key)
{
	struct resp *r = call("GET", "/v1/me", key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "agency")), "ecology");
	cr_assert(json_is_null(json_object_get(r->json, "district")));
	cr_assert_eq(strlen(json_string_value(json_object_get(r->json, "key_id"))), 12);
	cr_assert_eq(json_array_size(json_object_get(r->json, "can_write")), 3,
	             "plots, supervised-units, soil-samples");
	resp_free(r);
	r = call("GET", "/v1/me", key_of("district:110105"), NULL, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "agency")), "district");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "district")), "110105");
	resp_free(r);
	r = call("GET", "/v1/me", key_of("planning"), NULL, NULL);
	json_t *can = json_object_get(r->json, "can_write");
	cr_assert_eq(json_array_size(can), 4);
	cr_assert_str_eq(json_string_value(json_array_get(can, 0)), "land-use-changes");
	resp_free(r);
	r = call("GET", "/v1/me", key_of("water"), NULL, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "can_write")), 0);
	resp_free(r);
}

/* A new water key, verified (and so cached) by a GET /v1/me; its id goes to `key_id`. */
static char *verified_key(char key_id[16])
{
	char *key = create_key("water", NULL, NULL);
	struct resp *r = call("GET", "/v1/me", key, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	snprintf(key_id, 16, "%s", json_string_value(json_object_get(r->json, "key_id")));
	resp_free(r);
	return key;
}

Test(auth, revoked_key_stops_within_a_second)
{
	char key_id[16];
	char *key = verified_key(key_id);
	cr_assert_eq(revoke_key(key_id), 0);
	usleep(1200 * 1000);
	struct resp *r = call("GET", "/v1/me", key, NULL, NULL);
	assert_problem(r, 401, NULL);
	resp_free(r);
	free(key);
}

/* The database announces a revocation, so the key stops well before the cache's 1 s
 * lifetime: it was verified (and cached) just before the revocation. */
Test(auth, revoked_key_stops_when_announced)
{
	char key_id[16];
	char *key = verified_key(key_id);
	cr_assert_eq(revoke_key(key_id), 0);
	int status = 0;
	for (int waited = 0; waited <= 600; waited += 20) {
		struct resp *r = call("GET", "/v1/me", key, NULL, NULL);
		status = r->status;
		resp_free(r);
		if (status == 401)
			break;
		usleep(20 * 1000);
	}
	cr_assert_eq(status, 401, "the revoked key still worked 0.6 s after its revocation");
	free(key);
}

Test(auth, expired_key_is_refused)
{
	char *key = create_key("water", NULL, "2020-01-01");
	struct resp *r = call("GET", "/v1/me", key, NULL, NULL);
	assert_problem(r, 401, NULL);
	resp_free(r);
	free(key);
}
