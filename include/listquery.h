/* Parsing of list query strings (limit, cursor, filters) against a descriptor. Pure. */
#ifndef SOILSHARE_LISTQUERY_H
#define SOILSHARE_LISTQUERY_H

#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "datasets.h"
#include "qargs.h"

#define LIST_LIMIT_DEFAULT 100
#define LIST_LIMIT_MAX     1000
#define LIST_MAX_ARGS      32
#define LIST_MAX_VALUES    64 /* any-of values in one filter */

/* The output a list was asked for by its query (f=): else content negotiation decides. */
enum list_format {
	LIST_FORMAT_ASKED_BY_ACCEPT,
	LIST_FORMAT_JSON,
	LIST_FORMAT_CSV,
	LIST_FORMAT_GEOJSON
};

struct list_query {
	int limit;
	enum list_format format;   /* f=json|csv|geojson */
	bool bom;                  /* bom=1: a CSV page starts with a byte-order mark */
	char after_id[CURSOR_MAX]; /* "" on the first page */
	/* Filters as SQL parameters: NULL when absent. `district` and `publisher` are JSON
	 * arrays of the any-of values, `fields` a JSON object {"field": ["a", "b"]}. */
	char *district;
	char *publisher;
	const char *updated_since; /* points to since_buf or NULL */
	char since_buf[40];
	char *fields;
	/* bbox=: the box as a float8[] literal, or NULL (only on lists with a geometry). */
	const char *bbox;
	char bbox_buf[128];
	uint32_t filter_hash;
	/* The filter and format arguments again, canonical, for the next page's link (the
	 * cursor binds the filters only: a page may be asked again in another format). */
	char *link_query;
};

/* Parses `args` (as received, percent-decoded) for a list of `ds` (NULL for the
 * derived lists that only take limit and cursor); district codes are checked in `ref`. On error
 * returns -1 with a message for a 400 in errbuf. Strings are malloc'd: list_query_release. */
int list_query_parse(const struct dataset *ds, const struct refdata *ref,
                     const struct query_arg *args, size_t n, struct list_query *q, char *errbuf,
                     size_t size);
void list_query_release(struct list_query *q);
/* Whether the query filters the list (districts, updated_since, publishers, field filters or a
 * bbox), beyond its limit, cursor and format. */
bool list_query_filtered(const struct list_query *q);

bool rfc3339_valid(const char *s);

#endif
