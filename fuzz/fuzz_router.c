/* libFuzzer target: router_match with the service's route table, checked against a plain
 * reference matcher, and the HTTP method helpers. The input is "METHOD /path". */
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "router.h"
#include "support.h"

#define MAX_SEGMENTS 8

static const enum http_method known[] = {HTTP_GET,   HTTP_HEAD,   HTTP_POST,   HTTP_PUT,
                                         HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

/* Splits a path into its segments (pointers into `buf`); -1 for what no route can match:
 * no leading '/', an empty segment but the last (a trailing slash), too many segments, too
 * long a path or one that is not UTF-8. */
static int segments(const char *path, char *buf, size_t size, char **segs)
{
	if (path[0] != '/' || strlen(path) >= size || !fuzz_utf8_string(path))
		return -1;
	if (path[1] == '\0')
		return 0;
	strcpy(buf, path + 1);
	int n = 0;
	for (char *p = buf;;) {
		if (n == MAX_SEGMENTS)
			return -1;
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (*p == '\0' && slash)
			return -1;
		segs[n++] = p;
		if (!slash)
			return n;
		p = slash + 1;
	}
}

/* A pattern segment in braces: {dataset}, or another name that captures the id. */
static bool placeholder(const char *seg)
{
	size_t len = strlen(seg);
	return len > 2 && seg[0] == '{' && seg[len - 1] == '}';
}

/* How many placeholders other than {dataset} a pattern has: the id, then `sub`. */
static int named_placeholders(const char *pattern)
{
	int n = 0;
	for (const char *p = pattern; (p = strchr(p, '{')) != NULL; p++)
		n += strncmp(p, "{dataset}", 9) != 0;
	return n;
}

static bool reference_match(const char *pattern, char **segs, int n)
{
	char pbuf[256], *psegs[MAX_SEGMENTS + 1];
	int pn = segments(pattern, pbuf, sizeof(pbuf), psegs);
	FUZZ_CHECK(pn >= 0);
	if (pn != n)
		return false;
	for (int i = 0; i < n; i++) {
		if (placeholder(psegs[i]) && segs[i][0] == '\0')
			return false; /* a trailing slash is no name */
		if (strcmp(psegs[i], "{dataset}") == 0) {
			if (!dataset_exists(segs[i]))
				return false;
		} else if (!placeholder(psegs[i]) && strcmp(psegs[i], segs[i]) != 0) {
			return false;
		}
	}
	return true;
}

/* The path again from the matched pattern and the captured segments: the first placeholder
 * other than {dataset} from the id, a second from `sub`. */
static void rebuild(const char *pattern, const struct route_match *m, char *out, size_t size)
{
	size_t o = 0;
	int named = 0;
	for (const char *p = pattern; *p;) {
		const char *s;
		size_t len;
		if (strncmp(p, "{dataset}", 9) == 0) {
			FUZZ_CHECK(m->dataset != NULL);
			s = m->dataset, len = strlen(s), p += 9;
		} else if (*p == '{') {
			s = named++ ? m->sub : m->id;
			FUZZ_CHECK(s != NULL);
			len = strlen(s), p += strcspn(p, "}") + 1;
		} else {
			s = p, len = 1, p++;
		}
		FUZZ_CHECK(o + len < size);
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = '\0';
}

static void check_match(enum http_method method, const char *path)
{
	struct route_match m;
	enum route_result r = router_match(routes, routes_count, method, path, dataset_exists, &m);

	char buf[sizeof(m.storage)], *segs[MAX_SEGMENTS];
	int n = segments(path, buf, sizeof(buf), segs);
	unsigned allowed = 0;
	const struct route *first = NULL;
	for (size_t i = 0; n >= 0 && i < routes_count; i++) {
		if (!reference_match(routes[i].pattern, segs, n))
			continue;
		allowed |= routes[i].method;
		if (routes[i].method == method && !first)
			first = &routes[i];
	}
	FUZZ_CHECK(m.allowed == allowed);
	FUZZ_CHECK(m.route == first);
	if (!first) {
		FUZZ_CHECK(r == (allowed ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND));
		return;
	}
	FUZZ_CHECK(r == ROUTE_FOUND);
	FUZZ_CHECK((m.dataset != NULL) == (strstr(first->pattern, "{dataset}") != NULL));
	FUZZ_CHECK((m.id != NULL) == (named_placeholders(first->pattern) >= 1));
	FUZZ_CHECK((m.sub != NULL) == (named_placeholders(first->pattern) >= 2));
	FUZZ_CHECK(!m.dataset || dataset_exists(m.dataset));
	char again[2048];
	rebuild(first->pattern, &m, again, sizeof(again));
	FUZZ_CHECK(strcmp(again, path) == 0);
}

static void check_method(const char *name)
{
	enum http_method m = http_method_parse(name);
	bool named = false;
	for (size_t i = 0; i < N_KNOWN; i++)
		named = named || strcmp(http_method_name(known[i]), name) == 0;
	FUZZ_CHECK(named == (m != HTTP_OTHER));
	if (named)
		FUZZ_CHECK(strcmp(http_method_name(m), name) == 0);
}

/* The Allow header text: within its buffer, and when it fits, exactly the mask's names. */
static void check_format(unsigned mask, size_t size)
{
	char *buf = malloc(size);
	FUZZ_CHECK(buf != NULL);
	http_methods_format(mask, buf, size);
	FUZZ_CHECK(strlen(buf) < size);
	char full[128];
	http_methods_format(mask, full, sizeof(full));
	FUZZ_CHECK(strncmp(buf, full, strlen(buf)) == 0);
	unsigned back = 0;
	for (char *p = full; *p;) {
		size_t len = strcspn(p, ",");
		char name[16];
		FUZZ_CHECK(len < sizeof(name));
		memcpy(name, p, len);
		name[len] = '\0';
		enum http_method m = http_method_parse(name);
		FUZZ_CHECK(m != HTTP_OTHER && !(back & m));
		back |= m;
		p += len;
		if (*p) {
			FUZZ_CHECK(p[1] == ' ');
			p += 2;
		}
	}
	FUZZ_CHECK(back == (mask & ~(unsigned)HTTP_OTHER));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *path = strchr(text, ' ');
	if (path)
		*path++ = '\0';
	check_method(text);
	enum http_method method = http_method_parse(text);
	if (path) {
		check_match(method, path);
		if (method == HTTP_OTHER)
			check_match(HTTP_GET, path);
	}
	if (size > 0) {
		check_format(data[0], 1 + data[size - 1] % 64);
	}
	free(text);
	return 0;
}
