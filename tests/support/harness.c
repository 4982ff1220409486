/* End-to-end test support: libcurl calls, keys from the test script, problem checks. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"

const char *need_env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		cr_assert_fail("%s is not set: run the tests through scripts/test", name);
	return v;
}

const char *base_url(void)
{
	return need_env("SOILSHARE_URL");
}

struct buf {
	char *p;
	size_t n;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *cls)
{
	struct buf *b = cls;
	size_t add = size * nmemb;
	char *p = realloc(b->p, b->n + add + 1);
	if (!p)
		return 0;
	memcpy(p + b->n, data, add);
	b->p = p;
	b->n += add;
	b->p[b->n] = '\0';
	return add;
}

struct resp *call_url(const char *method, const char *url, const char *key, const char *body,
                      const char *const *headers)
{
	CURL *c = curl_easy_init();
	cr_assert_not_null(c);
	struct buf b = {0}, h = {0};
	struct curl_slist *list = NULL;
	char auth[256];
	if (key) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
		list = curl_slist_append(list, auth);
	}
	bool has_ct = false;
	for (const char *const *hd = headers; hd && *hd; hd++) {
		list = curl_slist_append(list, *hd);
		has_ct = has_ct || strncasecmp(*hd, "Content-Type:", 13) == 0;
	}
	if (body && !has_ct)
		list = curl_slist_append(list, "Content-Type: application/json");
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode rc = curl_easy_perform(c);
	cr_assert_eq(rc, CURLE_OK, "%s %s failed: %s", method, url, curl_easy_strerror(rc));
	struct resp *r = calloc(1, sizeof(*r));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.p ? b.p : strdup("");
	r->len = b.n;
	r->headers = h.p ? h.p : strdup("");
	if (r->len)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return r;
}

struct resp *call(const char *method, const char *path, const char *key, const char *body,
                  const char *const *headers)
{
	char url[4096];
	snprintf(url, sizeof(url), "%s%s", base_url(), path);
	return call_url(method, url, key, body, headers);
}

long probe_status(const char *url)
{
	CURL *c = curl_easy_init();
	struct buf b = {0};
	long status = -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	free(b.p);
	curl_easy_cleanup(c);
	return status;
}

void resp_free(struct resp *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	free(r);
}

const char *resp_header(const struct resp *r, const char *name)
{
	static char value[4096];
	size_t n = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - line);
			if (vlen >= sizeof(value))
				vlen = sizeof(value) - 1;
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			return value;
		}
		line = end ? end + 2 : NULL;
	}
	return NULL;
}

const char *key_of(const char *who)
{
	char name[64];
	snprintf(name, sizeof(name), "SOILSHARE_KEY_%s", who);
	for (char *p = name; *p; p++) {
		if (*p == ':' || *p == '-')
			*p = '_';
		else if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	return need_env(name);
}

char *create_key(const char *agency, const char *district, const char *expires)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "'%s' keys create --agency %s%s%s%s%s 2>/dev/null",
	         need_env("SOILSHARE_BIN"), agency, district ? " --district " : "",
	         district ? district : "", expires ? " --expires " : "", expires ? expires : "");
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	char line[256] = "";
	char *got = fgets(line, sizeof(line), f);
	int rc = pclose(f);
	cr_assert(got && rc == 0, "keys create failed for %s", agency);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

int revoke_key(const char *key_id)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "'%s' keys revoke %s 2>/dev/null", need_env("SOILSHARE_BIN"),
	         key_id);
	return system(cmd);
}

char *url_escape(const char *s)
{
	CURL *c = curl_easy_init();
	cr_assert_not_null(c);
	char *e = curl_easy_escape(c, s, 0);
	cr_assert_not_null(e, "cannot escape %s", s);
	char *copy = strdup(e);
	curl_free(e);
	curl_easy_cleanup(c);
	return copy;
}

char *uniq(const char *prefix)
{
	static int n;
	char *s = malloc(96);
	snprintf(s, 96, "%s-%d-%d-%d", prefix, (int)getpid(), (int)(time(NULL) % 100000), ++n);
	return s;
}

char *plot_body(const char *district, const char *status, const char *planned_use)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", "测试地块", "district", district,
	                      "status", status, "planned_use", planned_use, "area_m2", 1234.5);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

void assert_problem(const struct resp *r, long status, const char *type)
{
	cr_assert_eq(r->status, status, "expected %ld, got %ld: %s", status, r->status, r->body);
	const char *ct = resp_header(r, "Content-Type");
	cr_assert(ct && strncmp(ct, "application/problem+json", 24) == 0,
	          "problem content type, got %s", ct ? ct : "(none)");
	cr_assert_not_null(r->json, "problem body is JSON: %s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "status")), status);
	const char *t = json_string_value(json_object_get(r->json, "type"));
	cr_assert(t && (!type || strcmp(t, type) == 0), "type %s, expected %s", t ? t : "-",
	          type ? type : "any");
	cr_assert_not_null(json_string_value(json_object_get(r->json, "title")));
	cr_assert_not_null(json_string_value(json_object_get(r->json, "detail")));
	cr_assert_not_null(json_string_value(json_object_get(r->json, "instance")));
	const char *rid = json_string_value(json_object_get(r->json, "request_id"));
	const char *hrid = resp_header(r, "X-Request-ID");
	cr_assert(rid && hrid && strcmp(rid, hrid) == 0, "request_id equals X-Request-ID");
}

static struct resp *feed_get(const char *url, const char *query)
{
	char target[1024];
	snprintf(target, sizeof(target), "%s/v1/changes?%s", url ? url : base_url(), query);
	struct resp *r = call_url("GET", target, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "GET %s: %ld %s", target, r->status, r->body);
	cr_assert_not_null(json_string_value(json_object_get(r->json, "next_cursor")),
	                   "GET %s has no next_cursor: %s", target, r->body);
	return r;
}

char *feed_latest(const char *url)
{
	struct resp *r = feed_get(url, "cursor=latest");
	char *cursor = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
	resp_free(r);
	return cursor;
}

json_t *feed_since(const char *url, const char *cursor, const char *datasets, int page, char **last)
{
	json_t *all = json_array();
	char *at = strdup(cursor);
	for (int pages = 0;; pages++) {
		cr_assert_lt(pages, 100000, "the feed did not end");
		char query[640];
		snprintf(query, sizeof(query), "cursor=%s&limit=%d%s%s", at, page,
		         datasets ? "&datasets=" : "", datasets ? datasets : "");
		struct resp *r = feed_get(url, query);
		json_t *changes = json_object_get(r->json, "changes");
		size_t n = json_array_size(changes);
		json_array_extend(all, changes);
		free(at);
		at = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
		resp_free(r);
		if (n == 0)
			break;
	}
	if (last)
		*last = at;
	else
		free(at);
	return all;
}

char *strfmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = NULL;
	int n = vasprintf(&s, f, ap);
	va_end(ap);
	cr_assert_geq(n, 0, "out of memory");
	return s;
}
