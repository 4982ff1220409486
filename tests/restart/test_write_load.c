/* Reliability under write load (SPEC §9): writers keep publishing plots with an Idempotency-Key
 * while the server is killed with SIGKILL, or while PostgreSQL restarts; every acknowledged
 * write must be there afterwards with its content, and retries must make no duplicates. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"
#include "strbuf.h"

/* Daxing (110115) is written by no other test. */
#define D "110115"

#define WRITERS    4 /* the last one publishes in bulk */
#define BULK_SIZE  10
#define MAX_WRITES 4096

/* One logical write: a PUT of one plot, or a bulk POST of BULK_SIZE plots. */
struct write {
	char id[96]; /* the plot, or the prefix of the bulk's plots */
	char idem[96];
	char *body;
	bool bulk;
	int attempts;
	long status; /* the 2xx that acknowledged it, else 0 */
};

struct writer {
	pthread_t thread;
	int index;
	const char *url;
	const char *apikey;
	const char *prefix;
	bool retry; /* retry an unacknowledged write with its key while the load goes on */
	struct write writes[MAX_WRITES];
	size_t n;
	/* what came back besides 2xx */
	int unavailable, unavailable_bad, in_progress, transport, unexpected;
	char unexpected_text[512];
};

static atomic_bool stop;
static atomic_int acknowledged;
static double give_up_at;
static bool pg_stopped;
/* The first acknowledgement at or after `watch_from` (when both are set). */
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static double watch_from, first_ack_after;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ HTTP without asserts */

struct reply {
	long status; /* 0: no answer */
	struct strbuf body;
	bool retry_after, problem;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *cls)
{
	strbuf_add(&((struct reply *)cls)->body, data, size * nmemb);
	return size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *cls)
{
	struct reply *r = cls;
	size_t n = size * nmemb;
	if (n >= 12 && strncasecmp(data, "Retry-After:", 12) == 0)
		r->retry_after = atoi(data + 12) >= 1;
	if (n >= 38 && strncasecmp(data, "Content-Type: application/problem+json", 38) == 0)
		r->problem = true;
	return n;
}

/* Sends a write; transport errors give status 0. The reply's body is to be released. */
static void send_write(CURL *c, const struct writer *wr, const struct write *w, struct reply *r)
{
	char auth[256], idem[160];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", wr->apikey);
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", w->idem);
	struct curl_slist *h = curl_slist_append(NULL, auth);
	h = curl_slist_append(h, idem);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	char target[512];
	if (w->bulk)
		snprintf(target, sizeof(target), "%s/v1/plots", wr->url);
	else
		snprintf(target, sizeof(target), "%s/v1/plots/%s", wr->url, w->id);
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 256);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, target);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, w->bulk ? "POST" : "PUT");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, w->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(w->body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
}

/* ------------------------------------------------------------------ writers */

/* The name and area of plot `id`: what the check after the restart compares. */
static char *plot_json(const char *id, bool with_id)
{
	unsigned long hash = 5381;
	for (const char *p = id; *p; p++)
		hash = hash * 33 + (unsigned char)*p;
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", id, "district", D, "status",
	                      "suspected", "planned_use", "M1", "area_m2", (int)(hash % 100000));
	if (with_id)
		json_object_set_new(j, "id", json_string(id));
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void begin_write(struct writer *wr, struct write *w)
{
	size_t n = wr->n;
	w->bulk = wr->index == WRITERS - 1;
	snprintf(w->id, sizeof(w->id), "%s-%d-%zu", wr->prefix, wr->index, n);
	snprintf(w->idem, sizeof(w->idem), "load-%s-%d-%zu", wr->prefix, wr->index, n);
	if (!w->bulk) {
		w->body = plot_json(w->id, false);
		return;
	}
	struct strbuf sb;
	strbuf_init(&sb, 2048);
	strbuf_addc(&sb, '[');
	for (int i = 0; i < BULK_SIZE; i++) {
		char id[128];
		snprintf(id, sizeof(id), "%s-%02d", w->id, i);
		char *one = plot_json(id, true);
		strbuf_addf(&sb, "%s%s", i ? "," : "", one);
		free(one);
	}
	strbuf_addc(&sb, ']');
	w->body = strbuf_detach(&sb, NULL);
}

/* Handles one answer; returns true when the write is settled (acknowledged or refused). */
static bool settle(struct writer *wr, struct write *w, struct reply *r)
{
	if (r->status >= 200 && r->status < 300) {
		w->status = r->status;
		atomic_fetch_add(&acknowledged, 1);
		double t = now();
		pthread_mutex_lock(&watch_lock);
		if (watch_from > 0 && first_ack_after < 0 && t >= watch_from)
			first_ack_after = t;
		pthread_mutex_unlock(&watch_lock);
		return true;
	}
	if (r->status == 0) {
		wr->transport++;
		return false;
	}
	if (r->status == 503) {
		wr->unavailable++;
		if (!r->retry_after || !r->problem)
			wr->unavailable_bad++;
		return false;
	}
	/* The key is held by another attempt: never so here, where each writer waits for its
	 * answer and a claim the database lost is taken over (counted, and checked to be 0). */
	if (r->status == 409 && strstr(r->body.buf, "idempotency-in-progress")) {
		wr->in_progress++;
		return true;
	}
	if (!wr->unexpected++)
		snprintf(wr->unexpected_text, sizeof(wr->unexpected_text), "%s: %ld %.400s", w->id,
		         r->status, r->body.buf);
	return true;
}

static void *write_loop(void *arg)
{
	struct writer *wr = arg;
	CURL *c = curl_easy_init();
	while (!atomic_load(&stop) && wr->n < MAX_WRITES) {
		struct write *w = &wr->writes[wr->n];
		begin_write(wr, w);
		wr->n++;
		for (;;) {
			struct reply r;
			w->attempts++;
			send_write(c, wr, w, &r);
			bool settled = settle(wr, w, &r);
			strbuf_release(&r.body);
			/* Once the test stops the load, a write not yet through stays
			 * unacknowledged. */
			if (settled || atomic_load(&stop) || now() > give_up_at)
				break;
			/* Without retries a failed write stays unacknowledged: the server is gone.
			 */
			if (!wr->retry && r.status == 0)
				goto out;
			usleep(100 * 1000);
		}
	}
out:
	curl_easy_cleanup(c);
	return NULL;
}

static void start_writers(struct writer *wr, const char *url, const char *prefix, bool retry)
{
	atomic_store(&stop, false);
	atomic_store(&acknowledged, 0);
	for (int i = 0; i < WRITERS; i++) {
		memset(&wr[i], 0, sizeof(wr[i]));
		wr[i].index = i;
		wr[i].url = url;
		wr[i].apikey = key_of("ecology");
		wr[i].prefix = prefix;
		wr[i].retry = retry;
		cr_assert_eq(pthread_create(&wr[i].thread, NULL, write_loop, &wr[i]), 0);
	}
}

static void join_writers(struct writer *wr)
{
	atomic_store(&stop, true);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(wr[i].thread, NULL);
}

/* Waits until `n` more writes are acknowledged; false after `secs` seconds. */
static bool wait_acknowledged(int n, double secs)
{
	int target = atomic_load(&acknowledged) + n;
	for (double until = now() + secs; now() < until;) {
		if (atomic_load(&acknowledged) >= target)
			return true;
		usleep(20 * 1000);
	}
	return false;
}

/* ------------------------------------------------------------------ checks */

/* Every live plot of the run (its ids begin with `prefix`), by id. */
static json_t *stored_plots(const char *url, const char *prefix)
{
	json_t *all = json_object();
	char path[1024];
	snprintf(path, sizeof(path), "%s/v1/plots?district=%s&limit=1000", url, D);
	for (;;) {
		struct resp *r = call_url("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(r->json, "items"), i, it)
		{
			const char *id = json_string_value(json_object_get(it, "id"));
			if (strncmp(id, prefix, strlen(prefix)) == 0)
				json_object_set(all, id, it);
		}
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		if (next)
			snprintf(path, sizeof(path), "%s/v1/plots?district=%s&limit=1000&cursor=%s",
			         url, D, next);
		resp_free(r);
		if (!next)
			break;
	}
	return all;
}

/* How many changes the feed holds for each plot of the run since `cursor`, by id. */
static json_t *changes_per_plot(const char *url, const char *cursor, const char *prefix)
{
	json_t *counts = json_object();
	json_t *changes = feed_since(url, cursor, "plots", 1000, NULL);
	size_t i;
	json_t *ch;
	json_array_foreach(changes, i, ch)
	{
		const char *id = json_string_value(json_object_get(ch, "id"));
		if (strncmp(id, prefix, strlen(prefix)) != 0)
			continue;
		json_int_t n = json_integer_value(json_object_get(counts, id));
		json_object_set_new(counts, id, json_integer(n + 1));
	}
	json_decref(changes);
	return counts;
}

/* A stored plot must hold what was sent for it, at version 1: written once. */
static void assert_plot(json_t *stored, json_t *changes, const char *id, bool acked)
{
	json_t *rec = json_object_get(stored, id);
	if (!acked && !rec)
		return; /* an unacknowledged write may or may not have happened */
	cr_assert_not_null(rec, "acknowledged plot %s is missing", id);
	char *sent_text = plot_json(id, false);
	json_t *sent = json_loads(sent_text, 0, NULL);
	const char *key;
	json_t *value;
	json_object_foreach(sent, key, value)
	{
		cr_assert(json_equal(value, json_object_get(rec, key)), "plot %s: %s differs", id,
		          key);
	}
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 1,
	             "plot %s was written more than once", id);
	cr_assert_eq(json_integer_value(json_object_get(changes, id)), 1,
	             "plot %s has %lld changes in the feed, not one", id,
	             (long long)json_integer_value(json_object_get(changes, id)));
	json_decref(sent);
	free(sent_text);
}

/* Checks every write begun; returns how many were acknowledged. */
static int assert_writes(struct writer *wr, const char *url, const char *prefix, const char *cursor)
{
	json_t *stored = stored_plots(url, prefix);
	json_t *changes = changes_per_plot(url, cursor, prefix);
	int acked = 0;
	for (int t = 0; t < WRITERS; t++) {
		for (size_t i = 0; i < wr[t].n; i++) {
			struct write *w = &wr[t].writes[i];
			acked += w->status != 0;
			if (!w->bulk) {
				cr_assert(!w->status || w->status == 201 || w->status == 200,
				          "PUT %s acknowledged with %ld", w->id, w->status);
				assert_plot(stored, changes, w->id, w->status != 0);
				continue;
			}
			for (int k = 0; k < BULK_SIZE; k++) {
				char id[128];
				snprintf(id, sizeof(id), "%s-%02d", w->id, k);
				assert_plot(stored, changes, id, w->status != 0);
			}
		}
	}
	/* Nothing of the run that no writer began. */
	const char *id;
	json_t *count;
	json_object_foreach(changes, id, count)
	{
		cr_assert_not_null(json_object_get(stored, id), "%s changed but is not stored", id);
	}
	json_decref(stored);
	json_decref(changes);
	return acked;
}

static void release_writes(struct writer *wr)
{
	for (int t = 0; t < WRITERS; t++)
		for (size_t i = 0; i < wr[t].n; i++)
			free(wr[t].writes[i].body);
}

static void restart_database_if_stopped(void)
{
	if (pg_stopped && system(need_env("SOILSHARE_PG_START")) == 0)
		pg_stopped = false;
}

static void clean_up(void)
{
	restart_database_if_stopped();
	server_kill();
}

/* The log of the servers spawn.c starts, where AddressSanitizer and UBSan report. */
static void log_path(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/soilshare-restart-%s.log", need_env("SOILSHARE_SPARE_PORT"));
}

static long log_size(void)
{
	char path[256];
	log_path(path, sizeof(path));
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* No sanitizer report in what the servers logged since `from`. */
static void assert_no_sanitizer_report(long from)
{
	char path[256], line[1024];
	log_path(path, sizeof(path));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "the server log %s", path);
	fseek(f, from, SEEK_SET);
	while (fgets(line, sizeof(line), f))
		cr_assert(!strstr(line, "ERROR: AddressSanitizer") &&
		              !strstr(line, "runtime error:"),
		          "sanitizer report in %s: %s", path, line);
	fclose(f);
}

static const char *const fast_limits[] = {"--rate-limit", "100000", "--rate-burst", "100000", NULL};

Test(write_load, kill_9_loses_no_acknowledged_write, .timeout = 180, .fini = clean_up)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	long log_from = log_size();
	char url[128];
	pid_t pid = server_spawn(url, sizeof(url), fast_limits);
	char *prefix = uniq(D "-KILL");
	char *cursor = feed_latest(url);
	static struct writer wr[WRITERS];
	give_up_at = now() + 120;
	start_writers(wr, url, prefix, false);
	cr_assert(wait_acknowledged(150, 60), "the writers got going (%d acknowledged)",
	          atomic_load(&acknowledged));

	/* Mid-load: the writers are sending as the server dies. */
	cr_assert_eq(kill(pid, SIGKILL), 0);
	waitpid(pid, NULL, 0);
	spawned_server = 0;
	join_writers(wr);
	int transport = 0;
	for (int i = 0; i < WRITERS; i++) {
		cr_assert_eq(wr[i].unexpected, 0, "writer %d: %s", i, wr[i].unexpected_text);
		transport += wr[i].transport;
	}
	cr_assert_gt(transport, 0, "some writes were in flight when the server died");

	server_spawn(url, sizeof(url), fast_limits);
	int acked = assert_writes(wr, url, prefix, cursor);
	cr_assert_geq(acked, 150);
	fprintf(stderr,
	        "write_load: %d writes acknowledged before SIGKILL, all there after the "
	        "restart\n",
	        acked);
	server_terminate();
	assert_no_sanitizer_report(log_from);
	release_writes(wr);
	free(cursor);
	free(prefix);
}

/* Writes sent by the test itself while the database is away: each gets 503 and, retried with
 * the same key once it is back, goes through once; a second retry replays the answer. */
#define OUTAGE_WRITES 3

static void put_outage_write(const char *url, const char *prefix, int i, struct resp **out)
{
	char path[512], idem[160];
	snprintf(path, sizeof(path), "%s/v1/plots/%s-M-%d", url, prefix, i);
	snprintf(idem, sizeof(idem), "Idempotency-Key: outage-%s-%d", prefix, i);
	char id[128];
	snprintf(id, sizeof(id), "%s-M-%d", prefix, i);
	char *body = plot_json(id, false);
	*out = call_url("PUT", path, key_of("ecology"), body, (const char *const[]){idem, NULL});
	free(body);
}

static void assert_outage_writes_refused(const char *url, const char *prefix)
{
	for (int i = 0; i < OUTAGE_WRITES; i++) {
		struct resp *r;
		put_outage_write(url, prefix, i, &r);
		assert_problem(r, 503, "/problems/unavailable");
		cr_assert_not_null(resp_header(r, "Retry-After"));
		resp_free(r);
	}
}

static void assert_outage_writes_retried_once(const char *url, const char *prefix)
{
	for (int i = 0; i < OUTAGE_WRITES; i++) {
		struct resp *r;
		put_outage_write(url, prefix, i, &r);
		cr_assert_eq(r->status, 201, "the retry of a refused write creates it: %s",
		             r->body);
		cr_assert_null(resp_header(r, "Idempotent-Replayed"));
		resp_free(r);
		put_outage_write(url, prefix, i, &r);
		cr_assert_eq(r->status, 201, "a second retry gets the first answer: %s", r->body);
		const char *replayed = resp_header(r, "Idempotent-Replayed");
		cr_assert(replayed && strcmp(replayed, "true") == 0, "and says it is a replay");
		resp_free(r);
		char path[512];
		snprintf(path, sizeof(path), "%s/v1/plots/%s-M-%d/history", url, prefix, i);
		r = call_url("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1,
		             "one version after three attempts: %s", r->body);
		resp_free(r);
	}
}

/* While the database is away, reads answer 503 with Retry-After and a problem body. */
static void assert_unavailable(const char *probe)
{
	for (int i = 0; i < 10; i++) {
		struct resp *r = call_url("GET", probe, key_of("water"), NULL, NULL);
		assert_problem(r, 503, "/problems/unavailable");
		cr_assert_not_null(resp_header(r, "Retry-After"));
		resp_free(r);
		usleep(100 * 1000);
	}
}

/* Seconds from `back` until `probe` reads 200 (only 503 before), or -1. */
static double seconds_to_recover(const char *probe, double back)
{
	while (now() - back < 10) {
		struct resp *r = call_url("GET", probe, key_of("water"), NULL, NULL);
		long s = r->status;
		resp_free(r);
		if (s == 200)
			return now() - back;
		cr_assert_eq(s, 503, "only 503 while recovering, got %ld", s);
		usleep(50 * 1000);
	}
	return -1;
}

Test(write_load, database_restart_loses_nothing_and_retries_make_no_duplicates, .timeout = 180,
     .fini = clean_up)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	long log_from = log_size();
	char url[128], probe[512];
	pid_t pid = server_spawn(url, sizeof(url), fast_limits);
	char *prefix = uniq(D "-PG");
	char *cursor = feed_latest(url);
	static struct writer wr[WRITERS];
	give_up_at = now() + 120;
	start_writers(wr, url, prefix, true);
	cr_assert(wait_acknowledged(100, 60), "the writers got going");

	cr_assert_eq(system(need_env("SOILSHARE_PG_STOP")), 0, "stopping PostgreSQL");
	pg_stopped = true;
	snprintf(probe, sizeof(probe), "%s/v1/plots/%s-0-0", url, prefix);
	assert_unavailable(probe);
	assert_outage_writes_refused(url, prefix);
	cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "the server is still running");

	cr_assert_eq(system(need_env("SOILSHARE_PG_START")), 0, "starting PostgreSQL");
	pg_stopped = false;
	double back = now();
	pthread_mutex_lock(&watch_lock);
	watch_from = back;
	first_ack_after = -1;
	pthread_mutex_unlock(&watch_lock);
	double recovered = seconds_to_recover(probe, back);
	cr_assert(recovered >= 0 && recovered <= 3.0,
	          "reads recovered %.2f s after the database returned", recovered);
	cr_assert(wait_acknowledged(50, 60), "writes resumed after the database returned");
	pthread_mutex_lock(&watch_lock);
	double write_recovered = first_ack_after - back;
	pthread_mutex_unlock(&watch_lock);
	cr_assert(write_recovered >= 0 && write_recovered <= 3.0,
	          "the first write went through %.2f s after the database returned",
	          write_recovered);
	join_writers(wr);
	assert_outage_writes_retried_once(url, prefix);

	int unavailable = 0, in_progress = 0, retried = 0;
	for (int i = 0; i < WRITERS; i++) {
		cr_assert_eq(wr[i].unexpected, 0, "writer %d: %s", i, wr[i].unexpected_text);
		cr_assert_eq(wr[i].unavailable_bad, 0,
		             "writer %d: a 503 without Retry-After or problem body", i);
		cr_assert_eq(wr[i].transport, 0, "writer %d: the server dropped a connection", i);
		unavailable += wr[i].unavailable;
		in_progress += wr[i].in_progress;
		for (size_t k = 0; k < wr[i].n; k++)
			retried += wr[i].writes[k].status && wr[i].writes[k].attempts > 1;
	}
	cr_assert_gt(unavailable, 0, "writers met the database away");
	cr_assert_eq(in_progress, 0,
	             "%d retries found their key held by an attempt the database lost",
	             in_progress);
	int acked = assert_writes(wr, url, prefix, cursor);
	fprintf(stderr,
	        "write_load: %d writes acknowledged across a database restart, %d of them on a "
	        "retry; %d answers 503; %d writes left at 409 (their key held by a lost "
	        "attempt)\n",
	        acked, retried, unavailable, in_progress);
	server_terminate();
	assert_no_sanitizer_report(log_from);
	release_writes(wr);
	free(cursor);
	free(prefix);
}
