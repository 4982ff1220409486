/* The public 名录 (SPEC §10): no key, nothing non-public, JSON, CSV with a byte-order mark,
 * GeoJSON, and its changes between two dates. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define D "110116" /* a district of these tests' own */

static const char *const FIELDS[] = {"id",      "name",      "district",   "district_zh",
                                     "address", "area_m2",   "pollutants", "pollutants_zh",
                                     "status",  "status_zh", "listed_on",  "geometry"};
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

/* A plot of D with a responsible party and everything else the public must not see. */
static char *make(const char *status)
{
	char *id = uniq(D "-PUB");
	char path[256], body[1024];
	snprintf(path, sizeof(path), "/v1/plots/%s", id);
	snprintf(
	    body, sizeof(body),
	    "{\"name\":\"公开测试地块\",\"district\":\"" D "\",\"status\":\"%s\","
	    "\"address\":\"怀柔区测试路1号\",\"area_m2\":1200,\"pollutants\":[\"As\",\"benzene\"],"
	    "\"responsible_party\":\"不公开的责任人\",\"former_industry\":\"不公开的行业\","
	    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.6,40.3],[116.61,40.3],"
	    "[116.61,40.31],[116.6,40.3]]]}}",
	    status);
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	return id;
}

static json_t *item_of(json_t *items, const char *id)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0)
			return it;
	}
	return NULL;
}

Test(public, directory_needs_no_key_and_shows_only_public_fields)
{
	char *listed = make("listed"), *control = make("under_control"),
	     *open = make("risk_assessment");
	struct resp *r =
	    call("GET", "/public/directory?district=" D "&limit=1000", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200, "no key needed: %s", r->body);
	cr_assert(strstr(resp_header(r, "Content-Type"), "application/json"));
	cr_assert_null(strstr(r->body, "不公开"), "no responsible party or industry: %s", r->body);
	cr_assert_null(strstr(r->body, "publisher"), "no publisher");
	json_t *items = json_object_get(r->json, "items");
	json_t *it = item_of(items, listed);
	cr_assert_not_null(it, "%s is in the 名录", listed);
	cr_assert_not_null(item_of(items, control));
	cr_assert_null(item_of(items, open), "a plot in risk assessment is not in it");
	cr_assert_eq(json_object_size(it), N_FIELDS, "exactly the public fields: %s",
	             json_dumps(it, 0));
	for (size_t i = 0; i < N_FIELDS; i++)
		cr_assert_not_null(json_object_get(it, FIELDS[i]), "%s", FIELDS[i]);
	cr_assert_str_eq(json_string_value(json_object_get(it, "district_zh")), "怀柔区");
	cr_assert_str_eq(json_string_value(json_object_get(it, "status_zh")), "列入名录");
	json_t *names = json_object_get(it, "pollutants_zh");
	cr_assert_str_eq(json_string_value(json_array_get(names, 0)), "砷");
	cr_assert_str_eq(json_string_value(json_array_get(names, 1)), "苯");
	resp_free(r);
	/* Other parameters than the public ones: 400. */
	r = call("GET", "/public/directory?publisher=ecology", NULL, NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	free(listed), free(control), free(open);
}

Test(public, csv_starts_with_a_byte_order_mark)
{
	char *id = make("effect_evaluation");
	const char *csv[] = {"Accept: text/csv", NULL};
	struct resp *r = call("GET", "/public/directory?district=" D, NULL, NULL, csv);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/csv"));
	cr_assert_geq(r->len, 3);
	cr_assert(memcmp(r->body, "\xEF\xBB\xBF", 3) == 0, "the BOM bytes first");
	const char *header = "id,name,district,district_zh,address,area_m2,pollutants,"
	                     "pollutants_zh,status,status_zh,listed_on,geometry\r\n";
	cr_assert(strncmp(r->body + 3, header, strlen(header)) == 0, "%.200s", r->body + 3);
	cr_assert(strstr(r->body, id));
	cr_assert_null(strstr(r->body, "不公开"));
	resp_free(r);
	r = call("GET", "/public/directory?district=" D "&f=csv", NULL, NULL, NULL);
	cr_assert(memcmp(r->body, "\xEF\xBB\xBF", 3) == 0, "f=csv too");
	resp_free(r);
	/* Elsewhere the byte-order mark is asked for: Accept's bom=1 or ?bom=1. */
	const char *bom[] = {"Accept: text/csv; bom=1", NULL};
	r = call("GET", "/v1/plots?limit=1", key_of("water"), NULL, csv);
	cr_assert(strncmp(r->body, "id,", 3) == 0, "no BOM unasked: %.20s", r->body);
	resp_free(r);
	r = call("GET", "/v1/plots?limit=1", key_of("water"), NULL, bom);
	cr_assert(memcmp(r->body, "\xEF\xBB\xBFid,", 6) == 0, "Accept: text/csv; bom=1");
	resp_free(r);
	r = call("GET", "/v1/findings?limit=1&f=csv&bom=1", key_of("water"), NULL, NULL);
	cr_assert(memcmp(r->body, "\xEF\xBB\xBFid,", 6) == 0, "?f=csv&bom=1");
	resp_free(r);
	r = call("GET", "/v1/changes?limit=1&bom=1", key_of("water"), NULL, csv);
	cr_assert(memcmp(r->body, "\xEF\xBB\xBF", 3) == 0, "the feed too");
	resp_free(r);
	free(id);
}

Test(public, geojson_features)
{
	char *id = make("listed");
	const char *geo[] = {"Accept: application/geo+json", NULL};
	struct resp *r =
	    call("GET", "/public/directory?district=" D "&limit=1000", NULL, NULL, geo);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(resp_header(r, "Content-Type"), "application/geo+json"));
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "FeatureCollection");
	json_t *features = json_object_get(r->json, "features"), *mine = NULL;
	size_t i;
	json_t *f;
	json_array_foreach(features, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "id")), id) == 0)
			mine = f;
	}
	cr_assert_not_null(mine, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(mine, "type")), "Feature");
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(mine, "geometry"), "type")),
	    "Polygon");
	json_t *props = json_object_get(mine, "properties");
	cr_assert_null(json_object_get(props, "geometry"), "the geometry is not a property");
	cr_assert_eq(json_object_size(props), N_FIELDS - 1);
	resp_free(r);
	r = call("GET", "/public/directory?district=" D "&f=geojson&limit=1", NULL, NULL, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "FeatureCollection");
	resp_free(r);
	r = call("GET", "/v1/findings?f=geojson", key_of("water"), NULL, NULL);
	assert_problem(r, 400, "/problems/bad-request");
	resp_free(r);
	free(id);
}

static bool named(json_t *list, const char *id)
{
	return item_of(list, id) != NULL;
}

static void beijing_date(int days_ago, char *out, size_t size)
{
	time_t t = time(NULL) + 8 * 3600 - (time_t)days_ago * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

/* Moves a plot's history ten days back, as if it had been written then. */
static void age(const char *id)
{
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	const char *params[] = {id};
	PGresult *res =
	    PQexecParams(c,
	                 "UPDATE changes SET changed_at = changed_at - interval '10 days' "
	                 "WHERE dataset = 'plots' AND id = $1",
	                 1, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
}

Test(public, changes_between_two_dates)
{
	char *kept = make("listed"), *leaving = make("effect_evaluation"),
	     *coming = make("risk_assessment");
	age(kept), age(leaving), age(coming);
	const char *merge[] = {"Content-Type: application/merge-patch+json", NULL};
	char path[256];
	snprintf(path, sizeof(path), "/v1/plots/%s", leaving);
	struct resp *r = call("PATCH", path, key_of("ecology"), "{\"status\":\"delisted\"}", merge);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	snprintf(path, sizeof(path), "/v1/plots/%s", coming);
	r = call("PATCH", path, key_of("ecology"), "{\"status\":\"listed\"}", merge);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	char from[16], to[16], url[128];
	beijing_date(5, from, sizeof(from));
	beijing_date(0, to, sizeof(to));
	snprintf(url, sizeof(url), "/public/directory/changes?from=%s&to=%s", from, to);
	r = call("GET", url, NULL, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *added = json_object_get(r->json, "added"),
	       *retained = json_object_get(r->json, "retained"),
	       *removed = json_object_get(r->json, "removed");
	cr_assert(named(added, coming) && !named(retained, coming) && !named(removed, coming), "%s",
	          r->body);
	cr_assert(named(retained, kept) && !named(added, kept) && !named(removed, kept));
	cr_assert(named(removed, leaving) && !named(added, leaving) && !named(retained, leaving));
	cr_assert_str_eq(json_string_value(json_object_get(item_of(removed, leaving), "status")),
	                 "delisted");
	cr_assert_null(strstr(r->body, "不公开"));
	resp_free(r);

	/* Before any of them: they are nowhere. */
	beijing_date(30, from, sizeof(from));
	beijing_date(20, to, sizeof(to));
	snprintf(url, sizeof(url), "/public/directory/changes?from=%s&to=%s", from, to);
	r = call("GET", url, NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(!named(json_object_get(r->json, "added"), kept));
	cr_assert(!named(json_object_get(r->json, "retained"), kept));
	resp_free(r);

	const char *bad[] = {"/public/directory/changes",
	                     "/public/directory/changes?from=2025-01-01",
	                     "/public/directory/changes?from=2025-02-01&to=2025-01-01",
	                     "/public/directory/changes?from=2025-13-01&to=2025-12-01",
	                     "/public/directory/changes?from=2025-01-01&to=2025-02-01&x=1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = call("GET", bad[i], NULL, NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
	}
	free(kept), free(leaving), free(coming);
}
