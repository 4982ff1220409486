/* libFuzzer target: the webhook parsers of untrusted input. The input is a POST
 * /v1/subscriptions body, checked as the endpoint checks it; the same bytes as text are also
 * parsed as a subscription URL, a Retry-After value and a --webhook-allow list. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "datasets.h"
#include "jsonutil.h"
#include "support.h"
#include "webhooks.h"

static void check_body(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *body = json_parse_strict((const char *)data, size, err, sizeof(err));
	if (!body)
		return;
	json_t *errors = json_array();
	struct webhook_subscription sub;
	int rc = webhook_subscription_parse(body, &sub, errors);
	FUZZ_CHECK((rc == 0) == (json_array_size(errors) == 0));
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e)
	{
		const char *pointer = json_string_value(json_object_get(e, "pointer"));
		const char *message = json_string_value(json_object_get(e, "message"));
		FUZZ_CHECK(pointer && (pointer[0] == '\0' || pointer[0] == '/'));
		FUZZ_CHECK(message && message[0] && fuzz_utf8_string(message));
		FUZZ_CHECK(fuzz_utf8_string(pointer));
	}
	if (rc == 0) {
		struct webhook_url u;
		FUZZ_CHECK(sub.url && webhook_url_parse(sub.url, &u, err, sizeof(err)) == 0);
		FUZZ_CHECK(json_array_size(sub.datasets) > 0 || sub.findings);
		json_t *v;
		json_array_foreach(sub.datasets, i, v)
		    FUZZ_CHECK(dataset_exists(json_string_value(v)));
	}
	json_decref(errors);
	json_decref(body);
}

static void check_url(const char *text)
{
	struct webhook_url u;
	char err[512] = "";
	if (webhook_url_parse(text, &u, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0] && fuzz_utf8_string(err));
		return;
	}
	FUZZ_CHECK(u.host[0] != '\0');
	FUZZ_CHECK(u.port >= 1 && u.port <= 65535);
	for (const char *p = u.host; *p; p++)
		FUZZ_CHECK(*p > 0x20 && *p < 0x7f && *p != '/' && *p != '@' && *p != '#');
}

static void check_allow(const char *text)
{
	struct webhook_allow a;
	char err[512] = "";
	if (webhook_allow_parse(text, &a, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0] && fuzz_utf8_string(err));
		return;
	}
	FUZZ_CHECK(a.n <= WEBHOOK_ALLOW_MAX);
	for (size_t i = 0; i < a.n; i++) {
		const struct webhook_net *n = &a.nets[i];
		FUZZ_CHECK(n->family == AF_INET || n->family == AF_INET6);
		FUZZ_CHECK(n->prefix >= 0 && n->prefix <= (n->family == AF_INET ? 32 : 128));
		/* A network holds its own first address. */
		FUZZ_CHECK(webhook_allow_contains(&a, n->family, n->addr));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_body(data, size);
	char *text = fuzz_cstring(data, size);
	check_url(text);
	check_allow(text);
	double wait = webhook_retry_after(text, 1700000000);
	FUZZ_CHECK(wait == -1 || wait >= 0);
	free(text);
	return 0;
}
