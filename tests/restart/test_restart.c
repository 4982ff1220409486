/* Reliability over HTTP: PostgreSQL stopped and started under a running server; SIGTERM. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

Test(restart, database_restart_gives_503_then_recovers, .timeout = 90, .fini = server_kill)
{
	char url[128], path[512];
	pid_t pid = server_spawn(url, sizeof(url), NULL);
	char *id = uniq("110105-R");
	snprintf(path, sizeof(path), "%s/v1/plots/%s", url, id);
	char *body = plot_body("110105", "suspected", "R2");
	struct resp *r = call_url("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);

	cr_assert_eq(system(need_env("SOILSHARE_PG_STOP")), 0, "stopping PostgreSQL");
	r = call_url("GET", path, key_of("ecology"), NULL, NULL);
	assert_problem(r, 503, "/problems/unavailable");
	cr_assert_not_null(resp_header(r, "Retry-After"));
	resp_free(r);
	r = call_url("PUT", path, key_of("ecology"), body, NULL);
	assert_problem(r, 503, NULL);
	resp_free(r);
	char ready[256];
	snprintf(ready, sizeof(ready), "%s/readyz", url);
	r = call_url("GET", ready, NULL, NULL, NULL);
	cr_assert_eq(r->status, 503);
	resp_free(r);
	r = call_url("GET", path, NULL, NULL, NULL);
	cr_assert_eq(r->status, 401, "no key is still 401, not 503");
	resp_free(r);

	cr_assert_eq(system(need_env("SOILSHARE_PG_START")), 0, "starting PostgreSQL");
	double back = now(), recovered = -1;
	while (now() - back < 10) {
		r = call_url("GET", path, key_of("ecology"), NULL, NULL);
		long s = r->status;
		resp_free(r);
		if (s == 200) {
			recovered = now() - back;
			break;
		}
		cr_assert_eq(s, 503, "only 503 while recovering, got %ld", s);
		usleep(100 * 1000);
	}
	cr_assert(recovered >= 0 && recovered <= 3.0, "recovered in %.2f s", recovered);
	r = call_url("PUT", path, key_of("ecology"),
	             plot_body("110105", "preliminary_survey", "R2"), NULL);
	cr_assert_eq(r->status, 200, "writes work again: %s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2,
	             "the write acknowledged before the restart is there");
	resp_free(r);
	kill(pid, SIGTERM);
	int status;
	waitpid(pid, &status, 0);
	spawned_server = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(body);
	free(id);
}

/* Clients that GET one record over and over on a keep-alive connection each, counting the
 * answers by kind, until told to stop. Record lookups go through the database lanes, so
 * several are in a lane's pipeline when PostgreSQL goes away. */
struct getter {
	const char *url, *auth;
	atomic_bool *stop;
	atomic_long ok, unavailable, other, broken;
	atomic_long last_other;
};

static size_t discard(char *data, size_t size, size_t nmemb, void *cls)
{
	(void)data;
	(void)cls;
	return size * nmemb;
}

static void *getter_main(void *arg)
{
	struct getter *g = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, g->auth);
	curl_easy_setopt(c, CURLOPT_URL, g->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	while (!atomic_load(g->stop)) {
		long status = 0;
		if (curl_easy_perform(c) != CURLE_OK) {
			g->broken++;
			continue;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200) {
			g->ok++;
		} else if (status == 503) {
			g->unavailable++;
			usleep(20 * 1000);
		} else {
			g->other++;
			g->last_other = status;
		}
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

Test(restart, database_restart_under_reads_gives_only_200_and_503, .timeout = 90,
     .fini = server_kill)
{
	char url[128], path[512], auth[256];
	const char *const flags[] = {
	    "--rate-limit", "1000000", "--rate-burst", "1000000", "--log-format", "none", NULL};
	pid_t pid = server_spawn(url, sizeof(url), flags);
	char *id = uniq("110105-RL");
	snprintf(path, sizeof(path), "%s/v1/plots/%s", url, id);
	struct resp *r =
	    call_url("PUT", path, key_of("ecology"), plot_body("110105", "suspected", "R2"), NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key_of("ecology"));
	enum { N = 8 };
	atomic_bool stop = false;
	struct getter g[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		g[i] = (struct getter){.url = path, .auth = auth, .stop = &stop};
		cr_assert_eq(pthread_create(&t[i], NULL, getter_main, &g[i]), 0);
	}
	usleep(500 * 1000);
	cr_assert_eq(system(need_env("SOILSHARE_PG_STOP")), 0, "stopping PostgreSQL");
	usleep(500 * 1000);
	cr_assert_eq(system(need_env("SOILSHARE_PG_START")), 0, "starting PostgreSQL");
	/* Answered from the database again within 3 s of its start, by every client. */
	long before[N];
	for (int i = 0; i < N; i++)
		before[i] = g[i].ok;
	sleep(3);
	atomic_store(&stop, true);
	long ok = 0, unavailable = 0, other = 0, broken = 0, last_other = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		ok += g[i].ok;
		unavailable += g[i].unavailable;
		other += g[i].other;
		broken += g[i].broken;
		if (g[i].other)
			last_other = g[i].last_other;
		cr_assert_gt(g[i].ok, before[i], "client %d got no 200 after PostgreSQL was back",
		             i);
	}
	cr_log_info("GETs through a PostgreSQL restart: %ld 200, %ld 503", ok, unavailable);
	cr_assert_eq(other, 0, "%ld answers were neither 200 nor 503 (the last %ld)", other,
	             last_other);
	cr_assert_eq(broken, 0, "%ld requests got no answer", broken);
	cr_assert_gt(unavailable, 0, "the outage was seen (503)");
	kill(pid, SIGTERM);
	int status;
	waitpid(pid, &status, 0);
	spawned_server = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(id);
}

Test(restart, sigterm_stops_cleanly, .timeout = 60, .fini = server_kill)
{
	char url[128];
	pid_t pid = server_spawn(url, sizeof(url), NULL);
	kill(pid, SIGTERM);
	int status;
	double t = now();
	waitpid(pid, &status, 0);
	spawned_server = 0;
	cr_assert(WIFEXITED(status), "the server exited rather than died");
	cr_assert_eq(WEXITSTATUS(status), 0);
	cr_assert_lt(now() - t, 5.0, "and promptly");
}

Test(restart, old_feed_cursor_is_410, .timeout = 60, .fini = server_kill)
{
	char url[128], path[512];
	server_spawn(url, sizeof(url), (const char *const[]){"--feed-retention", "1", NULL});
	char *id = uniq("110105-RET");
	snprintf(path, sizeof(path), "%s/v1/plots/%s", url, id);
	char *body = plot_body("110105", "suspected", "R2");
	struct resp *r = call_url("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201);
	resp_free(r);
	snprintf(path, sizeof(path), "%s/v1/changes?datasets=plots&limit=1000", url);
	char *cursor = NULL;
	for (int i = 0; i < 100 && !cursor; i++) {
		r = call_url("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		if (json_array_size(json_object_get(r->json, "changes")) < 1000)
			cursor = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
		else
			snprintf(path, sizeof(path),
			         "%s/v1/changes?datasets=plots&limit=1000&cursor=%s", url,
			         json_string_value(json_object_get(r->json, "next_cursor")));
		resp_free(r);
	}
	cr_assert_not_null(cursor);
	sleep(3);
	snprintf(path, sizeof(path), "%s/v1/changes?cursor=%s", url, cursor);
	r = call_url("GET", path, key_of("water"), NULL, NULL);
	assert_problem(r, 410, "/problems/cursor-expired");
	cr_assert(strstr(r->body, "latest"), "tells how to resync: %s", r->body);
	resp_free(r);
	free(cursor);
	free(body);
	free(id);
}

Test(restart, long_poll_wakes_on_a_write, .timeout = 60, .fini = server_kill)
{
	char url[128], path[512];
	server_spawn(url, sizeof(url), NULL);
	char *start = feed_latest(url);
	pid_t child = fork();
	if (child == 0) {
		usleep(700 * 1000);
		char p2[512];
		snprintf(p2, sizeof(p2), "%s/v1/plots/110105-LONGPOLL-%d", url, (int)getppid());
		struct resp *w = call_url("PUT", p2, key_of("ecology"),
		                          plot_body("110105", "suspected", "B1"), NULL);
		_exit(w->status == 201 ? 0 : 1);
	}
	double t0 = now();
	snprintf(path, sizeof(path), "%s/v1/changes?cursor=%s&wait=20", url, start);
	struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
	double secs = now() - t0;
	int status;
	waitpid(child, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the write went through");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "changes")), 1, "%s", r->body);
	cr_assert_lt(secs, 5.0, "woke after %.2f s, not at the end of the wait", secs);
	cr_assert_geq(secs, 0.5, "waited for the write (%.2f s)", secs);
	char *next = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
	resp_free(r);

	/* Nothing happening: wait=1 answers an empty page after about a second. */
	snprintf(path, sizeof(path), "%s/v1/changes?cursor=%s&wait=1", url, next);
	t0 = now();
	r = call_url("GET", path, key_of("water"), NULL, NULL);
	secs = now() - t0;
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_array_size(json_object_get(r->json, "changes")), 0);
	cr_assert(secs >= 0.9 && secs < 3, "%.2f s", secs);
	resp_free(r);

	/* SIGTERM answers a waiting long-poll at once and exits 0. */
	pid_t poller = fork();
	if (poller == 0) {
		struct resp *p = call_url("GET", path, key_of("water"), NULL, NULL);
		_exit(p->status == 200 ? 0 : 1);
	}
	usleep(300 * 1000);
	t0 = now();
	kill(spawned_server, SIGTERM);
	waitpid(spawned_server, &status, 0);
	spawned_server = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	          "clean exit with a long-poll open");
	cr_assert_lt(now() - t0, 5.0);
	waitpid(poller, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the long-poll got its answer");
	free(next);
	free(start);
}

Test(restart, rate_limit_answers_429_with_retry_after, .timeout = 60, .fini = server_kill)
{
	char url[128], path[256];
	server_spawn(url, sizeof(url),
	             (const char *const[]){"--rate-limit", "1", "--rate-burst", "3", NULL});
	snprintf(path, sizeof(path), "%s/v1/me", url);
	const char *key = key_of("water");
	for (int i = 0; i < 3; i++) {
		struct resp *r = call_url("GET", path, key, NULL, NULL);
		cr_assert_eq(r->status, 200, "request %d of the burst: %s", i + 1, r->body);
		resp_free(r);
	}
	struct resp *r = call_url("GET", path, key, NULL, NULL);
	assert_problem(r, 429, "/problems/rate-limited");
	const char *after = resp_header(r, "Retry-After");
	cr_assert(after && atoi(after) >= 1, "Retry-After in whole seconds: %s",
	          after ? after : "-");
	resp_free(r);
	/* Another key has its own bucket. */
	r = call_url("GET", path, key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	sleep(2);
	r = call_url("GET", path, key, NULL, NULL);
	cr_assert_eq(r->status, 200, "the bucket refills: %s", r->body);
	resp_free(r);
}
