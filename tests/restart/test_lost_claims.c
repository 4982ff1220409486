/* An Idempotency-Key claimed by an attempt that the database or the server lost does not hold
 * up its retries: the claim's database session is gone, so a retry takes it over at once
 * instead of waiting out the claim's two-minute lease. */
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
#include "rawhttp.h"
#include "spawn.h"

/* Miyun (110118) is written by no other test. */
#define D "110118"

/* How long a retry may be refused after the loss (the lease alone would make it two minutes). */
#define RETRY_WITHIN 10.0

static bool pg_stopped;
static PGconn *holder;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clean_up(void)
{
	if (holder)
		PQfinish(holder);
	holder = NULL;
	if (pg_stopped && system(need_env("SOILSHARE_PG_START")) == 0)
		pg_stopped = false;
	server_kill();
}

static void exec_ok(PGconn *c, const char *sql, const char *param)
{
	PGresult *res = PQexecParams(c, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
	          PQerrorMessage(c));
	PQclear(res);
}

/* Holds the row lock of plot `id` in a transaction of the test's own, so that a write of it
 * waits inside the server, its Idempotency-Key already claimed. */
static void hold_plot(const char *id)
{
	holder = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(holder), CONNECTION_OK, "%s", PQerrorMessage(holder));
	exec_ok(holder, "BEGIN", NULL);
	exec_ok(holder, "SELECT 1 FROM records WHERE dataset = 'plots' AND id = $1 FOR UPDATE", id);
}

/* Waits until the server has claimed `idem` and its write waits for the held row. */
static void wait_claimed_and_blocked(const char *idem)
{
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	bool ready = false;
	for (double until = now() + 20; !ready && now() < until; usleep(20 * 1000)) {
		const char *p[] = {idem};
		PGresult *res =
		    PQexecParams(c,
		                 "SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = $1) "
		                 "AND EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)",
		                 1, NULL, p, NULL, NULL, 0);
		ready = PQresultStatus(res) == PGRES_TUPLES_OK &&
		        strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		PQclear(res);
	}
	PQfinish(c);
	cr_assert(ready, "the write claimed its key and waits for the row");
}

/* Starts the write in a child process; it is lost, so the child exits with its status / 100
 * (0 when nothing came back). */
static pid_t start_write(const char *url, const char *id, const char *body, const char *idem_header)
{
	char request[4096];
	int n = snprintf(request, sizeof(request),
	                 "PUT /v1/plots/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	                 "Content-Type: application/json\r\n%s\r\nContent-Length: %zu\r\n\r\n%s",
	                 id, key_of("ecology"), idem_header, strlen(body), body);
	cr_assert(n > 0 && (size_t)n < sizeof(request));
	pid_t child = fork();
	cr_assert_neq(child, -1);
	if (child == 0) {
		struct raw_response r;
		raw_exchange(url, request, (size_t)n, 60, &r);
		_exit(r.status / 100);
	}
	return child;
}

/* Retries the write with its key until it goes through; fails after RETRY_WITHIN seconds. */
static void assert_retry_goes_through(const char *path, const char *body, const char *idem_header)
{
	double start = now();
	long status = 0;
	char last[512] = "";
	while (now() - start < RETRY_WITHIN) {
		struct resp *r = call_url("PUT", path, key_of("ecology"), body,
		                          (const char *const[]){idem_header, NULL});
		status = r->status;
		snprintf(last, sizeof(last), "%.500s", r->body);
		resp_free(r);
		if (status == 200)
			break;
		usleep(200 * 1000);
	}
	cr_assert_eq(status, 200,
	             "a retry with the same Idempotency-Key was still refused %.0f s after the "
	             "loss: %ld %s",
	             RETRY_WITHIN, status, last);
}

/* A plot to write, its path on the server at `url`, a changed body and a key. */
struct target {
	char id[96], path[512], idem[160];
	char *body;
};

static void make_target(struct target *t, const char *url, const char *name)
{
	char *id = uniq(name);
	snprintf(t->id, sizeof(t->id), "%s", id);
	free(id);
	snprintf(t->path, sizeof(t->path), "%s/v1/plots/%s", url, t->id);
	char *body = plot_body(D, "suspected", "M1");
	struct resp *r = call_url("PUT", t->path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(body);
	t->body = plot_body(D, "preliminary_survey", "M1");
	snprintf(t->idem, sizeof(t->idem), "Idempotency-Key: lost-%s", t->id);
}

static void assert_two_versions(const char *path)
{
	char history[600];
	snprintf(history, sizeof(history), "%s/history", path);
	struct resp *r = call_url("GET", history, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 2, "%s", r->body);
	resp_free(r);
}

Test(lost_claims, retry_after_a_database_restart_is_not_held_by_the_lost_claim, .timeout = 120,
     .fini = clean_up)
{
	char url[128];
	server_spawn(url, sizeof(url), NULL);
	struct target t;
	make_target(&t, url, D "-LOSTDB");
	hold_plot(t.id);
	pid_t child = start_write(url, t.id, t.body, t.idem);
	wait_claimed_and_blocked(t.idem + strlen("Idempotency-Key: "));

	cr_assert_eq(system(need_env("SOILSHARE_PG_STOP")), 0, "stopping PostgreSQL");
	pg_stopped = true;
	int status;
	waitpid(child, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 5, "the lost write got a 5xx");
	PQfinish(holder);
	holder = NULL;
	cr_assert_eq(system(need_env("SOILSHARE_PG_START")), 0, "starting PostgreSQL");
	pg_stopped = false;

	assert_retry_goes_through(t.path, t.body, t.idem);
	assert_two_versions(t.path);
	free(t.body);
}

Test(lost_claims, retry_after_kill_9_is_not_held_by_the_lost_claim, .timeout = 120,
     .fini = clean_up)
{
	char url[128];
	pid_t pid = server_spawn(url, sizeof(url), NULL);
	struct target t;
	make_target(&t, url, D "-LOSTKILL");
	hold_plot(t.id);
	pid_t child = start_write(url, t.id, t.body, t.idem);
	wait_claimed_and_blocked(t.idem + strlen("Idempotency-Key: "));

	cr_assert_eq(kill(pid, SIGKILL), 0);
	waitpid(pid, NULL, 0);
	spawned_server = 0;
	waitpid(child, NULL, 0);
	exec_ok(holder, "ROLLBACK", NULL);
	PQfinish(holder);
	holder = NULL;
	server_spawn(url, sizeof(url), NULL);

	assert_retry_goes_through(t.path, t.body, t.idem);
	assert_two_versions(t.path);
	free(t.body);
}
