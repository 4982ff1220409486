/* libFuzzer target: the query strings of /ogc (ogc_items_query_parse, ogc_item_query_parse and
 * ogc_datetime_parse). The input is a collection name on the first line (another name stands
 * for one of the collections all the same), then a query string, split and percent-decoded as
 * libmicrohttpd does. */
#include <math.h>
#include <string.h>

#include "api.h"
#include "cursor.h"
#include "encoding.h"
#include "listquery.h"
#include "support.h"

static const char *arg(const struct fuzz_args *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, key) == 0)
			return a->items[i].value;
	return NULL;
}

static const struct dataset *pick_collection(const char *name)
{
	const struct dataset *c = ogc_collection_find(name);
	if (c)
		return c;
	size_t n = 0;
	while (ogc_collection(n))
		n++;
	return ogc_collection(fnv1a32(name, strlen(name), FNV1A32_INIT) % n);
}

/* A bound of datetime: open, or an RFC 3339 time with its '+' restored. */
static void check_bound(const char *s)
{
	FUZZ_CHECK(strlen(s) < 40);
	FUZZ_CHECK(s[0] == '\0' || (rfc3339_valid(s) && !strchr(s, ' ')));
}

/* The box as SQL gets it: longitude first, within range, minimum below maximum. */
static void check_box(const char *box)
{
	double b[4];
	FUZZ_CHECK(sscanf(box, "{%lf,%lf,%lf,%lf}", &b[0], &b[1], &b[2], &b[3]) == 4);
	for (int i = 0; i < 4; i++)
		FUZZ_CHECK(isfinite(b[i]) && fabs(b[i]) <= (i % 2 ? 90 : 180));
	FUZZ_CHECK(b[0] <= b[2] && b[1] <= b[3]);
}

/* The link query gives the same query again: the same records chosen, written alike. */
static void check_link(const struct dataset *c, const struct ogc_items_query *q)
{
	char *text = strdup(q->link_query);
	FUZZ_CHECK(text != NULL);
	struct fuzz_args a;
	fuzz_split_query(text, &a);
	struct ogc_items_query again;
	char err[512];
	FUZZ_CHECK(
	    ogc_items_query_parse(c, fuzz_refdata(), a.items, a.n, &again, err, sizeof(err)) == 0);
	FUZZ_CHECK(strcmp(again.link_query, q->link_query) == 0);
	FUZZ_CHECK(again.filter_hash == q->filter_hash);
	FUZZ_CHECK(again.crs == q->crs);
	FUZZ_CHECK(strcmp(again.dt_start, q->dt_start) == 0 &&
	           strcmp(again.dt_end, q->dt_end) == 0);
	FUZZ_CHECK((again.bbox == NULL) == (q->bbox == NULL));
	FUZZ_CHECK(!q->bbox || strcmp(again.bbox, q->bbox) == 0);
	ogc_items_query_release(&again);
	free(text);
}

static void check_items(const struct dataset *c, const struct fuzz_args *a)
{
	struct ogc_items_query q;
	char err[512];
	memset(err, 0, sizeof(err));
	if (ogc_items_query_parse(c, fuzz_refdata(), a->items, a->n, &q, err, sizeof(err)) != 0) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(!q.link_query && !q.filters.link_query && !q.filters.fields &&
		           !q.filters.district && !q.filters.publisher);
		if (a->utf8)
			FUZZ_CHECK(fuzz_utf8_string(err));
		return;
	}
	FUZZ_CHECK(q.limit >= 1 && q.limit <= LIST_LIMIT_MAX);
	FUZZ_CHECK(q.crs == OGC_CRS84 || q.crs == OGC_EPSG4490);
	FUZZ_CHECK(q.link_query != NULL);
	FUZZ_CHECK(fuzz_utf8_string(q.link_query));
	FUZZ_CHECK(!strstr(q.link_query, "&limit=") && !strstr(q.link_query, "&cursor=") &&
	           !strstr(q.link_query, "&f="));
	check_bound(q.dt_start);
	check_bound(q.dt_end);
	if (q.bbox)
		check_box(q.bbox);
	FUZZ_CHECK((q.bbox != NULL) == (arg(a, "bbox") != NULL));
	FUZZ_CHECK(fuzz_utf8_string(q.after_id));
	const char *cursor = arg(a, "cursor");
	if (cursor) {
		char again[CURSOR_MAX];
		FUZZ_CHECK(q.after_id[0] != '\0');
		FUZZ_CHECK(cursor_encode(q.filter_hash, q.after_id, again, sizeof(again)) == 0);
		FUZZ_CHECK(strcmp(again, cursor) == 0);
	} else {
		FUZZ_CHECK(q.after_id[0] == '\0');
	}
	check_link(c, &q);
	ogc_items_query_release(&q);
}

static void check_item(const struct fuzz_args *a)
{
	enum ogc_crs crs;
	bool json;
	char err[256];
	memset(err, 0, sizeof(err));
	if (ogc_item_query_parse(a->items, a->n, &crs, &json, err, sizeof(err)) == 0) {
		FUZZ_CHECK(crs == OGC_CRS84 || crs == OGC_EPSG4490);
		for (size_t i = 0; i < a->n; i++)
			FUZZ_CHECK(strcmp(a->items[i].key, "crs") == 0 ||
			           strcmp(a->items[i].key, "f") == 0);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		if (a->utf8)
			FUZZ_CHECK(fuzz_utf8_string(err));
	}
}

/* datetime alone, on the value as given. */
static void check_datetime(const char *v)
{
	char start[40], end[40], err[256];
	memset(err, 0, sizeof(err));
	if (ogc_datetime_parse(v, start, end, err, sizeof(err)) == 0) {
		check_bound(start);
		check_bound(end);
		if (!strchr(v, '/'))
			FUZZ_CHECK(start[0] && strcmp(start, end) == 0);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *query = strchr(text, '\n');
	if (query)
		*query++ = '\0';
	const struct dataset *c = pick_collection(text);
	char none[1] = "";
	struct fuzz_args a;
	fuzz_split_query(query ? query : none, &a);
	check_items(c, &a);
	check_item(&a);
	const char *dt = arg(&a, "datetime");
	if (dt)
		check_datetime(dt);
	free(text);
	return 0;
}
