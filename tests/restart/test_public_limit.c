/* The public 名录 needs no key, so it is limited per client address (SPEC §10): a server of
 * the test's own with a low limit. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "spawn.h"

Test(public_limit, an_address_over_its_limit_gets_429, .timeout = 90, .fini = server_kill)
{
	char url[128], path[512];
	const char *const flags[] = {"--public-rate-limit", "1", "--public-rate-burst", "3", NULL};
	server_spawn(url, sizeof(url), flags);
	snprintf(path, sizeof(path), "%s/public/directory?limit=1", url);
	int ok = 0, limited = 0;
	for (int i = 0; i < 8; i++) {
		struct resp *r = call_url("GET", path, NULL, NULL, NULL);
		if (r->status == 200) {
			ok++;
		} else {
			cr_assert_eq(r->status, 429, "%s", r->body);
			cr_assert_not_null(resp_header(r, "Retry-After"));
			cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")),
			                 "/problems/rate-limited");
			limited++;
		}
		resp_free(r);
	}
	cr_assert_geq(ok, 3, "the burst is served");
	cr_assert_geq(limited, 4, "then the address waits");
	/* Agencies with a key are not held back by the public limit. */
	snprintf(path, sizeof(path), "%s/v1/me", url);
	struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	server_terminate();
}
