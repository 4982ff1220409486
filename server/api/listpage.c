/* The list-page writer and keyset lists over the dataset registry's filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "csvio.h"
#include "csvrows.h"
#include "db.h"
#include "listpage.h"
#include "listquery.h"
#include "strbuf.h"

char *geojson_feature(const char *item)
{
	json_t *props = json_loads(item, 0, NULL);
	if (!props)
		return NULL;
	const char *member = json_object_get(props, "geometry") ? "geometry" : "location";
	json_t *geometry = json_incref(json_object_get(props, member));
	json_object_del(props, member);
	json_t *feature =
	    json_pack("{s:s, s:O, s:o, s:o}", "type", "Feature", "id", json_object_get(props, "id"),
	              "geometry", geometry ? geometry : json_null(), "properties", props);
	char *text = json_dumps(feature, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(feature);
	return text;
}

static void add_feature(struct strbuf *body, const char *item)
{
	char *text = geojson_feature(item);
	if (text)
		strbuf_adds(body, text);
	free(text);
}

void page_respond(struct request *req, const PGresult *res, int rows,
                  const struct page_shape *shape, const char *next, const char *link)
{
	struct strbuf body;
	size_t hint = 64 + (next ? strlen(next) : 0) + (link ? strlen(link) : 0);
	for (int i = 0; i < rows; i++)
		hint += (size_t)PQgetlength(res, i, 0) + 1;
	strbuf_init(&body, hint);
	const char *type = "application/json";
	if (req->want_csv) {
		type = "text/csv; charset=utf-8";
		if (req->want_bom || shape->bom)
			strbuf_adds(&body, CSV_UTF8_BOM);
		if (shape->csv_columns)
			csv_write_columns(shape->csv_columns, &body);
		else
			csv_write_header(shape->ds, &body);
		for (int i = 0; i < rows; i++) {
			json_t *item = json_loads(PQgetvalue(res, i, 0), 0, NULL);
			if (shape->csv_columns)
				csv_write_json_row(shape->csv_columns, item, &body);
			else
				csv_write_record(shape->ds, item, &body);
			json_decref(item);
		}
	} else if (req->want_geojson) {
		type = "application/geo+json";
		strbuf_adds(&body, "{\"type\":\"FeatureCollection\",\"features\":[");
		for (int i = 0; i < rows; i++) {
			if (i)
				strbuf_addc(&body, ',');
			add_feature(&body, PQgetvalue(res, i, 0));
		}
		strbuf_addc(&body, ']');
		if (link) {
			json_t *links = json_pack("[{s:s, s:s, s:s}]", "rel", "next", "type",
			                          "application/geo+json", "href", link);
			char *text = json_dumps(links, JSON_COMPACT);
			strbuf_addf(&body, ",\"links\":%s", text);
			free(text);
			json_decref(links);
		}
		strbuf_addc(&body, '}');
	} else {
		strbuf_addf(&body, "{\"%s\":[", shape->member);
		for (int i = 0; i < rows; i++) {
			if (i)
				strbuf_addc(&body, ',');
			strbuf_add(&body, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
		}
		strbuf_addc(&body, ']');
		if (next)
			strbuf_addf(&body, ",\"next_cursor\":\"%s\"", next);
		strbuf_addc(&body, '}');
	}
	char *hdr = link ? arena_printf(&req->arena, "Link: <%s>; rel=\"next\"", link) : NULL;
	size_t len;
	char *text = strbuf_detach(&body, &len);
	respond_owned(req, 200, type, text, len, hdr);
}

/* The format the query's f= and bom= ask for, over what Accept asked; false after
 * answering 400 when the list cannot be written so. */
static bool choose_format(struct request *req, const struct list_query *q,
                          const struct page_shape *shape)
{
	if (q->format != LIST_FORMAT_ASKED_BY_ACCEPT) {
		req->want_csv = q->format == LIST_FORMAT_CSV;
		req->want_geojson = q->format == LIST_FORMAT_GEOJSON;
	}
	req->want_bom = req->want_bom || q->bom;
	if (req->want_geojson && !shape->geojson) {
		problem(req, 400, "bad-request", "Bad Request",
		        "this list has no geometry to serve as GeoJSON; ask for JSON or CSV");
		return false;
	}
	return true;
}

/* Whether every argument is one of `only`; false after answering 400. */
static bool only_these(struct request *req, const struct query_arg *args, int n,
                       const char *const *only)
{
	for (int i = 0; only && i < n; i++) {
		bool known = false;
		for (const char *const *o = only; *o && !known; o++)
			known = strcmp(*o, args[i].key) == 0;
		if (known)
			continue;
		struct strbuf names;
		strbuf_init(&names, 64);
		for (const char *const *o = only; *o; o++)
			strbuf_addf(&names, "%s%s", o == only ? "" : ", ", *o);
		problem(req, 400, "bad-request", "Bad Request",
		        "unknown query parameter %.40s; this list takes %s", args[i].key,
		        names.buf);
		strbuf_release(&names);
		return false;
	}
	return true;
}

void list_serve(struct request *req, const struct list_source *src, const struct page_shape *shape)
{
	struct query_arg args[LIST_MAX_ARGS];
	int n = req_query_args(req, args, LIST_MAX_ARGS);
	if (n < 0) {
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters (at most %d)", LIST_MAX_ARGS);
		return;
	}
	if (!only_these(req, args, n, src->only))
		return;
	struct list_query q;
	char err[512];
	const struct refdata *ref = refdata_hold();
	int parsed = list_query_parse(src->filters, ref, args, (size_t)n, &q, err, sizeof(err));
	refdata_release();
	if (parsed < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	if (!choose_format(req, &q, shape)) {
		list_query_release(&q);
		return;
	}
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", q.limit + 1);
	const char *params[] = {src->dataset, q.after_id, q.district, q.updated_since,
	                        q.publisher,  q.fields,   limit,      q.bbox};
	bool boxed = q.bbox != NULL;
	if (boxed && !src->stmt_bbox) { /* a descriptor with a geometry but no bbox statement */
		problem(req, 400, "bad-request", "Bad Request", "this list takes no bbox");
		list_query_release(&q);
		return;
	}
	bool plain = src->stmt_plain && !list_query_filtered(&q);
	const char *plain_params[] = {src->dataset, q.after_id, limit};
	PGresult *res = plain   ? db_exec(src->stmt_plain, 3, plain_params)
	                : boxed ? db_exec(src->stmt_bbox, 8, params)
	                        : db_exec(src->stmt, 7, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK)) {
		list_query_release(&q);
		return;
	}
	int rows = PQntuples(res);
	bool more = rows > q.limit;
	if (more)
		rows = q.limit;
	char cursor[CURSOR_MAX];
	const char *next = NULL, *link = NULL;
	if (more && cursor_encode(q.filter_hash, PQgetvalue(res, rows - 1, 1), cursor,
	                          sizeof(cursor)) == 0) {
		next = cursor;
		link = arena_printf(&req->arena, "%s?limit=%d&cursor=%s%s", req->path, q.limit,
		                    cursor, q.link_query);
	}
	page_respond(req, res, rows, shape, next, link);
	PQclear(res);
	list_query_release(&q);
}
