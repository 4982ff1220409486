/* A webhook receiver for tests: libmicrohttpd on 127.0.0.1, keeping what arrives. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "receiver.h"
#include "webhooks.h"

#define MAX_RECEIVED 8192
#define MAX_SCRIPT   64

struct script {
	unsigned status;
	char header[128];
	int times;
};

struct receiver {
	struct MHD_Daemon *daemon;
	char url[64];
	pthread_mutex_t lock;
	pthread_cond_t arrived;
	struct received *items[MAX_RECEIVED];
	size_t n;
	struct script script[MAX_SCRIPT];
	size_t n_script;
	double delay;
};

/* A request's body as it comes in. */
struct upload {
	char *buf;
	size_t len;
};

double receiver_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void copy_header(struct MHD_Connection *c, const char *name, char *out, size_t size)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	snprintf(out, size, "%s", v ? v : "");
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
	(void)url;
	(void)method;
	(void)version;
	struct receiver *r = cls;
	struct upload *up = *state;
	if (!up) {
		*state = calloc(1, sizeof(*up));
		return *state ? MHD_YES : MHD_NO;
	}
	if (*size) {
		char *grown = realloc(up->buf, up->len + *size + 1);
		if (!grown)
			return MHD_NO;
		up->buf = grown;
		memcpy(up->buf + up->len, data, *size);
		up->len += *size;
		up->buf[up->len] = '\0';
		*size = 0;
		return MHD_YES;
	}
	struct received *got = calloc(1, sizeof(*got));
	if (!got)
		return MHD_NO;
	got->at = receiver_now();
	copy_header(c, "webhook-id", got->id, sizeof(got->id));
	copy_header(c, "webhook-timestamp", got->timestamp, sizeof(got->timestamp));
	copy_header(c, "webhook-signature", got->signature, sizeof(got->signature));
	got->body = up->buf ? up->buf : strdup("");
	got->len = up->len;
	up->buf = NULL;
	got->json = json_loadb(got->body, got->len, 0, NULL);

	pthread_mutex_lock(&r->lock);
	unsigned status = 204;
	char header[128] = "";
	if (r->n_script > 0) {
		status = r->script[0].status;
		snprintf(header, sizeof(header), "%s", r->script[0].header);
		if (--r->script[0].times == 0) {
			memmove(r->script, r->script + 1, (r->n_script - 1) * sizeof(r->script[0]));
			r->n_script--;
		}
	}
	double delay = r->delay;
	got->answered = status;
	if (r->n < MAX_RECEIVED)
		r->items[r->n++] = got;
	pthread_cond_broadcast(&r->arrived);
	pthread_mutex_unlock(&r->lock);

	if (delay > 0)
		usleep((useconds_t)(delay * 1e6));
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	char *colon = strchr(header, ':');
	if (colon) {
		*colon = '\0';
		const char *value = colon + 1;
		while (*value == ' ')
			value++;
		MHD_add_response_header(resp, header, value);
	}
	enum MHD_Result ok = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	struct upload *up = *state;
	if (up) {
		free(up->buf);
		free(up);
	}
	*state = NULL;
}

struct receiver *receiver_start(void)
{
	struct receiver *r = calloc(1, sizeof(*r));
	cr_assert_not_null(r);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->arrived, NULL);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->daemon =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
	                     NULL, NULL, answer, r, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	                     MHD_OPTION_NOTIFY_COMPLETED, completed, r, MHD_OPTION_END);
	cr_assert_not_null(r->daemon, "the receiver started");
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
	cr_assert(info && info->port, "the receiver has a port");
	snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%u/hook", (unsigned)info->port);
	return r;
}

const char *receiver_url(const struct receiver *r)
{
	return r->url;
}

void receiver_script(struct receiver *r, unsigned status, const char *header, int times)
{
	pthread_mutex_lock(&r->lock);
	cr_assert_lt(r->n_script, MAX_SCRIPT);
	struct script *s = &r->script[r->n_script++];
	s->status = status;
	snprintf(s->header, sizeof(s->header), "%s", header ? header : "");
	s->times = times;
	pthread_mutex_unlock(&r->lock);
}

void receiver_delay(struct receiver *r, double seconds)
{
	pthread_mutex_lock(&r->lock);
	r->delay = seconds;
	pthread_mutex_unlock(&r->lock);
}

size_t receiver_count(struct receiver *r)
{
	pthread_mutex_lock(&r->lock);
	size_t n = r->n;
	pthread_mutex_unlock(&r->lock);
	return n;
}

size_t receiver_wait(struct receiver *r, size_t n, double seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)seconds;
	until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (r->n < n && pthread_cond_timedwait(&r->arrived, &r->lock, &until) == 0)
		;
	size_t got = r->n;
	pthread_mutex_unlock(&r->lock);
	return got;
}

const struct received *receiver_get(struct receiver *r, size_t i)
{
	pthread_mutex_lock(&r->lock);
	cr_assert_lt(i, r->n, "request %zu arrived", i);
	const struct received *got = r->items[i];
	pthread_mutex_unlock(&r->lock);
	return got;
}

void receiver_stop(struct receiver *r)
{
	if (!r)
		return;
	MHD_stop_daemon(r->daemon);
	for (size_t i = 0; i < r->n; i++) {
		json_decref(r->items[i]->json);
		free(r->items[i]->body);
		free(r->items[i]);
	}
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->arrived);
	free(r);
}

bool received_signature(const struct received *d, int n, char *out, size_t size)
{
	const char *p = d->signature;
	for (int i = 0; *p; i++) {
		size_t len = strcspn(p, " ");
		if (i == n) {
			snprintf(out, size, "%.*s", (int)len, p);
			return len > 0;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

bool received_signed_by(const struct received *d, const char *secret)
{
	char expected[WEBHOOK_SIGNATURE_SIZE], got[256];
	if (webhook_sign(secret, d->id, atoll(d->timestamp), d->body, d->len, expected) < 0)
		return false;
	for (int i = 0; received_signature(d, i, got, sizeof(got)); i++)
		if (strcmp(got, expected) == 0)
			return true;
	return false;
}

long long received_position(const struct received *d)
{
	const char *cursor =
	    json_string_value(json_object_get(json_object_get(d->json, "data"), "cursor"));
	int64_t pos, at;
	if (!cursor || feed_cursor_decode(cursor, &pos, &at) < 0)
		return -1;
	return (long long)pos + 1;
}

const char *received_record_id(const struct received *d)
{
	const char *id = json_string_value(json_object_get(json_object_get(d->json, "data"), "id"));
	return id ? id : "";
}
