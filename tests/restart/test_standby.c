/* Reads from a hot standby (SPEC §7): a server with DATABASE_READ_URL pointed at a real
 * streaming replica of the test cluster (pg_basebackup -R, started by scripts/test) reads back
 * through the standby what it wrote on the primary, and a client following the change feed
 * there sees every change, in order, without a gap; a long-poll wakes for a change written on
 * the primary. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

#define N_PLOTS 40

static char url[128];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_plot(const char *id)
{
	char *path = strfmt("%s/v1/plots/%s", url, id);
	char *body = plot_body("110105", "suspected", "M1");
	struct resp *r = call_url("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(body);
	free(path);
}

/* A single value from the standby itself. */
static char *standby_value(const char *sql)
{
	PGconn *c = PQconnectdb(need_env("SOILSHARE_STANDBY_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PGresult *res = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
	char *v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(c);
	return v;
}

struct long_poll {
	char *target;
	long status;
	char *body;
	double took;
};

static void *long_poll(void *arg)
{
	struct long_poll *lp = arg;
	double t0 = now();
	struct resp *r = call_url("GET", lp->target, key_of("water"), NULL, NULL);
	lp->took = now() - t0;
	lp->status = r->status;
	lp->body = strdup(r->body ? r->body : "");
	resp_free(r);
	return NULL;
}

Test(standby, reads_and_the_feed_through_a_streaming_replica, .timeout = 120, .fini = server_kill)
{
	const char *standby = need_env("SOILSHARE_STANDBY_URL");
	char *recovering = standby_value("SELECT pg_is_in_recovery()");
	cr_assert_str_eq(recovering, "t", "SOILSHARE_STANDBY_URL is a standby");
	free(recovering);
	const char *const flags[] = {"--database-read-url", standby, NULL};
	server_spawn(url, sizeof(url), flags);

	char *cursor = feed_latest(url);
	char *ids[N_PLOTS];
	for (int i = 0; i < N_PLOTS; i++) {
		ids[i] = uniq("110105-SB");
		put_plot(ids[i]);
	}
	/* The last one, read back through the standby as soon as it has replayed it. */
	char *path = strfmt("%s/v1/plots/%s", url, ids[N_PLOTS - 1]);
	long status = 0;
	for (int tries = 0; tries < 100 && status != 200; tries++) {
		struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
		status = r->status;
		resp_free(r);
		if (status != 200)
			usleep(50 * 1000);
	}
	cr_assert_eq(status, 200, "the record written on the primary is read through the standby");
	char *readers = standby_value(
	    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'soilshare-read'");
	cr_assert_gt(atoi(readers), 0, "the server's reads went to the standby");
	free(readers);

	/* Read-your-writes when asked: Cache-Control: no-cache reads the primary at once. */
	char *fresh = uniq("110105-SB-fresh");
	put_plot(fresh);
	char *fresh_path = strfmt("%s/v1/plots/%s", url, fresh);
	const char *const no_cache[] = {"Cache-Control: no-cache", NULL};
	struct resp *fr = call_url("GET", fresh_path, key_of("water"), NULL, no_cache);
	cr_assert_eq(fr->status, 200, "%s", fr->body);
	resp_free(fr);
	free(fresh_path);
	free(fresh);

	/* The feed through the standby: every change, in the order written, none twice. */
	json_t *seen = json_array();
	char *at = strdup(cursor);
	for (int tries = 0; tries < 100 && json_array_size(seen) < N_PLOTS; tries++) {
		char *last = NULL;
		json_t *page = feed_since(url, at, "plots", 7, &last);
		size_t i;
		json_t *c;
		json_array_foreach(page, i, c)
		{
			const char *id = json_string_value(json_object_get(c, "id"));
			if (strncmp(id, "110105-SB-fresh", 15) != 0)
				json_array_append(seen, json_object_get(c, "id"));
		}
		json_decref(page);
		free(at);
		at = last;
		if (json_array_size(seen) < N_PLOTS)
			usleep(50 * 1000);
	}
	cr_assert_eq(json_array_size(seen), N_PLOTS, "every change arrives, none twice (%zu)",
	             json_array_size(seen));
	for (int i = 0; i < N_PLOTS; i++)
		cr_assert_str_eq(json_string_value(json_array_get(seen, (size_t)i)), ids[i],
		                 "change %d in the order written", i);

	/* A long-poll on the standby wakes for a change written on the primary. */
	struct long_poll lp = {
	    .target = strfmt("%s/v1/changes?datasets=plots&wait=20&cursor=%s", url, at)};
	pthread_t thread;
	cr_assert_eq(pthread_create(&thread, NULL, long_poll, &lp), 0);
	usleep(500 * 1000);
	char *late = uniq("110105-SB-late");
	put_plot(late);
	pthread_join(thread, NULL);
	cr_assert_eq(lp.status, 200, "%s", lp.body);
	cr_assert(strstr(lp.body, late), "the long-poll returned the new change: %s", lp.body);
	cr_assert_lt(lp.took, 10, "woken by the change, not by its deadline (%.1f s)", lp.took);

	server_terminate();
	free(late);
	free(lp.body);
	free(lp.target);
	json_decref(seen);
	free(at);
	free(path);
	for (int i = 0; i < N_PLOTS; i++)
		free(ids[i]);
	free(cursor);
}
