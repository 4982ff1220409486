/* OGC API – Features under /ogc (SPEC §6): the landing page, conformance, the collections
 * (each dataset with a geometry, and the directory), their items and one feature, in CRS84
 * or EPSG:4490. Links are absolute, built from the origin the client reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "db.h"
#include "internal.h"
#include "listpage.h"
#include "strbuf.h"
#include "utf8.h"

#define DOC "record_json(r.data, r.publisher, r.version, r.created_at, r.updated_at)"

/* A page of items and the number of all that match: $1 dataset, $2 after id, $3-$6 the list
 * filters (LIST_WHERE), $7 limit + 1, $8 and $9 the datetime bounds on updated_at (NULL when
 * open), $10 the bbox (float8[], in the _bbox statements). One row per item (its JSON text
 * and id) with the count beside it, or one row of NULLs and the count when the page is empty. */
#define WHEN                                                                                       \
	"AND ($8::timestamptz IS NULL OR r.updated_at >= $8::timestamptz) "                        \
	"AND ($9::timestamptz IS NULL OR r.updated_at <= $9::timestamptz) "
#define BOX                                                                                        \
	"AND ST_Intersects(r.geom, ST_MakeEnvelope(($10::float8[])[1], ($10::float8[])[2], "       \
	"($10::float8[])[3], ($10::float8[])[4], 4326)) "
#define MATCH(extra) "r.dataset = $1 AND r.deleted_at IS NULL " extra LIST_WHERE WHEN
#define PAGE(item, extra)                                                                          \
	"SELECT p.item, p.id, n.matched "                                                          \
	"FROM (SELECT count(*) AS matched FROM records r WHERE " MATCH(                            \
	    extra) ") n "                                                                          \
	           "LEFT JOIN (SELECT " item " AS item, r.id FROM records r "                      \
	           "   WHERE r.id > $2 AND " MATCH(extra) "ORDER BY r.id LIMIT $7) p ON true "     \
	                                                  "ORDER BY p.id"
static const char sql_items[] = PAGE(DOC, "");
static const char sql_items_bbox[] = PAGE(DOC, BOX);
static const char sql_directory[] = PAGE(DIRECTORY_ITEM, DIRECTORY_WHERE);
static const char sql_directory_bbox[] = PAGE(DIRECTORY_ITEM, DIRECTORY_WHERE BOX);
/* One plot of the directory: $1 the dataset (plots), $2 its id. */
static const char sql_directory_get[] = "SELECT " DIRECTORY_ITEM " FROM records r "
                                        "WHERE r.dataset = $1 AND r.id = $2 "
                                        "AND r.deleted_at IS NULL " DIRECTORY_WHERE;

static const struct db_stmt statements[] = {
    {"ogc_items", sql_items},
    {"ogc_items_bbox", sql_items_bbox},
    {"ogc_directory", sql_directory},
    {"ogc_directory_bbox", sql_directory_bbox},
    {"ogc_directory_get", sql_directory_get},
};

void ogc_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

static const char type_json[] = "application/json";
static const char type_geojson[] = "application/geo+json";

const struct dataset *ogc_collection(size_t i)
{
	for (size_t d = 0; d < datasets_count; d++)
		if (dataset_geometry(datasets[d]) && i-- == 0)
			return datasets[d];
	return i == 0 ? &directory_filters : NULL;
}

const struct dataset *ogc_collection_find(const char *id)
{
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++)
		if (strcmp(c->name, id) == 0)
			return c;
	return NULL;
}

const char *ogc_base(struct request *req)
{
	const char *origin = req_origin(req);
	if (!origin) {
		problem(req, 400, "bad-request", "Bad Request",
		        "the Host header is not a host name with an optional port; the links of "
		        "/ogc are absolute URLs built from it");
		return NULL;
	}
	return arena_printf(&req->arena, "%s/ogc", origin);
}

static void add_link(json_t *links, const char *rel, const char *type, const char *title,
                     const char *href)
{
	json_t *link = json_pack("{s:s, s:s, s:s}", "rel", rel, "type", type, "href", href);
	if (title)
		json_object_set_new(link, "title", json_string(title));
	json_array_append_new(links, link);
}

const struct dataset *ogc_collection_or_404(struct request *req)
{
	const struct dataset *c = ogc_collection_find(req->match.id);
	if (!c)
		problem(req, 404, "not-found", "Not Found",
		        "there is no collection \"%.*s\"; GET /ogc/collections lists them",
		        utf8_cut(req->match.id, 64), req->match.id);
	return c;
}

void handle_ogc_landing(struct request *req)
{
	const char *base = ogc_base(req);
	if (!base)
		return;
	json_t *links = json_array();
	add_link(links, "self", type_json, "This document", base);
	add_link(links, "service-desc", "application/vnd.oai.openapi+json;version=3.0",
	         "The API definition (OpenAPI 3.0)", arena_printf(&req->arena, "%s/api", base));
	add_link(links, "service-doc", "text/html", "How to connect GDAL and QGIS",
	         arena_printf(&req->arena, "%s/api.html", base));
	add_link(links, "conformance", type_json, "Conformance classes",
	         arena_printf(&req->arena, "%s/conformance", base));
	add_link(links, "data", type_json, "Collections",
	         arena_printf(&req->arena, "%s/collections", base));
	json_t *body = json_pack(
	    "{s:s, s:s, s:o}", "title",
	    "soilshare 北京市土壤污染信息共享 / Beijing soil pollution data", "description",
	    "The datasets of the Beijing soil pollution prevention plan that have a geometry, "
	    "and the 风险管控和修复名录, as OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0; "
	    "Part 2 CRS) for GIS clients. Every request carries an agency's API key as "
	    "Authorization: Bearer <key>.",
	    "links", links);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

void handle_ogc_conformance(struct request *req)
{
	json_t *body = json_pack("{s:[s, s, s, s]}", "conformsTo",
	                         "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	                         "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	                         "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	                         "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs");
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

static json_t *collection_json(struct request *req, const char *base, const struct dataset *c)
{
	struct strbuf url;
	strbuf_init(&url, 128);
	strbuf_addf(&url, "%s/collections/", base);
	strbuf_add_urlencoded(&url, c->name);
	json_t *links = json_array();
	add_link(links, "self", type_json, "This collection", url.buf);
	add_link(links, "items", type_geojson, "Its features",
	         arena_printf(&req->arena, "%s/items", url.buf));
	/* Relation types are case-insensitive (RFC 8288); GDAL 3.6 looks for this spelling. */
	add_link(links, "describedBy", "application/schema+json", "The schema of its features",
	         arena_printf(&req->arena, "%s/schema", url.buf));
	strbuf_release(&url);
	const struct field *g = dataset_geometry(c);
	char description[512];
	if (c == &directory_filters)
		snprintf(description, sizeof(description),
		         "The 风险管控和修复名录: plots listed, under control or in effect "
		         "evaluation, with the date they were listed, as GET /v1/directory serves "
		         "them; the geometry is the plot's boundary.");
	else
		snprintf(description, sizeof(description),
		         "The records of %s as GET /v1/%s serves them; the geometry is each "
		         "record's %s, the properties the rest of the record.",
		         c->name, c->name, g ? g->name : "geometry");
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:{s:{s:[[f, f, f, f]], s:s}}, s:[s, s], s:s, s:o}", "id",
	    c->name, "title", arena_printf(&req->arena, "%s / %s", c->title_zh, c->title_en),
	    "description", description, "itemType", "feature", "extent", "spatial", "bbox", 115.4,
	    39.4, 117.6, 41.1, "crs", OGC_CRS84_URI, "crs", OGC_CRS84_URI, OGC_EPSG4490_URI,
	    "storageCrs", OGC_CRS84_URI, "links", links);
}

void handle_ogc_collections(struct request *req)
{
	const char *base = ogc_base(req);
	if (!base)
		return;
	json_t *links = json_array(), *list = json_array();
	add_link(links, "self", type_json, "The collections",
	         arena_printf(&req->arena, "%s/collections", base));
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++)
		json_array_append_new(list, collection_json(req, base, c));
	json_t *body = json_pack("{s:o, s:o}", "links", links, "collections", list);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

void handle_ogc_collection(struct request *req)
{
	const struct dataset *c = ogc_collection_or_404(req);
	const char *base = c ? ogc_base(req) : NULL;
	if (!base)
		return;
	json_t *body = collection_json(req, base, c);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

/* A record or directory entry (JSON text) as a GeoJSON Feature in `crs`: `id` the record id,
 * `geometry` its geometry or location, `properties` the rest; `links` (stolen) when not
 * NULL. NULL when `item` is not a JSON object. */
static json_t *feature(const char *item, enum ogc_crs crs, json_t *links)
{
	json_t *props = json_loads(item, 0, NULL);
	if (!json_is_object(props)) {
		json_decref(props);
		json_decref(links);
		return NULL;
	}
	const char *member = json_object_get(props, "geometry") ? "geometry" : "location";
	json_t *geometry = json_incref(json_object_get(props, member));
	json_t *id = json_incref(json_object_get(props, "id"));
	json_object_del(props, member);
	json_object_del(props, "id");
	if (crs == OGC_EPSG4490)
		ogc_geometry_swap_axes(geometry);
	json_t *f =
	    json_pack("{s:s, s:o, s:o, s:o}", "type", "Feature", "id", id ? id : json_null(),
	              "geometry", geometry ? geometry : json_null(), "properties", props);
	if (links)
		json_object_set_new(f, "links", links);
	return f;
}

static char *dump(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
}

/* The query arguments, or -1 after answering 400 when there are too many. */
static int query_args(struct request *req, struct query_arg *args)
{
	int n = req_query_args(req, args, LIST_MAX_ARGS);
	if (n < 0)
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters (at most %d)", LIST_MAX_ARGS);
	return n;
}

/* RFC 3339 UTC, now. */
static void now_utc(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The links of a page of items. `items` is the collection's items URL; `query` the page's
 * own arguments without f (limit, the filters, the cursor). */
static json_t *page_links(struct request *req, const char *items, const char *query, bool json,
                          const char *next_query, const char *collection)
{
	json_t *links = json_array();
	const char *self_type = json ? type_json : type_geojson;
	add_link(links, "self", self_type, "This page",
	         arena_printf(&req->arena, "%s?%s%s", items, query, json ? "&f=json" : ""));
	add_link(links, "alternate", json ? type_geojson : type_json,
	         json ? "This page as GeoJSON" : "This page as JSON",
	         arena_printf(&req->arena, "%s?%s%s", items, query, json ? "" : "&f=json"));
	if (next_query)
		add_link(
		    links, "next", self_type, "The next page",
		    arena_printf(&req->arena, "%s?%s%s", items, next_query, json ? "&f=json" : ""));
	add_link(links, "collection", type_json, "The collection", collection);
	return links;
}

static void respond_items(struct request *req, const struct dataset *c, const char *base,
                          const struct ogc_items_query *q, PGresult *res)
{
	int rows = PQntuples(res);
	long long matched = rows ? atoll(PQgetvalue(res, 0, 2)) : 0;
	if (rows && PQgetisnull(res, 0, 0))
		rows = 0;
	bool more = rows > q->limit;
	if (more)
		rows = q->limit;

	struct strbuf collection;
	strbuf_init(&collection, 128);
	strbuf_addf(&collection, "%s/collections/", base);
	strbuf_add_urlencoded(&collection, c->name);
	const char *items = arena_printf(&req->arena, "%s/items", collection.buf);
	char cursor[CURSOR_MAX];
	const char *query = arena_printf(&req->arena, "limit=%d%s", q->limit, q->link_query);
	if (q->after_id[0] &&
	    cursor_encode(q->filter_hash, q->after_id, cursor, sizeof(cursor)) == 0)
		query = arena_printf(&req->arena, "%s&cursor=%s", query, cursor);
	const char *next_query = NULL;
	if (more && cursor_encode(q->filter_hash, PQgetvalue(res, rows - 1, 1), cursor,
	                          sizeof(cursor)) == 0)
		next_query = arena_printf(&req->arena, "limit=%d%s&cursor=%s", q->limit,
		                          q->link_query, cursor);
	char stamp[32];
	now_utc(stamp);
	json_t *head =
	    json_pack("{s:s, s:I, s:i, s:s, s:o}", "type", "FeatureCollection", "numberMatched",
	              (json_int_t)matched, "numberReturned", rows, "timeStamp", stamp, "links",
	              page_links(req, items, query, q->json, next_query, collection.buf));
	strbuf_release(&collection);
	char *head_text = dump(head);
	json_decref(head);

	/* The features follow the head's members, written one at a time. */
	struct strbuf body;
	size_t hint = strlen(head_text) + 32;
	for (int i = 0; i < rows; i++)
		hint += (size_t)PQgetlength(res, i, 0) + 64;
	strbuf_init(&body, hint);
	strbuf_add(&body, head_text, strlen(head_text) - 1);
	free(head_text);
	strbuf_adds(&body, ",\"features\":[");
	for (int i = 0; i < rows; i++) {
		json_t *f = feature(PQgetvalue(res, i, 0), q->crs, NULL);
		char *text = f ? dump(f) : NULL;
		json_decref(f);
		if (!text)
			continue;
		if (body.buf[body.len - 1] != '[')
			strbuf_addc(&body, ',');
		strbuf_adds(&body, text);
		free(text);
	}
	strbuf_adds(&body, "]}");
	char hdr[128];
	snprintf(hdr, sizeof(hdr), "Content-Crs: <%s>", ogc_crs_uri(q->crs));
	size_t len;
	char *text = strbuf_detach(&body, &len);
	respond_owned(req, 200, q->json ? type_json : type_geojson, text, len, hdr);
}

void handle_ogc_items(struct request *req)
{
	const struct dataset *c = ogc_collection_or_404(req);
	const char *base = c ? ogc_base(req) : NULL;
	if (!base)
		return;
	struct query_arg args[LIST_MAX_ARGS];
	int n = query_args(req, args);
	if (n < 0)
		return;
	struct ogc_items_query q;
	char err[512];
	int parsed =
	    ogc_items_query_parse(c, refdata_hold(), args, (size_t)n, &q, err, sizeof(err));
	refdata_release();
	if (parsed < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	bool directory = c == &directory_filters;
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", q.limit + 1);
	const char *params[] = {
	    directory ? "plots" : c->name,
	    q.after_id,
	    q.filters.district,
	    q.filters.updated_since,
	    q.filters.publisher,
	    q.filters.fields,
	    limit,
	    q.dt_start[0] ? q.dt_start : NULL,
	    q.dt_end[0] ? q.dt_end : NULL,
	    q.bbox,
	};
	const char *stmt = directory ? (q.bbox ? "ogc_directory_bbox" : "ogc_directory")
	                             : (q.bbox ? "ogc_items_bbox" : "ogc_items");
	PGresult *res = db_exec(stmt, q.bbox ? 10 : 9, params);
	if (db_ok(req, res, PGRES_TUPLES_OK)) {
		respond_items(req, c, base, &q, res);
		PQclear(res);
	}
	ogc_items_query_release(&q);
}

/* `url` with the query of the arguments `a` and `b` that are not "" (from the arena). */
static const char *with_query(struct request *req, const char *url, const char *a, const char *b)
{
	return arena_printf(&req->arena, "%s%s%s%s%s", url, a[0] || b[0] ? "?" : "", a,
	                    a[0] && b[0] ? "&" : "", b);
}

void handle_ogc_item(struct request *req)
{
	const struct dataset *c = ogc_collection_or_404(req);
	const char *base = c ? ogc_base(req) : NULL;
	if (!base)
		return;
	struct query_arg args[LIST_MAX_ARGS];
	int n = query_args(req, args);
	if (n < 0)
		return;
	enum ogc_crs crs;
	bool json;
	char err[256];
	if (ogc_item_query_parse(args, (size_t)n, &crs, &json, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	bool directory = c == &directory_filters;
	const char *params[] = {directory ? "plots" : c->name, req->match.sub};
	PGresult *res = db_exec(directory ? "ogc_directory_get" : "rec_get", 2, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQntuples(res) == 0) {
		PQclear(res);
		problem(req, 404, "not-found", "Not Found", "collection %s has no feature \"%.*s\"",
		        c->name, utf8_cut(req->match.sub, 128), req->match.sub);
		return;
	}
	struct strbuf url, crs_query;
	strbuf_init(&url, 256);
	strbuf_addf(&url, "%s/collections/", base);
	strbuf_add_urlencoded(&url, c->name);
	const char *collection = arena_strdup(&req->arena, url.buf);
	strbuf_adds(&url, "/items/");
	strbuf_add_urlencoded(&url, req->match.sub);
	strbuf_init(&crs_query, 64);
	if (crs == OGC_EPSG4490) {
		strbuf_adds(&crs_query, "crs=");
		strbuf_add_urlencoded(&crs_query, OGC_EPSG4490_URI);
	}
	json_t *links = json_array();
	add_link(links, "self", json ? type_json : type_geojson, "This feature",
	         with_query(req, url.buf, crs_query.buf, json ? "f=json" : ""));
	add_link(links, "alternate", json ? type_geojson : type_json,
	         json ? "This feature as GeoJSON" : "This feature as JSON",
	         with_query(req, url.buf, crs_query.buf, json ? "" : "f=json"));
	add_link(links, "collection", type_json, "The collection", collection);
	strbuf_release(&url);
	strbuf_release(&crs_query);
	json_t *f = feature(PQgetvalue(res, 0, 0), crs, links);
	PQclear(res);
	char *text = f ? dump(f) : NULL;
	json_decref(f);
	if (!text) {
		problem(req, 500, "internal", "Internal Server Error",
		        "the record could not be written as GeoJSON");
		return;
	}
	char hdr[128];
	snprintf(hdr, sizeof(hdr), "Content-Crs: <%s>", ogc_crs_uri(crs));
	respond_owned(req, 200, json ? type_json : type_geojson, text, strlen(text), hdr);
}
