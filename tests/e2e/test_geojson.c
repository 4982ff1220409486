/* GeoJSON out and bbox (SPEC §6): lists, the directory, the public 名录 and one record. Each test
 * draws its plots in a square of its own (from the process id), so that the other tests writing
 * to the same database cannot change what a box holds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A square of 0.002° at the south-west corner (x, y). */
static char *square(double x, double y)
{
	return strfmt("{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
	              "[%.6f,%.6f],[%.6f,%.6f]]]}",
	              x, y, x + 0.002, y, x + 0.002, y + 0.002, x, y + 0.002, x, y);
}

/* A region of 0.1° × 0.1° no other test process uses (200 of them fit in Beijing, clear of the
 * fixed polygons other tests draw near 116.40,39.90 and 116.60,40.30). */
static void region(double *x, double *y)
{
	int slot = (int)(getpid() % 200);
	*x = 115.45 + (slot % 19) * 0.11;
	*y = 39.45 + (slot / 19) * 0.15;
}

static char *put_plot(const char *status, double x, double y)
{
	char *id = uniq("110108-GEO");
	char *geom = square(x, y);
	char *body = strfmt("{\"name\":\"测试地块\",\"district\":\"110108\",\"status\":\"%s\","
	                    "\"geometry\":%s}",
	                    status, geom);
	char *path = strfmt("/v1/plots/%s", id);
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(path);
	free(body);
	free(geom);
	return id;
}

/* Whether `items` (features, or ids) holds `id`. */
static bool has_id(json_t *items, const char *id)
{
	size_t i;
	json_t *f;
	json_array_foreach(items, i, f)
	{
		const char *x = json_is_string(f) ? json_string_value(f)
		                                  : json_string_value(json_object_get(f, "id"));
		if (x && strcmp(x, id) == 0)
			return true;
	}
	return false;
}

Test(geojson, a_box_keeps_what_it_meets_across_pages)
{
	double x, y;
	region(&x, &y);
	/* Three plots inside the box, one just outside it. */
	char *in[3];
	for (int i = 0; i < 3; i++)
		in[i] = put_plot("suspected", x + 0.01 * i, y + 0.01);
	char *out = put_plot("suspected", x + 0.06, y + 0.01);
	char *path = strfmt("/v1/plots?bbox=%.6f,%.6f,%.6f,%.6f&limit=2", x, y, x + 0.05, y + 0.04);
	const char *const accept[] = {"Accept: application/geo+json", NULL};
	json_t *seen = json_array();
	int pages = 0;
	while (path) {
		struct resp *r = call("GET", path, key_of("water"), NULL, accept);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(resp_header(r, "Content-Type"), "application/geo+json"));
		cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")),
		                 "FeatureCollection");
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(r->json, "features"), i, f)
		{
			cr_assert_str_eq(json_string_value(json_object_get(f, "type")), "Feature");
			cr_assert_str_eq(json_string_value(json_object_get(
			                     json_object_get(f, "geometry"), "type")),
			                 "Polygon");
			json_t *props = json_object_get(f, "properties");
			cr_assert_null(json_object_get(props, "geometry"),
			               "geometry is not a property");
			cr_assert_str_eq(json_string_value(json_object_get(props, "status")),
			                 "suspected");
			json_array_append(seen, json_object_get(f, "id"));
		}
		free(path);
		path = NULL;
		json_t *links = json_object_get(r->json, "links");
		if (json_array_size(links)) {
			json_t *next = json_array_get(links, 0);
			cr_assert_str_eq(json_string_value(json_object_get(next, "rel")), "next");
			const char *href = json_string_value(json_object_get(next, "href"));
			cr_assert_not_null(strstr(href, "bbox="),
			                   "the box travels to the next page");
			path = strdup(href);
		}
		resp_free(r);
		pages++;
	}
	cr_assert_eq(pages, 2, "three plots in pages of two");
	cr_assert_eq(json_array_size(seen), 3, "exactly the plots in the box");
	for (int i = 0; i < 3; i++)
		cr_assert(has_id(seen, in[i]), "%s is in the box", in[i]);
	cr_assert_not(has_id(seen, out));
	json_decref(seen);
	for (int i = 0; i < 3; i++)
		free(in[i]);
	free(out);
}

Test(geojson, one_record_the_directory_and_the_public_list)
{
	double x, y;
	region(&x, &y);
	y += 0.05;
	char *listed = put_plot("listed", x, y);
	/* One record: f=geojson or Accept; JSON otherwise. */
	char *path = strfmt("/v1/plots/%s?f=geojson", listed);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(resp_header(r, "Content-Type"), "application/geo+json"));
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "Feature");
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "id")), listed);
	cr_assert_not_null(resp_header(r, "ETag"));
	resp_free(r);
	free(path);
	/* The directory and the public 名录 hold it, in the box. */
	char *box = strfmt("bbox=%.6f,%.6f,%.6f,%.6f", x - 0.001, y - 0.001, x + 0.001, y + 0.001);
	char *dir = strfmt("/v1/directory?%s&f=geojson", box);
	r = call("GET", dir, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "features")), 1, "%s", r->body);
	cr_assert(has_id(json_object_get(r->json, "features"), listed));
	resp_free(r);
	char *pub = strfmt("/public/directory?%s", box);
	r = call("GET", pub, NULL, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), 1, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "id")),
	                 listed);
	resp_free(r);
	/* The JSON directory carries the boundary too. */
	char *dj = strfmt("/v1/directory?%s", box);
	r = call("GET", dj, key_of("water"), NULL, NULL);
	json_t *g =
	    json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "geometry");
	cr_assert_str_eq(json_string_value(json_object_get(g, "type")), "Polygon", "%s", r->body);
	resp_free(r);
	free(dj);
	free(pub);
	free(dir);
	free(box);
	free(listed);
}

Test(geojson, bad_boxes_and_lists_without_a_geometry)
{
	static const char *const bad[] = {
	    "/v1/plots?bbox=116.2,39.8,116.6",
	    "/v1/plots?bbox=116.2,39.8,116.6,91",
	    "/v1/plots?bbox=39.8,116.2,40.1,116.6",
	    "/v1/plots?bbox=116.6,39.8,116.2,40.1",
	    "/v1/plots?bbox=a,b,c,d",
	    "/v1/directory?bbox=116,39,117",
	    "/v1/agri-inputs?bbox=116.2,39.8,116.6,40",
	    "/v1/soil-samples?bbox=-181,39,117,40",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = call("GET", bad[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		cr_assert(strstr(json_string_value(json_object_get(r->json, "detail")), "bbox"),
		          "%s: %s", bad[i], r->body);
		resp_free(r);
	}
	/* GeoJSON of a dataset without a geometry: 400 for a list, 406 for a record. */
	struct resp *r = call("GET", "/v1/agri-inputs?f=geojson", key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	r = call("GET", "/v1/agri-inputs/x?f=geojson", key_of("water"), NULL, NULL);
	assert_problem(r, 406, "/problems/not-acceptable");
	resp_free(r);
	/* A cursor made with one box does not serve another. */
	double x, y;
	region(&x, &y);
	y += 0.08;
	char *a = put_plot("suspected", x, y), *b = put_plot("suspected", x + 0.003, y);
	char *path = strfmt("/v1/plots?bbox=%.6f,%.6f,%.6f,%.6f&limit=1", x, y, x + 0.01, y + 0.01);
	r = call("GET", path, key_of("water"), NULL, NULL);
	const char *cursor = json_string_value(json_object_get(r->json, "next_cursor"));
	cr_assert_not_null(cursor, "%s", r->body);
	char *other = strfmt("/v1/plots?bbox=%.6f,%.6f,%.6f,%.6f&limit=1&cursor=%s", x, y, x + 0.02,
	                     y + 0.01, cursor);
	resp_free(r);
	r = call("GET", other, key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	free(other);
	free(path);
	free(a);
	free(b);
}
