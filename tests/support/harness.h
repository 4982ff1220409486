/* End-to-end test support: HTTP calls to the running server, keys, unique ids. */
#ifndef SOILSHARE_TEST_HARNESS_H
#define SOILSHARE_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;  /* parsed body when it is JSON, else NULL */
	char *headers; /* raw header block */
};

/* The base URL of the server under test (SOILSHARE_URL); fails the test when unset. */
const char *base_url(void);
/* An environment variable the test script must set; fails the test when unset. */
const char *need_env(const char *name);

/* Sends a request; `headers` is NULL or a NULL-terminated list of "Name: value". */
struct resp *call(const char *method, const char *path, const char *key, const char *body,
                  const char *const *headers);
struct resp *call_url(const char *method, const char *url, const char *key, const char *body,
                      const char *const *headers);
void resp_free(struct resp *r);
/* The status of a GET to `url`, or -1 when nothing answers (no assertion). */
long probe_status(const char *url);
/* A response header's value (case-insensitive name), copied into a static buffer; NULL if absent.
 */
const char *resp_header(const struct resp *r, const char *name);

/* The change feed of the server at `url` (NULL: the server under test), read with the water
 * key. feed_latest: the cursor of its head (cursor=latest; malloc'd). feed_since: every
 * change after `cursor`, of `datasets` (comma-separated, or NULL for all), in pages of
 * `page`, up to an empty page; returns them (new ref), and the cursor after the last one in
 * `*last` (malloc'd) when `last` is not NULL. */
char *feed_latest(const char *url);
json_t *feed_since(const char *url, const char *cursor, const char *datasets, int page,
                   char **last);

/* Keys made by scripts/test: agency code, or "district:110105". */
const char *key_of(const char *who);
/* Creates a key with the server binary's admin command; returns a malloc'd key. */
char *create_key(const char *agency, const char *district, const char *expires);
/* Runs "soilshare keys revoke ID". */
int revoke_key(const char *key_id);

/* `s` percent-encoded for a path segment or a query value: all but unreserved ASCII (malloc'd). */
char *url_escape(const char *s);

/* printf into a new string (malloc'd); fails the test when out of memory. */
char *strfmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* An id unique to this test run: prefix-<pid>-<n>. */
char *uniq(const char *prefix);

/* A valid plot body for `district` with `status`, as JSON text (malloc'd). */
char *plot_body(const char *district, const char *status, const char *planned_use);

/* Asserts the response is a problem+json of `status` with the basic members. */
void assert_problem(const struct resp *r, long status, const char *type);

#endif
