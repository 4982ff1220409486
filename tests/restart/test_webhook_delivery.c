/* Webhook deliveries under failure and at volume: every acknowledged change is delivered, in
 * feed order, across a server killed with SIGKILL and a PostgreSQL restart (duplicates
 * allowed, nothing lost); and the latency from commit to receipt over 1,000 changes. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "receiver.h"
#include "scratchdb.h"
#include "spawn.h"

#define D "110105"

static char url[128];
static char *ecology;

static void fini(void)
{
	server_kill();
	scratch_db_drop();
}

static size_t discard(char *data, size_t size, size_t nmemb, void *cls)
{
	(void)data;
	(void)cls;
	return size * nmemb;
}

/* PUTs plot `id` once on `c`; the status, or 0 when nothing answered (no assertion: the
 * server or the database may be away). */
static long put_once(CURL *c, const char *id)
{
	char target[512], auth[256];
	snprintf(target, sizeof(target), "%s/v1/plots/%s", url, id);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", ecology);
	char *body = plot_body(D, "suspected", "M1");
	struct curl_slist *h = curl_slist_append(NULL, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, target);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	free(body);
	return status;
}

/* PUTs until acknowledged (200 or 201), for up to 20 s. */
static void put_acknowledged(CURL *c, const char *id)
{
	for (int i = 0; i < 200; i++) {
		long s = put_once(c, id);
		if (s == 200 || s == 201)
			return;
		cr_assert(s == 0 || s == 503, "PUT %s: %ld", id, s);
		usleep(100 * 1000);
	}
	cr_assert_fail("PUT %s was never acknowledged", id);
}

static json_t *subscribe(struct receiver *rx)
{
	char target[256];
	snprintf(target, sizeof(target), "%s/v1/subscriptions", url);
	char *body = strfmt("{\"url\": \"%s\", \"datasets\": [\"plots\"]}", receiver_url(rx));
	struct resp *r = call_url("POST", target, ecology, body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_t *sub = json_incref(r->json);
	resp_free(r);
	free(body);
	return sub;
}

static const char *const allow[] = {"--webhook-allow", "127.0.0.1/32", "--webhook-retry-base",
                                    "0.05", NULL};

/* How many of `ids` have a delivery. */
static int delivered_of(struct receiver *rx, char **ids, int n)
{
	size_t got = receiver_count(rx);
	int found = 0;
	for (int i = 0; i < n; i++)
		for (size_t j = 0; j < got; j++)
			if (strcmp(received_record_id(receiver_get(rx, j)), ids[i]) == 0) {
				found++;
				break;
			}
	return found;
}

Test(webhook_delivery, nothing_lost_across_kill_9_and_a_database_restart, .timeout = 240,
     .fini = fini)
{
	scratch_db_create();
	ecology = create_key("ecology", NULL, NULL);
	struct receiver *rx = receiver_start();
	receiver_delay(rx, 0.05); /* a slow receiver: the queue is long when things fail */
	server_spawn(url, sizeof(url), allow);
	json_t *sub = subscribe(rx);
	CURL *c = curl_easy_init();
	enum { PER_PHASE = 40, ALL = 3 * PER_PHASE };
	char *ids[ALL];
	for (int i = 0; i < ALL; i++)
		ids[i] = strfmt(D "-KILL-%03d", i);

	for (int i = 0; i < PER_PHASE; i++)
		put_acknowledged(c, ids[i]);
	size_t before_kill = receiver_count(rx);
	server_kill(); /* SIGKILL, deliveries queued and one in flight */
	cr_assert_lt(before_kill, (size_t)PER_PHASE, "the kill came with deliveries still queued");
	server_spawn(url, sizeof(url), allow);
	curl_easy_cleanup(c);
	c = curl_easy_init();

	for (int i = PER_PHASE; i < 2 * PER_PHASE; i++)
		put_acknowledged(c, ids[i]);
	size_t before_stop = receiver_count(rx);
	cr_assert_eq(system(need_env("SOILSHARE_PG_STOP")), 0, "stopping PostgreSQL");
	sleep(1);
	cr_assert_eq(system(need_env("SOILSHARE_PG_START")), 0, "starting PostgreSQL");
	cr_assert_lt(before_stop, (size_t)(2 * PER_PHASE), "the database went away mid-queue");

	for (int i = 2 * PER_PHASE; i < ALL; i++)
		put_acknowledged(c, ids[i]);
	curl_easy_cleanup(c);

	double until = receiver_now() + 90;
	while (delivered_of(rx, ids, ALL) < ALL && receiver_now() < until)
		usleep(200 * 1000);
	cr_assert_eq(delivered_of(rx, ids, ALL), ALL, "every acknowledged change was delivered");

	/* In feed order: an attempt cut short is sent again, never after a later change. */
	size_t got = receiver_count(rx);
	long long last = 0;
	int repeats = 0;
	for (size_t i = 0; i < got; i++) {
		long long pos = received_position(receiver_get(rx, i));
		cr_assert_geq(pos, last, "delivery %zu at position %lld after %lld", i, pos, last);
		repeats += pos == last;
		last = pos;
	}
	fprintf(stderr,
	        "webhooks: %d changes delivered in %zu requests across a kill -9 and a database "
	        "restart (%d sent again)\n",
	        ALL, got, repeats);
	json_decref(sub);
	receiver_stop(rx);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

Test(webhook_delivery, latency_from_commit_to_receipt_over_1000_changes, .timeout = 300,
     .fini = fini)
{
	scratch_db_create();
	ecology = create_key("ecology", NULL, NULL);
	struct receiver *rx = receiver_start();
	/* The real retry schedule: no retry is expected. */
	server_spawn(url, sizeof(url),
	             (const char *const[]){"--webhook-allow", "127.0.0.1/32", NULL});
	json_t *sub = subscribe(rx);
	enum { N = 1000 };
	static double sent[N], acked[N];
	CURL *c = curl_easy_init();
	/* A steady 100 writes a second, each acknowledged (committed) before the next. */
	double next = receiver_now();
	for (int i = 0; i < N; i++) {
		while (receiver_now() < next)
			usleep(500);
		next += 0.01;
		char id[64];
		snprintf(id, sizeof(id), D "-LAT-%04d", i);
		sent[i] = receiver_now();
		long s = put_once(c, id);
		acked[i] = receiver_now();
		cr_assert_eq(s, 201, "PUT %s: %ld", id, s);
	}
	curl_easy_cleanup(c);
	cr_assert_eq(receiver_wait(rx, N, 120), N, "every change was delivered");
	static double from_ack[N], from_sent[N];
	for (int i = 0; i < N; i++) {
		const struct received *d = receiver_get(rx, (size_t)i);
		int k = atoi(received_record_id(d) + strlen(D "-LAT-"));
		cr_assert_eq(k, i, "delivered in the order committed");
		from_ack[i] = (d->at - acked[k]) * 1000;
		from_sent[i] = (d->at - sent[k]) * 1000;
	}
	qsort(from_ack, N, sizeof(double), by_value);
	qsort(from_sent, N, sizeof(double), by_value);
	double median = (from_ack[N / 2 - 1] + from_ack[N / 2]) / 2,
	       p99 = from_ack[N * 99 / 100 - 1];
	double median_sent = (from_sent[N / 2 - 1] + from_sent[N / 2]) / 2,
	       p99_sent = from_sent[N * 99 / 100 - 1];
	fprintf(stderr,
	        "webhooks: delivery latency over %d changes, commit to receipt: median %.1f ms, "
	        "p99 %.1f ms (from the write's acknowledgement; from its request: median %.1f ms, "
	        "p99 %.1f ms)\n",
	        N, median, p99, median_sent, p99_sent);
	cr_assert_lt(median, 1000, "a delivery within a second of its commit, as a rule");
	json_decref(sub);
	receiver_stop(rx);
}
