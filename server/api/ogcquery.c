/* The query strings of /ogc: CRS names, datetime intervals, the items query and its cursor,
 * and the axis swap of EPSG:4490. Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "encoding.h"
#include "geo.h"
#include "strbuf.h"
#include "utf8.h"

static const struct {
	const char *name;
	enum ogc_crs crs;
} crs_names[] = {
    {OGC_CRS84_URI, OGC_CRS84},       {"[OGC:CRS84]", OGC_CRS84},    {"OGC:CRS84", OGC_CRS84},
    {OGC_EPSG4490_URI, OGC_EPSG4490}, {"[EPSG:4490]", OGC_EPSG4490}, {"EPSG:4490", OGC_EPSG4490},
};

const char *ogc_crs_uri(enum ogc_crs crs)
{
	return crs == OGC_EPSG4490 ? OGC_EPSG4490_URI : OGC_CRS84_URI;
}

int ogc_crs_parse(const char *s, enum ogc_crs *out)
{
	for (size_t i = 0; i < sizeof(crs_names) / sizeof(crs_names[0]); i++)
		if (strcmp(s, crs_names[i].name) == 0) {
			*out = crs_names[i].crs;
			return 0;
		}
	return -1;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long digits(const char *s, int n)
{
	long v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The instant of a time rfc3339_valid() took, in seconds since 1970 UTC. */
static double rfc3339_seconds(const char *s)
{
	double t =
	    (double)days_from_civil(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2)) * 86400.0 +
	    (double)(digits(s + 11, 2) * 3600 + digits(s + 14, 2) * 60 + digits(s + 17, 2));
	const char *p = s + 19;
	if (*p == '.') {
		double scale = 0.1;
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			t += (*p - '0') * scale;
	}
	if (*p != 'Z' && *p != 'z') {
		long offset = digits(p + 1, 2) * 3600 + digits(p + 4, 2) * 60;
		t -= *p == '-' ? -(double)offset : (double)offset;
	}
	return t;
}

/* One end of a datetime: "" or ".." (open, out ""), else an RFC 3339 time; -1 when not. */
static int datetime_end(const char *s, size_t len, char out[40])
{
	out[0] = '\0';
	if (len == 0 || (len == 2 && memcmp(s, "..", 2) == 0))
		return 0;
	if (len >= 40)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	if (!rfc3339_valid(out))
		return -1;
	/* A '+' sent unencoded in a query string arrives as a space. */
	char *sp = strchr(out + 10, ' ');
	if (sp)
		*sp = '+';
	return 0;
}

int ogc_datetime_parse(const char *s, char start[40], char end[40], char *errbuf, size_t size)
{
	static const char usage[] =
	    "datetime takes an RFC 3339 time such as 2024-01-31T00:00:00Z, or an interval "
	    "start/end of two such times with .. for an open end, e.g. "
	    "2024-01-01T00:00:00Z/.. (it applies to updated_at)";
	const char *slash = strchr(s, '/');
	if (!slash) {
		if (!*s || datetime_end(s, strlen(s), start) < 0 || !start[0]) {
			snprintf(errbuf, size, "%s", usage);
			return -1;
		}
		memcpy(end, start, 40);
		return 0;
	}
	if (strchr(slash + 1, '/') || datetime_end(s, (size_t)(slash - s), start) < 0 ||
	    datetime_end(slash + 1, strlen(slash + 1), end) < 0) {
		snprintf(errbuf, size, "%s", usage);
		return -1;
	}
	if (start[0] && end[0] && rfc3339_seconds(start) > rfc3339_seconds(end)) {
		snprintf(errbuf, size,
		         "datetime interval ends before it starts; give start/end with the earlier "
		         "time first");
		return -1;
	}
	return 0;
}

/* The query arguments of the items that are OGC API's own, not the collection's filters. */
static const char *const own_params[] = {"limit",    "bbox",   "bbox-crs", "crs",
                                         "datetime", "cursor", "f",        NULL};

static bool is_own(const char *k)
{
	for (const char *const *p = own_params; *p; p++)
		if (strcmp(*p, k) == 0)
			return true;
	return false;
}

/* Whether `k` is one of the collection's filters, which list_query_parse() checks. */
static bool is_filter(const struct dataset *ds, const char *k)
{
	return strcmp(k, "district") == 0 || strcmp(k, "publisher") == 0 ||
	       strcmp(k, "updated_since") == 0 || dataset_filter_field(ds, k) != NULL;
}

static void unknown_parameter(const struct dataset *ds, const char *k, char *errbuf, size_t size)
{
	struct strbuf names;
	strbuf_init(&names, 256);
	for (const char *const *p = own_params; *p; p++)
		strbuf_addf(&names, "%s, ", *p);
	strbuf_adds(&names, "district, publisher, updated_since");
	for (size_t j = 0; j < ds->n_fields; j++)
		if (ds->fields[j].filter && strcmp(ds->fields[j].name, "district"))
			strbuf_addf(&names, ", %s", ds->fields[j].name);
	for (size_t j = 0; j < ds->n_derived; j++)
		if (ds->derived[j].filter)
			strbuf_addf(&names, ", %s", ds->derived[j].name);
	snprintf(errbuf, size, "unknown query parameter %.*s; the items of %s take %s",
	         utf8_cut(k, 40), k, ds->name, names.buf);
	strbuf_release(&names);
}

static int cmp_args(const void *a, const void *b)
{
	const struct query_arg *x = a, *y = b;
	return strcmp(x->key, y->key);
}

/* Sorts a copy of `args` into `sorted` by key; -1 with a message when a key repeats. */
static int sort_unique(const struct query_arg *args, size_t n, struct query_arg *sorted,
                       char *errbuf, size_t size)
{
	if (n)
		memcpy(sorted, args, n * sizeof(*args));
	qsort(sorted, n, sizeof(*sorted), cmp_args);
	for (size_t i = 1; i < n; i++)
		if (strcmp(sorted[i].key, sorted[i - 1].key) == 0) {
			snprintf(errbuf, size,
			         "query parameter %.*s is repeated; give it once, with a "
			         "comma-separated list for several values",
			         utf8_cut(sorted[i].key, 40), sorted[i].key);
			return -1;
		}
	return 0;
}

static int crs_arg(const char *name, const char *v, enum ogc_crs *out, char *errbuf, size_t size)
{
	if (ogc_crs_parse(v, out) == 0)
		return 0;
	snprintf(errbuf, size,
	         "%s \"%.*s\" is not supported; give " OGC_CRS84_URI " (WGS 84 longitude, "
	         "latitude: the default) or " OGC_EPSG4490_URI " (CGCS2000 latitude, longitude)",
	         name, utf8_cut(v, 80), v);
	return -1;
}

static int format_arg(const char *v, bool *json, char *errbuf, size_t size)
{
	if (strcmp(v, "json") && strcmp(v, "geojson")) {
		snprintf(errbuf, size,
		         "f takes geojson (application/geo+json, the default) or json (the same "
		         "GeoJSON as application/json)");
		return -1;
	}
	*json = v[0] == 'j';
	return 0;
}

static void link_arg(struct strbuf *link, const char *k, const char *v)
{
	if (!v)
		return;
	strbuf_addf(link, "&%s=", k);
	strbuf_add_urlencoded(link, v);
}

int ogc_items_query_parse(const struct dataset *ds, const struct refdata *ref,
                          const struct query_arg *args, size_t n, struct ogc_items_query *q,
                          char *errbuf, size_t size)
{
	memset(q, 0, sizeof(*q));
	q->limit = LIST_LIMIT_DEFAULT;
	q->crs = OGC_CRS84;
	if (n > LIST_MAX_ARGS) {
		snprintf(errbuf, size, "too many query parameters (at most %d)", LIST_MAX_ARGS);
		return -1;
	}
	struct query_arg sorted[LIST_MAX_ARGS], rest[LIST_MAX_ARGS];
	size_t n_rest = 0;
	if (sort_unique(args, n, sorted, errbuf, size) < 0)
		return -1;
	const char *bbox = NULL, *bbox_crs = NULL, *crs = NULL, *datetime = NULL, *cursor = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *k = sorted[i].key, *v = sorted[i].value;
		if (!is_own(k) && !is_filter(ds, k)) {
			unknown_parameter(ds, k, errbuf, size);
			return -1;
		}
		if (!v || !*v) {
			snprintf(errbuf, size, "query parameter %.*s needs a value",
			         utf8_cut(k, 40), k);
			return -1;
		}
		if (strcmp(k, "limit") == 0) {
			char *end;
			errno = 0;
			long x = strtol(v, &end, 10);
			if (*end || errno || x < 1 || x > LIST_LIMIT_MAX) {
				snprintf(errbuf, size, "limit must be an integer from 1 to %d",
				         LIST_LIMIT_MAX);
				return -1;
			}
			q->limit = (int)x;
		} else if (strcmp(k, "bbox") == 0) {
			bbox = v;
		} else if (strcmp(k, "bbox-crs") == 0) {
			bbox_crs = v;
		} else if (strcmp(k, "crs") == 0) {
			crs = v;
		} else if (strcmp(k, "datetime") == 0) {
			datetime = v;
		} else if (strcmp(k, "cursor") == 0) {
			cursor = v;
		} else if (strcmp(k, "f") == 0) {
			if (format_arg(v, &q->json, errbuf, size) < 0)
				return -1;
		} else {
			rest[n_rest++] = sorted[i];
		}
	}
	enum ogc_crs box_crs = OGC_CRS84;
	if ((bbox_crs && crs_arg("bbox-crs", bbox_crs, &box_crs, errbuf, size) < 0) ||
	    (crs && crs_arg("crs", crs, &q->crs, errbuf, size) < 0))
		return -1;
	if (bbox) {
		double box[4];
		if (bbox_parse_axes(bbox, box_crs == OGC_EPSG4490, box, errbuf, size) < 0)
			return -1;
		bbox_sql_array(box, q->bbox_buf, sizeof(q->bbox_buf));
		q->bbox = q->bbox_buf;
	}
	if (datetime && ogc_datetime_parse(datetime, q->dt_start, q->dt_end, errbuf, size) < 0)
		return -1;
	if (list_query_parse(ds, ref, rest, n_rest, &q->filters, errbuf, size) < 0)
		return -1;

	struct strbuf link, chosen;
	strbuf_init(&link, 128);
	link_arg(&link, "bbox", bbox);
	link_arg(&link, "bbox-crs", bbox_crs);
	link_arg(&link, "crs", crs);
	link_arg(&link, "datetime", datetime);
	strbuf_adds(&link, q->filters.link_query);
	q->link_query = strbuf_detach(&link, NULL);
	/* The cursor binds what chooses the records (the box whatever its CRS, the times and
	 * the filters), not how they are written. */
	strbuf_init(&chosen, 128);
	strbuf_addf(&chosen, "bbox=%s&datetime=%s/%s", q->bbox ? q->bbox : "", q->dt_start,
	            q->dt_end);
	q->filter_hash = fnv1a32(chosen.buf, chosen.len, q->filters.filter_hash);
	strbuf_release(&chosen);
	if (cursor) {
		int at = cursor_resume(cursor, q->filter_hash, q->after_id, sizeof(q->after_id));
		if (at == CURSOR_FOREIGN)
			snprintf(errbuf, size,
			         "cursor is not one this service issued; follow the next link of "
			         "the previous page unchanged");
		else if (at == CURSOR_OTHER_FILTERS)
			snprintf(errbuf, size,
			         "cursor belongs to a query with other bbox, datetime or filters; "
			         "follow the next link unchanged, or start again without a "
			         "cursor");
		if (at < 0) {
			ogc_items_query_release(q);
			return -1;
		}
	}
	return 0;
}

void ogc_items_query_release(struct ogc_items_query *q)
{
	list_query_release(&q->filters);
	free(q->link_query);
	q->link_query = NULL;
}

int ogc_item_query_parse(const struct query_arg *args, size_t n, enum ogc_crs *crs, bool *json,
                         char *errbuf, size_t size)
{
	*crs = OGC_CRS84;
	*json = false;
	struct query_arg sorted[LIST_MAX_ARGS];
	if (n > LIST_MAX_ARGS) {
		snprintf(errbuf, size, "too many query parameters (at most %d)", LIST_MAX_ARGS);
		return -1;
	}
	if (sort_unique(args, n, sorted, errbuf, size) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *k = sorted[i].key, *v = sorted[i].value ? sorted[i].value : "";
		if (strcmp(k, "crs") == 0) {
			if (crs_arg("crs", v, crs, errbuf, size) < 0)
				return -1;
		} else if (strcmp(k, "f") == 0) {
			if (format_arg(v, json, errbuf, size) < 0)
				return -1;
		} else {
			snprintf(errbuf, size,
			         "unknown query parameter %.*s; one feature takes crs and f only",
			         utf8_cut(k, 40), k);
			return -1;
		}
	}
	return 0;
}

/* Swaps the first two numbers of each position within a coordinates array. */
static void swap_positions(json_t *c)
{
	if (!json_is_array(c))
		return;
	if (json_is_number(json_array_get(c, 0))) {
		if (json_array_size(c) >= 2) {
			json_t *x = json_incref(json_array_get(c, 0));
			json_t *y = json_incref(json_array_get(c, 1));
			json_array_set_new(c, 0, y);
			json_array_set_new(c, 1, x);
		}
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(c, i, e)
	{
		swap_positions(e);
	}
}

void ogc_geometry_swap_axes(json_t *geometry)
{
	if (!json_is_object(geometry))
		return;
	swap_positions(json_object_get(geometry, "coordinates"));
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(geometry, "geometries"), i, g)
	{
		ogc_geometry_swap_axes(g);
	}
}
