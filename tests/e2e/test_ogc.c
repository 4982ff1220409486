/* OGC API – Features under /ogc (SPEC §6): landing page, conformance, collections, items with
 * paging, bbox, CRS and datetime, one feature, keys, errors and the OpenAPI 3.0 document.
 * Each test puts its plots in a cell of its own in district D and reads with that cell's bbox
 * and a datetime from its first plot on, so that counts are exact on a shared database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "harness.h"
#include "listquery.h"

#define D       "110118" /* 密云区: no other test writes there */
#define CELL_W  0.02
#define LON0    116.80
#define LAT0    40.45
#define SIZE    0.002 /* a plot's side */
#define MAX_IDS 16

/* The box of cell `i` as minlon,minlat,maxlon,maxlat. */
static char *cell_bbox(int i)
{
	return strfmt("%.4f,%.4f,%.4f,%.4f", LON0 + i * CELL_W, LAT0, LON0 + i * CELL_W + 0.015,
	              LAT0 + 0.015);
}

/* A square plot of D at (lon, lat), published by ecology; returns its id (malloc'd) and its
 * updated_at into `updated` (when not NULL, 40 bytes). */
static char *make_plot(double lon, double lat, const char *status, char *updated)
{
	char *id = uniq(D "-OGC");
	char *body = strfmt("{\"name\":\"OGC测试地块\",\"district\":\"" D "\",\"status\":\"%s\","
	                    "\"planned_use\":\"R2\",\"pollutants\":[\"As\"],\"geometry\":{\"type\":"
	                    "\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
	                    "[%.6f,%.6f],[%.6f,%.6f]]]}}",
	                    status, lon, lat, lon + SIZE, lat, lon + SIZE, lat + SIZE, lon,
	                    lat + SIZE, lon, lat);
	char *path = strfmt("/v1/plots/%s", id);
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	if (updated)
		snprintf(updated, 40, "%s",
		         json_string_value(json_object_get(r->json, "updated_at")));
	resp_free(r);
	free(path);
	free(body);
	return id;
}

static struct resp *get(const char *path)
{
	return call("GET", path, key_of("water"), NULL, NULL);
}

static char *base(void)
{
	return strfmt("%s/ogc", base_url());
}

/* The link of `rel` in `links`, or NULL. */
static json_t *link_of(json_t *links, const char *rel)
{
	size_t i;
	json_t *l;
	json_array_foreach(links, i, l)
	{
		if (strcmp(json_string_value(json_object_get(l, "rel")), rel) == 0)
			return l;
	}
	return NULL;
}

static void assert_link(json_t *links, const char *rel, const char *type, const char *href)
{
	json_t *l = link_of(links, rel);
	cr_assert_not_null(l, "no %s link", rel);
	cr_assert_str_eq(json_string_value(json_object_get(l, "type")), type, "type of %s", rel);
	if (href)
		cr_assert_str_eq(json_string_value(json_object_get(l, "href")), href, "href of %s",
		                 rel);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids of the features of a FeatureCollection, appended to ids[*n]. */
static void collect_ids(json_t *fc, char **ids, size_t *n)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(fc, "features"), i, f)
	{
		cr_assert_lt(*n, MAX_IDS);
		ids[(*n)++] = strdup(json_string_value(json_object_get(f, "id")));
	}
}

/* The ids a query of plots returns (every page), sorted, with their count. */
static size_t plot_ids(const char *query, char **ids)
{
	char *path = strfmt("/ogc/collections/plots/items?%s", query);
	struct resp *r = get(path);
	free(path);
	cr_assert_eq(r->status, 200, "%s: %s", query, r->body);
	size_t n = 0;
	collect_ids(r->json, ids, &n);
	cr_assert_null(link_of(json_object_get(r->json, "links"), "next"), "one page: %s", query);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "numberMatched")), (json_int_t)n);
	resp_free(r);
	qsort(ids, n, sizeof(*ids), cmp_str);
	return n;
}

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
}

Test(ogc, landing_page_links)
{
	char *b = base();
	struct resp *r = get("/ogc");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(resp_header(r, "Content-Type"), "application/json"));
	cr_assert_not_null(json_string_value(json_object_get(r->json, "title")));
	cr_assert_not_null(json_string_value(json_object_get(r->json, "description")));
	json_t *links = json_object_get(r->json, "links");
	assert_link(links, "self", "application/json", b);
	char *api = strfmt("%s/api", b), *doc = strfmt("%s/api.html", b),
	     *conf = strfmt("%s/conformance", b), *data = strfmt("%s/collections", b);
	assert_link(links, "service-desc", "application/vnd.oai.openapi+json;version=3.0", api);
	assert_link(links, "service-doc", "text/html", doc);
	assert_link(links, "conformance", "application/json", conf);
	assert_link(links, "data", "application/json", data);
	resp_free(r);
	/* Links are built from the Host the client used. */
	const char *host[] = {"Host: gis.example.cn:8443", NULL};
	r = call("GET", "/ogc", key_of("water"), NULL, host);
	cr_assert_eq(r->status, 200);
	assert_link(json_object_get(r->json, "links"), "data", "application/json",
	            "http://gis.example.cn:8443/ogc/collections");
	resp_free(r);
	const char *bad[] = {"Host: evil.example/x?", NULL};
	r = call("GET", "/ogc", key_of("water"), NULL, bad);
	assert_problem(r, 400, "/problems/bad-request");
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "Host"));
	resp_free(r);
	free(api), free(doc), free(conf), free(data), free(b);
}

Test(ogc, conformance_classes)
{
	static const char *const classes[] = {
	    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	};
	struct resp *r = get("/ogc/conformance");
	cr_assert_eq(r->status, 200);
	json_t *to = json_object_get(r->json, "conformsTo");
	cr_assert_eq(json_array_size(to), 4, "%s", r->body);
	for (size_t i = 0; i < 4; i++) {
		bool found = false;
		size_t j;
		json_t *c;
		json_array_foreach(to, j, c) found =
		    found || strcmp(json_string_value(c), classes[i]) == 0;
		cr_assert(found, "%s", classes[i]);
	}
	resp_free(r);
}

static void assert_collection(json_t *c, const char *b)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	cr_assert_not_null(id);
	const struct dataset *ds = ogc_collection_find(id);
	cr_assert_not_null(ds, "%s is a collection", id);
	const char *title = json_string_value(json_object_get(c, "title"));
	cr_assert(title && strstr(title, ds->title_zh) && strstr(title, ds->title_en), "%s: %s", id,
	          title);
	cr_assert_str_eq(json_string_value(json_object_get(c, "itemType")), "feature");
	json_t *spatial = json_object_get(json_object_get(c, "extent"), "spatial");
	json_t *bbox = json_loads("[[115.4, 39.4, 117.6, 41.1]]", 0, NULL);
	cr_assert(json_equal(json_object_get(spatial, "bbox"), bbox), "%s: Beijing's extent", id);
	json_decref(bbox);
	cr_assert_str_eq(json_string_value(json_object_get(spatial, "crs")), OGC_CRS84_URI);
	json_t *crs = json_pack("[s, s]", OGC_CRS84_URI, OGC_EPSG4490_URI);
	cr_assert(json_equal(json_object_get(c, "crs"), crs), "%s: both CRSs", id);
	json_decref(crs);
	cr_assert_str_eq(json_string_value(json_object_get(c, "storageCrs")), OGC_CRS84_URI);
	char *self = strfmt("%s/collections/%s", b, id), *items = strfmt("%s/items", self),
	     *schema = strfmt("%s/schema", self);
	assert_link(json_object_get(c, "links"), "self", "application/json", self);
	assert_link(json_object_get(c, "links"), "items", "application/geo+json", items);
	assert_link(json_object_get(c, "links"), "describedBy", "application/schema+json", schema);
	free(self), free(items), free(schema);
}

Test(ogc, collections_are_the_datasets_with_a_geometry_and_the_directory)
{
	char *b = base();
	struct resp *r = get("/ogc/collections");
	cr_assert_eq(r->status, 200, "%s", r->body);
	char *self = strfmt("%s/collections", b);
	assert_link(json_object_get(r->json, "links"), "self", "application/json", self);
	free(self);
	json_t *list = json_object_get(r->json, "collections");
	size_t expected = 1; /* the directory */
	for (size_t d = 0; d < datasets_count; d++) {
		bool geo = dataset_geometry(datasets[d]) != NULL;
		expected += geo;
		bool listed = false;
		size_t i;
		json_t *c;
		json_array_foreach(list, i, c) listed =
		    listed ||
		    strcmp(json_string_value(json_object_get(c, "id")), datasets[d]->name) == 0;
		cr_assert_eq(listed, geo, "%s: listed only when it has a geometry",
		             datasets[d]->name);
	}
	cr_assert_eq(json_array_size(list), expected);
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		assert_collection(c, b);
		/* GET /ogc/collections/{id} answers the same. */
		char *path =
		    strfmt("/ogc/collections/%s", json_string_value(json_object_get(c, "id")));
		struct resp *one = get(path);
		cr_assert_eq(one->status, 200);
		cr_assert(json_equal(one->json, c), "%s", path);
		resp_free(one);
		free(path);
	}
	cr_assert_not_null(ogc_collection_find("directory"));
	resp_free(r);
	r = get("/ogc/collections/nope");
	assert_problem(r, 404, "/problems/not-found");
	cr_assert(
	    strstr(json_string_value(json_object_get(r->json, "detail")), "/ogc/collections"));
	resp_free(r);
	r = get("/ogc/collections/agri-inputs");
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	free(b);
}

/* The type of property `name` in a collection's schema, or NULL. */
static const char *schema_type(json_t *schema, const char *name, const char **format)
{
	json_t *props = json_object_get(
	    json_object_get(json_object_get(schema, "properties"), "properties"), "properties");
	json_t *p = json_object_get(props, name);
	if (format)
		*format = json_string_value(json_object_get(p, "format"));
	return json_string_value(json_object_get(p, "type"));
}

Test(ogc, schemas_type_every_property)
{
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++) {
		char *path = strfmt("/ogc/collections/%s/schema", c->name);
		struct resp *r = get(path);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		cr_assert_str_eq(resp_header(r, "Content-Type"), "application/schema+json");
		const char *format;
		cr_assert_str_eq(schema_type(r->json, "updated_at", &format), "string", "%s", path);
		cr_assert_str_eq(format, "date-time");
		const struct field *g = dataset_geometry(c);
		for (size_t f = 0; strcmp(c->name, "directory") && f < c->n_fields; f++)
			if (&c->fields[f] != g)
				cr_assert_not_null(schema_type(r->json, c->fields[f].name, NULL),
				                   "%s %s", path, c->fields[f].name);
		cr_assert_null(schema_type(r->json, "geometry", NULL),
		               "the geometry is no property");
		cr_assert_null(schema_type(r->json, "id", NULL), "nor is the id");
		resp_free(r);
		free(path);
	}
	struct resp *r = get("/ogc/collections/plots/schema");
	const char *format;
	cr_assert_str_eq(schema_type(r->json, "area_m2", NULL), "number");
	cr_assert_str_eq(schema_type(r->json, "listed_on", &format), "string");
	cr_assert_str_eq(format, "date");
	cr_assert_str_eq(schema_type(r->json, "pollutants", NULL), "array");
	cr_assert_str_eq(schema_type(r->json, "version", NULL), "integer");
	cr_assert_str_eq(schema_type(r->json, "land_class", NULL), "string", "a derived field");
	resp_free(r);
	r = get("/ogc/collections/directory/schema");
	cr_assert_str_eq(schema_type(r->json, "listed_on", &format), "string");
	cr_assert_str_eq(format, "date");
	cr_assert_null(schema_type(r->json, "publisher", NULL), "the directory has no publisher");
	resp_free(r);
	r = get("/ogc/collections/nope/schema");
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
}

Test(ogc, items_page_through_next_links)
{
	char first[40], *box = cell_bbox(0);
	char *mine[7];
	for (int i = 0; i < 7; i++)
		mine[i] = make_plot(LON0 + 0.002 * i, LAT0 + 0.001, "suspected", i ? NULL : first);
	qsort(mine, 7, sizeof(*mine), cmp_str);
	char *url = strfmt("%s/ogc/collections/plots/items?limit=3&district=" D "&bbox=%s"
	                   "&datetime=%s/..",
	                   base_url(), box, first);
	char *ids[MAX_IDS];
	size_t n = 0, returned = 0;
	int pages = 0;
	while (url) {
		struct resp *r = call_url("GET", url, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", url, r->body);
		cr_assert_str_eq(resp_header(r, "Content-Type"), "application/geo+json");
		cr_assert_str_eq(resp_header(r, "Content-Crs"), "<" OGC_CRS84_URI ">");
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")),
		                 "FeatureCollection");
		cr_assert_eq(json_integer_value(json_object_get(r->json, "numberMatched")), 7);
		json_int_t nr = json_integer_value(json_object_get(r->json, "numberReturned"));
		cr_assert_eq((size_t)nr, json_array_size(json_object_get(r->json, "features")));
		returned += (size_t)nr;
		cr_assert(rfc3339_valid(json_string_value(json_object_get(r->json, "timeStamp"))));
		json_t *links = json_object_get(r->json, "links");
		/* The first page's self link is the query in canonical order; the next ones are
		 * the next links followed. */
		assert_link(links, "self", "application/geo+json", pages ? url : NULL);
		assert_link(links, "alternate", "application/json", NULL);
		cr_assert(
		    strstr(json_string_value(json_object_get(link_of(links, "alternate"), "href")),
		           "f=json"));
		assert_link(links, "collection", "application/json", NULL);
		collect_ids(r->json, ids, &n);
		free(url);
		url = NULL;
		json_t *next = link_of(links, "next");
		if (next) {
			cr_assert_str_eq(json_string_value(json_object_get(next, "type")),
			                 "application/geo+json");
			url = strdup(json_string_value(json_object_get(next, "href")));
		}
		pages++;
		resp_free(r);
		cr_assert_leq(pages, 5, "the next links end");
	}
	cr_assert_eq(pages, 3, "7 features in pages of 3");
	cr_assert_eq(returned, 7, "numberMatched is the sum of numberReturned");
	cr_assert_eq(n, 7);
	for (size_t i = 0; i < 7; i++)
		cr_assert_str_eq(ids[i], mine[i], "in id order, each once");
	free_ids(ids, n);

	/* f=json: the same page as application/json, and its next link keeps f=json. */
	char *path = strfmt("/ogc/collections/plots/items?limit=3&district=" D "&bbox=%s"
	                    "&datetime=%s/..&f=json",
	                    box, first);
	struct resp *r = get(path);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "application/json");
	json_t *next = link_of(json_object_get(r->json, "links"), "next");
	cr_assert_str_eq(json_string_value(json_object_get(next, "type")), "application/json");
	const char *href = json_string_value(json_object_get(next, "href"));
	cr_assert(strstr(href, "f=json"), "%s", href);
	assert_link(json_object_get(r->json, "links"), "alternate", "application/geo+json", NULL);
	/* Its cursor with another box: 400. */
	char *other = strfmt("/ogc/collections/plots/items?limit=3&bbox=116,40,117,41&%s",
	                     strstr(href, "cursor="));
	resp_free(r);
	r = get(other);
	assert_problem(r, 400, "/problems/bad-request");
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "cursor"));
	resp_free(r);
	free(other), free(path), free(box);
	for (int i = 0; i < 7; i++)
		free(mine[i]);
}

Test(ogc, bbox_in_either_crs)
{
	char first[40], *ids[MAX_IDS];
	double lon = LON0 + 1 * CELL_W;
	char *west1 = make_plot(lon + 0.001, LAT0 + 0.001, "suspected", first);
	char *west2 = make_plot(lon + 0.001, LAT0 + 0.010, "suspected", NULL);
	char *east = make_plot(lon + 0.011, LAT0 + 0.005, "suspected", NULL);
	/* The west half: minlon,minlat,maxlon,maxlat, then latitude first with EPSG:4490. */
	char *q = strfmt("district=" D "&datetime=%s/..&bbox=%.4f,%.4f,%.4f,%.4f", first, lon, LAT0,
	                 lon + 0.006, LAT0 + 0.015);
	size_t n = plot_ids(q, ids);
	cr_assert_eq(n, 2, "the two western plots");
	cr_assert(strcmp(ids[0], west1) == 0 || strcmp(ids[1], west1) == 0);
	cr_assert(strcmp(ids[0], west2) == 0 || strcmp(ids[1], west2) == 0);
	free_ids(ids, n);
	free(q);
	q = strfmt("district=" D "&datetime=%s/..&bbox=%.4f,%.4f,%.4f,%.4f&bbox-crs=%s", first,
	           LAT0, lon, LAT0 + 0.015, lon + 0.006, OGC_EPSG4490_URI);
	n = plot_ids(q, ids);
	cr_assert_eq(n, 2, "the same box, latitude first");
	free_ids(ids, n);
	free(q);
	q = strfmt("district=" D "&datetime=%s/..&bbox=%.4f,%.4f,%.4f,%.4f&bbox-crs=EPSG:4490",
	           first, LAT0 + 0.004, lon + 0.010, LAT0 + 0.006, lon + 0.012);
	n = plot_ids(q, ids);
	cr_assert_eq(n, 1, "a box that only the eastern plot meets");
	cr_assert_str_eq(ids[0], east);
	free_ids(ids, n);
	free(q);
	char *box = cell_bbox(1);
	q = strfmt("district=" D "&datetime=%s/..&bbox=%s", first, box);
	n = plot_ids(q, ids);
	cr_assert_eq(n, 3, "the whole cell");
	free_ids(ids, n);
	free(q), free(box), free(west1), free(west2), free(east);
}

static bool near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

/* The first position of a feature's polygon. */
static void first_position(json_t *feature, double *x, double *y)
{
	json_t *ring =
	    json_array_get(json_object_get(json_object_get(feature, "geometry"), "coordinates"), 0);
	json_t *pos = json_array_get(ring, 0);
	*x = json_number_value(json_array_get(pos, 0));
	*y = json_number_value(json_array_get(pos, 1));
}

Test(ogc, crs_4490_swaps_the_axes)
{
	double lon = LON0 + 2 * CELL_W + 0.003, lat = LAT0 + 0.004, x, y;
	char first[40];
	char *id = make_plot(lon, lat, "suspected", first);
	char *box = cell_bbox(2);
	char *path = strfmt("/ogc/collections/plots/items?district=" D "&bbox=%s&datetime=%s/..",
	                    box, first);
	struct resp *r = get(path);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(resp_header(r, "Content-Crs"), "<" OGC_CRS84_URI ">");
	first_position(json_array_get(json_object_get(r->json, "features"), 0), &x, &y);
	cr_assert(near(x, lon) && near(y, lat), "CRS84: longitude first (%f, %f)", x, y);
	resp_free(r);
	char *p4490 = strfmt("%s&crs=%s", path, OGC_EPSG4490_URI);
	r = get(p4490);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Crs"), "<" OGC_EPSG4490_URI ">");
	first_position(json_array_get(json_object_get(r->json, "features"), 0), &x, &y);
	cr_assert(near(x, lat) && near(y, lon), "EPSG:4490: latitude first (%f, %f)", x, y);
	json_t *next_self = link_of(json_object_get(r->json, "links"), "self");
	cr_assert(strstr(json_string_value(json_object_get(next_self, "href")), "crs="),
	          "the links keep the CRS");
	resp_free(r);

	/* One feature, in both CRSs. */
	char *one = strfmt("/ogc/collections/plots/items/%s", id);
	r = get(one);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "application/geo+json");
	cr_assert_str_eq(resp_header(r, "Content-Crs"), "<" OGC_CRS84_URI ">");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "Feature");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "id")), id);
	json_t *props = json_object_get(r->json, "properties");
	cr_assert_str_eq(json_string_value(json_object_get(props, "status")), "suspected");
	cr_assert_str_eq(json_string_value(json_object_get(props, "publisher")), "ecology");
	cr_assert_null(json_object_get(props, "geometry"), "the geometry is not a property");
	first_position(r->json, &x, &y);
	cr_assert(near(x, lon) && near(y, lat));
	char *self = strfmt("%s/ogc/collections/plots/items/%s", base_url(), id);
	char *coll = strfmt("%s/ogc/collections/plots", base_url());
	assert_link(json_object_get(r->json, "links"), "self", "application/geo+json", self);
	assert_link(json_object_get(r->json, "links"), "collection", "application/json", coll);
	resp_free(r);
	char *one4490 = strfmt("%s?crs=EPSG:4490&f=json", one);
	r = get(one4490);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "application/json");
	cr_assert_str_eq(resp_header(r, "Content-Crs"), "<" OGC_EPSG4490_URI ">");
	first_position(r->json, &x, &y);
	cr_assert(near(x, lat) && near(y, lon));
	resp_free(r);
	free(one4490), free(self), free(coll), free(one), free(p4490), free(path), free(box);
	free(id);
}

Test(ogc, datetime_on_updated_at)
{
	char tx[40], ty[40], *ids[MAX_IDS];
	double lon = LON0 + 3 * CELL_W;
	char *x = make_plot(lon + 0.001, LAT0 + 0.001, "suspected", tx);
	char *y = make_plot(lon + 0.005, LAT0 + 0.001, "suspected", ty);
	char *box = cell_bbox(3);
	char *q = strfmt("district=" D "&bbox=%s&datetime=%s", box, tx);
	size_t n = plot_ids(q, ids);
	cr_assert_eq(n, 1, "an instant: the plot updated then");
	cr_assert_str_eq(ids[0], x);
	free_ids(ids, n);
	free(q);
	q = strfmt("district=" D "&bbox=%s&datetime=%s/%s", box, tx, ty);
	n = plot_ids(q, ids);
	cr_assert_eq(n, 2, "a closed interval holds both ends");
	free_ids(ids, n);
	free(q);
	q = strfmt("district=" D "&bbox=%s&datetime=%s/..", box, ty);
	n = plot_ids(q, ids);
	cr_assert_eq(n, 1, "from the second on");
	cr_assert_str_eq(ids[0], y);
	free_ids(ids, n);
	free(q);
	q = strfmt("district=" D "&bbox=%s&datetime=../%s", box, tx);
	n = plot_ids(q, ids);
	bool has_x = false, has_y = false;
	for (size_t i = 0; i < n; i++) {
		has_x = has_x || strcmp(ids[i], x) == 0;
		has_y = has_y || strcmp(ids[i], y) == 0;
	}
	cr_assert(has_x && !has_y, "up to the first");
	free_ids(ids, n);
	free(q);
	char *bad = strfmt("/ogc/collections/plots/items?datetime=%s/%s", ty, tx);
	struct resp *r = get(bad);
	assert_problem(r, 400, "/problems/bad-request");
	cr_assert(
	    strstr(json_string_value(json_object_get(r->json, "detail")), "before it starts"));
	resp_free(r);
	free(bad), free(box), free(x), free(y);
}

Test(ogc, dataset_filters_and_the_directory)
{
	char first[40], *ids[MAX_IDS];
	double lon = LON0 + 4 * CELL_W;
	char *listed = make_plot(lon + 0.001, LAT0 + 0.001, "listed", first);
	char *suspected = make_plot(lon + 0.005, LAT0 + 0.001, "suspected", NULL);
	char *box = cell_bbox(4);
	char *q = strfmt("district=" D "&bbox=%s&datetime=%s/..&status=listed", box, first);
	size_t n = plot_ids(q, ids);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(ids[0], listed);
	free_ids(ids, n);
	free(q);
	/* The directory holds the listed plot only, with the date it was listed. */
	char *path = strfmt(
	    "/ogc/collections/directory/items?district=" D "&bbox=%s&datetime=%s/..", box, first);
	struct resp *r = get(path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "numberMatched")), 1);
	json_t *f = json_array_get(json_object_get(r->json, "features"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "id")), listed);
	cr_assert_not_null(json_object_get(json_object_get(f, "properties"), "listed_on"));
	json_t *g = json_object_get(f, "geometry");
	cr_assert_str_eq(json_string_value(json_object_get(g, "type")), "Polygon");
	resp_free(r);
	char *one = strfmt("/ogc/collections/directory/items/%s", listed);
	r = get(one);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(one);
	one = strfmt("/ogc/collections/directory/items/%s", suspected);
	r = get(one);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	char *bad = strfmt("%s&status=suspected", path);
	r = get(bad);
	assert_problem(r, 400, "/problems/bad-request");
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "status"));
	resp_free(r);
	free(bad), free(one), free(path), free(box), free(listed), free(suspected);
}

Test(ogc, absent_collections_and_features)
{
	struct resp *r = get("/ogc/collections/nope/items");
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	r = get("/ogc/collections/nope/items/x");
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	char *missing = uniq(D "-NONE"), *path = strfmt("/ogc/collections/plots/items/%s", missing);
	r = get(path);
	assert_problem(r, 404, "/problems/not-found");
	cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), missing));
	resp_free(r);
	free(path);
	/* A deleted record is absent. */
	char *id = make_plot(LON0 + 5 * CELL_W, LAT0, "suspected", NULL);
	path = strfmt("/ogc/collections/plots/items/%s", id);
	r = get(path);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	char *v1 = strfmt("/v1/plots/%s", id);
	r = call("DELETE", v1, key_of("ecology"), NULL, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	r = get(path);
	assert_problem(r, 404, "/problems/not-found");
	resp_free(r);
	free(v1), free(path), free(id), free(missing);
}

Test(ogc, every_route_needs_a_key_in_the_header)
{
	static const char *const paths[] = {
	    "/ogc",
	    "/ogc/conformance",
	    "/ogc/api",
	    "/ogc/api.html",
	    "/ogc/collections",
	    "/ogc/collections/plots",
	    "/ogc/collections/plots/schema",
	    "/ogc/collections/plots/items",
	    "/ogc/collections/plots/items/x",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp *r = call("GET", paths[i], NULL, NULL, NULL);
		assert_problem(r, 401, "/problems/unauthorized");
		cr_assert_not_null(resp_header(r, "WWW-Authenticate"), "%s", paths[i]);
		resp_free(r);
	}
	/* A key in the URL is no key. */
	char *path = strfmt("/ogc/collections?key=%s&api_key=%s&access_token=%s", key_of("water"),
	                    key_of("water"), key_of("water"));
	struct resp *r = call("GET", path, NULL, NULL, NULL);
	assert_problem(r, 401, "/problems/unauthorized");
	resp_free(r);
	free(path);
	r = call("GET", "/ogc", "ss_000000000000_not-a-key", NULL, NULL);
	assert_problem(r, 401, "/problems/unauthorized");
	resp_free(r);
}

Test(ogc, bad_parameters_are_400_problems)
{
	static const char *const queries[] = {
	    "limit=0",
	    "limit=1001",
	    "limit=ten",
	    "bbox=116,39,117",
	    "bbox=200,39,201,40",
	    "bbox=117,39,116,40",
	    "bbox=116,39,117,40&bbox-crs=EPSG:4490",
	    "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
	    "crs=http://www.opengis.net/def/crs/EPSG/0/3857",
	    "datetime=yesterday",
	    "datetime=2024-01-01",
	    "f=html",
	    "status=nope",
	    "district=999999",
	    "sortby=id",
	    "limit=5&limit=6",
	    "cursor=x",
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		char *path = strfmt("/ogc/collections/plots/items?%s", queries[i]);
		struct resp *r = get(path);
		assert_problem(r, 400, "/problems/bad-request");
		cr_assert_gt(strlen(json_string_value(json_object_get(r->json, "detail"))), 20,
		             "%s", queries[i]);
		resp_free(r);
		free(path);
	}
	struct resp *r = get("/ogc/collections/plots/items/x?limit=1");
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	r = get("/ogc/collections/plots/items/x?crs=EPSG:3857");
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
}

/* The parameter `name` of an operation, or NULL. */
static json_t *param_of(json_t *op, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(op, "parameters"), i, p)
	{
		const char *n = json_string_value(json_object_get(p, "name"));
		if (n && strcmp(n, name) == 0)
			return p;
	}
	return NULL;
}

Test(ogc, openapi_30_document_declares_limit)
{
	struct resp *r = get("/ogc/api");
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(resp_header(r, "Content-Type"),
	                 "application/vnd.oai.openapi+json;version=3.0");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "openapi")), "3.0.3");
	char *b = base();
	cr_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(r->json, "servers"), 0), "url")),
	                 b);
	json_t *paths = json_object_get(r->json, "paths");
	static const char *const fixed[] = {"/",
	                                    "/conformance",
	                                    "/api",
	                                    "/collections",
	                                    "/collections/{collectionId}",
	                                    "/collections/{collectionId}/items/{featureId}"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		cr_assert_not_null(json_object_get(json_object_get(paths, fixed[i]), "get"), "%s",
		                   fixed[i]);
	json_t *limit = json_loads("{\"name\":\"limit\",\"in\":\"query\",\"style\":\"form\","
	                           "\"explode\":false,\"schema\":{\"type\":\"integer\","
	                           "\"minimum\":1,\"maximum\":1000,\"default\":100}}",
	                           0, NULL);
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++) {
		char *path = strfmt("/collections/%s/items", c->name);
		json_t *op = json_object_get(json_object_get(paths, path), "get");
		cr_assert_not_null(op, "%s", path);
		cr_assert(json_equal(param_of(op, "limit"), limit),
		          "%s: limit as Part 1 declares it", path);
		json_t *bbox = param_of(op, "bbox");
		cr_assert_str_eq(json_string_value(json_object_get(bbox, "style")), "form");
		cr_assert(json_is_false(json_object_get(bbox, "explode")));
		json_t *s = json_object_get(bbox, "schema");
		cr_assert_str_eq(json_string_value(json_object_get(s, "type")), "array");
		cr_assert_eq(json_integer_value(json_object_get(s, "minItems")), 4);
		cr_assert_eq(json_integer_value(json_object_get(s, "maxItems")), 6);
		cr_assert_str_eq(
		    json_string_value(json_object_get(json_object_get(s, "items"), "type")),
		    "number");
		cr_assert_not_null(param_of(op, "bbox-crs"), "%s", path);
		cr_assert_not_null(param_of(op, "crs"), "%s", path);
		cr_assert_not_null(param_of(op, "datetime"), "%s", path);
		/* And the collection's own filters. */
		for (size_t f = 0; f < c->n_fields; f++)
			if (c->fields[f].filter)
				cr_assert_not_null(param_of(op, c->fields[f].name), "%s %s", path,
				                   c->fields[f].name);
		free(path);
	}
	json_decref(limit);
	resp_free(r);
	free(b);
}

Test(ogc, api_page_tells_how_to_connect)
{
	struct resp *r = get("/ogc/api.html");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/html"));
	char *b = base(), *oapif = strfmt("OAPIF:%s", b);
	cr_assert(strstr(r->body, oapif), "the ogrinfo command");
	cr_assert(strstr(r->body, "GDAL_HTTP_HEADERS"));
	cr_assert(strstr(r->body, "API Header"), "the QGIS authentication");
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++)
		cr_assert(strstr(r->body, c->title_zh), "%s", c->name);
	resp_free(r);
	free(oapif), free(b);
}
