/* The example sync client (scripts/soilshare-sync) against a real server: a first copy, then
 * a second run that fetches only what changed, leaving a mirror equal to the server. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"
#include "spawn.h"

/* Runs the client; returns its exit status and its stdout line in `out`. */
static int sync_run(const char *url, const char *dir, char *out, size_t size)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	         "SOILSHARE_KEY='%s' '%s/scripts/soilshare-sync' --url '%s' --dir '%s' "
	         "--datasets effect-surveys 2>/dev/null",
	         key_of("water"), need_env("SOILSHARE_ROOT"), url, dir);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	out[0] = '\0';
	char *got = fgets(out, (int)size, f);
	(void)got;
	out[strcspn(out, "\n")] = '\0';
	int status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every live effect survey on the server, by id. */
static json_t *server_records(const char *url)
{
	json_t *all = json_object();
	char path[1024];
	snprintf(path, sizeof(path), "%s/v1/effect-surveys?limit=1000", url);
	for (;;) {
		struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(r->json, "items"), i, it)
		    json_object_set(all, json_string_value(json_object_get(it, "id")), it);
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		if (!next) {
			resp_free(r);
			break;
		}
		snprintf(path, sizeof(path), "%s/v1/effect-surveys?limit=1000&cursor=%s", url,
		         next);
		resp_free(r);
	}
	return all;
}

/* The mirror must hold exactly the server's records, equal field by field. */
static void assert_mirror_equals_server(const char *url, const char *dir)
{
	json_t *want = server_records(url);
	char sub[1024];
	snprintf(sub, sizeof(sub), "%s/effect-surveys", dir);
	DIR *d = opendir(sub);
	cr_assert_not_null(d, "the mirror has the dataset's folder");
	size_t files = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
		json_t *rec = json_load_file(path, 0, NULL);
		cr_assert_not_null(rec, "%s is JSON", path);
		const char *id = json_string_value(json_object_get(rec, "id"));
		json_t *srv = json_object_get(want, id);
		cr_assert_not_null(srv, "mirrored %s exists on the server", id);
		cr_assert(json_equal(rec, srv), "mirrored %s equals the server's", id);
		json_decref(rec);
		files++;
	}
	closedir(d);
	cr_assert_eq(files, json_object_size(want), "mirror %zu files, server %zu records", files,
	             json_object_size(want));
	json_decref(want);
}

static char *put_survey(const char *url, const char *id, int year)
{
	char path[512], body[256];
	snprintf(path, sizeof(path), "%s/v1/effect-surveys/%s", url, id);
	snprintf(body, sizeof(body), "{\"year\":%d,\"district\":\"110109\",\"scope\":\"同步测试\"}",
	         year);
	struct resp *r = call_url("PUT", path, key_of("agriculture"), body, NULL);
	cr_assert(r->status == 200 || r->status == 201, "%s", r->body);
	resp_free(r);
	return strdup(path);
}

Test(sync, second_run_fetches_only_what_changed, .timeout = 120, .fini = server_kill)
{
	char url[128], dir[] = "/tmp/soilshare-sync-test.XXXXXX";
	server_spawn(url, sizeof(url), NULL);
	cr_assert_not_null(mkdtemp(dir));
	char mirror[256], out[256];
	snprintf(mirror, sizeof(mirror), "%s/mirror", dir);
	char *a = uniq("ES-SYNC-A"), *b = uniq("ES-SYNC-B"), *c = uniq("ES-SYNC-C");
	free(put_survey(url, a, 2023));
	char *pb = put_survey(url, b, 2023);

	cr_assert_eq(sync_run(url, mirror, out, sizeof(out)), 0, "first run: %s", out);
	assert_mirror_equals_server(url, mirror);

	/* In between: one new record, one changed, one deleted. */
	free(put_survey(url, c, 2024));
	free(put_survey(url, a, 2025));
	struct resp *r = call_url("DELETE", pb, key_of("agriculture"), NULL, NULL);
	cr_assert_eq(r->status, 204);
	resp_free(r);

	cr_assert_eq(sync_run(url, mirror, out, sizeof(out)), 0, "second run: %s", out);
	cr_assert_str_eq(out, "soilshare-sync: 2 upserts, 1 deletes, cursor saved",
	                 "the second run applies just the three changes: %s", out);
	assert_mirror_equals_server(url, mirror);

	cr_assert_eq(sync_run(url, mirror, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "soilshare-sync: 0 upserts, 0 deletes, cursor saved");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	free(pb);
	free(a);
	free(b);
	free(c);
}
