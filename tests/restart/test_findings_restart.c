/* Findings are stored state: an open finding survives a server restart, and the rules keep
 * working on the restarted server (SPEC §5). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"
#include "spawn.h"

/* Changping (110114) is written by no other test. */
#define D "110114"

/* The findings about `plot_id`, through the server at `url` (new ref). */
static json_t *findings_of(const char *url, const char *plot_id)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/v1/findings?plot_id=%s", url, plot_id);
	struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *items = json_incref(json_object_get(r->json, "items"));
	resp_free(r);
	return items;
}

Test(findings_restart, open_finding_survives_a_restart, .timeout = 90, .fini = server_kill)
{
	char url[128], path[512];
	server_spawn(url, sizeof(url), NULL);

	/* A land-right transfer naming a plot that has no record: a finding opens. */
	char *plot = uniq(D "-RESTART");
	char *tr = uniq(D "-TR");
	char body[512];
	snprintf(body, sizeof(body),
	         "{\"plot_id\":\"%s\",\"district\":\"" D "\",\"action\":\"recovery\"}", plot);
	snprintf(path, sizeof(path), "%s/v1/land-right-transfers/%s", url, tr);
	struct resp *r = call_url("PUT", path, key_of("planning"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	json_t *before = findings_of(url, plot);
	cr_assert_eq(json_array_size(before), 1, "%s", json_dumps(before, 0));
	json_t *f = json_array_get(before, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "rule")), "transfer-without-survey");
	cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "open");
	char *fid = strdup(json_string_value(json_object_get(f, "id")));
	char *opened = strdup(json_string_value(json_object_get(f, "opened_at")));

	server_terminate();
	server_spawn(url, sizeof(url), NULL);

	/* Still there, still open, the same finding. */
	json_t *after = findings_of(url, plot);
	cr_assert_eq(json_array_size(after), 1, "%s", json_dumps(after, 0));
	f = json_array_get(after, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "id")), fid);
	cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "open");
	cr_assert_str_eq(json_string_value(json_object_get(f, "opened_at")), opened);
	cr_assert(json_is_null(json_object_get(f, "resolved_at")));
	cr_assert(json_equal(f, json_array_get(before, 0)), "unchanged: %s vs %s", json_dumps(f, 0),
	          json_dumps(json_array_get(before, 0), 0));
	json_decref(after);

	/* The restarted server still evaluates: recording the plot resolves it. */
	snprintf(path, sizeof(path), "%s/v1/plots/%s", url, plot);
	char *pb = plot_body(D, "cleared", "M1");
	r = call_url("PUT", path, key_of("ecology"), pb, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	after = findings_of(url, plot);
	cr_assert_eq(json_array_size(after), 1, "%s", json_dumps(after, 0));
	f = json_array_get(after, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "id")), fid);
	cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "resolved");
	cr_assert_not_null(json_string_value(json_object_get(f, "resolved_at")));
	json_decref(after);

	/* And a resolved finding survives a restart as resolved. */
	server_terminate();
	server_spawn(url, sizeof(url), NULL);
	after = findings_of(url, plot);
	cr_assert_eq(json_array_size(after), 1, "%s", json_dumps(after, 0));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(after, 0), "status")),
	                 "resolved");
	json_decref(after);
	server_terminate();
	json_decref(before);
	free(pb);
	free(fid);
	free(opened);
	free(tr);
	free(plot);
}

/* Open closed-enterprise findings of Changping citing enterprise `id`, through `url`. */
static size_t open_closed_enterprise_findings(const char *url, const char *id)
{
	char path[512];
	snprintf(path, sizeof(path),
	         "%s/v1/findings?district=" D "&rule=closed-enterprise-unscreened&status=open"
	         "&limit=1000",
	         url);
	struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	size_t n = 0, i, k;
	json_t *f, *rec;
	json_array_foreach(json_object_get(r->json, "items"), i, f)
	{
		json_array_foreach(json_object_get(f, "records"), k, rec)
		{
			if (strcmp(json_string_value(json_object_get(rec, "id")), id) == 0)
				n++;
		}
	}
	resp_free(r);
	return n;
}

/* Time passing opens a closed enterprise's finding without any write: the periodic sweep
 * (which also runs when the server starts). The 90 days are simulated by moving closed_on
 * back in the database, behind the server's back. */
Test(findings_restart, sweep_opens_closed_enterprise_finding_as_days_pass, .timeout = 90,
     .fini = server_kill)
{
	char url[128], path[512], body[512], date[16];
	server_spawn(url, sizeof(url), NULL);
	char *id = sample_id("closed-enterprises", D);
	snprintf(path, sizeof(path), "%s/v1/closed-enterprises/%s", url, id);
	time_t now = time(NULL) + 8 * 3600 - 89 * 86400; /* Beijing, 89 days ago */
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	snprintf(body, sizeof(body),
	         "{\"name\":\"测试化工厂\",\"district\":\"" D "\",\"closed_on\":\"%s\"}", date);
	struct resp *r = call_url("PUT", path, key_of("economy"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	cr_assert_eq(open_closed_enterprise_findings(url, id), 0, "closed 89 days ago: none yet");
	server_terminate();

	/* Two days pass. */
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	time_t t = time(NULL) + 8 * 3600 - 91 * 86400;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	const char *params[] = {date, id};
	PGresult *res = PQexecParams(
	    c,
	    "UPDATE records SET data = jsonb_set(data, '{closed_on}', to_jsonb($1::text)) "
	    "WHERE dataset = 'closed-enterprises' AND id = $2",
	    2, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	cr_assert_str_eq(PQcmdTuples(res), "1");
	PQclear(res);
	PQfinish(c);

	server_spawn(url, sizeof(url), NULL);
	size_t n = 0;
	for (int i = 0; i < 100 && n == 0; i++) {
		n = open_closed_enterprise_findings(url, id);
		if (!n)
			usleep(100 * 1000);
	}
	cr_assert_eq(n, 1, "the sweep opened the finding with no write");
	server_terminate();
	free(id);
}
