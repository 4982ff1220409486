/* Real laboratory reports against the complete standards (SPEC §2, §5): a site survey with the
 * 45 basic items of GB 36600 plus petroleum hydrocarbons, a farmland survey with the eight
 * metals of GB 15618, non-detects and both micro signs. The results are typed as a lab would
 * report them; every limit the test expects is read from sql/reference/, never typed here. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets.h"
#include "harness.h"
#include "refcsv.h"

#define MU    "\xCE\xBCg/kg" /* μ U+03BC */
#define MICRO "\xC2\xB5g/kg" /* µ U+00B5, as most keyboards type it */

struct result {
	const char *pollutant;
	double value; /* or the detection limit of a non-detect */
	const char *unit;
	bool below_detection;
};

/* A site survey report (土壤污染状况调查): GB 36600 Table 1, items 1–45 in the standard's
 * order, petroleum hydrocarbons C10–C40, and the total Cr and Zn most labs report with the
 * metals, which GB 36600 has no values for. VOCs in μg/kg as labs report them. */
static const struct result site_report[] = {
    {"As", 35.2, "mg/kg", false},
    {"Cd", 0.31, "mg/kg", false},
    {"Cr6", 0.5, "mg/kg", true},
    {"Cu", 48, "mg/kg", false},
    {"Pb", 1250, "mg/kg", false},
    {"Hg", 0.124, "mg/kg", false},
    {"Ni", 42, "mg/kg", false},
    {"carbon_tetrachloride", 1.3, MU, true},
    {"chloroform", 1.1, MU, true},
    {"chloromethane", 1.0, MU, true},
    {"dichloroethane_1_1", 1.2, MU, true},
    {"dichloroethane_1_2", 1.3, MICRO, true},
    {"dichloroethene_1_1", 1.0, MU, true},
    {"cis_dichloroethene_1_2", 1.3, MU, true},
    {"trans_dichloroethene_1_2", 1.4, MU, true},
    {"dichloromethane", 1.5, MU, true},
    {"dichloropropane_1_2", 1.1, MU, true},
    {"tetrachloroethane_1_1_1_2", 1.2, MU, true},
    {"tetrachloroethane_1_1_2_2", 1.2, MU, true},
    {"tetrachloroethene", 1.4, MU, true},
    {"trichloroethane_1_1_1", 1.3, MU, true},
    {"trichloroethane_1_1_2", 1.2, MU, true},
    {"trichloroethene", 910, MU, false},
    {"trichloropropane_1_2_3", 1.2, MU, true},
    {"vinyl_chloride", 1.0, MU, true},
    {"benzene", 1830, MICRO, false},
    {"chlorobenzene", 1.2, MU, true},
    {"dichlorobenzene_1_2", 1.5, MU, true},
    {"dichlorobenzene_1_4", 1.5, MU, true},
    {"ethylbenzene", 6.4, MU, false},
    {"styrene", 1.1, MU, true},
    {"toluene", 12.7, MU, false},
    {"m_p_xylene", 9.8, MU, false},
    {"o_xylene", 1.2, MU, true},
    {"nitrobenzene", 0.09, "mg/kg", true},
    {"aniline", 0.1, "mg/kg", true},
    {"chlorophenol_2", 0.06, "mg/kg", true},
    {"benzo_a_anthracene", 2.1, "mg/kg", false},
    {"benzo_a_pyrene", 1.9, "mg/kg", false},
    {"benzo_b_fluoranthene", 3.2, "mg/kg", false},
    {"benzo_k_fluoranthene", 1.1, "mg/kg", false},
    {"chrysene", 2.6, "mg/kg", false},
    {"dibenz_a_h_anthracene", 0.4, "mg/kg", false},
    {"indeno_1_2_3_cd_pyrene", 1.5, "mg/kg", false},
    {"naphthalene", 0.09, "mg/kg", true},
    {"tph_c10_c40", 1530, "mg/kg", false},
    {"Cr", 86, "mg/kg", false},
    {"Zn", 145, "mg/kg", false},
};

/* A farmland survey (农用地土壤环境质量): the eight metals of GB 15618 Table 1. */
static const struct result farm_report[] = {
    {"Cd", 0.52, "mg/kg", false}, {"Hg", 0.002, "mg/kg", true}, {"As", 11.6, "mg/kg", false},
    {"Pb", 26, "mg/kg", false},   {"Cr", 310, "mg/kg", false},  {"Cu", 130, "mg/kg", false},
    {"Ni", 0.5, "mg/kg", true},   {"Zn", 96, "mg/kg", false},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_t *results_json(const struct result *r, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    a, r[i].below_detection
		           ? json_pack("{s:s, s:b, s:f, s:s}", "pollutant", r[i].pollutant,
		                       "below_detection", 1, "detection_limit", r[i].value, "unit",
		                       r[i].unit)
		           : json_pack("{s:s, s:f, s:s}", "pollutant", r[i].pollutant, "value",
		                       r[i].value, "unit", r[i].unit));
	return a;
}

/* What the standard says of one measured result: 0 below the screening value, 1 above it,
 * 2 above the intervention (control) value; the limit crossed goes to *limit. */
struct expectation {
	const char *pollutant;
	int level;
	double limit; /* in the result's unit */
};

static bool micro(const char *unit)
{
	return strcmp(unit, "mg/kg") != 0;
}

static int judge(double value, double screening, double intervention, double *limit)
{
	if (!isnan(intervention) && value > intervention) {
		*limit = intervention;
		return 2;
	}
	if (value > screening) {
		*limit = screening;
		return 1;
	}
	return 0;
}

static const char *ph_column(double ph)
{
	return ph <= 5.5   ? "ph_le_5_5"
	       : ph <= 6.5 ? "ph_5_5_6_5"
	       : ph <= 7.5 ? "ph_6_5_7_5"
	                   : "ph_gt_7_5";
}

/* The GB 15618 row for a farmland type (SPEC §5): the type's own row, else the row for any
 * farmland, else "other"; forest has none. */
static json_t *farm_row(json_t *rows, const char *code, const char *land_type, const char *kind)
{
	if (strcmp(land_type, "forest") == 0)
		return NULL;
	const char *order[] = {land_type, "any", "other"};
	for (size_t i = 0; i < 3; i++) {
		json_t *row = NULL;
		size_t k;
		json_t *r;
		json_array_foreach(rows, k, r)
		{
			if (!strcmp(json_string_value(json_object_get(r, "code")), code) &&
			    !strcmp(json_string_value(json_object_get(r, "land_type")), order[i]) &&
			    !strcmp(json_string_value(json_object_get(r, "value_kind")), kind))
				row = r;
		}
		if (row)
			return row;
	}
	return NULL;
}

/* Compares a sample's exceedances and unassessed with what the reference files give.
 * `land_class` "I"/"II" for GB 36600; NULL with `land_type` and `ph` for GB 15618. */
static void check_sample(json_t *sample, const struct result *rep, size_t n, const char *land_class,
                         const char *land_type, double ph, size_t *n_over, size_t *n_unassessed)
{
	json_t *gb36600 = reference_csv("gb36600-2018.csv");
	json_t *gb15618 = reference_csv("gb15618-2018.csv");
	json_t *exc = json_object_get(sample, "exceedances");
	json_t *una = json_object_get(sample, "unassessed");
	cr_assert(json_is_array(exc) && json_is_array(una), "derived fields missing: %s",
	          json_dumps(sample, JSON_COMPACT));
	size_t over = 0, unassessed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct result *r = &rep[i];
		double scale = micro(r->unit) ? 1000 : 1, s, v = NAN, limit = 0;
		bool has_limit;
		if (land_class) {
			json_t *row = reference_row(gb36600, "code", r->pollutant, NULL, NULL);
			has_limit = row != NULL;
			if (row) {
				bool one = strcmp(land_class, "I") == 0;
				s = reference_number(row, one ? "screening_class_i"
				                              : "screening_class_ii");
				v = reference_number(row, one ? "intervention_class_i"
				                              : "intervention_class_ii");
			}
		} else {
			json_t *row = farm_row(gb15618, r->pollutant, land_type, "screening");
			json_t *ctl = farm_row(gb15618, r->pollutant, land_type, "control");
			has_limit = row != NULL;
			if (row)
				s = reference_number(row, ph_column(ph));
			if (ctl)
				v = reference_number(ctl, ph_column(ph));
		}
		/* In the unassessed list exactly when no limit applies. */
		bool listed = false;
		size_t k;
		json_t *u;
		json_array_foreach(una, k, u) listed =
		    listed || !strcmp(json_string_value(u), r->pollutant);
		cr_assert_eq(listed, !has_limit, "%s: unassessed %s", r->pollutant,
		             listed ? "lists it, but it has a limit" : "misses it");
		unassessed += listed;
		json_t *found = NULL;
		json_t *e;
		json_array_foreach(
		    exc, k, e) if (!strcmp(json_string_value(json_object_get(e, "pollutant")),
		                           r->pollutant)) found = e;
		int level = has_limit && !r->below_detection
		                ? judge(r->value, s * scale, v * scale, &limit)
		                : 0;
		if (level == 0) {
			cr_assert_null(found, "%s %g %s exceeds nothing, yet: %s", r->pollutant,
			               r->value, r->unit, json_dumps(found, JSON_COMPACT));
			continue;
		}
		over++;
		cr_assert_not_null(found, "%s %g %s is above %g, yet not in exceedances",
		                   r->pollutant, r->value, r->unit, limit);
		cr_assert_str_eq(json_string_value(json_object_get(found, "level")),
		                 level == 2 ? "intervention" : "screening", "%s level",
		                 r->pollutant);
		double got = json_number_value(json_object_get(found, "limit"));
		cr_assert(fabs(got - limit) <= 1e-9 * limit, "%s limit %g, expected %g",
		          r->pollutant, got, limit);
		double ratio = json_number_value(json_object_get(found, "ratio"));
		cr_assert(fabs(ratio - r->value / limit) < 6e-5, "%s ratio %g", r->pollutant,
		          ratio);
		cr_assert_str_eq(json_string_value(json_object_get(found, "unit")),
		                 micro(r->unit) ? MU : "mg/kg", "%s unit as stored", r->pollutant);
		cr_assert_str_eq(json_string_value(json_object_get(found, "standard")),
		                 land_class ? "GB36600" : "GB15618");
		if (land_class)
			cr_assert_str_eq(json_string_value(json_object_get(found, "land_class")),
			                 land_class);
		else
			cr_assert_not_null(json_object_get(found, "ph_band"));
	}
	cr_assert_eq(json_array_size(exc), over, "exceedances: %s", json_dumps(exc, JSON_COMPACT));
	cr_assert_eq(json_array_size(una), unassessed, "unassessed: %s",
	             json_dumps(una, JSON_COMPACT));
	*n_over = over;
	*n_unassessed = unassessed;
	json_decref(gb36600);
	json_decref(gb15618);
}

static json_t *put_sample(const char *id, const char *site_field, const char *site,
                          const char *agency, double ph, const struct result *rep, size_t n)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "district", "110105", "sampled_on",
	                         "2024-05-06", site_field, site, "results", results_json(rep, n));
	if (!isnan(ph))
		json_object_set_new(body, "ph", json_real(ph));
	char *text = json_dumps(body, JSON_COMPACT);
	char *path = strfmt("/v1/soil-samples/%s", id);
	struct resp *r = call("PUT", path, key_of(agency), text, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_t *out = json_incref(r->json);
	resp_free(r);
	free(path);
	free(text);
	json_decref(body);
	return out;
}

/* The open findings of `rules` whose first record is `sample`, over every page. */
static json_t *open_findings_of(const char *rules, const char *sample)
{
	json_t *found = json_array();
	char *path = strfmt("/v1/findings?status=open&rule=%s&limit=1000", rules);
	while (path) {
		struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(r->json, "items"), i, f)
		{
			json_t *recs = json_object_get(f, "records");
			const char *first =
			    json_string_value(json_object_get(json_array_get(recs, 0), "id"));
			if (first && strcmp(first, sample) == 0)
				json_array_append(found, f);
		}
		const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
		free(path);
		path = next ? strfmt("/v1/findings?status=open&rule=%s&limit=1000&cursor=%s", rules,
		                     next)
		            : NULL;
		resp_free(r);
	}
	return found;
}

static long open_findings(const char *rule, const char *sample)
{
	json_t *found = open_findings_of(rule, sample);
	long n = (long)json_array_size(found);
	json_decref(found);
	return n;
}

Test(reference, site_report_of_45_items_and_tph)
{
	/* The report covers every item of GB 36600 Table 1, and petroleum hydrocarbons. */
	json_t *gb36600 = reference_csv("gb36600-2018.csv");
	size_t k;
	json_t *row;
	json_array_foreach(gb36600, k, row)
	{
		const char *code = json_string_value(json_object_get(row, "code"));
		if (strcmp(json_string_value(json_object_get(row, "table")), "1") != 0 &&
		    strcmp(code, "tph_c10_c40") != 0)
			continue;
		bool in = false;
		for (size_t i = 0; i < N(site_report); i++)
			in = in || !strcmp(site_report[i].pollutant, code);
		cr_assert(in, "the site report lacks %s", code);
	}
	json_decref(gb36600);

	/* On a plot planned for housing (用地用海 0701: class I). */
	char *plot = uniq("110105-REF");
	char *body = plot_body("110105", "suspected", "0701");
	char *path = strfmt("/v1/plots/%s", plot);
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "land_class")), "I");
	resp_free(r);
	char *id = uniq("S-SITE");
	json_t *s = put_sample(id, "plot_id", plot, "ecology", NAN, site_report, N(site_report));
	size_t over, unassessed;
	check_sample(s, site_report, N(site_report), "I", NULL, NAN, &over, &unassessed);
	cr_assert_geq(over, 5, "the report was written to exceed several values");
	cr_assert_eq(unassessed, 2, "total Cr and Zn have no GB 36600 values");
	/* The results are stored as sent, the micro sign as μ, non-detects with their limit. */
	json_t *res = json_object_get(s, "results");
	cr_assert_eq(json_array_size(res), N(site_report));
	for (size_t i = 0; i < N(site_report); i++) {
		json_t *item = json_array_get(res, i);
		cr_assert_str_eq(json_string_value(json_object_get(item, "unit")),
		                 micro(site_report[i].unit) ? MU : "mg/kg");
		cr_assert_eq(json_is_true(json_object_get(item, "below_detection")),
		             site_report[i].below_detection);
	}
	cr_assert_eq(open_findings("sample-exceeds-intervention", id), 1,
	             "Pb above its intervention value opens one finding at the highest level");
	cr_assert_eq(open_findings("sample-exceeds-screening", id), 0);
	json_decref(s);

	/* The same report at a key supervised unit: GB 36600 class II. */
	char uscc[19] = "91110105MA01REF00";
	static const char check[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	for (const char *c = check; *c; c++) {
		uscc[17] = *c;
		uscc[18] = '\0';
		if (uscc_valid(uscc))
			break;
	}
	cr_assert(uscc_valid(uscc));
	char *upath = strfmt("/v1/supervised-units/%s", uscc);
	r = call("PUT", upath, key_of("ecology"),
	         "{\"name\":\"北京参照化工有限公司\",\"industry_code\":\"C2614\","
	         "\"district\":\"110105\",\"listed_year\":2023}",
	         NULL);
	cr_assert(r->status == 201 || r->status == 200, "%s", r->body);
	resp_free(r);
	char *uid = uniq("S-UNIT");
	s = put_sample(uid, "supervised_unit_uscc", uscc, "ecology", NAN, site_report,
	               N(site_report));
	check_sample(s, site_report, N(site_report), "II", NULL, NAN, &over, &unassessed);
	cr_assert_geq(over, 1);
	json_t *found =
	    open_findings_of("sample-exceeds-screening,sample-exceeds-intervention", uid);
	json_t *recs = json_incref(json_object_get(json_array_get(found, 0), "records"));
	json_decref(found);
	cr_assert_not_null(recs, "a finding names the unit's sample");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(recs, 1), "dataset")),
	                 "supervised-units");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(recs, 1), "id")), uscc);
	json_decref(recs);
	/* A unit with samples cannot be deleted (they would lose their site). */
	r = call("DELETE", upath, key_of("ecology"), NULL, NULL);
	assert_problem(r, 409, NULL);
	resp_free(r);
	json_decref(s);
	free(uid);
	free(upath);
	free(id);
	free(path);
	free(body);
	free(plot);
}

/* The eight metals on farmland of each type: the land type picks the GB 15618 row. */
Test(reference, farmland_report_by_land_type)
{
	static const char *const types[] = {"paddy", "cropland", "orchard", "grassland", "forest"};
	static const double ph[] = {7.8, 6.2, 5.1, 7.0, 7.8};
	for (size_t t = 0; t < N(types); t++) {
		char *unit = uniq("110105-GD");
		char *path = strfmt("/v1/farmland-units/%s", unit);
		char *body = strfmt("{\"district\":\"110105\",\"land_type\":\"%s\",\"class\":"
		                    "\"safe_use\",\"area_mu\":120}",
		                    types[t]);
		struct resp *r = call("PUT", path, key_of("agriculture"), body, NULL);
		cr_assert_eq(r->status, 201, "%s", r->body);
		resp_free(r);
		char *id = uniq("S-FARM");
		json_t *s = put_sample(id, "farmland_unit_id", unit, "agriculture", ph[t],
		                       farm_report, N(farm_report));
		size_t over, unassessed;
		check_sample(s, farm_report, N(farm_report), NULL, types[t], ph[t], &over,
		             &unassessed);
		if (strcmp(types[t], "forest") == 0)
			cr_assert_eq(unassessed, N(farm_report), "forest: GB 15618 has no values");
		else
			cr_assert_eq(unassessed, 0, "%s: every metal has a value", types[t]);
		json_decref(s);
		free(id);
		free(body);
		free(path);
		free(unit);
	}
}

/* A land use in the 2023 用地用海 codes opens the same finding as its GB 50137 equivalent. */
Test(reference, yongdi_codes_open_the_findings_of_their_gb50137_equivalents)
{
	static const struct {
		const char *yongdi, *gb50137;
	} pairs[] = {{"070102", "R21"}, {"080403", "A33"}, {"0901", "B1"}, {"1001", "M1"}};
	for (size_t p = 0; p < N(pairs); p++) {
		json_t *seen[2];
		const char *codes[2] = {pairs[p].yongdi, pairs[p].gb50137};
		for (int c = 0; c < 2; c++) {
			char *plot = uniq("110105-YD");
			char *body = plot_body("110105", "preliminary_survey", "M1");
			char *path = strfmt("/v1/plots/%s", plot);
			struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
			cr_assert_eq(r->status, 201, "%s", r->body);
			resp_free(r);
			char *chg = uniq("京规自变");
			char *cpath = strfmt("/v1/land-use-changes/%s", chg);
			char *cbody =
			    strfmt("{\"plot_id\":\"%s\",\"district\":\"110105\",\"from_use\":"
			           "\"M1\",\"to_use\":\"%s\",\"approved_on\":\"2024-05-01\"}",
			           plot, codes[c]);
			r = call("PUT", cpath, key_of("planning"), cbody, NULL);
			cr_assert_eq(r->status, 201, "%s", r->body);
			resp_free(r);
			char *fpath = strfmt("/v1/findings?plot_id=%s&status=open", plot);
			r = call("GET", fpath, key_of("water"), NULL, NULL);
			cr_assert_eq(r->status, 200, "%s", r->body);
			json_t *items = json_object_get(r->json, "items");
			json_t *summary = json_array();
			size_t i;
			json_t *f;
			json_array_foreach(items, i, f)
			{
				json_array_append_new(
				    summary,
				    json_pack("{s:O, s:O, s:O}", "rule", json_object_get(f, "rule"),
				              "severity", json_object_get(f, "severity"),
				              "agencies", json_object_get(f, "agencies")));
				const char *zh =
				    json_string_value(json_object_get(f, "message_zh"));
				cr_assert(strstr(zh, codes[c]) && strstr(zh, "用地"),
				          "the message names the use in Chinese with its code: %s",
				          zh);
			}
			seen[c] = summary;
			resp_free(r);
			free(cbody);
			free(cpath);
			free(chg);
			free(path);
			free(body);
			free(plot);
		}
		cr_assert(json_equal(seen[0], seen[1]), "%s opened %s but %s opened %s",
		          pairs[p].yongdi, json_dumps(seen[0], JSON_COMPACT), pairs[p].gb50137,
		          json_dumps(seen[1], JSON_COMPACT));
		bool sensitive = p < 3;
		cr_assert_eq(json_array_size(seen[0]), sensitive ? 1 : 0,
		             "%s: a sensitive use before clearance", pairs[p].yongdi);
		json_decref(seen[0]);
		json_decref(seen[1]);
	}
}

/* The derived land class follows the reference data whichever coding a plot uses; a use that
 * is not construction land has none (its samples are judged as class I). */
Test(reference, land_class_of_either_coding)
{
	static const struct {
		const char *use, *land_class;
	} cases[] = {{"R2", "I"},      {"0701", "I"},  {"A33", "I"}, {"080403", "I"},
	             {"080401", "II"}, {"1001", "II"}, {"M1", "II"}, {"0103", NULL},
	             {"0301", NULL},   {"1401", "I"},  {"G1", "II"}};
	for (size_t i = 0; i < N(cases); i++) {
		char *plot = uniq("110105-LC");
		char *body = plot_body("110105", "suspected", cases[i].use);
		char *path = strfmt("/v1/plots/%s", plot);
		struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
		cr_assert_eq(r->status, 201, "%s: %s", cases[i].use, r->body);
		json_t *lc = json_object_get(r->json, "land_class");
		if (cases[i].land_class)
			cr_assert_str_eq(json_string_value(lc), cases[i].land_class, "%s",
			                 cases[i].use);
		else
			cr_assert(json_is_null(lc), "%s is not construction land", cases[i].use);
		resp_free(r);
		free(path);
		free(body);
		free(plot);
	}
	struct resp *r = call("PUT", "/v1/plots/110105-LC-bad", key_of("ecology"),
	                      "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	                      "\"planned_use\":\"0799\"}",
	                      NULL);
	assert_problem(r, 422, "/problems/validation");
	cr_assert(strstr(r->body, "用地用海"), "%s", r->body);
	resp_free(r);
}

/* The OpenAPI enumerations are the reference tables: every code of the files, nothing else. */
Test(reference, openapi_enumerations_are_the_reference_data)
{
	struct resp *r = call("GET", "/openapi.json", NULL, NULL, NULL);
	cr_assert_eq(r->status, 200);
	json_t *schemas = json_object_get(json_object_get(r->json, "components"), "schemas");
	json_t *pollutants = json_object_get(json_object_get(schemas, "PollutantCode"), "enum");
	json_t *names =
	    json_object_get(json_object_get(schemas, "PollutantCode"), "x-enumDescriptions");
	json_t *expected = json_object(); /* code -> Chinese name */
	json_t *gb36600 = reference_csv("gb36600-2018.csv");
	json_t *gb15618 = reference_csv("gb15618-2018.csv");
	size_t i;
	json_t *row;
	json_array_foreach(gb36600, i, row)
	    json_object_set(expected, json_string_value(json_object_get(row, "code")),
	                    json_object_get(row, "name_zh"));
	json_array_foreach(gb15618, i, row)
	{
		const char *code = json_string_value(json_object_get(row, "code"));
		if (!json_object_get(expected, code))
			json_object_set(expected, code, json_object_get(row, "name_zh"));
	}
	cr_assert_eq(json_array_size(pollutants), json_object_size(expected),
	             "PollutantCode has %zu codes, the files %zu", json_array_size(pollutants),
	             json_object_size(expected));
	json_t *code;
	json_array_foreach(pollutants, i, code)
	{
		json_t *zh = json_object_get(expected, json_string_value(code));
		cr_assert_not_null(zh, "%s is not in the reference files", json_string_value(code));
		const char *doc =
		    json_string_value(json_object_get(names, json_string_value(code)));
		cr_assert(doc && strstr(doc, json_string_value(zh)), "%s: %s lacks %s",
		          json_string_value(code), doc, json_string_value(zh));
	}
	json_t *uses =
	    json_array_get(json_object_get(json_object_get(schemas, "LandUseCode"), "anyOf"), 1);
	json_t *codes = reference_csv("land-use-yongdi-yonghai.csv");
	cr_assert_eq(json_array_size(json_object_get(uses, "enum")), json_array_size(codes));
	json_array_foreach(codes, i, row)
	{
		const char *c = json_string_value(json_object_get(row, "code"));
		const char *doc = json_string_value(
		    json_object_get(json_object_get(uses, "x-enumDescriptions"), c));
		cr_assert(doc && strstr(doc, json_string_value(json_object_get(row, "name_zh"))),
		          "用地用海 %s: %s", c, doc);
	}
	json_decref(codes);
	json_decref(expected);
	json_decref(gb36600);
	json_decref(gb15618);
	resp_free(r);
}
