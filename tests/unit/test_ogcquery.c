/* Unit tests of the /ogc query strings in server/api/ogcquery.c: CRS names, datetime,
 * the items query with its cursor, one feature's query and the EPSG:4490 axis swap. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "fixtures.h"
#include "listpage.h"

#define ARGS(...)         ((const struct query_arg[]){__VA_ARGS__})
#define NARGS(...)        (sizeof((const struct query_arg[]){__VA_ARGS__}) / sizeof(struct query_arg))
#define PARSE_OK(q, ...)  parse_ok(q, ARGS(__VA_ARGS__), NARGS(__VA_ARGS__))
#define PARSE_BAD(e, ...) parse_bad(e, ARGS(__VA_ARGS__), NARGS(__VA_ARGS__))

static struct refdata ref;

static void setup(void)
{
	fixture_refdata(&ref);
}

static const struct dataset *plots(void)
{
	const struct dataset *ds = dataset_find("plots");
	cr_assert_not_null(ds);
	return ds;
}

static void parse_ok(struct ogc_items_query *q, const struct query_arg *args, size_t n)
{
	char err[512] = "";
	cr_assert_eq(ogc_items_query_parse(plots(), &ref, args, n, q, err, sizeof(err)), 0,
	             "refused: %s", err);
}

static void parse_bad(char err[512], const struct query_arg *args, size_t n)
{
	struct ogc_items_query q;
	err[0] = '\0';
	cr_assert_eq(ogc_items_query_parse(plots(), &ref, args, n, &q, err, 512), -1,
	             "taken: %s=%s", args[0].key, args[0].value ? args[0].value : "(null)");
	cr_assert_neq(err[0], '\0', "a message");
	cr_assert_null(q.link_query, "nothing left allocated");
	cr_assert_null(q.filters.fields);
	cr_assert_null(q.filters.district);
}

TestSuite(ogc_crs);

Test(ogc_crs, names_of_the_two_systems)
{
	static const struct {
		const char *name;
		enum ogc_crs crs;
	} good[] = {
	    {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", OGC_CRS84},
	    {"[OGC:CRS84]", OGC_CRS84},
	    {"OGC:CRS84", OGC_CRS84},
	    {"http://www.opengis.net/def/crs/EPSG/0/4490", OGC_EPSG4490},
	    {"[EPSG:4490]", OGC_EPSG4490},
	    {"EPSG:4490", OGC_EPSG4490},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		enum ogc_crs c = (enum ogc_crs) - 1;
		cr_assert_eq(ogc_crs_parse(good[i].name, &c), 0, "%s", good[i].name);
		cr_assert_eq(c, good[i].crs, "%s", good[i].name);
	}
	cr_assert_str_eq(ogc_crs_uri(OGC_CRS84), OGC_CRS84_URI);
	cr_assert_str_eq(ogc_crs_uri(OGC_EPSG4490), OGC_EPSG4490_URI);
}

Test(ogc_crs, others_are_refused)
{
	static const char *const bad[] = {
	    "",
	    "EPSG:4326",
	    "http://www.opengis.net/def/crs/EPSG/0/4326",
	    "http://www.opengis.net/def/crs/EPSG/0/44900",
	    "http://www.opengis.net/def/crs/OGC/1.3/CRS84 ",
	    "epsg:4490",
	    "CRS84",
	    "4490",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum ogc_crs c;
		cr_assert_eq(ogc_crs_parse(bad[i], &c), -1, "\"%s\" was taken", bad[i]);
	}
}

TestSuite(ogc_datetime);

static void dt_ok(const char *s, const char *start, const char *end)
{
	char a[40], b[40], err[256] = "";
	cr_assert_eq(ogc_datetime_parse(s, a, b, err, sizeof(err)), 0, "%s: %s", s, err);
	cr_assert_str_eq(a, start, "start of %s", s);
	cr_assert_str_eq(b, end, "end of %s", s);
}

static void dt_bad(const char *s, const char *says)
{
	char a[40], b[40], err[256] = "";
	cr_assert_eq(ogc_datetime_parse(s, a, b, err, sizeof(err)), -1, "\"%s\" was taken", s);
	cr_assert(strstr(err, says), "%s: %s", s, err);
}

Test(ogc_datetime, instants_and_intervals)
{
	dt_ok("2024-01-31T00:00:00Z", "2024-01-31T00:00:00Z", "2024-01-31T00:00:00Z");
	dt_ok("2024-01-01T00:00:00Z/2024-12-31T23:59:59.999999Z", "2024-01-01T00:00:00Z",
	      "2024-12-31T23:59:59.999999Z");
	dt_ok("2024-01-01T00:00:00Z/..", "2024-01-01T00:00:00Z", "");
	dt_ok("../2024-01-01T00:00:00Z", "", "2024-01-01T00:00:00Z");
	dt_ok("2024-01-01T00:00:00Z/", "2024-01-01T00:00:00Z", "");
	dt_ok("/2024-01-01T00:00:00Z", "", "2024-01-01T00:00:00Z");
	dt_ok("../..", "", "");
	dt_ok("2024-01-01T08:00:00 08:00", "2024-01-01T08:00:00+08:00",
	      "2024-01-01T08:00:00+08:00");
	/* The same instant in two zones is an interval of one instant. */
	dt_ok("2024-01-01T08:00:00+08:00/2024-01-01T00:00:00Z", "2024-01-01T08:00:00+08:00",
	      "2024-01-01T00:00:00Z");
	dt_ok("2023-12-31T20:00:00-05:00/2024-01-01T01:00:00Z", "2023-12-31T20:00:00-05:00",
	      "2024-01-01T01:00:00Z");
}

Test(ogc_datetime, refusals_say_what_is_expected)
{
	dt_bad("2024-01-31", "RFC 3339");
	dt_bad("2024-01-31T00:00:00", "RFC 3339");
	dt_bad("..", "RFC 3339");
	dt_bad("", "RFC 3339");
	dt_bad("2024-01-01T00:00:00Z/2024-02-01T00:00:00Z/..", "RFC 3339");
	dt_bad("yesterday/..", "RFC 3339");
	dt_bad("2024-01-01T00:00:00Z/...", "RFC 3339");
	dt_bad("2024-02-30T00:00:00Z", "RFC 3339");
	dt_bad("2024-01-01T00:00:00.1234567890Z", "RFC 3339");
	dt_bad("2024-02-01T00:00:00Z/2024-01-01T00:00:00Z", "ends before it starts");
	dt_bad("2024-01-01T08:00:01+08:00/2024-01-01T00:00:00Z", "ends before it starts");
	dt_bad("2024-01-01T00:00:00.5Z/2024-01-01T00:00:00.25Z", "ends before it starts");
}

TestSuite(ogc_items_query, .init = setup);

Test(ogc_items_query, defaults)
{
	struct ogc_items_query q;
	static const struct query_arg none[1] = {{"unused", "unused"}};
	char err[512] = "";
	cr_assert_eq(ogc_items_query_parse(plots(), &ref, none, 0, &q, err, sizeof(err)), 0, "%s",
	             err);
	cr_assert_eq(q.limit, 100);
	cr_assert_eq(q.crs, OGC_CRS84);
	cr_assert(!q.json, "GeoJSON by default");
	cr_assert_null(q.bbox);
	cr_assert_str_eq(q.dt_start, "");
	cr_assert_str_eq(q.dt_end, "");
	cr_assert_str_eq(q.after_id, "");
	cr_assert_str_eq(q.link_query, "");
	ogc_items_query_release(&q);
}

Test(ogc_items_query, every_parameter)
{
	struct ogc_items_query q;
	PARSE_OK(&q, {"limit", "1000"}, {"bbox", "39.8,116.2,40.1,116.6"},
	         {"bbox-crs", OGC_EPSG4490_URI}, {"crs", "[EPSG:4490]"},
	         {"datetime", "2024-01-01T00:00:00Z/.."}, {"f", "json"},
	         {"status", "listed,closed"}, {"district", "110105"}, {"publisher", "ecology"},
	         {"updated_since", "2023-01-01T00:00:00Z"});
	cr_assert_eq(q.limit, 1000);
	cr_assert_eq(q.crs, OGC_EPSG4490);
	cr_assert(q.json);
	cr_assert_str_eq(q.bbox, "{116.2,39.799999999999997,116.59999999999999,40.100000000000001}",
	                 "longitude first in SQL: %s", q.bbox);
	cr_assert_str_eq(q.dt_start, "2024-01-01T00:00:00Z");
	cr_assert_str_eq(q.dt_end, "");
	cr_assert_str_eq(q.filters.fields, "{\"status\":[\"listed\",\"closed\"]}");
	cr_assert_str_eq(q.filters.district, "[\"110105\"]");
	cr_assert_str_eq(q.filters.publisher, "[\"ecology\"]");
	cr_assert_str_eq(q.filters.updated_since, "2023-01-01T00:00:00Z");
	cr_assert_str_eq(q.link_query,
	                 "&bbox=39.8%2C116.2%2C40.1%2C116.6"
	                 "&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F4490"
	                 "&crs=%5BEPSG%3A4490%5D&datetime=2024-01-01T00%3A00%3A00Z%2F.."
	                 "&district=110105&publisher=ecology&status=listed%2Cclosed"
	                 "&updated_since=2023-01-01T00%3A00%3A00Z",
	                 "everything but limit, cursor and f: %s", q.link_query);
	ogc_items_query_release(&q);
}

Test(ogc_items_query, refusals)
{
	char err[512];
	PARSE_BAD(err, {"limit", "0"});
	cr_assert(strstr(err, "limit must be an integer from 1 to 1000"), "%s", err);
	PARSE_BAD(err, {"limit", "1001"});
	PARSE_BAD(err, {"limit", "ten"});
	PARSE_BAD(err, {"limit", ""});
	cr_assert(strstr(err, "needs a value"), "%s", err);
	PARSE_BAD(err, {"bbox", "116.2,39.8,116.6"});
	cr_assert(strstr(err, "bbox takes minlon,minlat,maxlon,maxlat"), "%s", err);
	PARSE_BAD(err, {"bbox", "116.2,39.8,116.6,40.1"}, {"bbox-crs", "EPSG:4490"});
	cr_assert(strstr(err, "minlat,minlon,maxlat,maxlon"), "latitude first: %s", err);
	PARSE_BAD(err, {"bbox-crs", "EPSG:4326"});
	cr_assert(strstr(err, "bbox-crs \"EPSG:4326\" is not supported") &&
	              strstr(err, OGC_CRS84_URI) && strstr(err, OGC_EPSG4490_URI),
	          "%s", err);
	PARSE_BAD(err, {"crs", "http://www.opengis.net/def/crs/EPSG/0/4326"});
	cr_assert(strstr(err, "crs \""), "%s", err);
	PARSE_BAD(err, {"datetime", "2024"});
	cr_assert(strstr(err, "datetime"), "%s", err);
	PARSE_BAD(err, {"f", "html"});
	cr_assert(strstr(err, "f takes geojson"), "%s", err);
	PARSE_BAD(err, {"status", "nope"});
	cr_assert(strstr(err, "status"), "the filter's own check: %s", err);
	PARSE_BAD(err, {"district", "999999"});
	PARSE_BAD(err, {"limit", "5"}, {"limit", "6"});
	cr_assert(strstr(err, "repeated"), "%s", err);
	PARSE_BAD(err, {"filter", "status='listed'"});
	cr_assert(strstr(err, "unknown query parameter filter") && strstr(err, "bbox-crs") &&
	              strstr(err, "status"),
	          "names what the items take: %s", err);
	PARSE_BAD(err, {"bom", "1"});
	cr_assert(strstr(err, "unknown query parameter bom"), "no CSV here: %s", err);
	PARSE_BAD(err, {"cursor", "not-a-cursor"});
	cr_assert(strstr(err, "cursor"), "%s", err);
}

Test(ogc_items_query, cursor_binds_the_records_chosen_not_their_output)
{
	struct ogc_items_query a, b, c;
	PARSE_OK(&a, {"bbox", "116.2,39.8,116.6,40.1"}, {"datetime", "../2024-01-01T00:00:00Z"},
	         {"status", "listed"});
	/* The same box given latitude first, in another output CRS and format. */
	PARSE_OK(&b, {"bbox", "39.8,116.2,40.1,116.6"}, {"bbox-crs", "EPSG:4490"},
	         {"datetime", "../2024-01-01T00:00:00Z"}, {"status", "listed"},
	         {"crs", "EPSG:4490"}, {"f", "json"});
	cr_assert_eq(a.filter_hash, b.filter_hash, "the same records are chosen");
	PARSE_OK(&c, {"bbox", "116.2,39.8,116.6,40.2"}, {"datetime", "../2024-01-01T00:00:00Z"},
	         {"status", "listed"});
	cr_assert_neq(a.filter_hash, c.filter_hash, "another box");
	char cursor[CURSOR_MAX], err[512];
	cr_assert_eq(cursor_encode(a.filter_hash, "110105-2023-0012", cursor, sizeof(cursor)), 0);
	struct ogc_items_query next;
	PARSE_OK(&next, {"bbox", "39.8,116.2,40.1,116.6"}, {"bbox-crs", "EPSG:4490"},
	         {"datetime", "../2024-01-01T00:00:00Z"}, {"status", "listed"}, {"cursor", cursor});
	cr_assert_str_eq(next.after_id, "110105-2023-0012");
	PARSE_BAD(err, {"bbox", "116.2,39.8,116.6,40.2"}, {"datetime", "../2024-01-01T00:00:00Z"},
	          {"status", "listed"}, {"cursor", cursor});
	cr_assert(strstr(err, "other bbox, datetime or filters"), "%s", err);
	PARSE_BAD(err, {"bbox", "116.2,39.8,116.6,40.1"}, {"status", "listed"}, {"cursor", cursor});
	PARSE_BAD(err, {"bbox", "116.2,39.8,116.6,40.1"}, {"datetime", "../2024-01-01T00:00:00Z"},
	          {"cursor", cursor});
	ogc_items_query_release(&a);
	ogc_items_query_release(&b);
	ogc_items_query_release(&c);
	ogc_items_query_release(&next);
}

Test(ogc_items_query, directory_takes_its_own_statuses)
{
	struct ogc_items_query q;
	char err[512] = "";
	const struct query_arg listed[] = {{"status", "listed"}};
	cr_assert_eq(
	    ogc_items_query_parse(&directory_filters, &ref, listed, 1, &q, err, sizeof(err)), 0,
	    "%s", err);
	ogc_items_query_release(&q);
	const struct query_arg suspected[] = {{"status", "suspected"}};
	cr_assert_eq(
	    ogc_items_query_parse(&directory_filters, &ref, suspected, 1, &q, err, sizeof(err)),
	    -1);
	const struct query_arg use[] = {{"planned_use", "R2"}};
	cr_assert_eq(ogc_items_query_parse(&directory_filters, &ref, use, 1, &q, err, sizeof(err)),
	             -1);
	cr_assert(strstr(err, "the items of directory take"), "%s", err);
}

TestSuite(ogc_item_query);

Test(ogc_item_query, crs_and_f_only)
{
	enum ogc_crs crs;
	bool json;
	char err[256];
	const struct query_arg both[] = {{"crs", OGC_EPSG4490_URI}, {"f", "json"}};
	cr_assert_eq(ogc_item_query_parse(both, 2, &crs, &json, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(crs, OGC_EPSG4490);
	cr_assert(json);
	cr_assert_eq(ogc_item_query_parse(both, 0, &crs, &json, err, sizeof(err)), 0);
	cr_assert_eq(crs, OGC_CRS84, "CRS84 by default");
	cr_assert(!json, "GeoJSON by default");
	const struct query_arg limit[] = {{"limit", "1"}};
	cr_assert_eq(ogc_item_query_parse(limit, 1, &crs, &json, err, sizeof(err)), -1);
	cr_assert(strstr(err, "crs and f only"), "%s", err);
	const struct query_arg other[] = {{"crs", "EPSG:3857"}};
	cr_assert_eq(ogc_item_query_parse(other, 1, &crs, &json, err, sizeof(err)), -1);
	const struct query_arg empty[] = {{"crs", NULL}};
	cr_assert_eq(ogc_item_query_parse(empty, 1, &crs, &json, err, sizeof(err)), -1);
	const struct query_arg twice[] = {{"f", "json"}, {"f", "geojson"}};
	cr_assert_eq(ogc_item_query_parse(twice, 2, &crs, &json, err, sizeof(err)), -1);
	cr_assert(strstr(err, "repeated"), "%s", err);
}

TestSuite(ogc_axes);

static void swapped(const char *in, const char *out)
{
	json_t *g = json_loads(in, 0, NULL), *want = json_loads(out, 0, NULL);
	cr_assert_not_null(g);
	ogc_geometry_swap_axes(g);
	char *got = json_dumps(g, JSON_COMPACT);
	cr_assert(json_equal(g, want), "%s became %s", in, got);
	free(got);
	json_decref(g);
	json_decref(want);
}

Test(ogc_axes, every_position_of_every_geometry_type)
{
	swapped("{\"type\":\"Point\",\"coordinates\":[116.4,39.9]}",
	        "{\"type\":\"Point\",\"coordinates\":[39.9,116.4]}");
	swapped("{\"type\":\"Point\",\"coordinates\":[116.4,39.9,42.5]}",
	        "{\"type\":\"Point\",\"coordinates\":[39.9,116.4,42.5]}");
	swapped("{\"type\":\"Polygon\",\"coordinates\":[[[116,39],[117,39],[117,40],[116,39]],"
	        "[[116.1,39.1],[116.2,39.1],[116.2,39.2],[116.1,39.1]]]}",
	        "{\"type\":\"Polygon\",\"coordinates\":[[[39,116],[39,117],[40,117],[39,116]],"
	        "[[39.1,116.1],[39.1,116.2],[39.2,116.2],[39.1,116.1]]]}");
	swapped("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[116,39],[117,39],[117,40],"
	        "[116,39]]],[[[116.5,40.5],[116.6,40.5],[116.6,40.6],[116.5,40.5]]]]}",
	        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[39,116],[39,117],[40,117],"
	        "[39,116]]],[[[40.5,116.5],[40.5,116.6],[40.6,116.6],[40.5,116.5]]]]}");
	swapped("{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\","
	        "\"coordinates\":[116,39]},{\"type\":\"LineString\",\"coordinates\":[[116,39],"
	        "[117,40]]}]}",
	        "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\","
	        "\"coordinates\":[39,116]},{\"type\":\"LineString\",\"coordinates\":[[39,116],"
	        "[40,117]]}]}");
	/* Twice is the identity. */
	json_t *g = json_loads("{\"type\":\"Point\",\"coordinates\":[116.4,39.9]}", 0, NULL);
	json_t *copy = json_deep_copy(g);
	ogc_geometry_swap_axes(g);
	ogc_geometry_swap_axes(g);
	cr_assert(json_equal(g, copy));
	json_decref(g);
	json_decref(copy);
}

Test(ogc_axes, anything_else_is_left_alone)
{
	swapped("{\"type\":\"Point\",\"coordinates\":[]}",
	        "{\"type\":\"Point\",\"coordinates\":[]}");
	swapped("{\"type\":\"Point\",\"coordinates\":[116]}",
	        "{\"type\":\"Point\",\"coordinates\":[116]}");
	swapped("{\"type\":\"Point\",\"coordinates\":\"116,39\"}",
	        "{\"type\":\"Point\",\"coordinates\":\"116,39\"}");
	swapped("{\"type\":\"Point\"}", "{\"type\":\"Point\"}");
	ogc_geometry_swap_axes(NULL);
	json_t *n = json_null();
	ogc_geometry_swap_axes(n);
	json_decref(n);
}
