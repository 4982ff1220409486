/* Signed webhooks (SPEC §11, Standard Webhooks 1.0): the networks deliveries may go to,
 * subscription URLs and bodies, secrets and signatures, the retry schedule (all pure), and
 * the sender threads that deliver the queue kept in PostgreSQL. */
#ifndef SOILSHARE_WEBHOOKS_H
#define SOILSHARE_WEBHOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* ---- where deliveries may go (--webhook-allow) ---- */

#define WEBHOOK_ALLOW_MAX 64

struct webhook_net {
	int family;             /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network address, 4 or 16 bytes used */
	int prefix;             /* prefix length in bits */
};

/* A list of networks; empty allows nothing. */
struct webhook_allow {
	struct webhook_net nets[WEBHOOK_ALLOW_MAX];
	size_t n;
};

/* Parses a comma-separated CIDR list ("127.0.0.1/32, 10.20.0.0/16, fd00::/8"; an address
 * without a length is one host; NULL or "" is the empty list). -1 with a message when an
 * item is not a network or has bits set past its prefix. */
int webhook_allow_parse(const char *text, struct webhook_allow *out, char *errbuf, size_t size);
/* Whether the address (4 bytes for AF_INET, 16 for AF_INET6) is inside one of the networks.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked as the IPv4 address. */
bool webhook_allow_contains(const struct webhook_allow *a, int family, const unsigned char *addr);

/* ---- subscription URLs and bodies ---- */

#define WEBHOOK_URL_MAX 2048

struct webhook_url {
	bool https;
	char host[256]; /* a name, or an address (IPv6 without its brackets) */
	int port;
};

/* Parses an absolute http(s) URL: no credentials, no fragment, printable ASCII only. -1
 * with a message saying what is wrong. */
int webhook_url_parse(const char *url, struct webhook_url *out, char *errbuf, size_t size);

/* A subscription as written in a POST body, pointing into the body it came from. */
struct webhook_subscription {
	const char *url;
	json_t *datasets; /* array of dataset names, possibly empty */
	bool findings;
	const char *description; /* or NULL */
};

/* Checks a POST /v1/subscriptions body: appends {"pointer", "message"} objects to `errors`
 * for each problem and returns -1, or fills `out` and returns 0. */
int webhook_subscription_parse(json_t *body, struct webhook_subscription *out, json_t *errors);

/* ---- secrets and signatures ---- */

/* "whsec_" and 44 characters of base64. */
#define WEBHOOK_SECRET_SIZE 51
/* "v1," and 44 characters of base64. */
#define WEBHOOK_SIGNATURE_SIZE 48

/* A new secret: "whsec_" and base64 of 32 random bytes. 0, or -1 when no random bytes. */
int webhook_secret_new(char out[WEBHOOK_SECRET_SIZE]);
/* The Standard Webhooks signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>" under the
 * secret's decoded bytes (the part after "whsec_"). -1 when the secret is not one. */
int webhook_sign(const char *secret, const char *msg_id, long long timestamp, const char *body,
                 size_t len, char out[WEBHOOK_SIGNATURE_SIZE]);

/* ---- the retry schedule ---- */

/* Attempts a delivery gets before it is dead: the first and eleven retries. */
#define WEBHOOK_MAX_ATTEMPTS 12
/* The longest Retry-After taken as asked, in seconds. */
#define WEBHOOK_RETRY_AFTER_MAX 86400.0
/* Seconds after the failure of attempt `attempt` (1 for the first) before the next, for a
 * schedule base of `base` seconds (5 by default: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h,
 * then 6 h; over 28 hours in all), stretched by a jitter of up to a quarter for `u` in
 * [0, 1). -1 when the attempt was the last. */
double webhook_backoff(int attempt, double base, double u);
/* The delay a Retry-After value asks for, in seconds from `now`: delay-seconds or an HTTP
 * date (IMF-fixdate), never below 0. -1 when the value is neither. */
double webhook_retry_after(const char *value, time_t now);

/* ---- the senders ---- */

struct webhook_config {
	const char *conninfo;
	const struct webhook_allow *allow;
	const char *allow_text; /* as given, for messages */
	double retry_base;      /* seconds, the schedule's base */
	int senders;            /* threads; 0 sends nothing from this server */
};

/* Keeps the configuration (the allow list is copied); before threads start. */
void webhooks_configure(const struct webhook_config *cfg);
/* The networks deliveries may go to. */
const struct webhook_allow *webhooks_allowed(void);
/* The --webhook-allow text, for messages ("" when nothing is allowed). */
const char *webhooks_allowed_text(void);

/* Resolves the URL's host and checks that every address it has is allowed (I/O: DNS). -1
 * with a message for a 422 when not. */
int webhook_url_check(const char *url, char *errbuf, size_t size);

/* Starts the sender threads; -1 when they cannot start. */
int webhooks_start(void);
/* Stops them; a delivery in flight finishes first (at most its timeout). */
void webhooks_stop(void);

/* Appends the delivery counters by outcome to /metrics. */
struct strbuf;
void webhooks_metrics(struct strbuf *sb);

#endif
