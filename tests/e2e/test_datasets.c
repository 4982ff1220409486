/* Every dataset over HTTP: create, read, list with each filter, replace, patch, delete, errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datasets.h"
#include "harness.h"
#include "samples.h"

/* Pinggu (110117) is written by this file only. */
#define D "110117"

/* The query value matching a record's field, as a client would write it. */
static void filter_value(json_t *v, char *out, size_t size)
{
	if (json_is_string(v))
		snprintf(out, size, "%s", json_string_value(v));
	else if (json_is_true(v))
		snprintf(out, size, "true");
	else if (json_is_false(v))
		snprintf(out, size, "false");
	else if (json_is_integer(v))
		snprintf(out, size, "%lld", (long long)json_integer_value(v));
	else
		cr_assert_fail("no filter value for this JSON type");
}

static void crud(const struct dataset *ds)
{
	char *plot = make_plot(D, "cleared", "M1");
	char *unit = make_farmland_unit(D, "safe_use");
	char *id = sample_id(ds->name, D);
	char *body = sample_body(ds->name, D, plot, unit);
	const char *who = sample_publisher(ds->name);
	char path[512];
	snprintf(path, sizeof(path), "/v1/%s/%s", ds->name, id);

	struct resp *r = call("PUT", path, key_of(who), body, NULL);
	cr_assert_eq(r->status, 201, "%s: %s", ds->name, r->body);
	json_t *created = json_incref(r->json);
	resp_free(r);
	json_t *sent = json_loads(body, 0, NULL);
	const char *k;
	json_t *v;
	json_object_foreach(sent, k, v) cr_assert(json_equal(v, json_object_get(created, k)),
	                                          "%s.%s stored as sent", ds->name, k);
	cr_assert_str_eq(json_string_value(json_object_get(created, "publisher")), who);

	r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert(json_equal(r->json, created), "GET returns what PUT returned");
	resp_free(r);

	/* Each filter, with the created record's own value, finds it; every item matches. */
	for (size_t i = 0; i < ds->n_fields + ds->n_derived; i++) {
		const struct field *f =
		    i < ds->n_fields ? &ds->fields[i] : &ds->derived[i - ds->n_fields];
		if (!f->filter || strcmp(f->name, "district") == 0)
			continue;
		json_t *fv = json_object_get(created, f->name);
		bool alternative = false;
		for (const char *const *o = ds->exactly_one_of; o && *o; o++)
			alternative = alternative || strcmp(*o, f->name) == 0;
		if (!fv && alternative)
			continue; /* the sample names the other of its links */
		cr_assert_not_null(fv, "%s sample sets filter field %s", ds->name, f->name);
		if (json_is_null(fv))
			continue; /* a derived field with no value (cleared_for of an imported plot)
			           */
		char value[128], list[512];
		filter_value(fv, value, sizeof(value));
		snprintf(list, sizeof(list), "/v1/%s?district=%s&%s=%s&limit=1000", ds->name, D,
		         f->name, value);
		r = call("GET", list, key_of("water"), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", list, r->body);
		bool found = false;
		size_t n;
		json_t *it;
		json_array_foreach(json_object_get(r->json, "items"), n, it)
		{
			cr_assert(json_equal(json_object_get(it, f->name), fv),
			          "%s item matches %s", list, f->name);
			found =
			    found || strcmp(json_string_value(json_object_get(it, "id")), id) == 0;
		}
		cr_assert(found, "%s lists the record", list);
		resp_free(r);
	}

	r = call("PUT", path, key_of(who), body, NULL);
	cr_assert_eq(r->status, 200);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 1, "unchanged");
	resp_free(r);

	json_t *changed = json_deep_copy(sent);
	json_object_set_new(changed, "district", json_string("110116"));
	char *text = json_dumps(changed, 0);
	r = call("PUT", path, key_of(who), text, NULL);
	cr_assert_eq(r->status, 200, "%s replace: %s", ds->name, r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);
	free(text);
	json_decref(changed);

	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	r = call("PATCH", path, key_of(who), "{\"district\":\"" D "\"}", mp);
	cr_assert_eq(r->status, 200, "%s patch: %s", ds->name, r->body);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "district")), D);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 3);
	resp_free(r);

	r = call("DELETE", path, key_of(who), NULL, NULL);
	cr_assert_eq(r->status, 204, "%s delete: %s", ds->name, r->body);
	resp_free(r);
	r = call("GET", path, key_of(who), NULL, NULL);
	cr_assert_eq(r->status, 404);
	resp_free(r);
	json_decref(sent);
	json_decref(created);
	free(body);
	free(id);
	free(unit);
	free(plot);
}

Test(datasets, every_dataset_round_trips, .timeout = 120)
{
	for (size_t d = 0; d < datasets_count; d++)
		crud(datasets[d]);
}

struct bad_case {
	const char *dataset;
	const char *body;
	const char *pointer;
};

static const struct bad_case bad_cases[] = {
    {"planning-permits",
     "{\"project\":\"p\",\"district\":\"" D "\",\"land_use\":\"X9\","
     "\"issued_on\":\"2024-01-01\"}",
     "/land_use"},
    {"planning-permits",
     "{\"project\":\"p\",\"district\":\"" D "\",\"land_use\":\"B1\","
     "\"issued_on\":\"2024-01-01\",\"plot_id\":\"" D "-no-such-plot\"}",
     "/plot_id"},
    {"land-supply-plans",
     "{\"year\":2025,\"district\":\"" D "\",\"planned_use\":\"R2\","
     "\"supply_mode\":\"auction\"}",
     "/supply_mode"},
    {"land-supply-plans",
     "{\"year\":2025,\"district\":\"" D "\",\"planned_use\":\"R2\","
     "\"supply_mode\":\"grant\",\"quarter\":5}",
     "/quarter"},
    {"land-right-transfers", "{\"district\":\"" D "\",\"action\":\"recovery\"}", "/plot_id"},
    {"land-right-transfers", "{\"plot_id\":\"x\",\"district\":\"" D "\",\"action\":\"sell\"}",
     "/action"},
    {"land-right-transfers",
     "{\"plot_id\":\"x\",\"district\":\"" D "\",\"action\":\"transfer\","
     "\"holder_uscc\":\"91110000802100433A\"}",
     "/holder_uscc"},
    {"construction-permits",
     "{\"project\":\"p\",\"district\":\"" D "\",\"issued_on\":"
     "\"2024-02-30\"}",
     "/issued_on"},
    {"construction-permits",
     "{\"project\":\"p\",\"district\":\"" D "\",\"issued_on\":"
     "\"2024-02-01\",\"is_remediation_project\":\"yes\"}",
     "/is_remediation_project"},
    {"closed-enterprises", "{\"name\":\"n\",\"district\":\"" D "\"}", "/closed_on"},
    {"farmland-units", "{\"district\":\"" D "\",\"land_type\":\"cropland\",\"class\":\"bad\"}",
     "/class"},
    {"farmland-units", "{\"district\":\"" D "\",\"land_type\":\"desert\",\"class\":\"safe_use\"}",
     "/land_type"},
    {"agri-inputs", "{\"period\":\"2024-13\",\"district\":\"" D "\"}", "/period"},
    {"agri-inputs", "{\"period\":\"2024-01\",\"district\":\"" D "\",\"film_kg\":-1}", "/film_kg"},
    {"soil-samples",
     "{\"district\":\"" D "\",\"sampled_on\":\"2024-01-01\",\"results\":"
     "[{\"pollutant\":\"Cd\",\"value\":1,\"unit\":\"mg/kg\"}]}",
     "/plot_id"},
    {"soil-samples",
     "{\"plot_id\":\"" D "-no-such-plot\",\"district\":\"" D "\",\"sampled_on\":"
     "\"2024-01-01\",\"results\":[{\"pollutant\":\"Cd\",\"value\":1,\"unit\":"
     "\"mg/kg\"}]}",
     "/plot_id"},
    {"soil-samples",
     "{\"plot_id\":\"a\",\"district\":\"" D "\",\"sampled_on\":\"2024-01-01\","
     "\"ph\":15,\"results\":[]}",
     "/ph"},
    {"soil-samples",
     "{\"plot_id\":\"a\",\"district\":\"" D "\",\"sampled_on\":\"2024-01-01\","
     "\"results\":[{\"pollutant\":\"Zz\",\"value\":1,\"unit\":\"mg/kg\"}]}",
     "/results/0/pollutant"},
    {"soil-samples",
     "{\"plot_id\":\"a\",\"district\":\"" D "\",\"sampled_on\":\"2024-01-01\","
     "\"results\":[{\"pollutant\":\"Cd\",\"value\":1,\"unit\":\"g/kg\"}]}",
     "/results/0/unit"},
    {"effect-surveys", "{\"year\":2024,\"district\":\"" D "\",\"scope\":\"s\",\"indicators\":[1]}",
     "/indicators"},
    {"effect-surveys", "{\"year\":1999,\"district\":\"" D "\",\"scope\":\"s\"}", "/year"},
};

Test(datasets, validation_names_the_field)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char *id = sample_id(c->dataset, D);
		char path[512];
		snprintf(path, sizeof(path), "/v1/%s/%s", c->dataset, id);
		struct resp *r =
		    call("PUT", path, key_of(sample_publisher(c->dataset)), c->body, NULL);
		assert_problem(r, 422, "/problems/validation");
		bool found = false;
		size_t n;
		json_t *e;
		json_array_foreach(json_object_get(r->json, "errors"), n, e) found =
		    found ||
		    strcmp(json_string_value(json_object_get(e, "pointer")), c->pointer) == 0;
		cr_assert(found, "case %zu (%s): an error at %s in %s", i, c->dataset, c->pointer,
		          r->body);
		resp_free(r);
		free(id);
	}
}

Test(datasets, transfers_and_closed_enterprises_may_name_unrecorded_plots)
{
	char *id = sample_id("land-right-transfers", D);
	char path[512];
	snprintf(path, sizeof(path), "/v1/land-right-transfers/%s", id);
	char *body = sample_body("land-right-transfers", D, D "-2025-not-recorded", NULL);
	struct resp *r = call("PUT", path, key_of("planning"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(body);
	free(id);
	id = sample_id("closed-enterprises", D);
	snprintf(path, sizeof(path), "/v1/closed-enterprises/%s", id);
	body = sample_body("closed-enterprises", D, D "-2025-not-recorded", NULL);
	r = call("PUT", path, key_of("economy"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(body);
	free(id);
}

Test(datasets, farmland_unit_with_samples_cannot_be_deleted)
{
	char *unit = make_farmland_unit(D, "priority_protection");
	char *sid = sample_id("soil-samples", D);
	char *body = sample_body("soil-samples", D, NULL, unit);
	char path[512], upath[512];
	snprintf(path, sizeof(path), "/v1/soil-samples/%s", sid);
	snprintf(upath, sizeof(upath), "/v1/farmland-units/%s", unit);
	struct resp *r = call("PUT", path, key_of("agriculture"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = call("DELETE", upath, key_of("agriculture"), NULL, NULL);
	assert_problem(r, 409, "/problems/conflict");
	cr_assert(strstr(r->body, sid), "names the sample: %s", r->body);
	resp_free(r);
	/* ph is required for a farmland sample. */
	r = call("PUT", path, key_of("agriculture"),
	         "{\"farmland_unit_id\":\"x\",\"district\":\"" D "\",\"sampled_on\":\"2024-01-01\","
	         "\"results\":[{\"pollutant\":\"Cd\",\"value\":1,\"unit\":\"mg/kg\"}]}",
	         NULL);
	assert_problem(r, 422, NULL);
	cr_assert(strstr(r->body, "\"/ph\""), "%s", r->body);
	resp_free(r);
	free(body);
	free(sid);
	free(unit);
}

/* Puts a sample and returns its exceedances (a new reference). */
static json_t *exceedances_of(const char *link_field, const char *link, const char *ph,
                              const char *results)
{
	char *id = sample_id("soil-samples", D);
	char path[512], body[1024];
	snprintf(path, sizeof(path), "/v1/soil-samples/%s", id);
	snprintf(body, sizeof(body),
	         "{\"%s\":\"%s\",\"district\":\"" D "\",\"sampled_on\":\"2024-08-01\"%s%s%s,"
	         "\"results\":%s}",
	         link_field, link, ph ? ",\"ph\":" : "", ph ? ph : "", "", results);
	struct resp *r = call("PUT", path, key_of("ecology"), body, NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	json_t *e = json_incref(json_object_get(r->json, "exceedances"));
	cr_assert(json_is_array(e), "exceedances always present: %s", r->body);
	resp_free(r);
	free(id);
	return e;
}

Test(datasets, sample_exceedances_by_standard)
{
	/* Class II plot (planned M1): As screening 60, intervention 140. */
	char *plot = make_plot(D, "detailed_survey", "M1");
	json_t *e = exceedances_of("plot_id", plot, NULL,
	                           "[{\"pollutant\":\"As\",\"value\":60,\"unit\":\"mg/kg\"},"
	                           "{\"pollutant\":\"Pb\",\"value\":900,\"unit\":\"mg/kg\"},"
	                           "{\"pollutant\":\"Cd\",\"value\":172.5,\"unit\":\"mg/kg\"}]");
	cr_assert_eq(json_array_size(e), 2, "As at its limit is not above it: %s",
	             json_dumps(e, 0));
	json_t *cd = json_array_get(e, 0), *pb = json_array_get(e, 1);
	cr_assert_str_eq(json_string_value(json_object_get(cd, "pollutant")), "Cd");
	cr_assert_str_eq(json_string_value(json_object_get(cd, "level")), "intervention");
	cr_assert_eq(json_number_value(json_object_get(cd, "limit")), 172);
	cr_assert_str_eq(json_string_value(json_object_get(cd, "standard")), "GB36600");
	cr_assert_str_eq(json_string_value(json_object_get(cd, "land_class")), "II");
	cr_assert_str_eq(json_string_value(json_object_get(pb, "level")), "screening");
	cr_assert_eq(json_number_value(json_object_get(pb, "ratio")), 1.125);
	json_decref(e);

	/* Farmland at pH 6.5 (band 5.5-6.5): Cd screening 0.3, control 2.0; in μg/kg. */
	char *unit = make_farmland_unit(D, "safe_use");
	e = exceedances_of("farmland_unit_id", unit, "6.5",
	                   "[{\"pollutant\":\"Cd\",\"value\":310,\"unit\":\"μg/kg\"}]");
	cr_assert_eq(json_array_size(e), 1);
	json_t *x = json_array_get(e, 0);
	cr_assert_str_eq(json_string_value(json_object_get(x, "standard")), "GB15618");
	cr_assert_str_eq(json_string_value(json_object_get(x, "ph_band")), "5.5-6.5");
	cr_assert_eq(json_number_value(json_object_get(x, "limit")), 300,
	             "limit in the sample's unit");
	json_decref(e);
	e = exceedances_of("farmland_unit_id", unit, "6.51",
	                   "[{\"pollutant\":\"Cd\",\"value\":0.3,\"unit\":\"mg/kg\"}]");
	cr_assert_eq(json_array_size(e), 0, "0.3 is not above 0.3");
	json_decref(e);
	free(unit);
	free(plot);
}

Test(datasets, directory_lists_plots_under_management)
{
	char *listed = make_plot(D, "risk_assessment", "R2");
	char *suspected = make_plot(D, "suspected", "R2");
	char path[512];
	snprintf(path, sizeof(path), "/v1/plots/%s", listed);
	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	struct resp *r = call("PATCH", path, key_of("ecology"), "{\"status\":\"listed\"}", mp);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	r = call("GET", "/v1/directory?district=" D "&limit=1000", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	bool found_listed = false;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));
		cr_assert_neq(strcmp(id, suspected), 0, "a suspected plot is not in the directory");
		if (strcmp(id, listed) == 0) {
			found_listed = true;
			time_t now = time(NULL) + 8 * 3600; /* Beijing */
			char today[16];
			strftime(today, sizeof(today), "%Y-%m-%d", gmtime(&now));
			cr_assert_str_eq(json_string_value(json_object_get(it, "listed_on")),
			                 today);
			cr_assert_str_eq(json_string_value(json_object_get(it, "land_class")), "I");
		}
	}
	cr_assert(found_listed, "the newly listed plot is in the directory: %s", r->body);
	resp_free(r);

	r = call("GET", "/v1/directory?status=suspected", key_of("water"), NULL, NULL);
	assert_problem(r, 400, NULL);
	resp_free(r);
	free(listed);
	free(suspected);
}
