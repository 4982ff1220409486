/* Route table matching: literal segments, {dataset} and other placeholders; 404 vs 405. */
#include "router.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

static const struct {
	enum http_method m;
	const char *name;
} method_names[] = {
    {HTTP_GET, "GET"},     {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},       {HTTP_PUT, "PUT"},
    {HTTP_PATCH, "PATCH"}, {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
};

enum http_method http_method_parse(const char *method)
{
	for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strcmp(method, method_names[i].name) == 0)
			return method_names[i].m;
	return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
	for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (method_names[i].m == m)
			return method_names[i].name;
	return "OTHER";
}

void http_methods_format(unsigned mask, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (!(mask & method_names[i].m))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
		                 method_names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

/* Splits `path` into segments copied into `storage`; returns the count or -1. */
static int split(const char *path, char *storage, size_t size, const char **segs, int max)
{
	size_t len = strlen(path);
	/* A path that is not UTF-8 names nothing here: every id is UTF-8 text. */
	if (path[0] != '/' || len >= size || !utf8_valid(path, len))
		return -1;
	memcpy(storage, path + 1, len);
	int n = 0;
	char *p = storage;
	if (*p == '\0')
		return 0;
	for (;;) {
		if (n == max)
			return -1;
		segs[n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	/* An empty segment is "//", or a trailing slash, which only a pattern ending in one
	 * matches: a folder such as /public/. */
	for (int i = 0; i + 1 < n; i++)
		if (segs[i][0] == '\0')
			return -1;
	return n;
}

/* Matches one pattern against the split path; fills dataset/id on success. */
static bool pattern_match(const char *pattern, const char **segs, int n,
                          bool (*is_dataset)(const char *), const char **dataset, const char **id,
                          const char **item)
{
	const char *p = pattern;
	int i = 0;
	while (*p == '/') {
		p++;
		const char *end = strchr(p, '/');
		size_t plen = end ? (size_t)(end - p) : strlen(p);
		if (i == n)
			return false;
		bool placeholder = plen > 2 && p[0] == '{' && p[plen - 1] == '}';
		if (placeholder && segs[i][0] == '\0')
			return false; /* the trailing slash of a folder names nothing */
		if (plen == 9 && strncmp(p, "{dataset}", 9) == 0) {
			if (!is_dataset || !is_dataset(segs[i]))
				return false;
			*dataset = segs[i];
		} else if (placeholder) {
			if (*id)
				*item = segs[i];
			else
				*id = segs[i];
		} else if (strlen(segs[i]) != plen || strncmp(p, segs[i], plen) != 0) {
			return false;
		}
		i++;
		p += plen;
	}
	return i == n;
}

enum route_result router_match(const struct route *table, size_t n, enum http_method method,
                               const char *path, bool (*is_dataset)(const char *name),
                               struct route_match *out)
{
	const char *segs[8];
	out->route = NULL;
	out->allowed = 0;
	out->dataset = out->id = out->item = NULL;
	int nseg = split(path, out->storage, sizeof(out->storage), segs, 8);
	if (nseg < 0)
		return ROUTE_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		const char *ds = NULL, *id = NULL, *item = NULL;
		if (!pattern_match(table[i].pattern, segs, nseg, is_dataset, &ds, &id, &item))
			continue;
		out->allowed |= table[i].method;
		if (table[i].method == method && !out->route) {
			out->route = &table[i];
			out->dataset = ds;
			out->id = id;
			out->item = item;
		}
	}
	if (out->route)
		return ROUTE_FOUND;
	return out->allowed ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
}
