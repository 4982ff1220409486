/* Static route table matching: tells a handled route from 404 and 405. Pure. */
#ifndef SOILSHARE_ROUTER_H
#define SOILSHARE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
	HTTP_OTHER = 1 << 7,
};

struct request;

typedef void (*route_handler)(struct request *req);

/* A pattern is a path of literal segments and the placeholders {dataset} (a name the
 * dataset predicate accepts) and {id} (any non-empty segment; another name in braces, such
 * as {name}, matches the same and is captured as `id` too; a second such placeholder, as in
 * /ogc/collections/{collectionId}/items/{featureId}, is captured as `sub`). A pattern ending
 * in '/' (a folder, such as /public/) matches the path with that trailing slash; no other
 * does. */
struct route {
	enum http_method method;
	const char *pattern;
	route_handler handler;
	bool public;  /* no API key needed */
	bool csv;     /* also answers Accept: text/csv */
	bool geojson; /* also answers Accept: application/geo+json */
	bool text;    /* answers text/plain, and only that (the log's signed checkpoint) */
};

struct route_match {
	const struct route *route;
	unsigned allowed; /* methods of routes whose pattern matched, for 405 */
	const char *dataset;
	const char *id;
	const char *sub;
	/* Segments were copied into `storage`; the pointers above point into it. */
	char storage[1024];
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_METHOD_NOT_ALLOWED };

enum http_method http_method_parse(const char *method);
const char *http_method_name(enum http_method m);
/* Writes "GET, PUT" style text of a method mask into buf. */
void http_methods_format(unsigned mask, char *buf, size_t size);

enum route_result router_match(const struct route *table, size_t n, enum http_method method,
                               const char *path, bool (*is_dataset)(const char *name),
                               struct route_match *out);

#endif
