/* GET /v1/statistics over HTTP (SPEC §10): plots by status, open findings by rule and the
 * three safe-use rates of a district, with the ids behind them, today and on a past day. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "samples.h"

/* Shunyi (110113) is written by one test of this file only among the end-to-end tests, so that
 * its figures change by exactly what that test writes. */
#define D "110113"

static const char *const RATES[] = {"key_construction_land_safe_use", "contaminated_plot_safe_use",
                                    "contaminated_farmland_safe_use"};

/* Creates a record of `dataset` in D with `body` (which it frees); returns its id. */
static char *create(const char *dataset, char *body)
{
	char *id = sample_id(dataset, D);
	char *path = strfmt("/v1/%s/%s", dataset, id);
	struct resp *r = call("PUT", path, key_of(sample_publisher(dataset)), body, NULL);
	cr_assert_eq(r->status, 201, "creating %s: %ld %s", path, r->status, r->body);
	resp_free(r);
	free(path);
	free(body);
	return id;
}

static char *plot(const char *status)
{
	return create("plots", plot_body(D, status, "M1"));
}

static char *farmland(const char *klass, double area_mu, const char *measures)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:f}", "district", D, "land_type", "cropland",
	                      "class", klass, "area_mu", area_mu);
	if (measures)
		json_object_set_new(j, "measures", json_string(measures));
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return create("farmland-units", body);
}

static char *construction_permit(const char *plot_id)
{
	return create("construction-permits",
	              strfmt("{\"project\":\"统计测试项目\",\"plot_id\":\"%s\",\"district\":\"" D
	                     "\","
	                     "\"issued_on\":\"2024-05-01\"}",
	                     plot_id));
}

static void move_plot(const char *id, const char *status)
{
	static const char *const merge[] = {"Content-Type: application/merge-patch+json", NULL};
	char *path = strfmt("/v1/plots/%s", id);
	char *body = strfmt("{\"status\":\"%s\"}", status);
	struct resp *r = call("PATCH", path, key_of("ecology"), body, merge);
	cr_assert_eq(r->status, 200, "PATCH %s to %s: %ld %s", path, status, r->status, r->body);
	resp_free(r);
	free(body);
	free(path);
}

/* The statistics (new ref); `as_of` NULL for today. */
static json_t *statistics(const char *as_of)
{
	char *path = as_of ? strfmt("/v1/statistics?as_of=%s", as_of) : strfmt("/v1/statistics");
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "GET %s: %ld %s", path, r->status, r->body);
	cr_assert(strncmp(resp_header(r, "Content-Type"), "application/json", 16) == 0);
	json_t *j = json_incref(r->json);
	cr_assert_not_null(j, "%s", r->body);
	resp_free(r);
	free(path);
	return j;
}

static json_t *district_of(json_t *stats, const char *code)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(stats, "districts"), i, d)
	{
		if (strcmp(json_string_value(json_object_get(d, "code")), code) == 0)
			return d;
	}
	cr_assert_fail("district %s is not in the statistics", code);
	return NULL;
}

static json_t *rate_of(json_t *scope, const char *name)
{
	json_t *r = json_object_get(json_object_get(scope, "rates"), name);
	cr_assert_not_null(r, "rate %s missing", name);
	return r;
}

static bool has_id(json_t *rate, const char *member, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(rate, member), i, v)
	{
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	}
	return false;
}

/* Where the id is: 2 in both sets, 1 in the denominator only, 0 in neither. */
static int placed(json_t *scope, const char *rate, const char *id)
{
	json_t *r = rate_of(scope, rate);
	bool num = has_id(r, "numerator_ids", id), den = has_id(r, "denominator_ids", id);
	cr_assert(!num || den, "%s: %s is in the numerator but not the denominator", rate, id);
	return num ? 2 : den ? 1 : 0;
}

static double number(json_t *obj, const char *member)
{
	json_t *v = json_object_get(obj, member);
	cr_assert(json_is_number(v), "%s is not a number", member);
	return json_number_value(v);
}

static json_int_t count_in(json_t *scope, const char *group, const char *key)
{
	json_t *v = json_object_get(json_object_get(scope, group), key);
	cr_assert(json_is_integer(v), "%s.%s is not an integer", group, key);
	return json_integer_value(v);
}

/* A rate agrees with itself: the counts are those of its ids (for plots), the numerator's ids
 * are among the denominator's, and the rate is their quotient, null on a zero denominator. */
static void assert_consistent(json_t *rate, const char *name)
{
	json_t *num_ids = json_object_get(rate, "numerator_ids");
	json_t *den_ids = json_object_get(rate, "denominator_ids");
	cr_assert(json_is_array(num_ids) && json_is_array(den_ids), "%s ids", name);
	size_t i;
	json_t *v;
	json_array_foreach(num_ids, i, v)
	    cr_assert(has_id(rate, "denominator_ids", json_string_value(v)));
	double num = number(rate, "numerator"), den = number(rate, "denominator");
	const char *unit = json_string_value(json_object_get(rate, "unit"));
	cr_assert_not_null(unit);
	if (strcmp(unit, "plots") == 0) {
		cr_assert_eq((size_t)num, json_array_size(num_ids), "%s numerator", name);
		cr_assert_eq((size_t)den, json_array_size(den_ids), "%s denominator", name);
	} else {
		cr_assert_str_eq(unit, "mu");
	}
	json_t *q = json_object_get(rate, "rate");
	if (den == 0)
		cr_assert(json_is_null(q), "%s: a zero denominator gives a null rate", name);
	else
		cr_assert(json_is_number(q) && fabs(json_number_value(q) - num / den) < 1e-9,
		          "%s: rate %f for %f / %f", name, json_number_value(q), num, den);
}

/* Yesterday in Beijing, as seen at `t`. */
static void beijing_yesterday(time_t t, char out[11])
{
	time_t y = t + 8 * 3600 - 24 * 3600;
	struct tm tm;
	gmtime_r(&y, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

Test(statistics, a_district_counts_exactly_its_records)
{
	time_t started = time(NULL);
	json_t *before = statistics(NULL);
	json_t *d0 = district_of(before, D);

	/* 重点建设用地: A is given a residential use before its survey is done (a finding opens);
	 * B, already cleared, a commercial use (sensitive, no finding); C an industrial one (not
	 * sensitive); the change that gave I a residential use was deleted. */
	char *a = plot("risk_assessment"), *b = plot("cleared"), *c = plot("suspected");
	char *i = plot("cleared");
	free(create("land-use-changes",
	            strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"from_use\":\"M1\","
	                   "\"to_use\":\"R2\",\"approved_on\":\"2024-03-01\"}",
	                   a)));
	free(
	    create("planning-permits",
	           strfmt("{\"project\":\"统计测试商业\",\"plot_id\":\"%s\",\"district\":\"" D "\","
	                  "\"land_use\":\"B1\",\"issued_on\":\"2024-04-01\"}",
	                  b)));
	free(create("land-supply-plans",
	            strfmt("{\"year\":2025,\"plot_id\":\"%s\",\"district\":\"" D "\","
	                   "\"planned_use\":\"M1\",\"supply_mode\":\"grant\"}",
	                   c)));
	char *gone = create("land-use-changes",
	                    strfmt("{\"plot_id\":\"%s\",\"district\":\"" D "\",\"from_use\":\"M1\","
	                           "\"to_use\":\"R2\",\"approved_on\":\"2024-03-01\"}",
	                           i));
	char *path = strfmt("/v1/land-use-changes/%s", gone);
	struct resp *r = call("DELETE", path, key_of("planning"), NULL, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);

	/* 污染地块: a construction permit on L (listed: a finding opens), on E (delisted: no
	 * finding, but once contaminated) and on F (suspected, never above screening: a finding,
	 * but not a contaminated plot). H was above screening with a permit (a finding opened)
	 * and is cleared now (the finding resolved): once contaminated, and safe. */
	char *l = plot("listed"), *e = plot("delisted"), *f = plot("suspected");
	char *h = plot("exceeds_screening");
	free(construction_permit(l));
	free(construction_permit(e));
	free(construction_permit(f));
	free(construction_permit(h));
	move_plot(h, "detailed_survey");
	move_plot(h, "cleared");

	/* 受污染耕地: safe-use and strict-control units count by area; measures make them safe. */
	char *u1 = farmland("safe_use", 100, "施用石灰调节土壤酸碱度，种植低积累品种");
	char *u2 = farmland("strict_control", 50, NULL);
	char *u3 = farmland("priority_protection", 70, "保持");
	char *u4 = farmland("safe_use", 30.5, " ");

	json_t *after = statistics(NULL);
	json_t *d1 = district_of(after, D), *city = json_object_get(after, "city");

	static const char *const KEY = "key_construction_land_safe_use";
	static const char *const PLOT = "contaminated_plot_safe_use";
	static const char *const FARM = "contaminated_farmland_safe_use";
	json_t *scopes[] = {d1, city};
	for (size_t s = 0; s < 2; s++) {
		json_t *sc = scopes[s];
		cr_assert_eq(placed(sc, KEY, a), 1, "A has an open sensitive-use finding");
		cr_assert_eq(placed(sc, KEY, b), 2, "B is cleared: a sensitive use is safe");
		cr_assert_eq(placed(sc, KEY, c), 0, "C's use is not sensitive");
		cr_assert_eq(placed(sc, KEY, i), 0, "I's sensitive use was deleted");
		cr_assert_eq(placed(sc, KEY, l), 0);
		cr_assert_eq(placed(sc, PLOT, l), 1, "L has an open construction finding");
		cr_assert_eq(placed(sc, PLOT, e), 2, "E was delisted: construction is safe");
		cr_assert_eq(placed(sc, PLOT, f), 0, "F was never above screening");
		cr_assert_eq(placed(sc, PLOT, h), 2, "H was above screening; its finding resolved");
		cr_assert_eq(placed(sc, PLOT, b), 0, "B has no construction permit");
		cr_assert_eq(placed(sc, FARM, u1), 2);
		cr_assert_eq(placed(sc, FARM, u2), 1, "no measures recorded");
		cr_assert_eq(placed(sc, FARM, u3), 0, "priority protection is not contaminated");
		cr_assert_eq(placed(sc, FARM, u4), 1, "blank measures are no measures");
		for (size_t k = 0; k < 3; k++)
			assert_consistent(rate_of(sc, RATES[k]), RATES[k]);
	}

	/* The district's figures moved by exactly what this test wrote. */
	struct {
		const char *rate, *member;
		double delta;
	} moved[] = {
	    {KEY, "numerator", 1},    {KEY, "denominator", 2},  {PLOT, "numerator", 2},
	    {PLOT, "denominator", 3}, {FARM, "numerator", 100}, {FARM, "denominator", 180.5},
	};
	for (size_t k = 0; k < sizeof(moved) / sizeof(moved[0]); k++) {
		double was = number(rate_of(d0, moved[k].rate), moved[k].member);
		double is = number(rate_of(d1, moved[k].rate), moved[k].member);
		cr_assert(fabs(is - was - moved[k].delta) < 1e-9, "%s %s: %f then %f",
		          moved[k].rate, moved[k].member, was, is);
	}
	struct {
		const char *group, *key;
		json_int_t delta;
	} counted[] = {
	    {"plots_by_status", "risk_assessment", 1},
	    {"plots_by_status", "exceeds_screening", 0},
	    {"plots_by_status", "cleared", 3},
	    {"plots_by_status", "suspected", 2},
	    {"plots_by_status", "listed", 1},
	    {"plots_by_status", "delisted", 1},
	    {"plots_by_status", "closed", 0},
	    {"open_findings_by_rule", "sensitive-use-before-clearance", 1},
	    {"open_findings_by_rule", "construction-on-listed-plot", 1},
	    {"open_findings_by_rule", "construction-without-survey", 1},
	    {"open_findings_by_rule", "transfer-without-survey", 0},
	};
	for (size_t k = 0; k < sizeof(counted) / sizeof(counted[0]); k++) {
		json_int_t was = count_in(d0, counted[k].group, counted[k].key);
		json_int_t is = count_in(d1, counted[k].group, counted[k].key);
		cr_assert_eq(is - was, counted[k].delta, "%s.%s: %lld then %lld", counted[k].group,
		             counted[k].key, (long long)was, (long long)is);
	}

	/* The day before, none of it existed. */
	char yesterday[11];
	beijing_yesterday(started, yesterday);
	json_t *past = statistics(yesterday);
	cr_assert_str_eq(json_string_value(json_object_get(past, "as_of")), yesterday);
	json_t *old[] = {district_of(past, D), json_object_get(past, "city")};
	const char *mine[] = {a, b, l, e, h, u1, u2, u4};
	for (size_t s = 0; s < 2; s++)
		for (size_t k = 0; k < 3; k++)
			for (size_t m = 0; m < sizeof(mine) / sizeof(mine[0]); m++)
				cr_assert_eq(placed(old[s], RATES[k], mine[m]), 0,
				             "%s is in %s as of %s", mine[m], RATES[k], yesterday);

	char *ids[] = {a, b, c, i, gone, path, l, e, f, h, u1, u2, u3, u4};
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
		free(ids[k]);
	json_decref(before);
	json_decref(after);
	json_decref(past);
}

Test(statistics, every_district_and_the_city_with_null_rates_when_nothing_counts)
{
	json_t *s = statistics("2000-01-01");
	cr_assert_str_eq(json_string_value(json_object_get(s, "as_of")), "2000-01-01");
	/* The end of 2000-01-01 in Beijing is 16:00 UTC that day. */
	cr_assert_str_eq(json_string_value(json_object_get(s, "counted_before")),
	                 "2000-01-01T16:00:00.000000Z");
	json_t *districts = json_object_get(s, "districts");
	cr_assert_eq(json_array_size(districts), 17, "the 16 districts and E-Town");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(districts, 0), "code")),
	                 "110101");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(districts, 16), "code")),
	                 "110302");
	cr_assert_str_eq(
	    json_string_value(json_object_get(json_array_get(districts, 16), "name_zh")),
	    "北京经济技术开发区");
	json_t *scopes[18];
	for (size_t i = 0; i < 17; i++)
		scopes[i] = json_array_get(districts, i);
	scopes[17] = json_object_get(s, "city");
	for (size_t i = 0; i < 18; i++) {
		json_t *sc = scopes[i];
		cr_assert_eq(json_object_size(json_object_get(sc, "plots_by_status")), 12);
		cr_assert_eq(count_in(sc, "plots_by_status", "listed"), 0);
		cr_assert_eq(json_object_size(json_object_get(sc, "open_findings_by_rule")), 8);
		cr_assert_eq(count_in(sc, "open_findings_by_rule", "sample-exceeds-screening"), 0);
		for (size_t k = 0; k < 3; k++) {
			json_t *rate = rate_of(sc, RATES[k]);
			cr_assert_eq(number(rate, "denominator"), 0);
			cr_assert(json_is_null(json_object_get(rate, "rate")),
			          "%s: no denominator, no rate (not 100 %%)", RATES[k]);
			assert_consistent(rate, RATES[k]);
		}
	}
	json_decref(s);
}

Test(statistics, a_bad_query_is_400)
{
	static const char *const bad[] = {
	    "as_of=2024-02-30", "as_of=2024-13-01",
	    "as_of=20240630",   "as_of=yesterday",
	    "as_of=",           "as_of",
	    "district=" D,      "as_of=2024-06-30&as_of=2024-06-30",
	    "as_of=2100-12-31", /* after today */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *path = strfmt("/v1/statistics?%s", bad[i]);
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
		free(path);
	}
	struct resp *r = call("GET", "/v1/statistics", NULL, NULL, NULL);
	assert_problem(r, 401, NULL);
	resp_free(r);
}

Test(statistics, any_key_reads_them)
{
	static const char *const who[] = {"ecology", "planning", "district:110105", "economy"};
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct resp *r = call("GET", "/v1/statistics", key_of(who[i]), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %ld %s", who[i], r->status, r->body);
		resp_free(r);
	}
}
