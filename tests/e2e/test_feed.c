/* The change feed and history over HTTP: order, tombstones, long-poll, out-of-order commits. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"

static char *latest_cursor(void)
{
	struct resp *r = call("GET", "/v1/changes?cursor=latest", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "changes")), 0);
	char *c = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
	resp_free(r);
	return c;
}

/* The changes of one record, in feed order. */
static json_t *of_record(json_t *all, const char *id)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) if (strcmp(json_string_value(json_object_get(c, "id")), id) ==
	                                  0) json_array_append(out, c);
	return out;
}

/* The changes of one record from version `min` on (a creation that finished while another
 * transaction was still running may be numbered after a cursor=latest taken later). */
static json_t *of_record_since(json_t *all, const char *id, int min)
{
	json_t *out = json_array(), *mine = of_record(all, id);
	size_t i;
	json_t *c;
	json_array_foreach(mine, i, c) if (json_integer_value(json_object_get(c, "version")) >= min)
	    json_array_append(out, c);
	json_decref(mine);
	return out;
}

Test(feed, follows_writes_and_deletes_in_order)
{
	char *start = latest_cursor();
	char *id = make_plot("110105", "suspected", "R2");
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	struct resp *r =
	    call("PATCH", path, key_of("ecology"), "{\"status\":\"preliminary_survey\"}", mp);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	r = call("PATCH", path, key_of("ecology"), "{\"status\":\"preliminary_survey\"}", mp);
	resp_free(r); /* unchanged: no feed entry */
	r = call("DELETE", path, key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 204);
	resp_free(r);

	char *last;
	json_t *all = feed_since(NULL, start, "plots", 7, &last);
	json_t *mine = of_record(all, id);
	cr_assert_eq(json_array_size(mine), 3, "create, change, delete: %s", json_dumps(mine, 0));
	for (int v = 0; v < 3; v++) {
		json_t *c = json_array_get(mine, (size_t)v);
		cr_assert_eq(json_integer_value(json_object_get(c, "version")), v + 1);
		cr_assert_str_eq(json_string_value(json_object_get(c, "dataset")), "plots");
	}
	json_t *tomb = json_array_get(mine, 2);
	cr_assert_str_eq(json_string_value(json_object_get(tomb, "op")), "delete");
	cr_assert(json_is_null(json_object_get(tomb, "record")));
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_object_get(json_array_get(mine, 1), "record"), "status")),
	                 "preliminary_survey");
	/* An empty page hands back the cursor given. Other tests may be writing plots at the
	 * same time: follow the feed to its head, where the page is empty. */
	char *cur = strdup(last);
	bool empty = false;
	for (int tries = 0; tries < 100 && !empty; tries++) {
		char p2[256];
		snprintf(p2, sizeof(p2), "/v1/changes?cursor=%s&datasets=plots", cur);
		r = call("GET", p2, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		empty = json_array_size(json_object_get(r->json, "changes")) == 0;
		if (empty)
			cr_assert_str_eq(next, cur, "an empty page keeps the cursor");
		free(cur);
		cur = strdup(next);
		resp_free(r);
	}
	cr_assert(empty, "the feed's head was reached");
	free(cur);

	/* History: every version, oldest first, the deletion included. */
	char hp[300];
	snprintf(hp, sizeof(hp), "/v1/plots/%s/history", id);
	r = call("GET", hp, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), 3);
	json_t *h0 = json_array_get(items, 0);
	cr_assert_str_eq(json_string_value(json_object_get(h0, "publisher")), "ecology");
	cr_assert_eq(strlen(json_string_value(json_object_get(h0, "key_id"))), 12);
	cr_assert_not_null(json_string_value(json_object_get(h0, "request_id")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 2), "op")),
	                 "delete");
	resp_free(r);
	r = call("GET", "/v1/plots/never-there/history", key_of("water"), NULL, NULL);
	assert_problem(r, 404, NULL);
	resp_free(r);
	json_decref(mine);
	json_decref(all);
	free(last);
	free(id);
	free(start);
}

Test(feed, bad_parameters)
{
	const char *bad[] = {"/v1/changes?datasets=plots,nope", "/v1/changes?limit=0",
	                     "/v1/changes?limit=1001",          "/v1/changes?wait=61",
	                     "/v1/changes?cursor=garbage",      "/v1/changes?since=1",
	                     "/v1/changes?limit=1&limit=2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = call("GET", bad[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
	}
}

static PGconn *pg(void)
{
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
	          PQerrorMessage(c));
	PQclear(res);
}

/* A write as the server makes it: the record row under its lock, then the change row. */
static void write_version(PGconn *c, const char *id, int version)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "UPDATE records SET version = %d, data = data || '{\"address\":\"v%d\"}' "
	         "WHERE dataset = 'plots' AND id = '%s'",
	         version, version, id);
	exec_ok(c, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO changes (dataset, id, op, version, publisher, record) "
	         "VALUES ('plots', '%s', 'upsert', %d, 'ecology', '{\"v\": %d}')",
	         id, version, version);
	exec_ok(c, sql);
}

Test(feed, out_of_order_commits_are_neither_missed_nor_reordered, .timeout = 60)
{
	char *a = make_plot("110105", "suspected", "M1"); /* version 1 */
	char *b = make_plot("110105", "suspected", "M1");
	char *start = latest_cursor();

	/* T2 starts first (takes its transaction id writing b), T1 writes a and commits,
	 * then T2 writes a too and commits last. */
	PGconn *t1 = pg(), *t2 = pg();
	exec_ok(t2, "BEGIN");
	write_version(t2, b, 2);
	exec_ok(t1, "BEGIN");
	write_version(t1, a, 2);
	exec_ok(t1, "COMMIT");

	/* A reader polling now must not pass T2's position. */
	char *mid;
	json_t *early = feed_since(NULL, start, "plots", 7, &mid);
	json_t *early_b = of_record(early, b);
	size_t i;
	json_t *c;
	json_array_foreach(early_b, i, c)
	    cr_assert_neq(json_integer_value(json_object_get(c, "version")), 2,
	                  "b's version 2 is not committed yet");

	/* T2 now writes a: it waits for no one (T1 is done) and commits after T1. */
	write_version(t2, a, 3);
	exec_ok(t2, "COMMIT");

	json_t *late = feed_since(NULL, mid, "plots", 7, NULL);
	json_t *all = json_array();
	json_array_extend(all, early);
	json_array_extend(all, late);
	json_t *ca = of_record_since(all, a, 2), *cb = of_record_since(all, b, 2);
	cr_assert_eq(json_array_size(cb), 1, "b's change once: %s", json_dumps(cb, 0));
	cr_assert_eq(json_array_size(ca), 2, "a's two changes once each: %s", json_dumps(ca, 0));
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(ca, 0), "version")), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(ca, 1), "version")), 3,
	             "per record in commit order");
	PQfinish(t1);
	PQfinish(t2);
	json_decref(ca);
	json_decref(cb);
	json_decref(all);
	json_decref(late);
	json_decref(early_b);
	json_decref(early);
	free(mid);
	free(start);
	free(a);
	free(b);
}

Test(feed, csv_feed)
{
	const char *h[] = {"Accept: text/csv", NULL};
	struct resp *r = call("GET", "/v1/changes?limit=2", key_of("water"), NULL, h);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(
	    strncmp(r->body, "seq,dataset,id,op,version,publisher,changed_at,record\r\n", 54) == 0,
	    "%.80s", r->body);
	cr_assert(strstr(resp_header(r, "Link"), "rel=\"next\""));
	resp_free(r);
}
