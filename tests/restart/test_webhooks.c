/* Signed webhooks (SPEC §11) against a real receiver on 127.0.0.1: subscriptions and who sees
 * them, Standard Webhooks signatures (also checked with openssl), thin bodies whose cursor
 * pulls the feed, secret rotation, the retry schedule, Retry-After, 410, dead letters, and the
 * networks deliveries may go to. Each test has a database and a server of its own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "receiver.h"
#include "scratchdb.h"
#include "spawn.h"

#define D "110105"

static char url[128];
static char *ecology;
static struct receiver *rx;

static void fini(void)
{
	server_kill();
	scratch_db_drop();
}

/* A database of the test's own, a receiver, and the server allowing `allow`, with the retry
 * schedule's base `base` (seconds). */
static void start(const char *base, const char *allow)
{
	scratch_db_create();
	ecology = create_key("ecology", NULL, NULL);
	rx = receiver_start();
	server_spawn(
	    url, sizeof(url),
	    (const char *const[]){"--webhook-allow", allow, "--webhook-retry-base", base, NULL});
}

static struct resp *api(const char *method, const char *path, const char *key, const char *body)
{
	char target[1024];
	snprintf(target, sizeof(target), "%s%s", url, path);
	return call_url(method, target, key, body, NULL);
}

/* Subscribes the receiver; returns the answer's JSON (new ref). */
static json_t *subscribe(const char *key, const char *datasets, bool findings)
{
	char *body = strfmt("{\"url\": \"%s\", \"datasets\": %s, \"findings\": %s}",
	                    receiver_url(rx), datasets, findings ? "true" : "false");
	struct resp *r = api("POST", "/v1/subscriptions", key, body);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_t *sub = json_incref(r->json);
	resp_free(r);
	free(body);
	return sub;
}

static const char *str(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void put_plot(const char *id, const char *planned_use)
{
	char *path = strfmt("/v1/plots/%s", id);
	struct resp *r = api("PUT", path, ecology, plot_body(D, "suspected", planned_use));
	cr_assert(r->status == 201 || r->status == 200, "PUT %s: %s", id, r->body);
	resp_free(r);
	free(path);
}

/* GET of a subscription's deliveries with `query`; the items (new ref). */
static json_t *deliveries(const char *sub, const char *query)
{
	char *path = strfmt("/v1/subscriptions/%s/deliveries%s", sub, query);
	struct resp *r = api("GET", path, ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *items = json_incref(json_object_get(r->json, "items"));
	resp_free(r);
	free(path);
	return items;
}

/* The value of a /metrics line that starts with `series`, or -1. */
static double metric(const char *series)
{
	struct resp *r = api("GET", "/metrics", NULL, NULL);
	cr_assert_eq(r->status, 200);
	const char *at = strstr(r->body, series);
	double v = at ? atof(at + strlen(series)) : -1;
	resp_free(r);
	return v;
}

/* Runs scripts/webhook-receiver verify on a delivery with `secret`: its exit status. */
static int script_verify(const struct received *d, const char *secret, int tolerance)
{
	char path[] = "/tmp/soilshare-webhook-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, d->body, d->len), (ssize_t)d->len);
	close(fd);
	char *cmd = strfmt(
	    "WEBHOOK_SECRET='%s' WEBHOOK_ID='%s' WEBHOOK_TIMESTAMP='%s' "
	    "WEBHOOK_SIGNATURE='%s' WEBHOOK_TOLERANCE=%d '%s/scripts/webhook-receiver' "
	    "verify <'%s' 2>/dev/null",
	    secret, d->id, d->timestamp, d->signature, tolerance, need_env("SOILSHARE_ROOT"), path);
	int status = system(cmd);
	unlink(path);
	free(cmd);
	cr_assert(WIFEXITED(status), "the script ran");
	return WEXITSTATUS(status);
}

Test(webhooks, the_receiver_script_checks_the_published_test_vector_with_openssl)
{
	struct received d = {.id = "msg_p5jXN8AQM9LWM0D4loKWxJek",
	                     .timestamp = "1614265330",
	                     .signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	                     .body = "{\"test\": 2432232314}"};
	d.len = strlen(d.body);
	cr_assert(received_signed_by(&d, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
	cr_assert_eq(script_verify(&d, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0), 0,
	             "openssl agrees with the published signature");
	cr_assert_eq(script_verify(&d, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 300), 1,
	             "a 2021 timestamp is too old to accept");
	d.body = "{\"test\": 2432232315}";
	cr_assert_eq(script_verify(&d, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0), 1,
	             "a changed body does not verify");
	cr_assert_not(received_signed_by(&d, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

Test(webhooks, subscriptions_belong_to_their_agency, .timeout = 90, .fini = fini)
{
	start("5", "127.0.0.1/32");
	char *planning = create_key("planning", NULL, NULL);
	char *chaoyang = create_key("district", D, NULL);

	json_t *sub = subscribe(ecology, "[\"plots\", \"soil-samples\"]", true);
	const char *id = str(sub, "id");
	const char *secret = str(sub, "secret");
	cr_assert(id && strncmp(id, "sub_", 4) == 0, "%s", id);
	cr_assert(secret && strncmp(secret, "whsec_", 6) == 0 && strlen(secret) == 50, "%s",
	          secret);
	cr_assert_str_eq(str(sub, "status"), "active");
	cr_assert(json_is_true(json_object_get(sub, "findings")));

	char *path = strfmt("/v1/subscriptions/%s", id);
	struct resp *r = api("GET", path, ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(json_object_get(r->json, "secret"), "the secret is shown once");
	cr_assert_str_eq(str(r->json, "url"), receiver_url(rx));
	cr_assert_eq(json_integer_value(json_object_get(r->json, "backlog")), 0);
	resp_free(r);

	/* Another agency sees nothing of it. */
	static const char *const suffixes[] = {"", "/rotate-secret", "/deliveries",
	                                       "/deliveries/msg_0000000000000001/retry"};
	static const char *const methods[] = {"GET", "POST", "GET", "POST"};
	for (size_t i = 0; i < 4; i++) {
		char *p = strfmt("%s%s", path, suffixes[i]);
		r = api(methods[i], p, planning, NULL);
		assert_problem(r, 404, "/problems/not-found");
		resp_free(r);
		r = api(methods[i], p, chaoyang, NULL);
		assert_problem(r, 404, "/problems/not-found");
		resp_free(r);
		free(p);
	}
	r = api("DELETE", path, planning, NULL);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);

	/* A district's subscriptions are its own; lists show one's own, paged. */
	json_decref(subscribe(chaoyang, "[\"plots\"]", false));
	json_decref(subscribe(ecology, "[\"plots\"]", false));
	json_decref(subscribe(ecology, "[]", true));
	r = api("GET", "/v1/subscriptions?limit=2", ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 2);
	char *next = strfmt("/v1/subscriptions?limit=2&cursor=%s", str(r->json, "next_cursor"));
	resp_free(r);
	r = api("GET", next, ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "3 of ecology's");
	cr_assert_null(json_object_get(r->json, "next_cursor"));
	resp_free(r);
	r = api("GET", "/v1/subscriptions", chaoyang, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "1 of the district's");
	resp_free(r);
	r = api("GET", "/v1/subscriptions", planning, NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	r = api("GET", "/v1/subscriptions?status=active", ecology, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);

	/* Rotation answers a new secret, once; the old one signs for a day more. */
	char *rotate = strfmt("%s/rotate-secret", path);
	r = api("POST", rotate, ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(str(r->json, "secret") && strcmp(str(r->json, "secret"), secret) != 0);
	cr_assert_not_null(str(r->json, "previous_secret_expires_at"));
	cr_assert_not_null(str(r->json, "secret_rotated_at"));
	resp_free(r);

	r = api("DELETE", path, ecology, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = api("GET", path, ecology, NULL);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	r = api("DELETE", path, ecology, NULL);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);

	/* What is refused, and how. */
	static const struct {
		const char *url; /* NULL: the receiver's; "": none */
		const char *rest, *pointer, *says;
	} bad[] = {
	    {NULL, ", \"datasets\": [\"plot\"]", "/datasets/0", "not a dataset"},
	    {NULL, ", \"datasets\": [\"findings\"]", "/datasets/0", "findings"},
	    {NULL, ", \"datasets\": []", "/datasets", "at least one"},
	    {NULL, ", \"datasets\": [\"plots\"], \"secret\": \"x\"", "/secret", "unknown field"},
	    {"ftp://127.0.0.1/hook", ", \"datasets\": [\"plots\"]", "/url", "http"},
	    {"http://10.255.255.1:81/hook", ", \"datasets\": [\"plots\"]", "/url",
	     "outside the networks"},
	    {"http://u:p@127.0.0.1/hook", ", \"datasets\": [\"plots\"]", "/url", "password"},
	    {"", "\"datasets\": [\"plots\"]", "/url", "required"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *u = bad[i].url ? bad[i].url : receiver_url(rx);
		char *body = *u ? strfmt("{\"url\": \"%s\"%s}", u, bad[i].rest)
		                : strfmt("{%s}", bad[i].rest);
		r = api("POST", "/v1/subscriptions", ecology, body);
		assert_problem(r, 422, "/problems/validation");
		json_t *e = json_array_get(json_object_get(r->json, "errors"), 0);
		cr_assert_str_eq(str(e, "pointer"), bad[i].pointer, "%s: %s", body, r->body);
		cr_assert(strstr(str(e, "message"), bad[i].says), "%s: %s", body, r->body);
		resp_free(r);
		free(body);
	}
	r = call_url(
	    "POST", strfmt("%s/v1/subscriptions", url), ecology, "url=x",
	    (const char *const[]){"Content-Type: application/x-www-form-urlencoded", NULL});
	assert_problem(r, 415, "/problems/unsupported-media-type");
	resp_free(r);
	r = api("POST", "/v1/subscriptions", ecology, "{\"url\": ");
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	json_decref(sub);
}

Test(webhooks, deliveries_are_signed_in_feed_order_with_a_cursor, .timeout = 120, .fini = fini)
{
	start("5", "127.0.0.1/32");
	char *planning = create_key("planning", NULL, NULL);
	char *water = create_key("water", NULL, NULL);
	json_t *sub = subscribe(ecology, "[\"plots\"]", true);
	const char *secret = str(sub, "secret");

	enum { PLOTS = 10 };
	for (int i = 0; i < PLOTS; i++)
		put_plot(strfmt(D "-WH-%02d", i), "M1");
	/* A transfer naming a plot without a record opens a finding (not a dataset asked for,
	 * but findings are). */
	struct resp *r = api("PUT", "/v1/land-right-transfers/WH-TR-1", planning,
	                     "{\"plot_id\": \"" D "-WH-NONE\", \"district\": \"" D "\", "
	                     "\"action\": \"recovery\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	/* An update and a deletion are changes too. */
	put_plot(D "-WH-00", "R2");
	r = api("DELETE", "/v1/plots/" D "-WH-01", ecology, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);

	size_t want = PLOTS + 3;
	cr_assert_eq(receiver_wait(rx, want, 30), want, "every change was delivered");
	usleep(300 * 1000);
	cr_assert_eq(receiver_count(rx), want, "and once");
	long long last = 0;
	int findings = 0;
	for (size_t i = 0; i < want; i++) {
		const struct received *d = receiver_get(rx, i);
		cr_assert(received_signed_by(d, secret), "delivery %zu is signed: %s", i,
		          d->signature);
		cr_assert_not(strchr(d->signature, ' '), "one secret, one signature");
		cr_assert(labs((long)(atoll(d->timestamp) - time(NULL))) < 60,
		          "a timestamp of now");
		long long pos = received_position(d);
		cr_assert_gt(pos, last, "in feed order: %lld after %lld", pos, last);
		last = pos;
		json_t *data = json_object_get(d->json, "data");
		const char *type = str(d->json, "type");
		cr_assert_not_null(str(d->json, "timestamp"));
		if (strcmp(str(data, "dataset"), "findings") == 0) {
			cr_assert_str_eq(type, "finding");
			findings++;
		} else {
			cr_assert_str_eq(type, "change");
			cr_assert_str_eq(str(data, "dataset"), "plots");
		}
		if (i < PLOTS) {
			char *expect = strfmt(D "-WH-%02zu", i);
			cr_assert_str_eq(str(data, "id"), expect, "in the order written");
			cr_assert_eq(json_integer_value(json_object_get(data, "version")), 1);
			cr_assert_str_eq(str(data, "op"), "upsert");
			free(expect);
		}
		/* The cursor pulls the feed from just before this change. */
		char *feed = strfmt("/v1/changes?limit=1&cursor=%s", str(data, "cursor"));
		r = api("GET", feed, water, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		json_t *c = json_array_get(json_object_get(r->json, "changes"), 0);
		cr_assert_str_eq(str(c, "dataset"), str(data, "dataset"));
		cr_assert_str_eq(str(c, "id"), str(data, "id"));
		cr_assert_str_eq(str(c, "op"), str(data, "op"));
		cr_assert(
		    json_equal(json_object_get(c, "version"), json_object_get(data, "version")));
		resp_free(r);
		free(feed);
	}
	cr_assert_eq(findings, 1, "the finding was announced");
	const struct received *tail = receiver_get(rx, want - 1);
	cr_assert_str_eq(str(json_object_get(tail->json, "data"), "op"), "delete");
	cr_assert_eq(script_verify(receiver_get(rx, 0), secret, 300), 0,
	             "openssl verifies a real delivery");
	cr_assert_eq(
	    script_verify(receiver_get(rx, 0), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 300), 1,
	    "not with another secret");

	json_t *items = deliveries(str(sub, "id"), "?status=delivered&limit=1000");
	cr_assert_eq(json_array_size(items), want);
	json_t *first = json_array_get(items, 0);
	cr_assert_str_eq(str(first, "id"), receiver_get(rx, 0)->id,
	                 "webhook-id is the delivery id");
	cr_assert_eq(json_integer_value(json_object_get(first, "attempts")), 1);
	cr_assert_eq(json_integer_value(json_object_get(first, "last_status")), 204);
	json_decref(items);
	items = deliveries(str(sub, "id"), "?status=failed");
	cr_assert_eq(json_array_size(items), 0);
	json_decref(items);

	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"delivered\"} "),
	             (double)want);
	char *backlog = strfmt("soilshare_webhook_backlog{subscription=\"%s\",status=\"active\"} ",
	                       str(sub, "id"));
	cr_assert_eq(metric(backlog), 0, "nothing waits");
	json_decref(sub);
}

Test(webhooks, a_rotated_secret_signs_beside_the_old_one, .timeout = 90, .fini = fini)
{
	start("5", "127.0.0.1/32");
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	const char *old = str(sub, "secret");
	put_plot(D "-ROT-1", "M1");
	cr_assert_eq(receiver_wait(rx, 1, 20), 1);

	char *path = strfmt("/v1/subscriptions/%s/rotate-secret", str(sub, "id"));
	struct resp *r = api("POST", path, ecology, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	char *fresh = strdup(str(r->json, "secret"));
	resp_free(r);
	put_plot(D "-ROT-2", "M1");
	cr_assert_eq(receiver_wait(rx, 2, 20), 2);

	const struct received *before = receiver_get(rx, 0), *after = receiver_get(rx, 1);
	cr_assert(received_signed_by(before, old));
	cr_assert_not(received_signed_by(before, fresh));
	char first[128], second[128], third[128];
	cr_assert(received_signature(after, 0, first, sizeof(first)));
	cr_assert(received_signature(after, 1, second, sizeof(second)), "two signatures: %s",
	          after->signature);
	cr_assert_not(received_signature(after, 2, third, sizeof(third)));
	struct received one = *after;
	snprintf(one.signature, sizeof(one.signature), "%s", first);
	cr_assert(received_signed_by(&one, fresh), "the new secret's comes first");
	snprintf(one.signature, sizeof(one.signature), "%s", second);
	cr_assert(received_signed_by(&one, old), "then the old one's");
	cr_assert_eq(script_verify(after, fresh, 300), 0, "a receiver on the new secret accepts");
	cr_assert_eq(script_verify(after, old, 300), 0, "and one still on the old secret");
	free(fresh);
	json_decref(sub);
}

Test(webhooks, retries_wait_by_the_schedule_and_keep_the_order, .timeout = 90, .fini = fini)
{
	start("0.2", "127.0.0.1/32");
	receiver_script(rx, 500, NULL, 3);
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	put_plot(D "-BO-A", "M1");
	put_plot(D "-BO-B", "M1");
	cr_assert_eq(receiver_wait(rx, 5, 30), 5, "three failures, then both delivered");
	/* 0.2 s, then 6 and 24 times the base, each up to a quarter longer. */
	static const double waits[] = {0.2, 1.2, 4.8};
	for (int i = 0; i < 3; i++) {
		const struct received *a = receiver_get(rx, (size_t)i),
		                      *b = receiver_get(rx, i + 1);
		cr_assert_str_eq(received_record_id(b), D "-BO-A", "A is retried before B is sent");
		cr_assert_str_eq(a->id, b->id, "the same webhook-id on every attempt");
		double gap = b->at - a->at;
		cr_assert(gap >= waits[i] && gap <= waits[i] * 1.25 + 0.5,
		          "retry %d after %.3f s, expected %.2f to %.2f s", i + 1, gap, waits[i],
		          waits[i] * 1.25 + 0.5);
	}
	cr_assert_str_eq(received_record_id(receiver_get(rx, 4)), D "-BO-B", "then B");
	json_t *items = deliveries(str(sub, "id"), "");
	json_t *a = json_array_get(items, 0);
	cr_assert_str_eq(str(a, "status"), "delivered");
	cr_assert_eq(json_integer_value(json_object_get(a, "attempts")), 4);
	json_decref(items);
	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"retried\"} "), 3);
	json_decref(sub);
}

Test(webhooks, retry_after_is_honoured, .timeout = 90, .fini = fini)
{
	start("0.05", "127.0.0.1/32");
	/* Monotonic arrival times against the wall clock of the HTTP date. */
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	double offset = (double)wall.tv_sec + wall.tv_nsec / 1e9 - receiver_now();
	time_t until = time(NULL) + 6;
	char date[64], header[96];
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&until));
	snprintf(header, sizeof(header), "Retry-After: %s", date);
	receiver_script(rx, 503, "Retry-After: 2", 1);
	receiver_script(rx, 429, header, 1);
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	put_plot(D "-RA-1", "M1");
	cr_assert_eq(receiver_wait(rx, 3, 30), 3);
	double first = receiver_get(rx, 1)->at - receiver_get(rx, 0)->at;
	cr_assert(first >= 2.0 && first < 3.0,
	          "Retry-After: 2 over a 0.05 s backoff: the retry came after %.3f s", first);
	double third = receiver_get(rx, 2)->at + offset;
	cr_assert_geq(third, (double)until - 1.0, "an HTTP date is waited for (%.3f s early)",
	              (double)until - third);
	cr_assert_lt(third, (double)until + 2.0, "and not much longer");
	json_decref(sub);
}

Test(webhooks, gone_disables_the_subscription, .timeout = 90, .fini = fini)
{
	start("0.05", "127.0.0.1/32");
	receiver_script(rx, 410, NULL, 1);
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	char *path = strfmt("/v1/subscriptions/%s", str(sub, "id"));
	put_plot(D "-GONE-1", "M1");
	cr_assert_eq(receiver_wait(rx, 1, 20), 1);
	json_t *now = NULL;
	for (int i = 0; i < 50; i++) {
		struct resp *r = api("GET", path, ecology, NULL);
		cr_assert_eq(r->status, 200);
		bool disabled = strcmp(str(r->json, "status"), "disabled") == 0;
		if (disabled)
			now = json_incref(r->json);
		resp_free(r);
		if (disabled)
			break;
		usleep(100 * 1000);
	}
	cr_assert_not_null(now, "the subscription was disabled");
	cr_assert(strstr(str(now, "disabled_reason"), "410"), "%s", str(now, "disabled_reason"));
	cr_assert_not_null(str(now, "disabled_at"));

	put_plot(D "-GONE-2", "M1");
	sleep(2);
	cr_assert_eq(receiver_count(rx), 1, "nothing more is sent");
	json_t *items = deliveries(str(sub, "id"), "");
	cr_assert_eq(json_array_size(items), 1, "nor queued");
	json_t *d = json_array_get(items, 0);
	cr_assert_eq(json_integer_value(json_object_get(d, "last_status")), 410);
	char *retry = strfmt("%s/deliveries/%s/retry", path, str(d, "id"));
	struct resp *r = api("POST", retry, ecology, NULL);
	assert_problem(r, 409, "/problems/conflict");
	cr_assert(strstr(r->body, "disabled"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"disabled\"} "), 1);
	json_decref(items);
	json_decref(now);
	json_decref(sub);
}

Test(webhooks, dead_deliveries_are_listed_and_sent_again, .timeout = 120, .fini = fini)
{
	/* 0.5 ms: the whole schedule, twelve attempts, in about ten seconds. */
	start("0.0005", "127.0.0.1/32");
	receiver_script(rx, 500, NULL, 12);
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	const char *id = str(sub, "id");
	put_plot(D "-DEAD-A", "M1");
	put_plot(D "-DEAD-B", "M1");
	cr_assert_eq(receiver_wait(rx, 13, 60), 13, "twelve attempts of A, then B");
	for (size_t i = 0; i < 12; i++)
		cr_assert_str_eq(received_record_id(receiver_get(rx, i)), D "-DEAD-A");
	cr_assert_str_eq(received_record_id(receiver_get(rx, 12)), D "-DEAD-B",
	                 "B waited until A was dead");

	json_t *failed = NULL;
	for (int i = 0; i < 50 && json_array_size(failed) == 0; i++) {
		json_decref(failed);
		usleep(100 * 1000);
		failed = deliveries(id, "?status=failed");
	}
	cr_assert_eq(json_array_size(failed), 1, "the dead letter is listed");
	json_t *a = json_array_get(failed, 0);
	cr_assert_str_eq(str(a, "record_id"), D "-DEAD-A");
	cr_assert_str_eq(str(a, "status"), "failed");
	cr_assert_eq(json_integer_value(json_object_get(a, "attempts")), 12);
	cr_assert_eq(json_integer_value(json_object_get(a, "last_status")), 500);
	cr_assert_not_null(str(a, "failed_at"));
	cr_assert(strstr(str(a, "last_error"), "500"), "%s", str(a, "last_error"));
	json_t *items = deliveries(id, "?status=pending");
	cr_assert_eq(json_array_size(items), 0);
	json_decref(items);

	char *retry = strfmt("/v1/subscriptions/%s/deliveries/%s/retry", id, str(a, "id"));
	struct resp *r = api("POST", retry, ecology, NULL);
	cr_assert_eq(r->status, 202, "%s", r->body);
	cr_assert_str_eq(str(r->json, "status"), "pending");
	resp_free(r);
	cr_assert_eq(receiver_wait(rx, 14, 20), 14, "sent again");
	cr_assert_str_eq(receiver_get(rx, 13)->id, receiver_get(rx, 0)->id, "the same delivery");
	items = NULL;
	for (int i = 0; i < 50 && json_array_size(items) != 2; i++) {
		json_decref(items);
		usleep(100 * 1000);
		items = deliveries(id, "?status=delivered");
	}
	cr_assert_eq(json_array_size(items), 2);
	json_decref(items);
	items = deliveries(id, "?status=failed");
	cr_assert_eq(json_array_size(items), 0, "no dead letter left");
	json_decref(items);

	r = api("POST", retry, ecology, NULL);
	assert_problem(r, 409, "/problems/conflict");
	resp_free(r);
	char *unknown = strfmt("/v1/subscriptions/%s/deliveries/msg_9999999999999999/retry", id);
	r = api("POST", unknown, ecology, NULL);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	r = api("GET", strfmt("/v1/subscriptions/%s/deliveries?status=dead", id), ecology, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);

	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"failed\"} "), 1);
	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"retried\"} "), 11);
	cr_assert_eq(metric("soilshare_webhook_deliveries_total{outcome=\"delivered\"} "), 2);
	json_decref(failed);
	json_decref(sub);
}

Test(webhooks, nothing_goes_to_a_network_not_allowed, .timeout = 120, .fini = fini)
{
	start("0.01", "127.0.0.1/32");
	json_t *sub = subscribe(ecology, "[\"plots\"]", false);
	const char *id = str(sub, "id");

	/* The operator narrows the networks: the subscription stays, nothing is sent. */
	server_terminate();
	server_spawn(url, sizeof(url),
	             (const char *const[]){"--webhook-allow", "10.0.0.0/8", "--webhook-retry-base",
	                                   "0.01", NULL});
	put_plot(D "-NET-1", "M1");
	json_t *items = NULL;
	for (int i = 0; i < 50; i++) {
		json_decref(items);
		items = deliveries(id, "");
		json_t *d = json_array_get(items, 0);
		if (d && json_integer_value(json_object_get(d, "attempts")) >= 2)
			break;
		usleep(100 * 1000);
	}
	json_t *d = json_array_get(items, 0);
	cr_assert_not_null(d);
	cr_assert_geq(json_integer_value(json_object_get(d, "attempts")), 2, "it was tried");
	cr_assert_str_eq(str(d, "status"), "pending");
	cr_assert(json_is_null(json_object_get(d, "last_status")), "no HTTP answer");
	cr_assert(strstr(str(d, "last_error"), "outside the networks"), "%s", str(d, "last_error"));
	cr_assert_eq(receiver_count(rx), 0, "and never reached the receiver");
	json_decref(items);
	struct resp *r =
	    api("POST", "/v1/subscriptions", ecology,
	        strfmt("{\"url\": \"%s\", \"datasets\": [\"plots\"]}", receiver_url(rx)));
	assert_problem(r, 422, "/problems/validation");
	cr_assert(strstr(r->body, "10.0.0.0/8"), "says where deliveries may go: %s", r->body);
	resp_free(r);

	/* With no --webhook-allow at all, nothing may be subscribed (this server sends nothing
	 * either, so the delivery's retries do not move on meanwhile). */
	server_terminate();
	server_spawn(url, sizeof(url), (const char *const[]){"--webhook-senders", "0", NULL});
	r = api("POST", "/v1/subscriptions", ecology,
	        strfmt("{\"url\": \"%s\", \"datasets\": [\"plots\"]}", receiver_url(rx)));
	assert_problem(r, 422, "/problems/validation");
	cr_assert(strstr(r->body, "--webhook-allow"), "%s", r->body);
	resp_free(r);

	/* Allowed again: the queued delivery goes out. */
	server_terminate();
	server_spawn(url, sizeof(url),
	             (const char *const[]){"--webhook-allow", "127.0.0.1/32",
	                                   "--webhook-retry-base", "0.01", NULL});
	cr_assert_eq(receiver_wait(rx, 1, 30), 1, "delivered once the network is allowed");
	cr_assert_str_eq(received_record_id(receiver_get(rx, 0)), D "-NET-1");
	json_decref(sub);
}
