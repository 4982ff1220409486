/* The access log (SPEC §7): one line per request on stderr, JSON by default, text when asked;
 * read back from the log of a server of the test's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

/* The line of the server's log holding `needle`, or NULL (malloc'd). */
static char *log_line(const char *needle)
{
	char path[256];
	snprintf(path, sizeof(path), "/tmp/soilshare-restart-%s.log",
	         need_env("SOILSHARE_SPARE_PORT"));
	for (int tries = 0; tries < 40; tries++) {
		FILE *f = fopen(path, "r");
		cr_assert_not_null(f, "no log at %s", path);
		char line[4096];
		while (fgets(line, sizeof(line), f))
			if (strstr(line, needle)) {
				fclose(f);
				return strdup(line);
			}
		fclose(f);
		usleep(50 * 1000); /* the line is written as the request completes */
	}
	return NULL;
}

Test(access_log, one_json_line_per_request, .timeout = 60, .fini = server_kill)
{
	char url[128];
	server_spawn(url, sizeof(url), NULL);
	char *rid = uniq("log-json");
	char *hdr = strfmt("X-Request-ID: %s", rid);
	const char *const headers[] = {hdr, NULL};
	char *target = strfmt("%s/v1/plots?limit=2", url);
	struct resp *r = call_url("GET", target, key_of("water"), NULL, headers);
	cr_assert_eq(r->status, 200, "%s", r->body);
	size_t bytes = r->len;
	resp_free(r);
	char *line = log_line(rid);
	cr_assert_not_null(line, "no log line names request %s", rid);
	json_error_t err;
	json_t *j = json_loads(line, 0, &err);
	cr_assert_not_null(j, "not one JSON object: %s (%s)", line, err.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "request_id")), rid);
	cr_assert_str_eq(json_string_value(json_object_get(j, "agency")), "water");
	cr_assert_eq(strlen(json_string_value(json_object_get(j, "key_id"))), 12);
	cr_assert_str_eq(json_string_value(json_object_get(j, "method")), "GET");
	cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "/v1/{dataset}");
	cr_assert_eq(json_integer_value(json_object_get(j, "status")), 200);
	cr_assert_eq((size_t)json_integer_value(json_object_get(j, "bytes")), bytes);
	cr_assert_geq(json_number_value(json_object_get(j, "duration_ms")), 0);
	const char *t = json_string_value(json_object_get(j, "time"));
	cr_assert(t && strlen(t) == 24 && t[10] == 'T' && t[23] == 'Z', "RFC 3339 UTC: %s", t);
	json_decref(j);
	free(line);
	/* An unknown path, with quotes in it, is still one valid JSON line. */
	char *rid2 = uniq("log-404");
	char *hdr2 = strfmt("X-Request-ID: %s", rid2);
	const char *const headers2[] = {hdr2, NULL};
	char *odd = strfmt("%s/no%%22where%%5C", url);
	r = call_url("GET", odd, NULL, NULL, headers2);
	cr_assert_eq(r->status, 404);
	resp_free(r);
	line = log_line(rid2);
	cr_assert_not_null(line);
	j = json_loads(line, 0, &err);
	cr_assert_not_null(j, "%s (%s)", line, err.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "path")), "/no\"where\\");
	cr_assert(json_is_null(json_object_get(j, "route")));
	cr_assert(json_is_null(json_object_get(j, "key_id")));
	json_decref(j);
	free(line);
	server_terminate();
	free(odd);
	free(hdr2);
	free(rid2);
	free(target);
	free(hdr);
	free(rid);
}

Test(access_log, text_when_asked, .timeout = 60, .fini = server_kill)
{
	char url[128];
	const char *const flags[] = {"--log-format", "text", NULL};
	server_spawn(url, sizeof(url), flags);
	char *rid = uniq("log-text");
	char *hdr = strfmt("X-Request-ID: %s", rid);
	const char *const headers[] = {hdr, NULL};
	char *target = strfmt("%s/healthz", url);
	struct resp *r = call_url("GET", target, NULL, NULL, headers);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	char *line = log_line(rid);
	cr_assert_not_null(line);
	cr_assert_neq(line[0], '{', "not JSON: %s", line);
	cr_assert(strstr(line, " 200 GET /healthz "), "%s", line);
	free(line);
	server_terminate();
	free(target);
	free(hdr);
	free(rid);
}
