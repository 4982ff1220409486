/* The demo data of scripts/demo, loaded through the API of a server on a database of its own,
 * opens exactly the findings, derives exactly the exceedances and gives exactly the statistics
 * that scripts/demo/EXPECTED.md lists (SPEC §5, §10). The table is read at run time: changing the
 * data or the rules without the table, or the table without them, fails here. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratchdb.h"
#include "spawn.h"

/* The files in the order scripts/run loads them (plots first, farmland units before soil
 * samples), each with the agency whose key publishes it; a soil sample that names a farmland
 * unit goes with FARMLAND_AGENCY's key. READER reads. */
static const struct {
	const char *dataset, *agency;
} load_order[] = {
    {"plots", "ecology"},
    {"supervised-units", "ecology"},
    {"land-use-changes", "planning"},
    {"planning-permits", "planning"},
    {"land-supply-plans", "planning"},
    {"land-right-transfers", "planning"},
    {"construction-permits", "housing"},
    {"closed-enterprises", "economy"},
    {"farmland-units", "agriculture"},
    {"agri-inputs", "agriculture"},
    {"effect-surveys", "agriculture"},
    {"soil-samples", "ecology"},
};
#define FARMLAND_AGENCY "agriculture"
#define READER          "water"

struct demo {
	char url[128];
	json_t *keys;    /* agency -> its key (made with the server binary's `keys create`) */
	json_t *loaded;  /* "dataset/id" -> true, for every record loaded */
	json_t *samples; /* the soil samples' ids, in file order */
};

/* What EXPECTED.md says. */
struct expected {
	json_t *rules;       /* rule -> {"severity", "open": ["dataset/id"], "near": [...]} */
	json_t *exceedances; /* sample id -> [{"pollutant", "value", "unit", "standard",
	                      * "land_class" or "ph_band", "level", "limit", "ratio"}] */
	size_t n_exceedances;
	long total; /* the sum on the "Totals:" line */
};

/* The key of `agency`, made on first use. */
static const char *key_for(struct demo *d, const char *agency)
{
	if (!json_object_get(d->keys, agency)) {
		/* "district:110105": a district key of that district. */
		bool district = strncmp(agency, "district:", 9) == 0;
		char *k =
		    create_key(district ? "district" : agency, district ? agency + 9 : NULL, NULL);
		json_object_set_new(d->keys, agency, json_string(k));
		free(k);
	}
	return json_string_value(json_object_get(d->keys, agency));
}

static void ref_of(char *out, size_t size, const char *dataset, const char *id)
{
	int n = snprintf(out, size, "%s/%s", dataset, id);
	cr_assert(n > 0 && (size_t)n < size, "record name too long: %s/%s", dataset, id);
}

/* PUTs every record of scripts/demo/`dataset`.json, each a create (201). */
static void load_file(struct demo *d, const char *dataset, const char *agency)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/scripts/demo/%s.json", need_env("SOILSHARE_ROOT"),
	         dataset);
	json_error_t err;
	json_t *records = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	cr_assert(json_is_array(records), "%s: %s (line %d)", path, err.text, err.line);
	cr_assert_gt(json_array_size(records), 0, "%s has no records", path);
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		const char *id = json_string_value(json_object_get(rec, "id"));
		cr_assert_not_null(id, "%s[%zu] has no id", path, i);
		/* Fifteen digits give back the file's decimals exactly (0.72, not 0.7199…97); the
		 * re-parse proves no number needed more. */
		char *body = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_t *again = json_loads(body, 0, NULL);
		cr_assert(json_equal(again, rec), "%s/%s does not survive 15 digits", dataset, id);
		json_decref(again);
		const char *who =
		    json_object_get(rec, "farmland_unit_id") ? FARMLAND_AGENCY : agency;
		char *eid = url_escape(id), url[1024];
		snprintf(url, sizeof(url), "%s/v1/%s/%s", d->url, dataset, eid);
		struct resp *r = call_url("PUT", url, key_for(d, who), body, NULL);
		cr_assert_eq(r->status, 201, "PUT %s/%s with the %s key: %ld %s", dataset, id, who,
		             r->status, r->body);
		resp_free(r);
		char ref[512];
		ref_of(ref, sizeof(ref), dataset, id);
		json_object_set_new(d->loaded, ref, json_true());
		if (strcmp(dataset, "soil-samples") == 0)
			json_array_append_new(d->samples, json_string(id));
		free(eid);
		free(body);
	}
	json_decref(records);
}

/* Applies scripts/demo/steps.json: status changes and deletions after the plots are in,
 * each answered with the status the step expects (a refusal among them). */
static void apply_steps(struct demo *d)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/scripts/demo/steps.json", need_env("SOILSHARE_ROOT"));
	json_error_t err;
	json_t *steps = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	cr_assert(json_is_array(steps), "%s: %s (line %d)", path, err.text, err.line);
	size_t i;
	json_t *step;
	json_array_foreach(steps, i, step)
	{
		const char *who = json_string_value(json_object_get(step, "as"));
		const char *patch = json_string_value(json_object_get(step, "patch"));
		const char *del = json_string_value(json_object_get(step, "delete"));
		long expect = (long)json_integer_value(json_object_get(step, "expect"));
		cr_assert(who && (patch || del) && expect, "%s[%zu] is not a step", path, i);
		char url[1024];
		snprintf(url, sizeof(url), "%s/v1/%s", d->url, patch ? patch : del);
		char *body = patch ? json_dumps(json_object_get(step, "body"), JSON_COMPACT) : NULL;
		const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
		struct resp *r = call_url(patch ? "PATCH" : "DELETE", url, key_for(d, who), body,
		                          patch ? mp : NULL);
		cr_assert_eq(r->status, expect, "step %zu (%s): %ld %s", i,
		             json_string_value(json_object_get(step, "note")), r->status, r->body);
		resp_free(r);
		free(body);
	}
	json_decref(steps);
}

/* A fresh database, the server on it, and every demo file loaded. */
static void demo_start(struct demo *d)
{
	scratch_db_create();
	d->keys = json_object();
	d->loaded = json_object();
	d->samples = json_array();
	server_spawn(d->url, sizeof(d->url), NULL);
	for (size_t i = 0; i < sizeof(load_order) / sizeof(load_order[0]); i++) {
		load_file(d, load_order[i].dataset, load_order[i].agency);
		if (i == 0)
			apply_steps(d);
	}
}

/* Every open finding, read in pages of 10 so that following next_cursor is exercised. */
static json_t *open_findings(struct demo *d)
{
	json_t *all = json_array();
	char *cursor = NULL;
	for (int pages = 0;; pages++) {
		cr_assert_lt(pages, 100, "the findings did not end");
		char url[1024];
		snprintf(url, sizeof(url), "%s/v1/findings?status=open&limit=10%s%s", d->url,
		         cursor ? "&cursor=" : "", cursor ? cursor : "");
		struct resp *r = call_url("GET", url, key_for(d, READER), NULL, NULL);
		cr_assert_eq(r->status, 200, "GET %s: %ld %s", url, r->status, r->body);
		json_t *items = json_object_get(r->json, "items");
		cr_assert(json_is_array(items), "GET %s: %s", url, r->body);
		json_array_extend(all, items);
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		free(cursor);
		cursor = next ? url_escape(next) : NULL;
		resp_free(r);
		if (!cursor)
			return all;
	}
}

/* ---- EXPECTED.md ---- */

/* Splits a table row "| a | b |" in place into trimmed cells; returns how many. */
static int split_row(char *line, char **cells, int max)
{
	int n = 0;
	char *p = line + 1; /* past the leading '|' */
	for (char *bar; (bar = strchr(p, '|')) && n < max; p = bar + 1) {
		*bar = '\0';
		while (*p == ' ')
			p++;
		char *end = bar;
		while (end > p && end[-1] == ' ')
			*--end = '\0';
		cells[n++] = p;
	}
	return n;
}

/* The text of a cell that is one `code span`, or NULL. */
static char *code_span(char *cell)
{
	size_t len = strlen(cell);
	if (len < 3 || cell[0] != '`' || cell[len - 1] != '`' || memchr(cell + 1, '`', len - 2))
		return NULL;
	cell[len - 1] = '\0';
	return cell + 1;
}

/* The `dataset/id` code spans of a cell, as an array of "dataset/id" (new ref). */
static json_t *record_refs(const char *cell, const char *rule)
{
	json_t *refs = json_array();
	for (const char *p = strchr(cell, '`'); p; p = strchr(p + 1, '`')) {
		const char *end = strchr(p + 1, '`');
		cr_assert_not_null(end, "EXPECTED.md, %s: unclosed ` in %s", rule, cell);
		size_t len = (size_t)(end - p - 1),
		       ds = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz-");
		cr_assert(ds > 0 && ds + 1 < len && p[1 + ds] == '/',
		          "EXPECTED.md, %s: `%.*s` is not `dataset/id`", rule, (int)len, p + 1);
		json_array_append_new(refs, json_stringn(p + 1, len));
		p = end;
	}
	return refs;
}

/* "5.6 mg/kg" into its number and unit. */
static void parse_quantity(const char *cell, double *value, const char **unit)
{
	char *end;
	*value = strtod(cell, &end);
	cr_assert(end != cell && *end == ' ', "EXPECTED.md: \"%s\" is not \"value unit\"", cell);
	*unit = end + 1;
}

static double parse_number(const char *cell)
{
	char *end;
	double v = strtod(cell, &end);
	cr_assert(end != cell && *end == '\0', "EXPECTED.md: \"%s\" is not a number", cell);
	return v;
}

/* One row of the "Expected exceedances" table:
 * | sample | pollutant | value | standard | class / pH band | level | limit | ratio | */
static void add_exceedance(struct expected *e, char **cells)
{
	char *sample = code_span(cells[0]), *pollutant = code_span(cells[1]);
	cr_assert(sample && pollutant, "EXPECTED.md: sample and pollutant are `code`");
	double value;
	const char *unit;
	parse_quantity(cells[2], &value, &unit);
	json_t *x = json_pack("{s:s, s:f, s:s, s:s, s:s, s:f, s:f}", "pollutant", pollutant,
	                      "value", value, "unit", unit, "standard", cells[3], "level", cells[5],
	                      "limit", parse_number(cells[6]), "ratio", parse_number(cells[7]));
	if (strncmp(cells[4], "class ", 6) == 0)
		json_object_set_new(x, "land_class", json_string(cells[4] + 6));
	else
		json_object_set_new(x, "ph_band", json_string(cells[4]));
	json_t *list = json_object_get(e->exceedances, sample);
	if (!list) {
		list = json_array();
		json_object_set_new(e->exceedances, sample, list);
	}
	json_array_append_new(list, x);
	e->n_exceedances++;
}

static void parse_expected(struct expected *e)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/scripts/demo/EXPECTED.md", need_env("SOILSHARE_ROOT"));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	*e = (struct expected){.rules = json_object(), .exceedances = json_object(), .total = -1};
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "Totals:", 7) == 0) {
			const char *eq = strchr(line, '=');
			cr_assert_not_null(eq, "EXPECTED.md: no sum on the Totals line");
			e->total = strtol(eq + 1, NULL, 10);
			continue;
		}
		char *cells[12], *name;
		int n = line[0] == '|' ? split_row(line, cells, 12) : 0;
		if (n == 4 && (name = code_span(cells[0]))) {
			cr_assert_null(json_object_get(e->rules, name), "EXPECTED.md: %s twice",
			               name);
			json_object_set_new(e->rules, name,
			                    json_pack("{s:s, s:o, s:o}", "severity", cells[1],
			                              "open", record_refs(cells[2], name), "near",
			                              record_refs(cells[3], name)));
		} else if (n == 8 && cells[0][0] == '`') {
			add_exceedance(e, cells);
		}
	}
	free(line);
	fclose(f);
	cr_assert_gt(json_object_size(e->rules), 0, "EXPECTED.md: no rule rows found");
	cr_assert_gt(e->n_exceedances, 0, "EXPECTED.md: no exceedance rows found");
	cr_assert_gt(e->total, 0, "EXPECTED.md: no \"Totals: … = N\" line");
}

static void expected_free(struct expected *e)
{
	json_decref(e->rules);
	json_decref(e->exceedances);
}

/* ---- the comparisons ---- */

static bool has_string(const json_t *array, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(array, i, v)
	{
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* Indexes the open findings by rule: in `triggers`, rule -> "dataset/id" -> how many findings
 * that record triggers (the first of `records`); in `cited`, rule -> every record named. */
static void index_findings(const json_t *findings, const struct expected *e, json_t *triggers,
                           json_t *cited)
{
	size_t i, k;
	json_t *f, *rec;
	json_array_foreach(findings, i, f)
	{
		const char *rule = json_string_value(json_object_get(f, "rule"));
		const char *severity = json_string_value(json_object_get(f, "severity"));
		const char *status = json_string_value(json_object_get(f, "status"));
		const json_t *records = json_object_get(f, "records");
		char *text = json_dumps(f, JSON_COMPACT | JSON_REAL_PRECISION(15));
		cr_assert(rule && json_array_size(records) > 0, "finding shape: %s", text);
		cr_expect_str_eq(status ? status : "(none)", "open", "%s", text);
		json_t *row = json_object_get(e->rules, rule);
		cr_expect_not_null(row, "EXPECTED.md has no row for the rule of %s", text);
		if (row)
			cr_expect_str_eq(severity ? severity : "(none)",
			                 json_string_value(json_object_get(row, "severity")),
			                 "severity of %s", text);
		if (!json_object_get(triggers, rule)) {
			json_object_set_new(triggers, rule, json_object());
			json_object_set_new(cited, rule, json_object());
		}
		json_array_foreach(records, k, rec)
		{
			const char *ds = json_string_value(json_object_get(rec, "dataset"));
			const char *id = json_string_value(json_object_get(rec, "id"));
			cr_assert(ds && id, "record shape in %s", text);
			char ref[512];
			ref_of(ref, sizeof(ref), ds, id);
			json_object_set_new(json_object_get(cited, rule), ref, json_true());
			if (k == 0) {
				json_t *counts = json_object_get(triggers, rule);
				json_int_t n = json_integer_value(json_object_get(counts, ref));
				json_object_set_new(counts, ref, json_integer(n + 1));
			}
		}
		free(text);
	}
}

static void check_findings(struct demo *d, const struct expected *e)
{
	json_t *findings = open_findings(d);
	json_t *triggers = json_object(), *cited = json_object();
	index_findings(findings, e, triggers, cited);

	size_t listed = 0, i;
	const char *rule, *ref;
	json_t *row, *v, *n;
	json_object_foreach(e->rules, rule, row)
	{
		json_t *open = json_object_get(row, "open"), *near = json_object_get(row, "near");
		json_t *counts = json_object_get(triggers, rule),
		       *names = json_object_get(cited, rule);
		cr_expect_gt(json_array_size(open), 0, "%s: EXPECTED.md lists no record", rule);
		cr_expect_gt(json_array_size(near), 0, "%s: EXPECTED.md lists no near miss", rule);
		listed += json_array_size(open);
		json_array_foreach(open, i, v)
		{
			ref = json_string_value(v);
			cr_expect_not_null(json_object_get(d->loaded, ref),
			                   "%s: %s is no demo record", rule, ref);
			cr_expect_eq(json_integer_value(json_object_get(counts, ref)), 1,
			             "%s: %s should open one finding, has %lld", rule, ref,
			             (long long)json_integer_value(json_object_get(counts, ref)));
		}
		json_object_foreach(counts, ref, n)
		{
			cr_expect(has_string(open, ref),
			          "%s: %s opened a finding that EXPECTED.md does not list", rule,
			          ref);
		}
		json_array_foreach(near, i, v)
		{
			ref = json_string_value(v);
			cr_expect_not_null(json_object_get(d->loaded, ref),
			                   "%s: %s is no demo record", rule, ref);
			cr_expect_null(json_object_get(names, ref),
			               "%s: near miss %s is named by an open finding", rule, ref);
		}
	}
	/* A rule EXPECTED.md has no row for was reported while indexing. */
	cr_expect_eq(listed, (size_t)e->total, "EXPECTED.md lists %zu records, its total says %ld",
	             listed, e->total);
	cr_expect_eq(json_array_size(findings), (size_t)e->total, "%zu open findings, expected %ld",
	             json_array_size(findings), e->total);
	json_decref(triggers);
	json_decref(cited);
	json_decref(findings);
}

/* The item of `got` about `pollutant`, or NULL. */
static json_t *about(json_t *got, const char *pollutant)
{
	size_t i;
	json_t *x;
	json_array_foreach(got, i, x)
	{
		const char *p = json_string_value(json_object_get(x, "pollutant"));
		if (p && strcmp(p, pollutant) == 0)
			return x;
	}
	return NULL;
}

static void expect_same_string(json_t *got, json_t *want, const char *member, const char *where)
{
	const char *g = json_string_value(json_object_get(got, member));
	const char *w = json_string_value(json_object_get(want, member));
	cr_expect(g && w ? strcmp(g, w) == 0 : g == w, "%s: %s is %s, expected %s", where, member,
	          g ? g : "absent", w ? w : "absent");
}

/* One exceedance the server derived against the EXPECTED.md row about the same pollutant. The
 * server gives the limit in the sample's unit; the table in mg/kg. */
static void compare_exceedance(json_t *got, json_t *want, const char *where)
{
	static const char *const strings[] = {"unit", "standard", "land_class", "ph_band", "level"};
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		expect_same_string(got, want, strings[i], where);
	const char *unit = json_string_value(json_object_get(got, "unit"));
	double per_mg = unit && strcmp(unit, "μg/kg") == 0 ? 1000 : 1;
	double value = json_number_value(json_object_get(got, "value"));
	double limit = json_number_value(json_object_get(got, "limit")) / per_mg;
	double ratio = json_number_value(json_object_get(got, "ratio"));
	double w_value = json_number_value(json_object_get(want, "value"));
	double w_limit = json_number_value(json_object_get(want, "limit"));
	double w_ratio = json_number_value(json_object_get(want, "ratio"));
	cr_expect(fabs(value - w_value) < 1e-9, "%s: value %g, expected %g", where, value, w_value);
	cr_expect(fabs(limit - w_limit) < 1e-9, "%s: limit %g mg/kg, expected %g", where, limit,
	          w_limit);
	cr_expect(fabs(ratio - w_ratio) <= 0.0005 + 1e-9, "%s: ratio %.4f, expected %.3f", where,
	          ratio, w_ratio);
}

static void check_exceedances(struct demo *d, const struct expected *e)
{
	size_t i, k, compared = 0;
	json_t *id, *want;
	json_array_foreach(d->samples, i, id)
	{
		char *eid = url_escape(json_string_value(id)), url[1024];
		snprintf(url, sizeof(url), "%s/v1/soil-samples/%s", d->url, eid);
		free(eid);
		struct resp *r = call_url("GET", url, key_for(d, READER), NULL, NULL);
		cr_assert_eq(r->status, 200, "GET %s: %ld %s", url, r->status, r->body);
		json_t *got = json_object_get(r->json, "exceedances");
		json_t *wanted = json_object_get(e->exceedances, json_string_value(id));
		char *text = json_dumps(got, JSON_COMPACT | JSON_REAL_PRECISION(15));
		cr_assert(json_is_array(got), "%s: exceedances is an array: %s", url, r->body);
		cr_expect_eq(json_array_size(got), json_array_size(wanted),
		             "%s: %zu exceedances, EXPECTED.md has %zu: %s", json_string_value(id),
		             json_array_size(got), json_array_size(wanted), text);
		json_array_foreach(wanted, k, want)
		{
			const char *pollutant =
			    json_string_value(json_object_get(want, "pollutant"));
			char where[256];
			snprintf(where, sizeof(where), "%s %s", json_string_value(id), pollutant);
			json_t *item = about(got, pollutant);
			cr_expect_not_null(item, "%s: no exceedance derived: %s", where, text);
			if (item)
				compare_exceedance(item, want, where);
			compared++;
		}
		free(text);
		resp_free(r);
	}
	cr_expect_eq(compared, e->n_exceedances,
	             "EXPECTED.md has %zu exceedance rows, %zu of them about demo samples",
	             e->n_exceedances, compared);
}

static void demo_fini(void)
{
	server_kill();
	scratch_db_drop();
}

/* The rates of GET /v1/statistics against the hand count in EXPECTED.md's "Statistics"
 * table: "n/d" per district and rate, "-" (or a district not in the table) for a zero
 * denominator, whose rate is null. */
static const char *const RATES[] = {"key_construction_land_safe_use", "contaminated_plot_safe_use",
                                    "contaminated_farmland_safe_use"};

static void check_rate(const char *where, const char *rate, json_t *got, const char *want)
{
	double num = 0, den = 0;
	if (want && strcmp(want, "-") != 0)
		cr_assert_eq(sscanf(want, "%lf/%lf", &num, &den), 2, "EXPECTED.md: %s %s is %s",
		             where, rate, want);
	json_t *n = json_object_get(got, "numerator"), *d = json_object_get(got, "denominator");
	cr_assert(json_is_number(n) && json_is_number(d), "%s %s: %s", where, rate,
	          json_dumps(got, 0));
	cr_assert_eq(json_number_value(d), den, "%s %s denominator: %g, counted %g", where, rate,
	             json_number_value(d), den);
	cr_assert_eq(json_number_value(n), num, "%s %s numerator: %g, counted %g", where, rate,
	             json_number_value(n), num);
	json_t *r = json_object_get(got, "rate");
	if (den == 0)
		cr_assert(json_is_null(r), "%s %s: a zero denominator has no rate", where, rate);
	else
		cr_assert(json_is_number(r) && json_number_value(r) - num / den < 1e-9 &&
		              num / den - json_number_value(r) < 1e-9,
		          "%s %s rate: %s", where, rate, json_dumps(got, 0));
}

static void check_statistics(struct demo *d)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/scripts/demo/EXPECTED.md", need_env("SOILSHARE_ROOT"));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	json_t *table = json_object(); /* district -> [three cells] */
	char line[1024];
	bool in_section = false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "## ", 3) == 0)
			in_section = strncmp(line, "## Statistics", 13) == 0;
		char where[32], c[3][32];
		if (in_section &&
		    sscanf(line, "| %31[^ |] | %31[^ |] | %31[^ |] | %31[^ |] |", where, c[0], c[1],
		           c[2]) == 4 &&
		    strcmp(where, "district") != 0 && strncmp(where, "---", 3) != 0)
			json_object_set_new(table, where, json_pack("[s, s, s]", c[0], c[1], c[2]));
	}
	fclose(f);
	cr_assert(json_object_get(table, "city"),
	          "EXPECTED.md has a Statistics table with a city row");

	char url[256];
	snprintf(url, sizeof(url), "%s/v1/statistics", d->url);
	struct resp *r = call_url("GET", url, key_for(d, READER), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	size_t checked = 0;
	for (int i = 0; i < 3; i++)
		check_rate(
		    "city", RATES[i],
		    json_object_get(json_object_get(json_object_get(r->json, "city"), "rates"),
		                    RATES[i]),
		    json_string_value(json_array_get(json_object_get(table, "city"), (size_t)i)));
	size_t k;
	json_t *district;
	json_array_foreach(json_object_get(r->json, "districts"), k, district)
	{
		const char *code = json_string_value(json_object_get(district, "code"));
		json_t *want = json_object_get(table, code);
		checked += want != NULL;
		for (int i = 0; i < 3; i++)
			check_rate(code, RATES[i],
			           json_object_get(json_object_get(district, "rates"), RATES[i]),
			           want ? json_string_value(json_array_get(want, (size_t)i))
			                : NULL);
	}
	cr_assert_eq(checked + 1, json_object_size(table),
	             "every district of the table is in the answer");
	resp_free(r);
	json_decref(table);
}

Test(demo, data_gives_the_expected_findings_exceedances_and_statistics, .timeout = 300,
     .fini = demo_fini)
{
	struct expected e;
	parse_expected(&e);
	struct demo d;
	demo_start(&d);
	check_findings(&d, &e);
	check_exceedances(&d, &e);
	check_statistics(&d);
	server_terminate();
	expected_free(&e);
	json_decref(d.keys);
	json_decref(d.loaded);
	json_decref(d.samples);
}
