/* List query strings: limit, cursor, common filters and the descriptor's filter fields. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "geo.h"
#include "listquery.h"
#include "strbuf.h"
#include "utf8.h"

bool rfc3339_valid(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) */
	size_t n = strlen(s);
	if (n < 20)
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!date_valid(date) || (s[10] != 'T' && s[10] != 't'))
		return false;
	const char *t = s + 11;
	for (int i = 0; i < 8; i++) {
		if (i == 2 || i == 5) {
			if (t[i] != ':')
				return false;
		} else if (t[i] < '0' || t[i] > '9') {
			return false;
		}
	}
	if ((t[0] - '0') * 10 + (t[1] - '0') > 23 || (t[3] - '0') * 10 + (t[4] - '0') > 59 ||
	    (t[6] - '0') * 10 + (t[7] - '0') > 60)
		return false;
	const char *p = t + 8;
	if (*p == '.') {
		p++;
		const char *digits = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == digits || p - digits > 9)
			return false;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return true;
	/* A '+' sent unencoded in a query string arrives as a space. Offsets run from
	 * -12:00 to +14:00, the zones in use (PostgreSQL refuses +16:00 and beyond). */
	if ((*p == '+' || *p == ' ' || *p == '-') && strlen(p) == 6 && p[3] == ':' && p[1] >= '0' &&
	    p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[4] >= '0' && p[4] <= '5' &&
	    p[5] >= '0' && p[5] <= '9') {
		int minutes =
		    ((p[1] - '0') * 10 + (p[2] - '0')) * 60 + (p[4] - '0') * 10 + (p[5] - '0');
		return minutes <= (*p == '-' ? 12 * 60 : 14 * 60);
	}
	return false;
}

/* Whether one filter value fits the field's type; -1 with a message when not. */
static int value_check(const char *v, const char *name, const struct field *f,
                       const struct refdata *ref, char *errbuf, size_t size)
{
	if (!f)
		return 0;
	if (f->type == FT_ENUM && f->values) {
		for (const char *const *e = f->values; *e; e++)
			if (strcmp(*e, v) == 0)
				return 0;
		struct strbuf allowed;
		strbuf_init(&allowed, 128);
		for (const char *const *e = f->values; *e; e++)
			strbuf_addf(&allowed, "%s%s", e == f->values ? "" : ", ", *e);
		snprintf(errbuf, size, "filter %s: \"%.*s\" is not one of: %s", name,
		         utf8_cut(v, 60), v, allowed.buf);
		strbuf_release(&allowed);
		return -1;
	}
	if (f->type == FT_INTEGER) {
		char *end;
		errno = 0;
		long x = strtol(v, &end, 10);
		if (*end || errno || x < (long)f->min || x > (long)f->max) {
			snprintf(errbuf, size,
			         "filter %s: \"%.*s\" is not an integer from %g to %g", name,
			         utf8_cut(v, 60), v, f->min, f->max);
			return -1;
		}
	} else if (f->type == FT_BOOLEAN && strcmp(v, "true") && strcmp(v, "false")) {
		snprintf(errbuf, size, "filter %s takes true or false", name);
		return -1;
	} else if (f->type == FT_MONTH && !month_valid(v)) {
		snprintf(errbuf, size, "filter %s: \"%.*s\" is not a month YYYY-MM", name,
		         utf8_cut(v, 60), v);
		return -1;
	} else if (f->type == FT_DISTRICT && ref && !refdata_district(ref, v)) {
		snprintf(errbuf, size,
		         "filter %s: \"%.*s\" is not a district code; see /v1/districts", name,
		         utf8_cut(v, 60), v);
		return -1;
	}
	return 0;
}

/* The values of a filter, `field=a,b` for any of a and b, as a JSON array; each value is
 * checked against the field's type (`f` NULL: any text). NULL with a message on error. */
static json_t *filter_values(const char *value, const char *name, const struct field *f,
                             const struct refdata *ref, char *errbuf, size_t size)
{
	struct slice items[LIST_MAX_VALUES];
	int n = comma_split(value, items, LIST_MAX_VALUES);
	if (n < 0) {
		snprintf(errbuf, size, "filter %s takes at most %d values", name, LIST_MAX_VALUES);
		return NULL;
	}
	json_t *out = json_array();
	for (int i = 0; i < n; i++) {
		if (items[i].len == 0 || items[i].len > 200) {
			snprintf(errbuf, size,
			         "filter %s has an empty or overlong value; give one value or a "
			         "comma-separated list",
			         name);
			goto fail;
		}
		char v[208];
		memcpy(v, items[i].p, items[i].len);
		v[items[i].len] = '\0';
		/* PostgreSQL refuses text that is not UTF-8: a 400 here, not a 500 there. */
		if (!utf8_valid(v, items[i].len)) {
			snprintf(errbuf, size, "filter %s has a value that is not UTF-8 text",
			         name);
			goto fail;
		}
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				snprintf(
				    errbuf, size,
				    "filter %s has a value with a control character; values are "
				    "codes and names, one line each",
				    name);
				goto fail;
			}
		if (value_check(v, name, f, ref, errbuf, size) < 0)
			goto fail;
		json_array_append_new(out, json_string(v));
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* f=json|csv|geojson and bom=1|0: how a page is written rather than what it holds. */
static int format_parse(struct list_query *q, const char *k, const char *v, char *errbuf,
                        size_t size)
{
	if (k[0] == 'f') {
		static const char *const names[] = {"json", "csv", "geojson"};
		for (int i = 0; i < 3; i++)
			if (strcmp(v, names[i]) == 0) {
				q->format = (enum list_format)(LIST_FORMAT_JSON + i);
				return 0;
			}
		snprintf(errbuf, size, "f takes json, csv or geojson");
		return -1;
	}
	if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
		snprintf(errbuf, size,
		         "bom takes 1 (start a CSV page with a byte-order mark) or 0");
		return -1;
	}
	q->bom = v[0] == '1';
	return 0;
}

/* A message naming the parameters a list of `ds` takes. */
static void unknown_parameter(const struct dataset *ds, const char *k, char *errbuf, size_t size)
{
	struct strbuf names;
	strbuf_init(&names, 128);
	for (size_t j = 0; j < ds->n_fields; j++)
		if (ds->fields[j].filter && strcmp(ds->fields[j].name, "district"))
			strbuf_addf(&names, ", %s", ds->fields[j].name);
	for (size_t j = 0; j < ds->n_derived; j++)
		if (ds->derived[j].filter)
			strbuf_addf(&names, ", %s", ds->derived[j].name);
	if (strcmp(k, "bbox") == 0)
		snprintf(errbuf, size, "%s has no geometry to filter by bbox", ds->name);
	else
		snprintf(errbuf, size,
		         "unknown query parameter %.*s; %s takes limit, cursor, f, bom, district, "
		         "updated_since, publisher%s%s",
		         utf8_cut(k, 40), k, ds->name, dataset_geometry(ds) ? ", bbox" : "",
		         names.buf);
	strbuf_release(&names);
}

static int cmp_args(const void *a, const void *b)
{
	const struct query_arg *x = a, *y = b;
	return strcmp(x->key, y->key);
}

int list_query_parse(const struct dataset *ds, const struct refdata *ref,
                     const struct query_arg *args, size_t n, struct list_query *q, char *errbuf,
                     size_t size)
{
	memset(q, 0, sizeof(*q));
	q->limit = LIST_LIMIT_DEFAULT;
	if (n > LIST_MAX_ARGS) {
		snprintf(errbuf, size, "too many query parameters (at most %d)", LIST_MAX_ARGS);
		return -1;
	}
	struct query_arg sorted[LIST_MAX_ARGS] = {{NULL, NULL}};
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

	json_t *fields = json_object();
	struct strbuf link, filters;
	strbuf_init(&link, 64);
	strbuf_init(&filters, 64);
	const char *cursor = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *k = sorted[i].key, *v = sorted[i].value;
		if (!v || !*v) {
			snprintf(errbuf, size, "query parameter %.*s needs a value",
			         utf8_cut(k, 40), k);
			goto fail;
		}
		if (strcmp(k, "limit") == 0) {
			char *end;
			errno = 0;
			long x = strtol(v, &end, 10);
			if (*end || errno || x < 1 || x > LIST_LIMIT_MAX) {
				snprintf(errbuf, size, "limit must be an integer from 1 to %d",
				         LIST_LIMIT_MAX);
				goto fail;
			}
			q->limit = (int)x;
			continue;
		}
		if (strcmp(k, "cursor") == 0) {
			cursor = v;
			continue;
		}
		if (strcmp(k, "f") == 0 || strcmp(k, "bom") == 0) {
			if (format_parse(q, k, v, errbuf, size) < 0)
				goto fail;
			strbuf_addf(&link, "&%s=%s", k, v);
			continue;
		}
		if (!ds) {
			snprintf(
			    errbuf, size,
			    "unknown query parameter %.*s; this list takes limit, cursor, f and "
			    "bom",
			    utf8_cut(k, 40), k);
			goto fail;
		}
		if (strcmp(k, "updated_since") == 0) {
			if (!rfc3339_valid(v)) {
				snprintf(errbuf, size,
				         "updated_since must be an RFC 3339 time such as "
				         "2024-01-31T00:00:00Z");
				goto fail;
			}
			snprintf(q->since_buf, sizeof(q->since_buf), "%s", v);
			char *sp = strchr(q->since_buf + 10, ' ');
			if (sp)
				*sp = '+';
			q->updated_since = q->since_buf;
		} else if (strcmp(k, "bbox") == 0 && dataset_geometry(ds)) {
			double box[4];
			if (bbox_parse(v, box, errbuf, size) < 0)
				goto fail;
			bbox_sql_array(box, q->bbox_buf, sizeof(q->bbox_buf));
			q->bbox = q->bbox_buf;
		} else if (strcmp(k, "district") == 0 || strcmp(k, "publisher") == 0) {
			static const struct field district_field = {.name = "district",
			                                            .type = FT_DISTRICT};
			bool district = k[0] == 'd';
			json_t *values = filter_values(v, k, district ? &district_field : NULL, ref,
			                               errbuf, size);
			if (!values)
				goto fail;
			char **dst = district ? &q->district : &q->publisher;
			*dst = json_dumps(values, JSON_COMPACT);
			json_decref(values);
		} else {
			const struct field *f = dataset_filter_field(ds, k);
			if (!f) {
				unknown_parameter(ds, k, errbuf, size);
				goto fail;
			}
			json_t *values = filter_values(v, k, f, NULL, errbuf, size);
			if (!values)
				goto fail;
			json_object_set_new(fields, k, values);
		}
		strbuf_addf(&filters, "&%s=", k);
		strbuf_add_urlencoded(&filters, v);
		strbuf_addf(&link, "&%s=", k);
		strbuf_add_urlencoded(&link, v);
	}
	if (json_object_size(fields))
		q->fields = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(fields);
	fields = NULL;
	q->filter_hash = fnv1a32(filters.buf, filters.len, FNV1A32_INIT);
	strbuf_release(&filters);
	q->link_query = strbuf_detach(&link, NULL);
	if (cursor) {
		int at = cursor_resume(cursor, q->filter_hash, q->after_id, sizeof(q->after_id));
		if (at == CURSOR_FOREIGN)
			snprintf(errbuf, size,
			         "cursor is not one this service issued; use next_cursor from the "
			         "previous page unchanged");
		else if (at == CURSOR_OTHER_FILTERS)
			snprintf(errbuf, size,
			         "cursor belongs to a list with other filters; repeat the first "
			         "request's filters with it, or start again without a cursor");
		if (at < 0) {
			list_query_release(q);
			return -1;
		}
	}
	return 0;
fail:
	json_decref(fields);
	strbuf_release(&link);
	strbuf_release(&filters);
	list_query_release(q);
	return -1;
}

bool list_query_filtered(const struct list_query *q)
{
	return q->district || q->publisher || q->updated_since || q->fields || q->bbox;
}

void list_query_release(struct list_query *q)
{
	free(q->district);
	free(q->publisher);
	free(q->fields);
	free(q->link_query);
	q->district = q->publisher = q->fields = q->link_query = NULL;
}
