/* The cross-agency rules over HTTP (SPEC §5): each rule's opening write, resolving write,
 * return and near miss; either side written first; plot land class changes; findings in the
 * feed; GET /v1/findings filters; the GB 36600 / GB 15618 thresholds through real samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"

/* Mentougou (110109) is written by this file only among the end-to-end tests. */
#define D "110109"

#define SAMPLE_RULES "sample-exceeds-screening,sample-exceeds-intervention"

static const char *const MERGE[] = {"Content-Type: application/merge-patch+json", NULL};

/* ---- writes ---------------------------------------------------------------------------- */

static struct resp *write_raw(const char *method, const char *dataset, const char *id,
                              const char *who, const char *body)
{
	char path[512];
	snprintf(path, sizeof(path), "/v1/%s/%s", dataset, id);
	return call(method, path, key_of(who), body, strcmp(method, "PATCH") == 0 ? MERGE : NULL);
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

/* Creates a record of `dataset` with a fresh id; returns the id. */
static char *create(const char *dataset, const char *who, const char *body)
{
	char *id = sample_id(dataset, D);
	struct resp *r = write_raw("PUT", dataset, id, who, body);
	cr_assert_eq(r->status, 201, "creating %s/%s: %ld %s", dataset, id, r->status, r->body);
	resp_free(r);
	return id;
}

static json_t *get_rec(const char *dataset, const char *id)
{
	char path[512];
	snprintf(path, sizeof(path), "/v1/%s/%s", dataset, id);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "GET %s: %s", path, r->body);
	json_t *j = json_incref(r->json);
	resp_free(r);
	return j;
}

static void plot_status(const char *plot, const char *status)
{
	char *b = strfmt("{\"status\":\"%s\"}", status);
	patch_rec("plots", plot, "ecology", b);
	free(b);
}

/* A plot in `status`, reached from suspected through legal transitions (creation of a plot
 * in any state is also allowed, but this is how plots move in the field). */
static char *plot_in(const char *status, const char *planned_use)
{
	return make_plot(D, status, planned_use);
}

/* ---- bodies ---------------------------------------------------------------------------- */

static char *land_use_change(const char *plot, const char *to_use)
{
	return strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"from_use\":\"M1\","
	              "\"to_use\":\"%s\",\"approved_on\":\"2024-03-01\"}",
	              plot, to_use);
}

static char *planning_permit(const char *plot, const char *use)
{
	return strfmt("{\"project\":\"测试项目\",\"plot_id\":\"%s\",\"district\":\"" D "\","
	              "\"land_use\":\"%s\",\"issued_on\":\"2024-04-01\"}",
	              plot, use);
}

static char *land_supply(const char *plot, const char *use)
{
	return strfmt("{\"year\":2025,\"plot_id\":\"%s\",\"district\":\"" D "\","
	              "\"planned_use\":\"%s\",\"supply_mode\":\"grant\",\"quarter\":3}",
	              plot, use);
}

static char *permit(const char *plot, bool remediation)
{
	return strfmt("{\"project\":\"测试厂房\",\"plot_id\":\"%s\",\"district\":\"" D "\","
	              "\"issued_on\":\"2024-05-01\",\"is_remediation_project\":%s}",
	              plot, remediation ? "true" : "false");
}

static char *transfer(const char *plot)
{
	return strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"action\":\"transfer\","
	              "\"planned_on\":\"2025-09-30\"}",
	              plot);
}

/* Beijing's calendar date `days` days ago (UTC+8, no daylight saving). */
static void beijing_date(int days, char *out, size_t size)
{
	time_t t = time(NULL) + 8 * 3600 - (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

static char *enterprise(const char *plot, int closed_days_ago)
{
	char date[16];
	beijing_date(closed_days_ago, date, sizeof(date));
	if (!plot)
		return strfmt(
		    "{\"name\":\"测试电镀厂\",\"industry_code\":\"C3360\",\"district\":\"" D
		    "\",\"closed_on\":\"%s\"}",
		    date);
	return strfmt("{\"name\":\"测试电镀厂\",\"industry_code\":\"C3360\",\"district\":\"" D "\","
	              "\"closed_on\":\"%s\",\"plot_id\":\"%s\"}",
	              date, plot);
}

static char *results1(const char *pollutant, const char *value, const char *unit)
{
	return strfmt("[{\"pollutant\":\"%s\",\"value\":%s,\"unit\":\"%s\"}]", pollutant, value,
	              unit);
}

static char *plot_sample(const char *plot, const char *results)
{
	return strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"sampled_on\":\"2024-07-01\","
	              "\"depth_m\":0.5,\"results\":%s}",
	              plot, results);
}

static char *farm_sample(const char *unit, const char *ph, const char *results)
{
	return strfmt("{\"farmland_unit_id\":\"%s\",\"district\":\"" D "\",\"sampled_on\":"
	              "\"2024-07-01\",\"ph\":%s,\"depth_m\":0.2,\"results\":%s}",
	              unit, ph, results);
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

/* Every Mentougou finding of `rules` (comma list; NULL: any) that cites dataset/id, open and
 * resolved, following next_cursor. */
static json_t *findings_citing(const char *rules, const char *dataset, const char *id)
{
	json_t *out = json_array();
	char *cursor = NULL;
	for (int pages = 0; pages < 200; pages++) {
		char *path =
		    strfmt("/v1/findings?district=" D "&limit=1000%s%s%s%s", rules ? "&rule=" : "",
		           rules ? rules : "", cursor ? "&cursor=" : "", cursor ? cursor : "");
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(r->json, "items"), i, f)
		{
			if (cites(f, dataset, id))
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
	free(cursor);
	return out;
}

static json_t *with_status(json_t *list, const char *status)
{
	json_t *out = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(list, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "status")), status) == 0)
			json_array_append(out, f);
	}
	return out;
}

static json_t *by_id(json_t *list, const char *fid)
{
	size_t i;
	json_t *f;
	json_array_foreach(list, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "id")), fid) == 0)
			return f;
	}
	return NULL;
}

static const char *severity_of(const char *rule)
{
	return strcmp(rule, "sensitive-use-before-clearance") == 0 ||
	               strcmp(rule, "construction-on-listed-plot") == 0 ||
	               strcmp(rule, "sample-exceeds-intervention") == 0
	           ? "high"
	           : "medium";
}

/* The agencies are exactly `want` (NULL-terminated), in any order. */
static void assert_agencies(json_t *f, const char *const *want)
{
	json_t *got = json_object_get(f, "agencies");
	cr_assert(json_is_array(got), "agencies is an array: %s", json_dumps(f, 0));
	size_t n = 0;
	for (const char *const *w = want; *w; w++, n++) {
		bool found = false;
		size_t i;
		json_t *a;
		json_array_foreach(got, i, a) found =
		    found || strcmp(json_string_value(a), *w) == 0;
		cr_assert(found, "agencies include %s: %s", *w, json_dumps(got, 0));
	}
	cr_assert_eq(json_array_size(got), n, "agencies are exactly the expected %zu: %s", n,
	             json_dumps(got, 0));
}

static void assert_nonempty_string(json_t *f, const char *member)
{
	const char *s = json_string_value(json_object_get(f, member));
	cr_assert(s && *s, "%s is a non-empty string: %s", member, json_dumps(f, 0));
}

/* Asserts exactly one open `rule` finding cites dataset/id, with every member as SPEC §5
 * says; `plot_id` NULL means the finding's plot_id is null. Returns the finding's id. */
static char *expect_open(const char *rule, const char *dataset, const char *id, const char *plot_id,
                         const char *const *agencies)
{
	json_t *all = findings_citing(rule, dataset, id);
	json_t *open = with_status(all, "open");
	cr_assert_eq(json_array_size(open), 1,
	             "exactly one open %s finding for %s/%s, found %zu: %s", rule, dataset, id,
	             json_array_size(open), json_dumps(all, 0));
	json_t *f = json_array_get(open, 0);
	const char *dump = json_dumps(f, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "rule")), rule, "%s", dump);
	cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), severity_of(rule),
	                 "severity of %s: %s", rule, dump);
	cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "open");
	cr_assert_str_eq(json_string_value(json_object_get(f, "district")), D, "%s", dump);
	json_t *p = json_object_get(f, "plot_id");
	if (plot_id)
		cr_assert(json_is_string(p) && strcmp(json_string_value(p), plot_id) == 0,
		          "plot_id is %s: %s", plot_id, dump);
	else
		cr_assert(json_is_null(p), "plot_id is present and null: %s", dump);
	/* The records of these tests have no geometry: a plot is linked by plot_id or not at
	 * all (spatial links are tests/e2e/test_spatial_links.c's). */
	json_t *link = json_object_get(f, "link");
	if (plot_id)
		cr_assert(json_is_string(link) && strcmp(json_string_value(link), "plot_id") == 0,
		          "link is plot_id: %s", dump);
	else
		cr_assert(link && json_is_null(link), "link is present and null: %s", dump);
	cr_assert(cites(f, dataset, id), "records name the triggering record: %s", dump);
	if (plot_id && strcmp(rule, "closed-enterprise-unscreened") != 0 &&
	    strncmp(rule, "sample-", 7) != 0)
		cr_assert(cites(f, "plots", plot_id), "records name the plot: %s", dump);
	assert_agencies(f, agencies);
	assert_nonempty_string(f, "id");
	assert_nonempty_string(f, "message_zh");
	assert_nonempty_string(f, "message_en");
	assert_nonempty_string(f, "opened_at");
	cr_assert(json_object_get(f, "resolved_at") &&
	              json_is_null(json_object_get(f, "resolved_at")),
	          "resolved_at is present and null while open: %s", dump);
	char *fid = strdup(json_string_value(json_object_get(f, "id")));
	json_decref(open);
	json_decref(all);
	return fid;
}

/* Asserts no open `rule` finding cites dataset/id. */
static void expect_none_open(const char *rule, const char *dataset, const char *id)
{
	json_t *all = findings_citing(rule, dataset, id);
	json_t *open = with_status(all, "open");
	cr_assert_eq(json_array_size(open), 0, "no open %s finding for %s/%s: %s", rule, dataset,
	             id, json_dumps(open, 0));
	json_decref(open);
	json_decref(all);
}

/* Asserts no finding of `rule` at all (open or resolved) cites dataset/id. */
static void expect_never(const char *rule, const char *dataset, const char *id)
{
	json_t *all = findings_citing(rule, dataset, id);
	cr_assert_eq(json_array_size(all), 0, "no %s finding ever for %s/%s: %s", rule, dataset, id,
	             json_dumps(all, 0));
	json_decref(all);
}

/* Asserts finding `fid` (of `rule`, citing dataset/id) is resolved with resolved_at set,
 * and that no other finding of the rule is open for the record. */
static void expect_resolved(const char *rule, const char *dataset, const char *id, const char *fid)
{
	json_t *all = findings_citing(rule, dataset, id);
	json_t *f = by_id(all, fid);
	cr_assert_not_null(f, "finding %s still listed: %s", fid, json_dumps(all, 0));
	cr_assert_str_eq(json_string_value(json_object_get(f, "status")), "resolved",
	                 "%s finding %s resolved: %s", rule, fid, json_dumps(f, 0));
	assert_nonempty_string(f, "resolved_at");
	assert_nonempty_string(f, "opened_at");
	cr_assert_str_eq(json_string_value(json_object_get(f, "rule")), rule);
	json_t *open = with_status(all, "open");
	cr_assert_eq(json_array_size(open), 0, "nothing else open for %s/%s: %s", dataset, id,
	             json_dumps(open, 0));
	json_decref(open);
	json_decref(all);
}

static const char *const PLANNING[] = {"ecology", "planning", NULL};
static const char *const HOUSING[] = {"ecology", "housing", NULL};
static const char *const ECOLOGY[] = {"ecology", NULL};
static const char *const AGRICULTURE[] = {"agriculture", "ecology", NULL};
static const char *const CLOSED[] = {"district", "ecology", "economy", NULL};

/* ---- sensitive-use-before-clearance ---------------------------------------------------- */

Test(rules, sensitive_use_opens_resolves_and_returns, .timeout = 120)
{
	/* Planned for housing, so that clearing it clears it for class I (cleared_for). */
	char *plot = plot_in("suspected", "R2");
	char *lu_body = land_use_change(plot, "R2");
	char *lu = create("land-use-changes", "planning", lu_body);
	char *f1 =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, plot, PLANNING);

	/* The change now gives an industrial use, not a sensitive one: resolved. */
	patch_rec("land-use-changes", lu, "planning", "{\"to_use\":\"M1\"}");
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", lu, f1);

	/* Back to a class-I use: a new finding, not the old one reopened. */
	patch_rec("land-use-changes", lu, "planning", "{\"to_use\":\"A33\"}");
	char *f2 =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, plot, PLANNING);
	cr_assert_str_neq(f2, f1, "a condition that returns opens a new finding");

	/* Still unsurveyed for another reason: the same finding. */
	plot_status(plot, "preliminary_survey");
	char *f3 =
	    expect_open("sensitive-use-before-clearance", "land-use-changes", lu, plot, PLANNING);
	cr_assert_str_eq(f3, f2, "the same finding while its condition holds");

	/* The plot's survey clears it: resolved by the plot write. */
	plot_status(plot, "cleared");
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", lu, f2);
	json_t *all = findings_citing("sensitive-use-before-clearance", "land-use-changes", lu);
	cr_assert_eq(json_array_size(all), 2, "two findings in all: %s", json_dumps(all, 0));
	json_decref(all);
	/* Further along the lifecycle it stays clear. */
	plot_status(plot, "post_management");
	expect_none_open("sensitive-use-before-clearance", "land-use-changes", lu);
	free(lu_body);
}

Test(rules, sensitive_use_by_planning_permit_and_land_supply, .timeout = 120)
{
	char *plot = plot_in("detailed_survey", "M1");
	char *pp = create("planning-permits", "planning", planning_permit(plot, "R21"));
	expect_open("sensitive-use-before-clearance", "planning-permits", pp, plot, PLANNING);
	char *ls = create("land-supply-plans", "planning", land_supply(plot, "G1-C"));
	char *fls =
	    expect_open("sensitive-use-before-clearance", "land-supply-plans", ls, plot, PLANNING);
	char *ls2 = create("land-supply-plans", "planning", land_supply(plot, "A5"));
	expect_open("sensitive-use-before-clearance", "land-supply-plans", ls2, plot, PLANNING);

	/* The supply item deleted: resolved. */
	delete_rec("land-supply-plans", ls, "planning");
	expect_resolved("sensitive-use-before-clearance", "land-supply-plans", ls, fls);

	/* Near misses: uses that are not sensitive (task 5) on the same unsurveyed plot. */
	const char *class_ii[] = {"M1", "G1", "W1", "S1", "U1"};
	for (size_t i = 0; i < sizeof(class_ii) / sizeof(class_ii[0]); i++) {
		char *x =
		    create("planning-permits", "planning", planning_permit(plot, class_ii[i]));
		expect_never("sensitive-use-before-clearance", "planning-permits", x);
		char *y =
		    create("land-use-changes", "planning", land_use_change(plot, class_ii[i]));
		expect_never("sensitive-use-before-clearance", "land-use-changes", y);
	}
	/* Near misses: a class-I use on plots that are cleared / delisted / closed. */
	const char *clear[] = {"cleared", "delisted", "post_management", "closed"};
	for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++) {
		char *ok = plot_in(clear[i], "R2");
		char *x = create("land-use-changes", "planning", land_use_change(ok, "R2"));
		expect_never("sensitive-use-before-clearance", "land-use-changes", x);
		char *y = create("land-supply-plans", "planning", land_supply(ok, "R2"));
		expect_never("sensitive-use-before-clearance", "land-supply-plans", y);
	}
	/* ...but every status not in that list opens it. */
	const char *unclear[] = {
	    "suspected", "preliminary_survey", "exceeds_screening", "risk_assessment",
	    "listed",    "under_control",      "effect_evaluation"};
	for (size_t i = 0; i < sizeof(unclear) / sizeof(unclear[0]); i++) {
		char *p = plot_in(unclear[i], "M1");
		char *x = create("planning-permits", "planning", planning_permit(p, "R2"));
		expect_open("sensitive-use-before-clearance", "planning-permits", x, p, PLANNING);
	}
}

/* ---- construction-on-listed-plot ------------------------------------------------------- */

Test(rules, construction_on_listed_plot_opens_resolves_and_returns, .timeout = 120)
{
	char *plot = plot_in("listed", "R2");
	char *body = permit(plot, false);
	char *cp = create("construction-permits", "housing", body);
	char *f1 =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);
	expect_never("construction-without-survey", "construction-permits", cp);

	/* It turns out to be the remediation project: resolved. */
	patch_rec("construction-permits", cp, "housing", "{\"is_remediation_project\":true}");
	expect_resolved("construction-on-listed-plot", "construction-permits", cp, f1);

	/* Not a remediation project after all: a new finding. */
	patch_rec("construction-permits", cp, "housing", "{\"is_remediation_project\":false}");
	char *f2 =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);
	cr_assert_str_neq(f2, f1);

	/* The permit withdrawn: resolved. */
	delete_rec("construction-permits", cp, "housing");
	expect_resolved("construction-on-listed-plot", "construction-permits", cp, f2);

	/* Issued again (the flag left out: not a remediation project): a third finding. */
	char *again = strfmt("{\"project\":\"测试厂房\",\"plot_id\":\"%s\",\"district\":\"" D "\","
	                     "\"issued_on\":\"2024-06-01\"}",
	                     plot);
	put_rec("construction-permits", cp, "housing", again);
	char *f3 =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);
	cr_assert(strcmp(f3, f1) != 0 && strcmp(f3, f2) != 0);

	/* Near miss: a remediation project on a listed plot. */
	char *rem = create("construction-permits", "housing", permit(plot, true));
	expect_never("construction-on-listed-plot", "construction-permits", rem);
	expect_never("construction-without-survey", "construction-permits", rem);
	/* Near miss: a permit on a delisted plot. */
	char *del = plot_in("delisted", "R2");
	char *cp2 = create("construction-permits", "housing", permit(del, false));
	expect_never("construction-on-listed-plot", "construction-permits", cp2);
	expect_never("construction-without-survey", "construction-permits", cp2);
	free(body);
	free(again);
}

/* The plot written second: its status change opens the finding. */
Test(rules, construction_on_listed_plot_opened_by_the_plot_write, .timeout = 120)
{
	char *plot = make_plot(D, "suspected", "M1");
	plot_status(plot, "preliminary_survey");
	plot_status(plot, "exceeds_screening");
	plot_status(plot, "detailed_survey");
	plot_status(plot, "risk_assessment");
	char *cp = create("construction-permits", "housing", permit(plot, false));
	char *fw =
	    expect_open("construction-without-survey", "construction-permits", cp, plot, HOUSING);
	expect_never("construction-on-listed-plot", "construction-permits", cp);

	plot_status(plot, "listed");
	expect_resolved("construction-without-survey", "construction-permits", cp, fw);
	char *fl =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);

	/* under_control and effect_evaluation: still the same finding. */
	plot_status(plot, "under_control");
	char *same =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);
	cr_assert_str_eq(same, fl);
	plot_status(plot, "effect_evaluation");
	same =
	    expect_open("construction-on-listed-plot", "construction-permits", cp, plot, HOUSING);
	cr_assert_str_eq(same, fl);

	/* Delisted: resolved by the plot write. */
	plot_status(plot, "delisted");
	expect_resolved("construction-on-listed-plot", "construction-permits", cp, fl);
	expect_none_open("construction-without-survey", "construction-permits", cp);
}

Test(rules, two_permits_on_one_plot_are_two_findings)
{
	char *plot = plot_in("under_control", "B1");
	char *a = create("construction-permits", "housing", permit(plot, false));
	char *b = create("construction-permits", "housing", permit(plot, false));
	char *fa =
	    expect_open("construction-on-listed-plot", "construction-permits", a, plot, HOUSING);
	char *fb =
	    expect_open("construction-on-listed-plot", "construction-permits", b, plot, HOUSING);
	cr_assert_str_neq(fa, fb, "one finding per permit");
	/* Each finding names its own permit only. */
	json_t *la = findings_citing("construction-on-listed-plot", "construction-permits", a);
	cr_assert(!cites(json_array_get(la, 0), "construction-permits", b));
	json_decref(la);
	/* The plot filter shows both. */
	char *path = strfmt("/v1/findings?plot_id=%s&status=open", plot);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 2, "%s", r->body);
	resp_free(r);
	/* Resolving one leaves the other open. */
	delete_rec("construction-permits", a, "housing");
	expect_resolved("construction-on-listed-plot", "construction-permits", a, fa);
	char *still =
	    expect_open("construction-on-listed-plot", "construction-permits", b, plot, HOUSING);
	cr_assert_str_eq(still, fb);
	free(path);
}

/* ---- construction-without-survey ------------------------------------------------------- */

Test(rules, construction_without_survey_opens_resolves_and_returns, .timeout = 120)
{
	char *plot = plot_in("detailed_survey", "M1");
	char *cp = create("construction-permits", "housing", permit(plot, false));
	char *f1 =
	    expect_open("construction-without-survey", "construction-permits", cp, plot, HOUSING);
	plot_status(plot, "risk_assessment");
	char *same =
	    expect_open("construction-without-survey", "construction-permits", cp, plot, HOUSING);
	cr_assert_str_eq(same, f1, "still unsurveyed: the same finding");
	plot_status(plot, "cleared");
	expect_resolved("construction-without-survey", "construction-permits", cp, f1);
	expect_never("construction-on-listed-plot", "construction-permits", cp);

	/* The permit moved to a suspected plot: a new finding naming that plot. */
	char *other = plot_in("suspected", "M1");
	char *moved = strfmt("{\"plot_id\":\"%s\"}", other);
	patch_rec("construction-permits", cp, "housing", moved);
	char *f2 =
	    expect_open("construction-without-survey", "construction-permits", cp, other, HOUSING);
	cr_assert_str_neq(f2, f1);
	/* And back to the cleared plot: resolved. */
	char *back = strfmt("{\"plot_id\":\"%s\"}", plot);
	patch_rec("construction-permits", cp, "housing", back);
	expect_resolved("construction-without-survey", "construction-permits", cp, f2);

	/* A remediation flag does not excuse a missing survey. */
	char *p2 = plot_in("exceeds_screening", "M1");
	char *rem = create("construction-permits", "housing", permit(p2, true));
	expect_open("construction-without-survey", "construction-permits", rem, p2, HOUSING);

	/* Each unsurveyed status opens it; the others do not. */
	const char *unsurveyed[] = {"suspected", "preliminary_survey", "exceeds_screening",
	                            "detailed_survey", "risk_assessment"};
	for (size_t i = 0; i < 5; i++) {
		char *p = plot_in(unsurveyed[i], "B1");
		char *x = create("construction-permits", "housing", permit(p, false));
		expect_open("construction-without-survey", "construction-permits", x, p, HOUSING);
		expect_never("construction-on-listed-plot", "construction-permits", x);
	}
	const char *surveyed[] = {"cleared", "delisted", "post_management", "closed"};
	for (size_t i = 0; i < 4; i++) {
		char *p = plot_in(surveyed[i], "B1");
		char *x = create("construction-permits", "housing", permit(p, false));
		expect_never("construction-without-survey", "construction-permits", x);
		expect_never("construction-on-listed-plot", "construction-permits", x);
	}
	free(moved);
	free(back);
}

/* ---- transfer-without-survey ----------------------------------------------------------- */

Test(rules, transfer_without_survey_opens_resolves_and_returns, .timeout = 120)
{
	/* A plot with no record yet: the finding carries its id. */
	char *missing = uniq(D "-NOPLOT");
	char *tr = create("land-right-transfers", "planning", transfer(missing));
	char *f1 =
	    expect_open("transfer-without-survey", "land-right-transfers", tr, missing, PLANNING);

	/* The plot is recorded, already past its preliminary survey: resolved. */
	put_rec("plots", missing, "ecology", plot_body(D, "exceeds_screening", "M1"));
	expect_resolved("transfer-without-survey", "land-right-transfers", tr, f1);

	/* The item re-pointed at another unrecorded plot: a new finding. */
	char *missing2 = uniq(D "-NOPLOT");
	char *moved = strfmt("{\"plot_id\":\"%s\"}", missing2);
	patch_rec("land-right-transfers", tr, "planning", moved);
	char *f2 =
	    expect_open("transfer-without-survey", "land-right-transfers", tr, missing2, PLANNING);
	cr_assert_str_neq(f2, f1);
	put_rec("plots", missing2, "ecology", plot_body(D, "cleared", "M1"));
	expect_resolved("transfer-without-survey", "land-right-transfers", tr, f2);

	/* A recorded plot still suspected, then in its preliminary survey: one finding; the
	 * survey finding it above screening resolves it. */
	char *plot = plot_in("suspected", "M1");
	char *tr2 = create("land-right-transfers", "planning", transfer(plot));
	char *f3 =
	    expect_open("transfer-without-survey", "land-right-transfers", tr2, plot, PLANNING);
	plot_status(plot, "preliminary_survey");
	char *same =
	    expect_open("transfer-without-survey", "land-right-transfers", tr2, plot, PLANNING);
	cr_assert_str_eq(same, f3);
	plot_status(plot, "exceeds_screening");
	expect_resolved("transfer-without-survey", "land-right-transfers", tr2, f3);

	/* A recovery (not only a transfer) opens it too. */
	char *p2 = plot_in("preliminary_survey", "M1");
	char *rec = create(
	    "land-right-transfers", "planning",
	    strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"action\":\"recovery\"}", p2));
	expect_open("transfer-without-survey", "land-right-transfers", rec, p2, PLANNING);

	/* Near miss: a transfer on a plot in detailed_survey (and other later states). */
	const char *later[] = {"detailed_survey", "exceeds_screening", "risk_assessment", "listed",
	                       "cleared"};
	for (size_t i = 0; i < 5; i++) {
		char *p = plot_in(later[i], "M1");
		char *x = create("land-right-transfers", "planning", transfer(p));
		expect_never("transfer-without-survey", "land-right-transfers", x);
	}
	free(moved);
}

/* ---- closed-enterprise-unscreened ------------------------------------------------------ */

Test(rules, closed_enterprise_opens_resolves_and_returns, .timeout = 120)
{
	/* Closed 91 days ago, its site linked to no plot. */
	char *ce = create("closed-enterprises", "economy", enterprise(NULL, 91));
	char *f1 =
	    expect_open("closed-enterprise-unscreened", "closed-enterprises", ce, NULL, CLOSED);

	/* Linked to a recorded plot: resolved. */
	char *plot = plot_in("suspected", "M1");
	char *link = strfmt("{\"plot_id\":\"%s\"}", plot);
	patch_rec("closed-enterprises", ce, "economy", link);
	expect_resolved("closed-enterprise-unscreened", "closed-enterprises", ce, f1);

	/* Re-linked to a plot with no record: a new finding carrying that plot id. */
	char *missing = uniq(D "-NOSITE");
	char *relink = strfmt("{\"plot_id\":\"%s\"}", missing);
	patch_rec("closed-enterprises", ce, "economy", relink);
	char *f2 =
	    expect_open("closed-enterprise-unscreened", "closed-enterprises", ce, missing, CLOSED);
	cr_assert_str_neq(f2, f1);

	/* The missing plot recorded: resolved by the plot write. */
	put_rec("plots", missing, "ecology", plot_body(D, "suspected", "M1"));
	expect_resolved("closed-enterprise-unscreened", "closed-enterprises", ce, f2);

	/* Created naming an unrecorded plot. */
	char *missing3 = uniq(D "-NOSITE");
	char *ce3 = create("closed-enterprises", "economy", enterprise(missing3, 200));
	expect_open("closed-enterprise-unscreened", "closed-enterprises", ce3, missing3, CLOSED);

	/* Near misses: closed 30 days ago, and exactly 90 days ago ("more than 90"). */
	char *recent = create("closed-enterprises", "economy", enterprise(NULL, 30));
	expect_never("closed-enterprise-unscreened", "closed-enterprises", recent);
	char *ninety = create("closed-enterprises", "economy", enterprise(NULL, 90));
	expect_never("closed-enterprise-unscreened", "closed-enterprises", ninety);
	/* The closing date corrected to longer ago: opens on that write. */
	char date[16];
	beijing_date(120, date, sizeof(date));
	char *older = strfmt("{\"closed_on\":\"%s\"}", date);
	patch_rec("closed-enterprises", recent, "economy", older);
	expect_open("closed-enterprise-unscreened", "closed-enterprises", recent, NULL, CLOSED);
	/* Near miss: long closed, but its site is a recorded plot. */
	char *screened = create("closed-enterprises", "economy", enterprise(plot, 400));
	expect_never("closed-enterprise-unscreened", "closed-enterprises", screened);
	free(link);
	free(relink);
	free(older);
}

/* ---- sample-exceeds-screening / -intervention ------------------------------------------ */

Test(rules, sample_exceeds_screening_opens_resolves_and_returns, .timeout = 120)
{
	char *plot = plot_in("preliminary_survey", "R2"); /* class I: As screening 20 */
	char *s =
	    create("soil-samples", "ecology", plot_sample(plot, results1("As", "25", "mg/kg")));
	char *f1 = expect_open("sample-exceeds-screening", "soil-samples", s, plot, ECOLOGY);
	expect_never("sample-exceeds-intervention", "soil-samples", s);
	json_t *f = by_id(findings_citing("sample-exceeds-screening", "soil-samples", s), f1);
	cr_assert(cites(f, "plots", plot), "a plot sample's finding names the plot: %s",
	          json_dumps(f, 0));

	/* Above screening for another pollutant instead: still the same finding. */
	put_rec("soil-samples", s, "ecology",
	        plot_sample(plot, "[{\"pollutant\":\"As\",\"value\":3,\"unit\":\"mg/kg\"},"
	                          "{\"pollutant\":\"Pb\",\"value\":450,\"unit\":\"mg/kg\"}]"));
	char *same = expect_open("sample-exceeds-screening", "soil-samples", s, plot, ECOLOGY);
	cr_assert_str_eq(same, f1,
	                 "the same finding while its condition holds, for whatever reason");

	/* Corrected to exactly the screening value: resolved. */
	put_rec("soil-samples", s, "ecology", plot_sample(plot, results1("As", "20", "mg/kg")));
	expect_resolved("sample-exceeds-screening", "soil-samples", s, f1);
	/* Above again: a new finding. */
	put_rec("soil-samples", s, "ecology", plot_sample(plot, results1("As", "20.5", "mg/kg")));
	char *f2 = expect_open("sample-exceeds-screening", "soil-samples", s, plot, ECOLOGY);
	cr_assert_str_neq(f2, f1);
	/* Deleted: resolved. */
	delete_rec("soil-samples", s, "ecology");
	expect_resolved("sample-exceeds-screening", "soil-samples", s, f2);

	/* Published by agriculture: agriculture and ecology must act. */
	char *s2 = create("soil-samples", "agriculture",
	                  plot_sample(plot, results1("Pb", "401", "mg/kg")));
	expect_open("sample-exceeds-screening", "soil-samples", s2, plot, AGRICULTURE);

	/* Near miss: exactly at the limit. */
	char *s3 =
	    create("soil-samples", "ecology", plot_sample(plot, results1("As", "20", "mg/kg")));
	expect_never("sample-exceeds-screening", "soil-samples", s3);
	expect_never("sample-exceeds-intervention", "soil-samples", s3);
}

Test(rules, sample_exceeds_intervention_one_finding_at_the_highest_level, .timeout = 120)
{
	char *plot = plot_in("preliminary_survey", "R2"); /* class I: As 20 / 120, Pb 400 / 800 */
	char *two = strfmt("[{\"pollutant\":\"As\",\"value\":121,\"unit\":\"mg/kg\"},"
	                   "{\"pollutant\":\"Pb\",\"value\":500,\"unit\":\"mg/kg\"}]");
	char *s = create("soil-samples", "ecology", plot_sample(plot, two));
	char *fi = expect_open("sample-exceeds-intervention", "soil-samples", s, plot, ECOLOGY);
	expect_never("sample-exceeds-screening", "soil-samples", s);

	/* Corrected below intervention: intervention resolved, screening opened. */
	put_rec("soil-samples", s, "ecology", plot_sample(plot, results1("As", "100", "mg/kg")));
	expect_resolved("sample-exceeds-intervention", "soil-samples", s, fi);
	char *fs = expect_open("sample-exceeds-screening", "soil-samples", s, plot, ECOLOGY);

	/* Back above intervention: screening resolved, a new intervention finding. */
	put_rec("soil-samples", s, "ecology", plot_sample(plot, results1("As", "130", "mg/kg")));
	expect_resolved("sample-exceeds-screening", "soil-samples", s, fs);
	char *fi2 = expect_open("sample-exceeds-intervention", "soil-samples", s, plot, ECOLOGY);
	cr_assert_str_neq(fi2, fi);

	/* Below screening: nothing open. */
	put_rec("soil-samples", s, "ecology", plot_sample(plot, results1("As", "5", "mg/kg")));
	expect_resolved("sample-exceeds-intervention", "soil-samples", s, fi2);
	expect_none_open("sample-exceeds-screening", "soil-samples", s);
	free(two);
}

/* ---- farmland-class-mismatch ----------------------------------------------------------- */

Test(rules, farmland_class_mismatch_opens_resolves_and_returns, .timeout = 120)
{
	/* A safe-use unit with a sample above the control value (pH 6.0: Cd control 2.0). */
	char *unit = make_farmland_unit(D, "safe_use");
	char *s = create("soil-samples", "agriculture",
	                 farm_sample(unit, "6.0", results1("Cd", "2.5", "mg/kg")));
	char *fm =
	    expect_open("farmland-class-mismatch", "farmland-units", unit, NULL, AGRICULTURE);
	json_t *all = findings_citing("farmland-class-mismatch", "farmland-units", unit);
	cr_assert(cites(json_array_get(all, 0), "soil-samples", s), "names the sample: %s",
	          json_dumps(all, 0));
	json_decref(all);
	char *fsi =
	    expect_open("sample-exceeds-intervention", "soil-samples", s, NULL, AGRICULTURE);
	all = findings_citing("sample-exceeds-intervention", "soil-samples", s);
	cr_assert(cites(json_array_get(all, 0), "farmland-units", unit),
	          "a farmland sample's finding names its unit: %s", json_dumps(all, 0));
	json_decref(all);

	/* A second sample above control: the same finding, now naming both samples. */
	char *s1b = create("soil-samples", "agriculture",
	                   farm_sample(unit, "8.0", results1("As", "101", "mg/kg")));
	char *fm_same =
	    expect_open("farmland-class-mismatch", "farmland-units", unit, NULL, AGRICULTURE);
	cr_assert_str_eq(fm_same, fm);
	all = findings_citing("farmland-class-mismatch", "farmland-units", unit);
	cr_assert(cites(json_array_get(all, 0), "soil-samples", s) &&
	              cites(json_array_get(all, 0), "soil-samples", s1b),
	          "names both samples: %s", json_dumps(all, 0));
	json_decref(all);
	delete_rec("soil-samples", s1b, "agriculture");
	fm_same = expect_open("farmland-class-mismatch", "farmland-units", unit, NULL, AGRICULTURE);
	cr_assert_str_eq(fm_same, fm, "one sample still above control: the same finding");

	/* Reclassified to strict control: resolved (the sample itself still exceeds). */
	patch_rec("farmland-units", unit, "agriculture", "{\"class\":\"strict_control\"}");
	expect_resolved("farmland-class-mismatch", "farmland-units", unit, fm);
	char *same =
	    expect_open("sample-exceeds-intervention", "soil-samples", s, NULL, AGRICULTURE);
	cr_assert_str_eq(same, fsi);

	/* Back to safe use: a new finding. */
	patch_rec("farmland-units", unit, "agriculture", "{\"class\":\"safe_use\"}");
	char *fm2 =
	    expect_open("farmland-class-mismatch", "farmland-units", unit, NULL, AGRICULTURE);
	cr_assert_str_neq(fm2, fm);

	/* The sample corrected below the control value: resolved by the sample write. */
	put_rec("soil-samples", s, "agriculture",
	        farm_sample(unit, "6.0", results1("Cd", "1.9", "mg/kg")));
	expect_resolved("farmland-class-mismatch", "farmland-units", unit, fm2);
	expect_resolved("sample-exceeds-intervention", "soil-samples", s, fsi);
	expect_open("sample-exceeds-screening", "soil-samples", s, NULL, AGRICULTURE);

	/* A priority-protection unit with a sample above screening only. */
	char *pp = make_farmland_unit(D, "priority_protection");
	char *s2 = create("soil-samples", "agriculture",
	                  farm_sample(pp, "6.0", results1("Cd", "0.31", "mg/kg")));
	char *fp = expect_open("farmland-class-mismatch", "farmland-units", pp, NULL, AGRICULTURE);
	/* Reclassified to safe use, which a screening exceedance does not contradict. */
	patch_rec("farmland-units", pp, "agriculture", "{\"class\":\"safe_use\"}");
	expect_resolved("farmland-class-mismatch", "farmland-units", pp, fp);
	expect_open("sample-exceeds-screening", "soil-samples", s2, NULL, AGRICULTURE);

	/* Near miss: a strict-control unit with a sample above the control value. */
	char *sc = make_farmland_unit(D, "strict_control");
	char *s3 = create("soil-samples", "agriculture",
	                  farm_sample(sc, "7.8", results1("As", "150", "mg/kg")));
	expect_never("farmland-class-mismatch", "farmland-units", sc);
	expect_open("sample-exceeds-intervention", "soil-samples", s3, NULL, AGRICULTURE);
	/* Near miss: a safe-use unit with a sample above screening but not control. */
	char *su = make_farmland_unit(D, "safe_use");
	char *s4 = create("soil-samples", "agriculture",
	                  farm_sample(su, "7.8", results1("As", "100", "mg/kg")));
	expect_never("farmland-class-mismatch", "farmland-units", su);
	expect_open("sample-exceeds-screening", "soil-samples", s4, NULL, AGRICULTURE);
}

/* ---- bulk writes --------------------------------------------------------------------- */

static void bulk(const char *dataset, const char *who, const char *body)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/%s", dataset);
	struct resp *r = call("POST", path, key_of(who), body, NULL);
	cr_assert_eq(r->status, 200, "POST %s: %s", path, r->body);
	resp_free(r);
}

Test(rules, bulk_writes_are_checked_too, .timeout = 120)
{
	char *plot = plot_in("risk_assessment", "M1");
	char *s =
	    create("soil-samples", "ecology", plot_sample(plot, results1("As", "50", "mg/kg")));
	char *a = sample_id("construction-permits", D), *b = sample_id("construction-permits", D);
	char *permits = strfmt("[{\"id\":\"%s\",\"project\":\"批量厂房\",\"plot_id\":\"%s\","
	                       "\"district\":\"" D "\",\"issued_on\":\"2024-05-01\"},"
	                       "{\"id\":\"%s\",\"project\":\"批量厂房\",\"plot_id\":\"%s\","
	                       "\"district\":\"" D "\",\"issued_on\":\"2024-05-02\"}]",
	                       a, plot, b, plot);
	bulk("construction-permits", "housing", permits);
	char *fa =
	    expect_open("construction-without-survey", "construction-permits", a, plot, HOUSING);
	char *fb =
	    expect_open("construction-without-survey", "construction-permits", b, plot, HOUSING);
	cr_assert_str_neq(fa, fb);
	expect_never("sample-exceeds-screening", "soil-samples", s);

	/* One bulk plot write: listed, and a class-I planned use. */
	char *plots = strfmt("[{\"id\":\"%s\",\"name\":\"批量地块\",\"district\":\"" D "\","
	                     "\"status\":\"listed\",\"planned_use\":\"R2\"}]",
	                     plot);
	bulk("plots", "ecology", plots);
	expect_resolved("construction-without-survey", "construction-permits", a, fa);
	expect_resolved("construction-without-survey", "construction-permits", b, fb);
	expect_open("construction-on-listed-plot", "construction-permits", a, plot, HOUSING);
	expect_open("construction-on-listed-plot", "construction-permits", b, plot, HOUSING);
	json_t *rec = get_rec("soil-samples", s);
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 2, "%s",
	             json_dumps(rec, 0));
	cr_assert_eq(json_array_size(json_object_get(rec, "exceedances")), 1);
	json_decref(rec);
	/* Above class I screening now, but a listed plot's status accounts for it. */
	expect_none_open(SAMPLE_RULES, "soil-samples", s);
	free(permits);
	free(plots);
}

/* ---- a plot's land class changes ------------------------------------------------------- */

/* The feed's changes of `datasets` from `cursor` that concern record `id`. The feed is
 * eventually consistent (a change gets its position once every transaction older than it has
 * finished), so this follows the feed until `want` such changes arrived or 15 s passed. */
static json_t *feed_of(const char *cursor, const char *datasets, const char *id, size_t want)
{
	json_t *out = json_array();
	char *cur = strdup(cursor);
	time_t deadline = time(NULL) + 15;
	for (int pages = 0; pages < 10000; pages++) {
		char *path = strfmt("/v1/changes?cursor=%s&limit=1000&datasets=%s", cur, datasets);
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		json_t *changes = json_object_get(r->json, "changes");
		size_t i;
		json_t *c;
		json_array_foreach(changes, i, c)
		{
			if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
				json_array_append(out, c);
		}
		free(cur);
		cur = strdup(json_string_value(json_object_get(r->json, "next_cursor")));
		size_t n = json_array_size(changes);
		resp_free(r);
		free(path);
		if (n == 0) {
			if (json_array_size(out) >= want || time(NULL) >= deadline)
				break;
			usleep(100 * 1000);
		}
	}
	free(cur);
	return out;
}

Test(rules, plot_land_class_change_reevaluates_its_samples, .timeout = 120)
{
	char *plot = plot_in("preliminary_survey", "M1"); /* class II: As screening 60 */
	char *s =
	    create("soil-samples", "agriculture", plot_sample(plot, results1("As", "50", "mg/kg")));
	json_t *rec = get_rec("soil-samples", s);
	cr_assert_eq(json_array_size(json_object_get(rec, "exceedances")), 0, "%s",
	             json_dumps(rec, 0));
	json_decref(rec);
	expect_never("sample-exceeds-screening", "soil-samples", s);

	char *cursor = feed_latest(NULL);
	char path[512];
	snprintf(path, sizeof(path), "/v1/plots/%s", plot);
	struct resp *r = call("PATCH", path, key_of("ecology"), "{\"planned_use\":\"R2\"}", MERGE);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "land_class")), "I");
	char *request_id = strdup(resp_header(r, "X-Request-ID"));
	resp_free(r);

	rec = get_rec("soil-samples", s);
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 2,
	             "the sample has a new version: %s", json_dumps(rec, 0));
	cr_assert_str_eq(json_string_value(json_object_get(rec, "publisher")), "agriculture",
	                 "publisher stays the sample's");
	json_t *e = json_object_get(rec, "exceedances");
	cr_assert_eq(json_array_size(e), 1, "%s", json_dumps(rec, 0));
	json_t *x = json_array_get(e, 0);
	cr_assert_str_eq(json_string_value(json_object_get(x, "pollutant")), "As");
	cr_assert_str_eq(json_string_value(json_object_get(x, "land_class")), "I");
	cr_assert_str_eq(json_string_value(json_object_get(x, "level")), "screening");
	cr_assert_eq(json_number_value(json_object_get(x, "limit")), 20);
	json_decref(rec);
	char *f = expect_open("sample-exceeds-screening", "soil-samples", s, plot, AGRICULTURE);

	/* The feed carries the sample's new version. */
	json_t *changes = feed_of(cursor, "soil-samples", s, 1);
	cr_assert_eq(json_array_size(changes), 1, "%s", json_dumps(changes, 0));
	json_t *c = json_array_get(changes, 0);
	cr_assert_eq(json_integer_value(json_object_get(c, "version")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(c, "publisher")), "agriculture");
	cr_assert_str_eq(json_string_value(json_object_get(c, "op")), "upsert");
	cr_assert_gt(json_array_size(json_object_get(json_object_get(c, "record"), "exceedances")),
	             0);
	json_decref(changes);

	/* History: key_id and request_id are the plot write's. */
	snprintf(path, sizeof(path), "/v1/plots/%s/history", plot);
	r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	json_t *ph = json_array_get(json_object_get(r->json, "items"), 1);
	char *plot_key = strdup(json_string_value(json_object_get(ph, "key_id")));
	resp_free(r);
	snprintf(path, sizeof(path), "/v1/soil-samples/%s/history", s);
	r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), 2, "%s", r->body);
	json_t *h1 = json_array_get(items, 0), *h2 = json_array_get(items, 1);
	cr_assert_str_eq(json_string_value(json_object_get(h2, "publisher")), "agriculture");
	cr_assert_str_eq(json_string_value(json_object_get(h2, "key_id")), plot_key,
	                 "key_id of the plot write: %s", r->body);
	cr_assert_str_neq(json_string_value(json_object_get(h1, "key_id")), plot_key);
	cr_assert_str_eq(json_string_value(json_object_get(h2, "request_id")), request_id,
	                 "request_id of the plot write: %s", r->body);
	resp_free(r);

	/* A plot write that leaves the class alone leaves the sample alone. */
	patch_rec("plots", plot, "ecology", "{\"address\":\"北京市门头沟区测试路1号\"}");
	patch_rec("plots", plot, "ecology", "{\"planned_use\":\"R1\"}");
	rec = get_rec("soil-samples", s);
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 2,
	             "no new version where exceedances do not change: %s", json_dumps(rec, 0));
	json_decref(rec);
	char *same = expect_open("sample-exceeds-screening", "soil-samples", s, plot, AGRICULTURE);
	cr_assert_str_eq(same, f);

	/* Back to class II: a third version without exceedances; the finding resolves. */
	patch_rec("plots", plot, "ecology", "{\"planned_use\":\"B1\"}");
	rec = get_rec("soil-samples", s);
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 3);
	cr_assert_eq(json_array_size(json_object_get(rec, "exceedances")), 0);
	json_decref(rec);
	expect_resolved("sample-exceeds-screening", "soil-samples", s, f);

	/* Planned use removed: unknown use is held to class I, the stricter. */
	patch_rec("plots", plot, "ecology", "{\"planned_use\":null}");
	rec = get_rec("soil-samples", s);
	cr_assert_eq(json_integer_value(json_object_get(rec, "version")), 4, "%s",
	             json_dumps(rec, 0));
	x = json_array_get(json_object_get(rec, "exceedances"), 0);
	cr_assert_not_null(x, "class I when the planned use is unknown: %s", json_dumps(rec, 0));
	cr_assert_str_eq(json_string_value(json_object_get(x, "land_class")), "I");
	json_decref(rec);
	char *f2 = expect_open("sample-exceeds-screening", "soil-samples", s, plot, AGRICULTURE);
	cr_assert_str_neq(f2, f);
	free(plot_key);
	free(request_id);
	free(cursor);
}

/* ---- findings in the feed and in GET /v1/findings -------------------------------------- */

Test(rules, findings_are_in_the_change_feed, .timeout = 120)
{
	char *cursor = feed_latest(NULL);
	char *missing = uniq(D "-FEED");
	char *tr = create("land-right-transfers", "planning", transfer(missing));
	char *fid =
	    expect_open("transfer-without-survey", "land-right-transfers", tr, missing, PLANNING);
	put_rec("plots", missing, "ecology", plot_body(D, "cleared", "M1"));
	expect_resolved("transfer-without-survey", "land-right-transfers", tr, fid);

	json_t *changes = feed_of(cursor, "findings", fid, 2);
	cr_assert_eq(json_array_size(changes), 2, "opened and resolved: %s",
	             json_dumps(changes, 0));
	for (size_t i = 0; i < 2; i++) {
		json_t *c = json_array_get(changes, i);
		cr_assert_str_eq(json_string_value(json_object_get(c, "dataset")), "findings");
		cr_assert_eq(json_integer_value(json_object_get(c, "version")), (json_int_t)i + 1,
		             "%s", json_dumps(changes, 0));
		cr_assert_str_eq(json_string_value(json_object_get(c, "publisher")), "soilshare");
		cr_assert_str_eq(json_string_value(json_object_get(c, "op")), "upsert");
		json_t *rec = json_object_get(c, "record");
		cr_assert_str_eq(json_string_value(json_object_get(rec, "id")), fid);
		cr_assert_str_eq(json_string_value(json_object_get(rec, "rule")),
		                 "transfer-without-survey");
		cr_assert_str_eq(json_string_value(json_object_get(rec, "status")),
		                 i == 0 ? "open" : "resolved");
		if (i == 0)
			cr_assert(json_is_null(json_object_get(rec, "resolved_at")));
		else
			assert_nonempty_string(rec, "resolved_at");
	}
	json_decref(changes);
	/* Not in a feed of other datasets. */
	changes = feed_of(cursor, "plots,land-right-transfers", fid, 0);
	cr_assert_eq(json_array_size(changes), 0);
	json_decref(changes);
	free(cursor);
}

/* The items of a one-page findings list. */
static json_t *list_items(const char *path)
{
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	cr_assert_null(json_object_get(r->json, "next_cursor"),
	               "%s fits in one page of 1000 (else widen the test)", path);
	json_t *items = json_incref(json_object_get(r->json, "items"));
	resp_free(r);
	return items;
}

static bool listed(json_t *items, const char *fid)
{
	return by_id(items, fid) != NULL;
}

Test(rules, findings_list_filters, .timeout = 120)
{
	/* F1: an open transfer finding; F2: an open construction finding; F3: a resolved one. */
	char *p1 = plot_in("suspected", "M1");
	char *t1 = create("land-right-transfers", "planning", transfer(p1));
	char *f1 = expect_open("transfer-without-survey", "land-right-transfers", t1, p1, PLANNING);
	char *p2 = plot_in("detailed_survey", "M1");
	char *c2 = create("construction-permits", "housing", permit(p2, false));
	char *f2 =
	    expect_open("construction-without-survey", "construction-permits", c2, p2, HOUSING);
	char *p3 = uniq(D "-FILTER");
	char *t3 = create("land-right-transfers", "planning", transfer(p3));
	char *f3 = expect_open("transfer-without-survey", "land-right-transfers", t3, p3, PLANNING);
	put_rec("plots", p3, "ecology", plot_body(D, "cleared", "M1"));
	expect_resolved("transfer-without-survey", "land-right-transfers", t3, f3);

	size_t i;
	json_t *it;
	/* status */
	json_t *items = list_items("/v1/findings?district=" D "&status=open&limit=1000");
	json_array_foreach(items, i, it)
	    cr_assert_str_eq(json_string_value(json_object_get(it, "status")), "open");
	cr_assert(listed(items, f1) && listed(items, f2) && !listed(items, f3));
	json_decref(items);
	items = list_items("/v1/findings?district=" D "&status=resolved&limit=1000");
	json_array_foreach(items, i, it)
	    cr_assert_str_eq(json_string_value(json_object_get(it, "status")), "resolved");
	cr_assert(listed(items, f3) && !listed(items, f1) && !listed(items, f2));
	json_decref(items);
	char *path = strfmt("/v1/findings?plot_id=%s", p3);
	items = list_items(path);
	cr_assert(listed(items, f3), "no status filter: resolved ones too");
	json_decref(items);
	free(path);

	/* rule (one, and any of several) */
	items = list_items("/v1/findings?district=" D "&rule=transfer-without-survey&limit=1000");
	json_array_foreach(items, i, it) cr_assert_str_eq(
	    json_string_value(json_object_get(it, "rule")), "transfer-without-survey");
	cr_assert(listed(items, f1) && listed(items, f3) && !listed(items, f2));
	json_decref(items);
	items = list_items("/v1/findings?district=" D
	                   "&rule=transfer-without-survey,construction-without-survey"
	                   "&status=open&limit=1000");
	cr_assert(listed(items, f1) && listed(items, f2));
	json_array_foreach(items, i, it)
	{
		const char *rule = json_string_value(json_object_get(it, "rule"));
		cr_assert(strcmp(rule, "transfer-without-survey") == 0 ||
		              strcmp(rule, "construction-without-survey") == 0,
		          "%s", rule);
	}
	json_decref(items);

	/* district */
	items = list_items("/v1/findings?district=" D "&limit=1000");
	json_array_foreach(items, i, it)
	    cr_assert_str_eq(json_string_value(json_object_get(it, "district")), D);
	cr_assert(listed(items, f1) && listed(items, f2) && listed(items, f3));
	json_decref(items);
	struct resp *r =
	    call("GET", "/v1/findings?district=110116&limit=1000", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	{
		cr_assert_str_eq(json_string_value(json_object_get(it, "district")), "110116");
		cr_assert_str_neq(json_string_value(json_object_get(it, "id")), f1);
	}
	resp_free(r);

	/* agency */
	items = list_items("/v1/findings?district=" D "&agency=housing&limit=1000");
	json_array_foreach(items, i, it)
	{
		bool has = false;
		size_t k;
		json_t *a;
		json_array_foreach(json_object_get(it, "agencies"), k, a) has =
		    has || strcmp(json_string_value(a), "housing") == 0;
		cr_assert(has, "agency=housing: %s", json_dumps(it, 0));
	}
	cr_assert(listed(items, f2) && !listed(items, f1));
	json_decref(items);
	items = list_items("/v1/findings?district=" D "&agency=planning&limit=1000");
	cr_assert(listed(items, f1) && listed(items, f3) && !listed(items, f2));
	json_decref(items);
	items = list_items("/v1/findings?district=" D "&agency=ecology&limit=1000");
	cr_assert(listed(items, f1) && listed(items, f2) && listed(items, f3),
	          "ecology must act on every rule");
	json_decref(items);

	/* plot_id */
	path = strfmt("/v1/findings?plot_id=%s", p1);
	items = list_items(path);
	cr_assert_eq(json_array_size(items), 1, "%s", json_dumps(items, 0));
	cr_assert(listed(items, f1));
	json_decref(items);
	free(path);
	path = strfmt("/v1/findings?plot_id=%s&rule=construction-without-survey", p1);
	items = list_items(path);
	cr_assert_eq(json_array_size(items), 0, "%s", json_dumps(items, 0));
	json_decref(items);
	free(path);
	path = strfmt("/v1/findings?plot_id=%s,%s&status=open", p1, p2);
	items = list_items(path);
	cr_assert(listed(items, f1) && listed(items, f2), "%s", json_dumps(items, 0));
	json_decref(items);
	free(path);
}

Test(rules, findings_bad_filters_are_400)
{
	const char *bad[] = {
	    "/v1/findings?rule=no-such-rule",
	    "/v1/findings?rule=transfer-without-survey,no-such-rule",
	    "/v1/findings?status=closed",
	    "/v1/findings?limit=0",
	    "/v1/findings?colour=red",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = call("GET", bad[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
	}
}

Test(rules, findings_pages_and_csv, .timeout = 120)
{
	char *plot = plot_in("listed", "R2");
	char *fids[3];
	for (int k = 0; k < 3; k++) {
		char *cp = create("construction-permits", "housing", permit(plot, false));
		fids[k] = expect_open("construction-on-listed-plot", "construction-permits", cp,
		                      plot, HOUSING);
	}
	/* limit=1: three pages, ids ascending, each once. */
	char *cursor = NULL;
	char last[64] = "";
	int seen = 0, pages = 0;
	for (;;) {
		char *path = strfmt("/v1/findings?plot_id=%s&limit=1%s%s", plot,
		                    cursor ? "&cursor=" : "", cursor ? cursor : "");
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
		json_t *items = json_object_get(r->json, "items");
		cr_assert_leq(json_array_size(items), 1);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			const char *id = json_string_value(json_object_get(it, "id"));
			cr_assert_gt(strcmp(id, last), 0, "ascending: %s after %s", id, last);
			snprintf(last, sizeof(last), "%s", id);
			bool mine = false;
			for (int k = 0; k < 3; k++)
				mine = mine || strcmp(id, fids[k]) == 0;
			cr_assert(mine, "%s is one of the plot's findings", id);
			seen++;
		}
		pages++;
		free(cursor);
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		cursor = next ? strdup(next) : NULL;
		if (cursor) {
			const char *link = resp_header(r, "Link");
			cr_assert(link && strstr(link, cursor) && strstr(link, "rel=\"next\""),
			          "Link header: %s", link ? link : "(none)");
		}
		resp_free(r);
		free(path);
		if (!cursor)
			break;
		cr_assert_lt(pages, 10);
	}
	cr_assert_eq(seen, 3);
	cr_assert_geq(pages, 3);

	/* CSV */
	const char *h[] = {"Accept: text/csv", NULL};
	char *path = strfmt("/v1/findings?plot_id=%s", plot);
	struct resp *r = call("GET", path, key_of("water"), NULL, h);
	cr_assert_eq(r->status, 200, "%s", r->body);
	const char *ct = resp_header(r, "Content-Type");
	cr_assert(ct && strncmp(ct, "text/csv", 8) == 0, "%s", ct ? ct : "(none)");
	const char header[] = "id,rule,severity,status,message_zh,message_en,district,plot_id,"
	                      "link,records,agencies,opened_at,resolved_at";
	cr_assert(strncmp(r->body, header, strlen(header)) == 0 &&
	              (r->body[strlen(header)] == '\r' || r->body[strlen(header)] == '\n'),
	          "header row: %.200s", r->body);
	for (int k = 0; k < 3; k++)
		cr_assert(strstr(r->body, fids[k]), "row for %s: %s", fids[k], r->body);
	cr_assert(strstr(r->body, "construction-on-listed-plot,high,open"), "%s", r->body);
	resp_free(r);
	free(path);
	free(cursor);
}

/* ---- thresholds through real samples --------------------------------------------------- */

/* Creates a sample (by ecology) and returns its exceedances (new ref); *id gets its id. */
static json_t *sample_exceedances(const char *body, char **id)
{
	*id = create("soil-samples", "ecology", body);
	json_t *rec = get_rec("soil-samples", *id);
	json_t *e = json_incref(json_object_get(rec, "exceedances"));
	cr_assert(json_is_array(e), "exceedances always present: %s", json_dumps(rec, 0));
	json_decref(rec);
	return e;
}

/* The rule of the one open sample finding for the sample, or NULL when none. */
static const char *sample_rule(const char *sid)
{
	json_t *all = findings_citing(SAMPLE_RULES, "soil-samples", sid);
	json_t *open = with_status(all, "open");
	cr_assert_leq(json_array_size(open), 1, "one finding per sample: %s", json_dumps(open, 0));
	static char rule[64];
	const char *r = NULL;
	if (json_array_size(open) == 1) {
		snprintf(rule, sizeof(rule), "%s",
		         json_string_value(json_object_get(json_array_get(open, 0), "rule")));
		r = rule;
	}
	json_decref(open);
	json_decref(all);
	return r;
}

struct expect_exc {
	const char *pollutant;
	const char *value; /* as sent */
	const char *level; /* NULL: no exceedance */
	double limit;
};

/* Checks one single-result sample: its exceedance (or none) and its finding. */
static void check_sample(const char *what, const char *body, const struct expect_exc *x,
                         const char *unit, const char *standard, const char *land_class,
                         const char *ph_band)
{
	char *sid;
	json_t *e = sample_exceedances(body, &sid);
	const char *rule = sample_rule(sid);
	if (!x->level) {
		cr_assert_eq(json_array_size(e), 0, "%s: %s %s is not above its limit: %s", what,
		             x->pollutant, x->value, json_dumps(e, 0));
		cr_assert_null(rule, "%s: %s %s opens no finding (got %s)", what, x->pollutant,
		               x->value, rule ? rule : "");
	} else {
		cr_assert_eq(json_array_size(e), 1, "%s: %s %s exceeds: %s", what, x->pollutant,
		             x->value, json_dumps(e, 0));
		json_t *it = json_array_get(e, 0);
		const char *dump = json_dumps(it, 0);
		cr_assert_str_eq(json_string_value(json_object_get(it, "pollutant")), x->pollutant);
		cr_assert_str_eq(json_string_value(json_object_get(it, "level")), x->level,
		                 "%s: %s %s level: %s", what, x->pollutant, x->value, dump);
		cr_assert_str_eq(json_string_value(json_object_get(it, "standard")), standard);
		cr_assert_str_eq(json_string_value(json_object_get(it, "unit")), unit);
		double value = atof(x->value);
		cr_assert(fabs(json_number_value(json_object_get(it, "value")) - value) < 1e-9,
		          "%s: value %s: %s", what, x->value, dump);
		cr_assert(fabs(json_number_value(json_object_get(it, "limit")) - x->limit) < 1e-9,
		          "%s: %s %s limit %g: %s", what, x->pollutant, x->value, x->limit, dump);
		cr_assert(fabs(json_number_value(json_object_get(it, "ratio")) - value / x->limit) <
		              1e-4,
		          "%s: ratio = value / limit: %s", what, dump);
		if (land_class) {
			cr_assert_str_eq(json_string_value(json_object_get(it, "land_class")),
			                 land_class, "%s: %s", what, dump);
			cr_assert_null(json_object_get(it, "ph_band"), "%s", dump);
		}
		if (ph_band) {
			cr_assert_str_eq(json_string_value(json_object_get(it, "ph_band")), ph_band,
			                 "%s: %s %s band: %s", what, x->pollutant, x->value, dump);
			cr_assert_null(json_object_get(it, "land_class"), "%s", dump);
		}
		const char *want = strcmp(x->level, "intervention") == 0
		                       ? "sample-exceeds-intervention"
		                       : "sample-exceeds-screening";
		cr_assert(rule && strcmp(rule, want) == 0, "%s: %s %s opens %s (got %s)", what,
		          x->pollutant, x->value, want, rule ? rule : "none");
	}
	json_decref(e);
	free(sid);
}

Test(rules, gb36600_thresholds_by_land_class, .timeout = 240)
{
	static const struct {
		const char *use, *cls;
		struct expect_exc x;
	} cases[] = {
	    /* class I (R2): As 20 / 120, Pb 400 / 800 */
	    {"R2", "I", {"As", "19.99", NULL, 0}},
	    {"R2", "I", {"As", "20", NULL, 0}},
	    {"R2", "I", {"As", "20.01", "screening", 20}},
	    {"R2", "I", {"As", "119.99", "screening", 20}},
	    {"R2", "I", {"As", "120", "screening", 20}},
	    {"R2", "I", {"As", "120.01", "intervention", 120}},
	    {"R2", "I", {"Pb", "399.99", NULL, 0}},
	    {"R2", "I", {"Pb", "400", NULL, 0}},
	    {"R2", "I", {"Pb", "400.01", "screening", 400}},
	    {"R2", "I", {"Pb", "799.99", "screening", 400}},
	    {"R2", "I", {"Pb", "800", "screening", 400}},
	    {"R2", "I", {"Pb", "800.01", "intervention", 800}},
	    /* class II (M1): As 60 / 140, Pb 800 / 2500 */
	    {"M1", "II", {"As", "59.99", NULL, 0}},
	    {"M1", "II", {"As", "60", NULL, 0}},
	    {"M1", "II", {"As", "60.01", "screening", 60}},
	    {"M1", "II", {"As", "139.99", "screening", 60}},
	    {"M1", "II", {"As", "140", "screening", 60}},
	    {"M1", "II", {"As", "140.01", "intervention", 140}},
	    {"M1", "II", {"Pb", "799.99", NULL, 0}},
	    {"M1", "II", {"Pb", "800", NULL, 0}},
	    {"M1", "II", {"Pb", "800.01", "screening", 800}},
	    {"M1", "II", {"Pb", "2499.99", "screening", 800}},
	    {"M1", "II", {"Pb", "2500", "screening", 800}},
	    {"M1", "II", {"Pb", "2500.01", "intervention", 2500}},
	    /* other class I uses */
	    {"A33", "I", {"As", "20.01", "screening", 20}},
	    {"G1-C", "I", {"As", "20.01", "screening", 20}},
	    /* other class II uses */
	    {"A31", "II", {"As", "20.01", NULL, 0}},
	    {"G1", "II", {"As", "60.01", "screening", 60}},
	};
	char *plot_i = plot_in("preliminary_survey", "R2");
	char *plot_ii = plot_in("preliminary_survey", "M1");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *plot = strcmp(cases[i].use, "R2") == 0 ? plot_i
		             : strcmp(cases[i].use, "M1") == 0
		                 ? plot_ii
		                 : plot_in("preliminary_survey", cases[i].use);
		char *res = results1(cases[i].x.pollutant, cases[i].x.value, "mg/kg");
		char *body = plot_sample(plot, res);
		char what[64];
		snprintf(what, sizeof(what), "class %s (%s)", cases[i].cls, cases[i].use);
		check_sample(what, body, &cases[i].x, "mg/kg", "GB36600", cases[i].cls, NULL);
		free(res);
		free(body);
	}
}

Test(rules, gb15618_thresholds_by_ph_band, .timeout = 300)
{
	static const struct {
		const char *ph, *band;
		double cd, as, pb;           /* screening values */
		const char *cd_at, *cd_over; /* at and just above Cd screening */
		const char *as_at, *as_over;
		const char *pb_at, *pb_over;
	} bands[] = {
	    {"5.5", "le5.5", 0.3, 40, 70, "0.3", "0.31", "40", "40.01", "70", "70.01"},
	    {"5.51", "5.5-6.5", 0.3, 40, 90, "0.3", "0.31", "40", "40.01", "90", "90.01"},
	    {"6.5", "5.5-6.5", 0.3, 40, 90, "0.3", "0.31", "40", "40.01", "90", "90.01"},
	    {"6.51", "6.5-7.5", 0.3, 30, 120, "0.3", "0.31", "30", "30.01", "120", "120.01"},
	    {"7.5", "6.5-7.5", 0.3, 30, 120, "0.3", "0.31", "30", "30.01", "120", "120.01"},
	    {"7.51", "gt7.5", 0.6, 25, 170, "0.6", "0.61", "25", "25.01", "170", "170.01"},
	};
	/* A strict-control unit: the mismatch rule stays out of the way. */
	char *unit = make_farmland_unit(D, "strict_control");
	for (size_t b = 0; b < sizeof(bands) / sizeof(bands[0]); b++) {
		const struct expect_exc xs[] = {
		    {"Cd", bands[b].cd_at, NULL, 0},
		    {"Cd", bands[b].cd_over, "screening", bands[b].cd},
		    {"As", bands[b].as_at, NULL, 0},
		    {"As", bands[b].as_over, "screening", bands[b].as},
		    {"Pb", bands[b].pb_at, NULL, 0},
		    {"Pb", bands[b].pb_over, "screening", bands[b].pb},
		};
		for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
			char *res = results1(xs[k].pollutant, xs[k].value, "mg/kg");
			char *body = farm_sample(unit, bands[b].ph, res);
			char what[64];
			snprintf(what, sizeof(what), "pH %s", bands[b].ph);
			check_sample(what, body, &xs[k], "mg/kg", "GB15618", NULL, bands[b].band);
			free(res);
			free(body);
		}
	}
	/* Control values at their band edges: at is screening, just above is intervention. */
	static const struct {
		const char *ph, *band;
		struct expect_exc x;
	} control[] = {
	    {"5.5", "le5.5", {"Cd", "1.5", "screening", 0.3}},
	    {"5.5", "le5.5", {"Cd", "1.51", "intervention", 1.5}},
	    {"6.5", "5.5-6.5", {"Cd", "2.01", "intervention", 2.0}},
	    {"6.51", "6.5-7.5", {"Cd", "2.01", "screening", 0.3}},
	    {"7.5", "6.5-7.5", {"Cd", "3.01", "intervention", 3.0}},
	    {"7.51", "gt7.5", {"Cd", "3.01", "screening", 0.6}},
	    {"7.51", "gt7.5", {"Cd", "4.01", "intervention", 4.0}},
	    {"5.51", "5.5-6.5", {"As", "150", "screening", 40}},
	    {"5.51", "5.5-6.5", {"As", "150.01", "intervention", 150}},
	    {"7.51", "gt7.5", {"As", "100.01", "intervention", 100}},
	    {"7.5", "6.5-7.5", {"As", "100.01", "screening", 30}},
	};
	for (size_t i = 0; i < sizeof(control) / sizeof(control[0]); i++) {
		char *res = results1(control[i].x.pollutant, control[i].x.value, "mg/kg");
		char *body = farm_sample(unit, control[i].ph, res);
		char what[64];
		snprintf(what, sizeof(what), "pH %s", control[i].ph);
		check_sample(what, body, &control[i].x, "mg/kg", "GB15618", NULL, control[i].band);
		free(res);
		free(body);
	}
}

Test(rules, microgram_results_are_converted, .timeout = 120)
{
	char *plot = plot_in("preliminary_survey", "R2"); /* class I: As 20 / 120 mg/kg */
	static const struct expect_exc plot_cases[] = {
	    {"As", "20000", NULL, 0},
	    {"As", "25000", "screening", 20000},
	    {"As", "120000", "screening", 20000},
	    {"As", "130000", "intervention", 120000},
	};
	for (size_t i = 0; i < 4; i++) {
		char *res = results1(plot_cases[i].pollutant, plot_cases[i].value, "μg/kg");
		char *body = plot_sample(plot, res);
		check_sample("μg/kg, class I", body, &plot_cases[i], "μg/kg", "GB36600", "I", NULL);
		free(res);
		free(body);
	}
	char *unit = make_farmland_unit(D, "strict_control");
	static const struct expect_exc farm_cases[] = {
	    {"Cd", "600", NULL, 0}, /* pH 7.6: Cd 0.6 mg/kg */
	    {"Cd", "650", "screening", 600},
	    {"Cd", "4500", "intervention", 4000},
	};
	for (size_t i = 0; i < 3; i++) {
		char *res = results1(farm_cases[i].pollutant, farm_cases[i].value, "μg/kg");
		char *body = farm_sample(unit, "7.6", res);
		check_sample("μg/kg, pH 7.6", body, &farm_cases[i], "μg/kg", "GB15618", NULL,
		             "gt7.5");
		free(res);
		free(body);
	}
	/* Mixed units in one sample: each result against its own unit's limit. */
	char *mixed =
	    plot_sample(plot, "[{\"pollutant\":\"As\",\"value\":19000,\"unit\":\"μg/kg\"},"
	                      "{\"pollutant\":\"Pb\",\"value\":0.5,\"unit\":\"mg/kg\"}]");
	char *sid;
	json_t *e = sample_exceedances(mixed, &sid);
	cr_assert_eq(json_array_size(e), 0, "19 mg/kg As and 0.5 mg/kg Pb: %s", json_dumps(e, 0));
	json_decref(e);
	free(sid);
	free(mixed);
}

/* ---- the 名录 as SPEC §4 and §5 now have it --------------------------------------------- */

/* The finding's message_zh says statuses and uses in Chinese, never the English codes. */
static void expect_zh(const char *rule, const char *dataset, const char *id, const char *want,
                      const char *never)
{
	json_t *open = with_status(findings_citing(rule, dataset, id), "open");
	const char *zh = json_string_value(json_object_get(json_array_get(open, 0), "message_zh"));
	cr_assert(zh && strstr(zh, want), "message_zh says %s: %s", want, zh ? zh : "(none)");
	cr_assert(!strstr(zh, never), "message_zh has no %s: %s", never, zh);
	json_decref(open);
}

/* Task 5: residential, commercial and all public-service land, not only class I. */
Test(rules, sensitive_use_is_the_task_5_scope, .timeout = 120)
{
	char *plot = plot_in("preliminary_survey", "M1");
	char *b1 = land_use_change(plot, "B1");
	char *a1 = planning_permit(plot, "A1");
	char *m1 = land_use_change(plot, "M1");
	char *g1 = land_supply(plot, "G1");
	char *c1 = create("land-use-changes", "planning", b1);
	char *c2 = create("planning-permits", "planning", a1);
	char *c3 = create("land-use-changes", "planning", m1);
	char *c4 = create("land-supply-plans", "planning", g1);
	free(expect_open("sensitive-use-before-clearance", "land-use-changes", c1, plot, PLANNING));
	free(expect_open("sensitive-use-before-clearance", "planning-permits", c2, plot, PLANNING));
	expect_none_open("sensitive-use-before-clearance", "land-use-changes", c3);
	expect_none_open("sensitive-use-before-clearance", "land-supply-plans", c4);
	expect_zh("sensitive-use-before-clearance", "land-use-changes", c1, "商业服务业设施用地",
	          "preliminary_survey");
	expect_zh("sensitive-use-before-clearance", "land-use-changes", c1, "初步调查", "B1 is");
	free(plot), free(b1), free(a1), free(m1), free(g1), free(c1), free(c2), free(c3), free(c4);
}

/* A plot cleared for industry (class II) and rezoned to housing: the clearance does not
 * cover the class-I use, until the plot is cleared again for it. */
Test(rules, class_one_use_on_a_plot_cleared_for_class_two, .timeout = 120)
{
	char *plot = plot_in("detailed_survey", "M1");
	plot_status(plot, "cleared"); /* detailed_survey -> cleared: stages merged */
	json_t *p = get_rec("plots", plot);
	cr_assert_str_eq(json_string_value(json_object_get(p, "cleared_for")), "II");
	char today[16];
	beijing_date(0, today, sizeof(today));
	cr_assert_str_eq(json_string_value(json_object_get(p, "cleared_on")), today);
	json_decref(p);

	char *r2 = land_use_change(plot, "R2");
	char *b1 = land_use_change(plot, "B1");
	char *housing = create("land-use-changes", "planning", r2);
	char *shops = create("land-use-changes", "planning", b1);
	char *fid = expect_open("sensitive-use-before-clearance", "land-use-changes", housing, plot,
	                        PLANNING);
	expect_none_open("sensitive-use-before-clearance", "land-use-changes", shops);
	expect_zh("sensitive-use-before-clearance", "land-use-changes", housing, "第二类用地",
	          "cleared");

	/* A survey again (cleared -> preliminary_survey): cleared_for goes; the finding stays. */
	plot_status(plot, "preliminary_survey");
	p = get_rec("plots", plot);
	cr_assert(json_is_null(json_object_get(p, "cleared_for")), "%s", json_dumps(p, 0));
	json_decref(p);
	free(expect_open("sensitive-use-before-clearance", "land-use-changes", housing, plot,
	                 PLANNING));
	free(expect_open("sensitive-use-before-clearance", "land-use-changes", shops, plot,
	                 PLANNING));

	/* Cleared again, now for housing (class I): both resolve. */
	patch_rec("plots", plot, "ecology", "{\"planned_use\":\"R2\",\"status\":\"cleared\"}");
	p = get_rec("plots", plot);
	cr_assert_str_eq(json_string_value(json_object_get(p, "cleared_for")), "I");
	json_decref(p);
	expect_resolved("sensitive-use-before-clearance", "land-use-changes", housing, fid);
	expect_none_open("sensitive-use-before-clearance", "land-use-changes", shops);
	free(plot), free(r2), free(b1), free(housing), free(shops), free(fid);
}

/* A sample opens a finding only where the plot's status does not account for it. */
Test(rules, samples_the_plot_status_accounts_for, .timeout = 120)
{
	char *res = results1("benzene", "5.6", "mg/kg");
	char *surveyed = plot_in("exceeds_screening", "R2");
	char *body = plot_sample(surveyed, res);
	char *s1 = create("soil-samples", "ecology", body);
	free(body);
	expect_none_open(SAMPLE_RULES, "soil-samples", s1);

	char *suspected = plot_in("suspected", "R2");
	body = plot_sample(suspected, res);
	char *s2 = create("soil-samples", "ecology", body);
	free(body);
	char *fid = expect_open("sample-exceeds-screening", "soil-samples", s2, suspected, ECOLOGY);
	expect_zh("sample-exceeds-screening", "soil-samples", s2, "苯", "benzene");
	/* The survey takes it up: the plot's status now accounts for the sample. */
	plot_status(suspected, "preliminary_survey");
	free(expect_open("sample-exceeds-screening", "soil-samples", s2, suspected, ECOLOGY));
	plot_status(suspected, "exceeds_screening");
	expect_resolved("sample-exceeds-screening", "soil-samples", s2, fid);

	/* A plot imported cleared on 2023-06-30: a later sample is the real warning, an
	 * earlier one was part of the survey that cleared it. */
	char *pb = plot_body(D, "cleared", "R2");
	json_t *pj = json_loads(pb, 0, NULL);
	json_object_set_new(pj, "cleared_on", json_string("2023-06-30"));
	char *cleared_body = json_dumps(pj, JSON_COMPACT);
	char *cleared = create("plots", "ecology", cleared_body);
	char *after =
	    strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"sampled_on\":\"2024-07-01\","
	           "\"results\":%s}",
	           cleared, res);
	char *before =
	    strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"sampled_on\":\"2023-05-01\","
	           "\"results\":%s}",
	           cleared, res);
	char *s3 = create("soil-samples", "ecology", after);
	char *s4 = create("soil-samples", "ecology", before);
	free(expect_open("sample-exceeds-screening", "soil-samples", s3, cleared, ECOLOGY));
	expect_none_open(SAMPLE_RULES, "soil-samples", s4);
	json_decref(pj);
	free(res), free(surveyed), free(s1), free(suspected), free(s2), free(fid), free(pb);
	free(cleared_body), free(cleared), free(after), free(before), free(s3), free(s4);
}
