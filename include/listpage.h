/* Pages of lists: records, the directory, findings and the change feed all answer through
 * one writer, as JSON or CSV (with room for GeoJSON), with the next page's cursor. */
#ifndef SOILSHARE_LISTPAGE_H
#define SOILSHARE_LISTPAGE_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "datasets.h"
#include "http.h"

/* How a page is laid out. */
struct page_shape {
	const char *member;             /* the JSON body's array: "items" or "changes" */
	const struct dataset *ds;       /* CSV columns: the dataset's own fields, or */
	const char *const *csv_columns; /* these (NULL-terminated) */
	bool geojson;                   /* the items have a geometry: GeoJSON may be asked */
	bool bom;                       /* CSV starts with a byte-order mark even unasked */
};

/* Answers a page of `rows` items, column 0 of `res` holding each item's JSON text, in the
 * format the request asked for (req->want_csv, want_geojson, want_bom): JSON (with
 * `next_cursor` when `next` is given), CSV, or a GeoJSON FeatureCollection whose features
 * carry each item's `geometry` (or `location`) and the rest as properties. `link` is the
 * URL of the next page, for the Link header, or NULL. Leaves `res` to the caller. */
void page_respond(struct request *req, const PGresult *res, int rows,
                  const struct page_shape *shape, const char *next, const char *link);

/* A record (JSON text) as a GeoJSON Feature: `id` the record id, `geometry` its geometry
 * (or location), `properties` the rest; malloc'd, NULL when `item` is not a JSON object. */
char *geojson_feature(const char *item);

/* Where a keyset list comes from. */
struct list_source {
	const struct dataset *filters; /* a descriptor whose filter fields the list takes */
	/* The statement: parameters `dataset`, after id, districts, updated_since, publishers,
	 * field filters as JSON, limit + 1; columns: the item as JSON text and its id. */
	const char *stmt;
	/* The same with LIST_FILTERS_BBOX, for a list that takes bbox; else NULL. */
	const char *stmt_bbox;
	/* For a page asked for without filters or bbox, when not NULL: parameters `dataset`,
	 * after id, limit + 1; the same columns. */
	const char *stmt_plain;
	const char *dataset;
	/* The only query parameters the list takes (NULL-terminated), or NULL for every
	 * parameter of a list (limit, cursor, f, bom, the common and field filters). */
	const char *const *only;
};

/* Answers a keyset list: parses the query, runs the statement and writes the page with
 * its cursor and Link header. */
void list_serve(struct request *req, const struct list_source *src, const struct page_shape *shape);

/* The filters every list statement of list_serve() takes, over `records r` ($3 to $7):
 * any-of districts, updated since, any-of publishers, the dataset's field filters as a
 * JSON object of any-of arrays, then the order and the limit. LIST_FILTERS_BBOX also keeps
 * the records whose geometry meets the box $8 (float8[]: minlon, minlat, maxlon, maxlat),
 * through the GiST index: the statement of list_source.stmt_bbox. */
#define LIST_WHERE                                                                                 \
	"AND ($3::jsonb IS NULL OR r.district = ANY (ARRAY (SELECT jsonb_array_elements_text("     \
	"     $3::jsonb)))) "                                                                      \
	"AND ($4::timestamptz IS NULL OR r.updated_at >= $4::timestamptz) "                        \
	"AND ($5::jsonb IS NULL OR r.publisher = ANY (ARRAY (SELECT jsonb_array_elements_text("    \
	"     $5::jsonb)))) "                                                                      \
	"AND ($6::jsonb IS NULL OR NOT EXISTS (SELECT 1 FROM jsonb_each($6::jsonb) f (k, v) "      \
	"     WHERE NOT coalesce(f.v ? (r.data ->> f.k), false))) "
#define LIST_FILTERS LIST_WHERE "ORDER BY r.id LIMIT $7"
#define LIST_FILTERS_BBOX                                                                          \
	LIST_WHERE "AND ST_Intersects(r.geom, ST_MakeEnvelope(($8::float8[])[1], "                 \
	           "($8::float8[])[2], ($8::float8[])[3], ($8::float8[])[4], 4326)) "              \
	           "ORDER BY r.id LIMIT $7"

/* The 风险管控和修复名录 over `records r` of dataset plots: the plots listed, under control or
 * in effect evaluation (DIRECTORY_WHERE), each as DIRECTORY_ITEM, JSON text with the date of
 * its last transition to listed (else its own listed_on: plot_listed_on()). */
#define DIRECTORY_ITEM                                                                             \
	"json_build_object('id', r.id, 'name', r.data ->> 'name', 'district', r.district, "        \
	" 'address', r.data ->> 'address', 'status', r.data ->> 'status', "                        \
	" 'listed_on', plot_listed_on(r.id, r.data ->> 'listed_on'), "                             \
	" 'pollutants', coalesce(r.data -> 'pollutants', '[]'), "                                  \
	" 'responsible_party', r.data ->> 'responsible_party', 'area_m2', r.data -> 'area_m2', "   \
	" 'planned_use', r.data ->> 'planned_use', 'land_class', r.data ->> 'land_class', "        \
	" 'updated_at', rfc3339(r.updated_at), 'geometry', r.data -> 'geometry')::text"
#define DIRECTORY_WHERE "AND plot_in_directory(r.data ->> 'status') "
/* The directory's filters (status among its three), its titles and geometry, described as a
 * dataset for the query parser. */
extern const struct dataset directory_filters;

#endif
