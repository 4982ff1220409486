/* Spatial links over HTTP (SPEC §6): records without plot_id linked to the plots their geometry
 * overlaps, written on either side, moved apart, several plots at once; and a finding's `link`
 * ("plot_id", "spatial" or null). */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"

/* Xicheng (110102) is written by this file only among the end-to-end tests. */
#define D "110102"

static const char *const MERGE[] = {"Content-Type: application/merge-patch+json", NULL};

/* ---- geography ------------------------------------------------------------------------- */

/* Each test process draws in a 0.01° cell of its own, south of every other test's geometry
 * (those lie at latitude 39.90 and north): 40 rows from latitude 39.45 and 210 columns from
 * longitude 115.45, chosen by process id and start time, so that tests running at the same
 * time, or an earlier run on the same database, cannot overlap its plots. */
static double cell_lon, cell_lat;

static void cell_init(void)
{
	unsigned k = ((unsigned)getpid() + (unsigned)time(NULL)) % (40 * 210);
	cell_lon = 115.45 + (k % 210) * 0.01;
	cell_lat = 39.45 + (k / 210) * 0.01;
}

/* A square GeoJSON polygon in this test's cell: its south-west corner `dx`, `dy` thousandths
 * of a degree from the cell's, `side` thousandths wide (the cell is 10 wide). */
static char *square(int dx, int dy, int side)
{
	double x0 = cell_lon + dx * 0.001, y0 = cell_lat + dy * 0.001;
	double x1 = x0 + side * 0.001, y1 = y0 + side * 0.001;
	return strfmt("{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
	              "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}",
	              x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

/* ---- writes ---------------------------------------------------------------------------- */

static struct resp *write_raw(const char *method, const char *dataset, const char *id,
                              const char *who, const char *body)
{
	char *path = strfmt("/v1/%s/%s", dataset, id);
	struct resp *r =
	    call(method, path, key_of(who), body, strcmp(method, "PATCH") == 0 ? MERGE : NULL);
	free(path);
	return r;
}

static void put_rec(const char *dataset, const char *id, const char *who, const char *body)
{
	struct resp *r = write_raw("PUT", dataset, id, who, body);
	cr_assert(r->status == 200 || r->status == 201, "PUT %s/%s: %ld %s", dataset, id, r->status,
	          r->body);
	resp_free(r);
}

static void patch_rec(const char *dataset, const char *id, const char *who, const char *body)
{
	struct resp *r = write_raw("PATCH", dataset, id, who, body);
	cr_assert_eq(r->status, 200, "PATCH %s/%s with %s: %ld %s", dataset, id, body, r->status,
	             r->body);
	resp_free(r);
}

static void delete_rec(const char *dataset, const char *id, const char *who)
{
	struct resp *r = write_raw("DELETE", dataset, id, who, NULL);
	cr_assert_eq(r->status, 204, "DELETE %s/%s: %ld %s", dataset, id, r->status, r->body);
	resp_free(r);
}

/* A plot of this district in `status` drawn as `geometry` (ecology may create any status). */
static char *plot_at(const char *status, const char *geometry)
{
	char *id = uniq(D "-SP");
	char *body = plot_body(D, status, "R2");
	json_t *j = json_loads(body, 0, NULL);
	json_object_set_new(j, "geometry", json_loads(geometry, 0, NULL));
	char *text = json_dumps(j, JSON_COMPACT);
	put_rec("plots", id, "ecology", text);
	free(text);
	json_decref(j);
	free(body);
	return id;
}

/* A land-use change to `to_use` over `geometry`, naming `plot` when it is not NULL. */
static char *land_use_change(const char *plot, const char *to_use, const char *geometry)
{
	char *id = uniq(D "-LU");
	char *link = plot ? strfmt("\"plot_id\":\"%s\",", plot) : strfmt("%s", "");
	char *body = strfmt("{%s\"parcel\":\"西城区测试地块\",\"district\":\"" D "\","
	                    "\"from_use\":\"M1\",\"to_use\":\"%s\",\"approved_on\":\"2025-03-01\","
	                    "\"geometry\":%s}",
	                    link, to_use, geometry);
	put_rec("land-use-changes", id, "planning", body);
	free(body);
	free(link);
	return id;
}

/* A construction permit (not for remediation) over `geometry`, naming `plot` when not NULL. */
static char *permit(const char *plot, const char *geometry)
{
	char *id = uniq(D "-CP");
	char *link = plot ? strfmt("\"plot_id\":\"%s\",", plot) : strfmt("%s", "");
	char *body = strfmt("{%s\"project\":\"测试住宅楼\",\"district\":\"" D "\","
	                    "\"issued_on\":\"2025-04-01\",\"is_remediation_project\":false,"
	                    "\"geometry\":%s}",
	                    link, geometry);
	put_rec("construction-permits", id, "housing", body);
	free(body);
	free(link);
	return id;
}

/* ---- findings -------------------------------------------------------------------------- */

static bool cites(json_t *finding, const char *dataset, const char *id)
{
	size_t i;
	json_t *rec;
	json_array_foreach(json_object_get(finding, "records"), i, rec)
	{
		const char *d = json_string_value(json_object_get(rec, "dataset"));
		const char *x = json_string_value(json_object_get(rec, "id"));
		if (d && x && strcmp(d, dataset) == 0 && strcmp(x, id) == 0)
			return true;
	}
	return false;
}

/* Every finding of this district of `rule` whose triggering record (the first it cites) is
 * dataset/id, open and resolved, oldest first. */
static json_t *findings_of(const char *rule, const char *dataset, const char *id)
{
	json_t *out = json_array();
	char *cursor = NULL;
	for (int pages = 0; pages < 100; pages++) {
		char *path = strfmt("/v1/findings?district=" D "&rule=%s&limit=1000%s%s", rule,
		                    cursor ? "&cursor=" : "", cursor ? cursor : "");
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(r->json, "items"), i, f)
		{
			json_t *first = json_array_get(json_object_get(f, "records"), 0);
			if (strcmp(json_string_value(json_object_get(first, "dataset")), dataset) ==
			        0 &&
			    strcmp(json_string_value(json_object_get(first, "id")), id) == 0)
				json_array_append(out, f);
		}
		free(path);
		free(cursor);
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		cursor = next ? strdup(next) : NULL;
		resp_free(r);
		if (!cursor)
			break;
	}
	return out;
}

static json_t *open_of(const char *rule, const char *dataset, const char *id)
{
	json_t *all = findings_of(rule, dataset, id);
	json_t *open = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(all, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "status")), "open") == 0)
			json_array_append(open, f);
	}
	json_decref(all);
	return open;
}

/* The one open `rule` finding of dataset/id (new ref), whose link is `link`, plot_id is
 * `plots[0]` and records are the trigger and exactly `plots` (NULL-terminated, by id). */
static json_t *expect_open(const char *rule, const char *dataset, const char *id, const char *link,
                           const char *const *plots)
{
	json_t *open = open_of(rule, dataset, id);
	cr_assert_eq(json_array_size(open), 1, "one open %s finding of %s/%s: %s", rule, dataset,
	             id, json_dumps(open, 0));
	json_t *f = json_incref(json_array_get(open, 0));
	json_decref(open);
	char *dump = json_dumps(f, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "link")), link, "link: %s", dump);
	cr_assert_str_eq(json_string_value(json_object_get(f, "plot_id")), plots[0],
	                 "plot_id is the first plot: %s", dump);
	json_t *records = json_object_get(f, "records");
	size_t n = 0;
	for (const char *const *p = plots; *p; p++, n++) {
		json_t *rec = json_array_get(records, n + 1);
		cr_assert_str_eq(json_string_value(json_object_get(rec, "dataset")), "plots", "%s",
		                 dump);
		cr_assert_str_eq(json_string_value(json_object_get(rec, "id")), *p,
		                 "plot %zu of the records: %s", n, dump);
	}
	cr_assert_eq(json_array_size(records), n + 1, "the trigger and %zu plot(s): %s", n, dump);
	cr_assert_str_eq(json_string_value(json_object_get(f, "district")), D, "%s", dump);
	free(dump);
	return f;
}

static void expect_none_open(const char *rule, const char *dataset, const char *id)
{
	json_t *open = open_of(rule, dataset, id);
	cr_assert_eq(json_array_size(open), 0, "no open %s finding of %s/%s: %s", rule, dataset, id,
	             json_dumps(open, 0));
	json_decref(open);
}

static void expect_never(const char *rule, const char *dataset, const char *id)
{
	json_t *all = findings_of(rule, dataset, id);
	cr_assert_eq(json_array_size(all), 0, "no %s finding ever of %s/%s: %s", rule, dataset, id,
	             json_dumps(all, 0));
	json_decref(all);
}

/* Finding `fid` of dataset/id is resolved, and nothing of `rule` is open for the record. */
static void expect_resolved(const char *rule, const char *dataset, const char *id, const char *fid)
{
	json_t *all = findings_of(rule, dataset, id);
	bool found = false;
	size_t i;
	json_t *f;
	json_array_foreach(all, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "id")), fid) != 0)
			continue;
		found = true;
		cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "resolved",
		                 "finding %s resolved: %s", fid, json_dumps(f, 0));
	}
	cr_assert(found, "finding %s still listed: %s", fid, json_dumps(all, 0));
	json_decref(all);
	expect_none_open(rule, dataset, id);
}

/* Both messages say the link is spatial and name every plot in `note` ("A、B" / "A, B"). */
static void expect_spatial_messages(json_t *f, const char *note_zh, const char *note_en)
{
	const char *zh = json_string_value(json_object_get(f, "message_zh"));
	const char *en = json_string_value(json_object_get(f, "message_en"));
	char *want_zh = strfmt("（未填写地块编码，按空间位置与地块 %s 重叠）", note_zh);
	char *want_en = strfmt("(no plot_id given; its geometry overlaps %s)", note_en);
	cr_assert(zh && strstr(zh, want_zh), "message_zh says %s: %s", want_zh, zh ? zh : "-");
	cr_assert(en && strstr(en, want_en), "message_en says %s: %s", want_en, en ? en : "-");
	free(want_zh);
	free(want_en);
}

/* The same for a finding about one plot. */
static void expect_spatial_message(json_t *f, const char *plot)
{
	char *en = strfmt("plot %s", plot);
	expect_spatial_messages(f, plot, en);
	free(en);
}

static void expect_no_spatial_messages(json_t *f)
{
	const char *zh = json_string_value(json_object_get(f, "message_zh"));
	const char *en = json_string_value(json_object_get(f, "message_en"));
	cr_assert(zh && !strstr(zh, "空间位置"), "%s", zh ? zh : "-");
	cr_assert(en && !strstr(en, "geometry"), "%s", en ? en : "-");
}

static const char *id_of(json_t *f)
{
	return json_string_value(json_object_get(f, "id"));
}

/* Whether the change feed after `cursor` shows finding `fid` at `version` with `link`; waits
 * up to 15 s, since a change enters the feed once older transactions have finished. */
static bool feed_has(const char *cursor, const char *fid, json_int_t version, const char *link)
{
	for (time_t deadline = time(NULL) + 15;; usleep(100 * 1000)) {
		json_t *changes = feed_since(NULL, cursor, "findings", 1000, NULL);
		bool found = false;
		size_t i;
		json_t *c;
		json_array_foreach(changes, i, c)
		{
			json_t *rec = json_object_get(c, "record");
			const char *l = json_string_value(json_object_get(rec, "link"));
			found = found ||
			        (strcmp(json_string_value(json_object_get(c, "id")), fid) == 0 &&
			         json_integer_value(json_object_get(c, "version")) == version &&
			         l && strcmp(l, link) == 0);
		}
		json_decref(changes);
		if (found || time(NULL) >= deadline)
			return found;
	}
}

/* ---- tests ----------------------------------------------------------------------------- */

Test(spatial_links, a_parcel_over_a_suspected_plot, .init = cell_init, .timeout = 120)
{
	char *plot_geom = square(0, 0, 4);
	char *plot = plot_at("suspected", plot_geom);
	/* The parcel covers the plot's north-east corner only. */
	char *parcel = square(2, 2, 4);
	char *lu = land_use_change(NULL, "R2", parcel);
	const char *plots[] = {plot, NULL};
	json_t *f =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, "spatial", plots);
	expect_spatial_message(f, plot);
	const char *zh = json_string_value(json_object_get(f, "message_zh"));
	cr_assert(strstr(zh, "居住用地（R2）") && strstr(zh, "疑似污染地块"),
	          "statuses and uses in Chinese: %s", zh);
	json_int_t version = json_integer_value(json_object_get(f, "version"));

	/* The plot_id filter finds it, like a finding of a record that names its plot. */
	char *path = strfmt("/v1/findings?plot_id=%s&status=open", plot);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	resp_free(r);
	free(path);

	/* The change names the plot after all: the same finding, now linked by plot_id, a new
	 * version in the feed. */
	char *cursor = feed_latest(NULL);
	char *named = strfmt("{\"plot_id\":\"%s\"}", plot);
	patch_rec("land-use-changes", lu, "planning", named);
	json_t *g =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, "plot_id", plots);
	cr_assert_str_eq(id_of(g), id_of(f), "the same finding while its condition holds");
	cr_assert_eq(json_integer_value(json_object_get(g, "version")), version + 1);
	expect_no_spatial_messages(g);
	cr_assert(feed_has(cursor, id_of(g), version + 1, "plot_id"),
	          "the feed has the finding's new version with its new link");

	/* The named plot is the link: a change naming a cleared plot, drawn over the suspected
	 * one, opens nothing, though its geometry meets a plot that would break the rule. */
	char *clear = plot_at("cleared", square(7, 0, 2));
	char *lu2 = land_use_change(clear, "R2", parcel);
	expect_never("sensitive-use-before-clearance", "land-use-changes", lu2);
	json_decref(f);
	json_decref(g);
	free(named);
	free(cursor);
}

Test(spatial_links, the_plot_drawn_after_the_parcel, .init = cell_init, .timeout = 120)
{
	char *geom = square(1, 1, 3);
	char *lu = land_use_change(NULL, "A33", geom);
	expect_never("sensitive-use-before-clearance", "land-use-changes", lu);

	/* The plot's write finds the parcel under it. */
	char *plot = plot_at("preliminary_survey", square(0, 0, 2));
	const char *plots[] = {plot, NULL};
	json_t *f =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, "spatial", plots);
	expect_spatial_message(f, plot);

	/* The survey clears it: resolved by the plot write, as with plot_id. */
	patch_rec("plots", plot, "ecology", "{\"status\":\"cleared\"}");
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", lu, id_of(f));
	json_decref(f);
}

Test(spatial_links, a_plot_moved_away_and_a_parcel_beside_it, .init = cell_init, .timeout = 120)
{
	char *plot = plot_at("suspected", square(0, 0, 3));
	char *lu = land_use_change(NULL, "R2", square(2, 0, 3));
	const char *plots[] = {plot, NULL};
	json_t *f =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, "spatial", plots);

	/* Beside the plot, a thousandth of a degree apart: no link, nothing opens. */
	char *beside = land_use_change(NULL, "R2", square(0, 4, 3));
	expect_never("sensitive-use-before-clearance", "land-use-changes", beside);

	/* The plot's boundary corrected away from the parcel: resolved. */
	char *moved = strfmt("{\"geometry\":%s}", square(6, 6, 3));
	patch_rec("plots", plot, "ecology", moved);
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", lu, id_of(f));

	/* Drawn back over it: a new finding. */
	char *back = strfmt("{\"geometry\":%s}", square(1, 0, 3));
	patch_rec("plots", plot, "ecology", back);
	json_t *g =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, "spatial", plots);
	cr_assert_str_neq(id_of(g), id_of(f), "a condition that returns opens a new finding");
	/* The plot's geometry removed: no link, resolved. */
	patch_rec("plots", plot, "ecology", "{\"geometry\":null}");
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", lu, id_of(g));
	expect_never("sensitive-use-before-clearance", "land-use-changes", beside);
	json_decref(f);
	json_decref(g);
	free(moved);
	free(back);
}

Test(spatial_links, a_construction_permit_over_a_listed_plot, .init = cell_init, .timeout = 120)
{
	char *geom = square(0, 0, 5);
	char *plot = plot_at("listed", geom);
	const char *plots[] = {plot, NULL};
	char *cp = permit(NULL, square(3, 3, 1));
	json_t *f = expect_open("construction-on-listed-plot", "construction-permits", cp,
	                        "spatial", plots);
	expect_spatial_message(f, plot);
	json_t *agencies = json_object_get(f, "agencies");
	cr_assert_eq(json_array_size(agencies), 2, "%s", json_dumps(agencies, 0));
	cr_assert_str_eq(json_string_value(json_array_get(agencies, 0)), "ecology");
	cr_assert_str_eq(json_string_value(json_array_get(agencies, 1)), "housing");
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "high");
	expect_never("construction-without-survey", "construction-permits", cp);

	/* The same permit with plot_id: linked by plot_id. */
	char *named = permit(plot, geom);
	json_t *g = expect_open("construction-on-listed-plot", "construction-permits", named,
	                        "plot_id", plots);
	expect_no_spatial_messages(g);

	/* A remediation project over the plot: nothing. */
	patch_rec("construction-permits", cp, "housing", "{\"is_remediation_project\":true}");
	expect_resolved("construction-on-listed-plot", "construction-permits", cp, id_of(f));

	/* The permit naming the plot withdrawn, and the plot deleted: the other permit, not a
	 * remediation project again, loses its link and its finding resolves. */
	delete_rec("construction-permits", named, "housing");
	expect_resolved("construction-on-listed-plot", "construction-permits", named, id_of(g));
	patch_rec("construction-permits", cp, "housing", "{\"is_remediation_project\":false}");
	json_t *h = expect_open("construction-on-listed-plot", "construction-permits", cp,
	                        "spatial", plots);
	delete_rec("plots", plot, "ecology");
	expect_resolved("construction-on-listed-plot", "construction-permits", cp, id_of(h));
	json_decref(f);
	json_decref(g);
	json_decref(h);
}

/* One finding per rule and triggering record: a permit over two unsurveyed plots cites both. */
Test(spatial_links, one_finding_cites_every_plot_that_breaks_the_rule, .init = cell_init,
     .timeout = 120)
{
	char *a = plot_at("preliminary_survey", square(0, 0, 2));
	char *b = plot_at("preliminary_survey", square(3, 0, 2));
	char *done = plot_at("cleared", square(6, 0, 2));
	char *cp = permit(NULL, square(1, 1, 6));
	const char *lo = strcmp(a, b) < 0 ? a : b, *hi = lo == a ? b : a;
	const char *both[] = {lo, hi, NULL};
	json_t *f =
	    expect_open("construction-without-survey", "construction-permits", cp, "spatial", both);
	char *zh = strfmt("%s、%s", lo, hi);
	char *en = strfmt("plots %s, %s", lo, hi);
	expect_spatial_messages(f, zh, en);
	cr_assert(!cites(f, "plots", done), "a cleared plot is not cited: %s", json_dumps(f, 0));
	expect_never("construction-on-listed-plot", "construction-permits", cp);

	/* The first plot cleared: the same finding, now about the second alone. */
	patch_rec("plots", lo, "ecology", "{\"status\":\"cleared\"}");
	const char *second[] = {hi, NULL};
	json_t *g = expect_open("construction-without-survey", "construction-permits", cp,
	                        "spatial", second);
	cr_assert_str_eq(id_of(g), id_of(f));
	cr_assert_gt(json_integer_value(json_object_get(g, "version")),
	             json_integer_value(json_object_get(f, "version")));
	expect_spatial_message(g, hi);

	/* The second listed: this rule resolves and construction-on-listed-plot opens. */
	const char *path[] = {"exceeds_screening", "risk_assessment", "listed"};
	for (size_t i = 0; i < 3; i++) {
		char *status = strfmt("{\"status\":\"%s\"}", path[i]);
		patch_rec("plots", hi, "ecology", status);
		free(status);
	}
	expect_resolved("construction-without-survey", "construction-permits", cp, id_of(f));
	json_t *h = expect_open("construction-on-listed-plot", "construction-permits", cp,
	                        "spatial", second);
	expect_spatial_message(h, hi);
	json_decref(f);
	json_decref(g);
	json_decref(h);
	free(zh);
	free(en);
}

/* No plot, no link: a farmland unit's sample and the unit's class mismatch. */
Test(spatial_links, a_farmland_finding_has_a_null_link, .init = cell_init, .timeout = 120)
{
	char *unit = make_farmland_unit(D, "priority_protection");
	char *sample = sample_id("soil-samples", D);
	char *body =
	    strfmt("{\"farmland_unit_id\":\"%s\",\"district\":\"" D "\","
	           "\"sampled_on\":\"2025-05-10\",\"ph\":6.0,\"depth_m\":0.2,"
	           "\"results\":[{\"pollutant\":\"Cd\",\"value\":0.5,\"unit\":\"mg/kg\"}]}",
	           unit);
	put_rec("soil-samples", sample, "agriculture", body);
	const char *const pairs[][2] = {{"sample-exceeds-screening", "soil-samples"},
	                                {"farmland-class-mismatch", "farmland-units"}};
	for (size_t i = 0; i < 2; i++) {
		const char *trigger = i == 0 ? sample : unit;
		json_t *open = open_of(pairs[i][0], pairs[i][1], trigger);
		cr_assert_eq(json_array_size(open), 1, "one open %s finding: %s", pairs[i][0],
		             json_dumps(open, 0));
		json_t *f = json_array_get(open, 0);
		json_t *link = json_object_get(f, "link");
		cr_assert(link && json_is_null(link), "link is present and null: %s",
		          json_dumps(f, 0));
		cr_assert(json_is_null(json_object_get(f, "plot_id")), "%s", json_dumps(f, 0));
		json_decref(open);
	}
	free(body);
}
