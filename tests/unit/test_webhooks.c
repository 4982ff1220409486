/* Unit tests of the pure parts of server/webhooks/: allowed networks, subscription URLs and
 * bodies, Standard Webhooks signatures, the retry schedule and Retry-After. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>

#include "webhooks.h"

static bool allowed(const struct webhook_allow *a, const char *address)
{
	unsigned char bytes[16];
	if (inet_pton(AF_INET, address, bytes) == 1)
		return webhook_allow_contains(a, AF_INET, bytes);
	cr_assert_eq(inet_pton(AF_INET6, address, bytes), 1, "%s is an address", address);
	return webhook_allow_contains(a, AF_INET6, bytes);
}

Test(webhook_allow, parses_cidr_lists)
{
	struct webhook_allow a;
	char err[256];
	cr_assert_eq(webhook_allow_parse("127.0.0.1/32, 10.20.0.0/16,fd00::/8 , 192.168.1.7", &a,
	                                 err, sizeof(err)),
	             0, "%s", err);
	cr_assert_eq(a.n, 4);
	cr_assert(allowed(&a, "127.0.0.1"));
	cr_assert_not(allowed(&a, "127.0.0.2"), "/32 is one host");
	cr_assert(allowed(&a, "10.20.0.0"));
	cr_assert(allowed(&a, "10.20.255.255"));
	cr_assert_not(allowed(&a, "10.21.0.1"));
	cr_assert(allowed(&a, "fd12:3456::1"));
	cr_assert_not(allowed(&a, "fe80::1"));
	cr_assert(allowed(&a, "192.168.1.7"), "an address alone is one host");
	cr_assert_not(allowed(&a, "192.168.1.8"));
	cr_assert(allowed(&a, "::ffff:10.20.3.4"), "an IPv4-mapped address is the IPv4 one");
	cr_assert_not(allowed(&a, "::1"), "loopback only where listed");
}

Test(webhook_allow, odd_prefixes)
{
	struct webhook_allow a;
	char err[256];
	cr_assert_eq(webhook_allow_parse("10.0.0.0/9,0.0.0.0/0", &a, err, sizeof(err)), 0, "%s",
	             err);
	cr_assert(allowed(&a, "10.127.255.255"));
	cr_assert_eq(webhook_allow_parse("10.0.0.0/9", &a, err, sizeof(err)), 0);
	cr_assert_not(allowed(&a, "10.128.0.0"), "outside /9");
	cr_assert_eq(webhook_allow_parse("0.0.0.0/0", &a, err, sizeof(err)), 0);
	cr_assert(allowed(&a, "8.8.8.8"), "/0 is everything of its family");
	cr_assert_not(allowed(&a, "2001:db8::1"), "but not the other family");
}

Test(webhook_allow, nothing_by_default)
{
	struct webhook_allow a;
	char err[256];
	cr_assert_eq(webhook_allow_parse(NULL, &a, err, sizeof(err)), 0);
	cr_assert_eq(a.n, 0);
	cr_assert_eq(webhook_allow_parse("", &a, err, sizeof(err)), 0);
	cr_assert_eq(a.n, 0);
	cr_assert_not(allowed(&a, "127.0.0.1"), "an empty list allows nothing, loopback neither");
}

Test(webhook_allow, refuses_what_is_no_network)
{
	static const char *const bad[] = {
	    "localhost", "10.0.0.0/33", "10.0.0.1/8",
	    "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/-1",
	    "::1/129",   "1.2.3",       "10.0.0.0/8,,127.0.0.1",
	    "fd00::1/8", "10.0.0.0/8x", ",",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct webhook_allow a;
		char err[256] = "";
		cr_assert_eq(webhook_allow_parse(bad[i], &a, err, sizeof(err)), -1, "\"%s\"",
		             bad[i]);
		cr_assert(strstr(err, "--webhook-allow"), "says which option: %s", err);
	}
}

Test(webhook_url, parses_http_and_https)
{
	struct webhook_url u;
	char err[256];
	cr_assert_eq(
	    webhook_url_parse("https://hooks.example.gov.cn/soil?x=1", &u, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert(u.https);
	cr_assert_str_eq(u.host, "hooks.example.gov.cn");
	cr_assert_eq(u.port, 443);
	cr_assert_eq(webhook_url_parse("HTTP://127.0.0.1:8099", &u, err, sizeof(err)), 0);
	cr_assert_not(u.https);
	cr_assert_str_eq(u.host, "127.0.0.1");
	cr_assert_eq(u.port, 8099);
	cr_assert_eq(webhook_url_parse("http://[fd00::5]:81/hook", &u, err, sizeof(err)), 0, "%s",
	             err);
	cr_assert_str_eq(u.host, "fd00::5", "an IPv6 host without its brackets");
	cr_assert_eq(u.port, 81);
}

Test(webhook_url, refuses_what_cannot_be_delivered_to)
{
	static const char *const bad[] = {
	    "",
	    "ftp://example.org/x",
	    "example.org/hook",
	    "http://",
	    "http:///path",
	    "http://user:pw@example.org/",
	    "http://example.org/#frag",
	    "http://exa mple.org/",
	    "http://例子.中国/",
	    "http://example.org:0/",
	    "http://example.org:65536/",
	    "http://example.org:/",
	    "http://example.org:80x/",
	    "http://[fd00::5/",
	    "http://[nonsense]/",
	    "http://exa$mple.org/",
	    "http://example.org\n/",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct webhook_url u;
		char err[256] = "";
		cr_assert_eq(webhook_url_parse(bad[i], &u, err, sizeof(err)), -1, "\"%s\"", bad[i]);
		cr_assert(strstr(err, "url"), "the message names the field: %s", err);
	}
	char longer[WEBHOOK_URL_MAX + 16];
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "http://x.org/", 13);
	longer[sizeof(longer) - 1] = '\0';
	struct webhook_url u;
	char err[256];
	cr_assert_eq(webhook_url_parse(longer, &u, err, sizeof(err)), -1, "too long");
}

static json_t *parsed(const char *text, struct webhook_subscription *s, json_t **errors)
{
	json_error_t e;
	json_t *body = json_loads(text, 0, &e);
	cr_assert_not_null(body, "%s", e.text);
	*errors = json_array();
	webhook_subscription_parse(body, s, *errors);
	return body;
}

static bool has_error(json_t *errors, const char *pointer)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i,
	                   e) if (strcmp(json_string_value(json_object_get(e, "pointer")),
	                                 pointer) == 0) return true;
	return false;
}

Test(webhook_subscription, a_valid_body)
{
	struct webhook_subscription s;
	json_t *errors;
	json_t *body = parsed("{\"url\": \"https://h.example/x\", \"datasets\": [\"plots\", "
	                      "\"soil-samples\"], \"findings\": true, \"description\": \"区\"}",
	                      &s, &errors);
	cr_assert_eq(json_array_size(errors), 0, "%s", json_dumps(errors, 0));
	cr_assert_str_eq(s.url, "https://h.example/x");
	cr_assert_eq(json_array_size(s.datasets), 2);
	cr_assert(s.findings);
	cr_assert_str_eq(s.description, "区");
	json_decref(body);
	json_decref(errors);

	body = parsed("{\"url\": \"https://h.example/x\", \"findings\": true}", &s, &errors);
	cr_assert_eq(json_array_size(errors), 0, "findings alone is enough");
	cr_assert_null(s.datasets);
	cr_assert_null(s.description);
	json_decref(body);
	json_decref(errors);
}

Test(webhook_subscription, every_problem_with_its_pointer)
{
	struct webhook_subscription s;
	json_t *errors;
	json_t *body = parsed("{\"url\": \"gopher://x\", \"datasets\": [\"plots\", \"nope\", "
	                      "\"findings\", 3, \"plots\"], \"findings\": \"yes\", "
	                      "\"description\": 7, \"secret\": \"mine\"}",
	                      &s, &errors);
	cr_assert(has_error(errors, "/url"));
	cr_assert(has_error(errors, "/datasets/1"), "an unknown dataset");
	cr_assert(has_error(errors, "/datasets/2"), "findings is not a dataset");
	cr_assert(has_error(errors, "/datasets/3"), "not a name");
	cr_assert(has_error(errors, "/datasets/4"), "named twice");
	cr_assert(has_error(errors, "/findings"));
	cr_assert(has_error(errors, "/description"));
	cr_assert(has_error(errors, "/secret"), "an unknown field");
	json_decref(body);
	json_decref(errors);

	body = parsed("{\"datasets\": []}", &s, &errors);
	cr_assert(has_error(errors, "/url"), "url is required");
	json_decref(body);
	json_decref(errors);

	body = parsed("{\"url\": \"http://h.example/\", \"datasets\": [], \"findings\": false}", &s,
	              &errors);
	cr_assert(has_error(errors, "/datasets"), "nothing to announce");
	json_decref(body);
	json_decref(errors);

	body = parsed("[1]", &s, &errors);
	cr_assert(has_error(errors, ""), "not an object");
	json_decref(body);
	json_decref(errors);
}

/* Standard Webhooks' published example. */
Test(webhook_sign, the_standard_webhooks_test_vector)
{
	char sig[WEBHOOK_SIGNATURE_SIZE];
	const char *body = "{\"test\": 2432232314}";
	cr_assert_eq(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	                          "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body),
	                          sig),
	             0);
	cr_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

Test(webhook_sign, secrets)
{
	char a[WEBHOOK_SECRET_SIZE], b[WEBHOOK_SECRET_SIZE], sig[WEBHOOK_SIGNATURE_SIZE];
	cr_assert_eq(webhook_secret_new(a), 0);
	cr_assert_eq(webhook_secret_new(b), 0);
	cr_assert_eq(strlen(a), WEBHOOK_SECRET_SIZE - 1);
	cr_assert_eq(strncmp(a, "whsec_", 6), 0);
	cr_assert_str_neq(a, b, "random");
	cr_assert_eq(webhook_sign(a, "msg_1", 1, "{}", 2, sig), 0, "a new secret signs");
	cr_assert_eq(webhook_sign("whsec_", "msg_1", 1, "{}", 2, sig), -1, "an empty key");
	cr_assert_eq(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}", 2, sig), -1,
	             "no prefix");
	cr_assert_eq(webhook_sign("whsec_not base64!", "msg_1", 1, "{}", 2, sig), -1);
}

Test(webhook_schedule, backoff_over_a_day)
{
	double total = 0, last = 0;
	for (int attempt = 1; attempt < WEBHOOK_MAX_ATTEMPTS; attempt++) {
		double wait = webhook_backoff(attempt, 5, 0);
		cr_assert_geq(wait, last, "never shorter than the wait before");
		last = wait;
		total += wait;
		double jittered = webhook_backoff(attempt, 5, 0.999);
		cr_assert(jittered >= wait && jittered <= wait * 1.25, "jitter up to a quarter");
	}
	cr_assert_float_eq(webhook_backoff(1, 5, 0), 5, 1e-9);
	cr_assert_float_eq(webhook_backoff(2, 5, 0), 30, 1e-9);
	cr_assert_float_eq(webhook_backoff(3, 5, 0), 120, 1e-9);
	cr_assert_float_eq(webhook_backoff(6, 5, 0), 3600, 1e-9);
	cr_assert_geq(total, 24 * 3600.0, "retries go on for at least 24 h (%.0f s)", total);
	cr_assert_eq(webhook_backoff(WEBHOOK_MAX_ATTEMPTS, 5, 0), -1, "the last attempt");
	cr_assert_eq(webhook_backoff(0, 5, 0), -1);
	cr_assert_float_eq(webhook_backoff(2, 0.01, 0), 0.06, 1e-9, "the base scales it all");
}

Test(webhook_schedule, retry_after)
{
	time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
	cr_assert_float_eq(webhook_retry_after("120", now), 120, 1e-9);
	cr_assert_float_eq(webhook_retry_after(" 0 ", now), 0, 1e-9);
	cr_assert_float_eq(webhook_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30, 1e-9);
	cr_assert_float_eq(webhook_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0, 1e-9,
	                   "a date past is now");
	cr_assert_eq(webhook_retry_after("soon", now), -1);
	cr_assert_eq(webhook_retry_after("1.5", now), -1, "delay-seconds are whole");
	cr_assert_eq(webhook_retry_after("-3", now), -1);
	cr_assert_eq(webhook_retry_after("", now), -1);
	cr_assert_eq(webhook_retry_after("Sun, 06 Nov 1994 08:50:07 PST", now), -1);
}
