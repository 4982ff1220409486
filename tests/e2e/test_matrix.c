/* The authorisation matrix (SPEC §3): every dataset x agency kind x method. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "samples.h"

static long put(const char *dataset, const char *id, const char *who, const char *body)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/%s/%s", dataset, id);
	struct resp *r = call("PUT", path, key_of(who), body, NULL);
	long s = r->status;
	if (s >= 400)
		cr_assert_not_null(r->json, "problem body");
	resp_free(r);
	return s;
}

static long send_req(const char *method, const char *dataset, const char *id, const char *who,
                     const char *body)
{
	char path[256];
	snprintf(path, sizeof(path), "/v1/%s/%s", dataset, id);
	const char *mp[] = {"Content-Type: application/merge-patch+json", NULL};
	struct resp *r = call(method, path, key_of(who), body, body ? mp : NULL);
	long s = r->status;
	resp_free(r);
	return s;
}

/* SPEC §2's publishers column, written out here rather than taken from the server's registry:
 * the test checks the server against it. "district" stands for a district key, which writes
 * records of its own district only (§3). */
static const struct {
	const char *name;
	const char *const publishers[4];
} spec[] = {
    {"plots", {"ecology", "district"}},
    {"supervised-units", {"ecology", "district"}},
    {"land-use-changes", {"planning"}},
    {"planning-permits", {"planning"}},
    {"land-supply-plans", {"planning"}},
    {"land-right-transfers", {"planning"}},
    {"construction-permits", {"housing"}},
    {"closed-enterprises", {"economy"}},
    {"farmland-units", {"agriculture", "forestry"}},
    {"agri-inputs", {"agriculture", "forestry"}},
    {"soil-samples", {"ecology", "agriculture", "forestry"}},
    {"effect-surveys", {"agriculture", "forestry"}},
};
#define N_SPEC (sizeof(spec) / sizeof(spec[0]))

/* The matrix writes records of this district. */
#define DISTRICT "110105"

/* The nine agency kinds of the matrix: the test script's key, its agency and its district. */
struct who {
	const char *key, *agency, *district;
};

static const struct who whos[] = {
    {"ecology", "ecology", NULL},
    {"planning", "planning", NULL},
    {"housing", "housing", NULL},
    {"economy", "economy", NULL},
    {"agriculture", "agriculture", NULL},
    {"forestry", "forestry", NULL},
    {"water", "water", NULL},
    {"district:" DISTRICT, "district", DISTRICT},
    {"district:110108", "district", "110108"},
};

static bool publishes(size_t d, const char *agency)
{
	for (const char *const *p = spec[d].publishers; *p; p++)
		if (strcmp(*p, agency) == 0)
			return true;
	return false;
}

/* May `w` create a record of DISTRICT in `spec[d]`? */
static bool may_write(const struct who *w, size_t d)
{
	return publishes(d, w->agency) && (!w->district || strcmp(w->district, DISTRICT) == 0);
}

/* May `w` change a record of `spec[d]` that its usual publisher wrote? Only that agency,
 * except that ecology and the record's district share plots and supervised units. */
static bool may_change(const struct who *w, size_t d)
{
	if (!may_write(w, d))
		return false;
	if (strcmp(w->key, sample_publisher(spec[d].name)) == 0)
		return true;
	return strcmp(spec[d].name, "plots") == 0 || strcmp(spec[d].name, "supervised-units") == 0;
}

Test(matrix, every_dataset_agency_kind_and_method, .timeout = 240)
{
	char *plot = make_plot(DISTRICT, "cleared", "M1");
	char *unit = make_farmland_unit(DISTRICT, "safe_use");
	for (size_t d = 0; d < N_SPEC; d++) {
		const char *ds = spec[d].name;
		char *body = sample_body(ds, DISTRICT, plot, unit);
		for (size_t w = 0; w < sizeof(whos) / sizeof(whos[0]); w++) {
			const struct who *who = &whos[w];
			/* A record of DISTRICT written by the dataset's usual publisher. */
			char *id = sample_id(ds, DISTRICT);
			cr_assert_eq(put(ds, id, sample_publisher(ds), body), 201, "%s", ds);

			cr_assert_eq(send_req("GET", ds, id, who->key, NULL), 200, "%s GET %s",
			             who->key, ds);
			char list[128];
			snprintf(list, sizeof(list), "/v1/%s?limit=1", ds);
			struct resp *r = call("GET", list, key_of(who->key), NULL, NULL);
			cr_assert_eq(r->status, 200, "%s lists %s", who->key, ds);
			resp_free(r);

			char *fresh = sample_id(ds, DISTRICT);
			long s = put(ds, fresh, who->key, body);
			cr_assert_eq(s, may_write(who, d) ? 201 : 403, "%s PUT new %s: %ld",
			             who->key, ds, s);

			bool change = may_change(who, d);
			s = send_req("PATCH", ds, id, who->key, "{\"district\":\"" DISTRICT "\"}");
			cr_assert_eq(s, change ? 200 : 403, "%s PATCH %s: %ld", who->key, ds, s);
			s = send_req("DELETE", ds, id, who->key, NULL);
			cr_assert_eq(s, change ? 204 : 403, "%s DELETE %s: %ld", who->key, ds, s);
			free(id);
			free(fresh);
		}
		free(body);
	}
	free(plot);
	free(unit);
}

/* The catalogue serves exactly the datasets of the SPEC table, with its publishers: the
 * matrix above then covers every dataset the server has. */
Test(matrix, catalogue_has_the_datasets_and_publishers_of_the_spec)
{
	struct resp *r = call("GET", "/v1/datasets", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	json_t *items = json_object_get(r->json, "items");
	cr_assert_eq(json_array_size(items), N_SPEC, "%s", r->body);
	bool seen[N_SPEC] = {false};
	size_t i, k;
	json_t *item, *p;
	json_array_foreach(items, i, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));
		cr_assert_not_null(name, "%s", r->body);
		size_t d = 0;
		while (d < N_SPEC && strcmp(spec[d].name, name) != 0)
			d++;
		cr_assert_lt(d, N_SPEC, "the server has %s, which SPEC §2 does not list", name);
		cr_assert(!seen[d], "%s listed twice", name);
		seen[d] = true;
		json_t *pubs = json_object_get(item, "publishers");
		size_t n = 0;
		while (spec[d].publishers[n])
			n++;
		cr_expect_eq(json_array_size(pubs), n, "%s has %zu publishers, SPEC §2 %zu", name,
		             json_array_size(pubs), n);
		json_array_foreach(pubs, k, p)
		{
			const char *agency = json_string_value(p);
			cr_expect(agency && publishes(d, agency),
			          "%s: publisher %s is not in SPEC §2", name,
			          agency ? agency : "(not a string)");
		}
	}
	resp_free(r);
}

/* GET /v1/me says each key may write exactly the datasets whose publishers include its agency
 * (a district key: in its own district, which /v1/me does not restrict). */
Test(matrix, me_lists_the_datasets_each_key_may_write)
{
	for (size_t w = 0; w < sizeof(whos) / sizeof(whos[0]); w++) {
		const struct who *who = &whos[w];
		struct resp *r = call("GET", "/v1/me", key_of(who->key), NULL, NULL);
		cr_assert_eq(r->status, 200, "%s: %s", who->key, r->body);
		cr_expect_str_eq(json_string_value(json_object_get(r->json, "agency")), who->agency,
		                 "%s: %s", who->key, r->body);
		const char *district = json_string_value(json_object_get(r->json, "district"));
		cr_expect(who->district ? district && strcmp(district, who->district) == 0
		                        : json_is_null(json_object_get(r->json, "district")),
		          "%s: %s", who->key, r->body);
		json_t *can = json_object_get(r->json, "can_write");
		size_t expected = 0, i;
		json_t *v;
		for (size_t d = 0; d < N_SPEC; d++)
			expected += publishes(d, who->agency);
		cr_expect_eq(json_array_size(can), expected, "%s may write %zu datasets: %s",
		             who->key, expected, r->body);
		bool seen[N_SPEC] = {false};
		json_array_foreach(can, i, v)
		{
			const char *name = json_string_value(v);
			size_t d = 0;
			while (name && d < N_SPEC && strcmp(spec[d].name, name) != 0)
				d++;
			cr_expect(name && d < N_SPEC && !seen[d] && publishes(d, who->agency),
			          "%s may not write %s (or it is listed twice): %s", who->key,
			          name ? name : "(not a string)", r->body);
			if (name && d < N_SPEC)
				seen[d] = true;
		}
		resp_free(r);
	}
}

Test(matrix, district_keys_stay_in_their_district)
{
	char *id = uniq("110105-DZ");
	/* Creating a record of another district. */
	cr_assert_eq(put("plots", id, "district:110105", plot_body("110108", "suspected", "R2")),
	             403);
	cr_assert_eq(put("plots", id, "district:110105", plot_body("110105", "suspected", "R2")),
	             201);
	/* Moving it out of the district. */
	long s = send_req("PATCH", "plots", id, "district:110105", "{\"district\":\"110108\"}");
	cr_assert_eq(s, 403);
	/* Ecology shares the district's plots and may edit them. */
	s = send_req("PATCH", "plots", id, "ecology", "{\"address\":\"生态环境局核实地址\"}");
	cr_assert_eq(s, 200);
	/* ... and the district may edit it back, ecology having been the last writer. */
	s = send_req("PATCH", "plots", id, "district:110105", "{\"address\":\"区政府核实地址\"}");
	cr_assert_eq(s, 200);
	/* Another district may not touch it. */
	cr_assert_eq(send_req("DELETE", "plots", id, "district:110108", NULL), 403);
	struct resp *r = call("GET", "/v1/plots?limit=1", key_of("district:110108"), NULL, NULL);
	cr_assert_eq(r->status, 200, "reads are open to every key");
	resp_free(r);
	free(id);
}

Test(matrix, forbidden_writes_explain_who_may)
{
	struct resp *r = call("PUT", "/v1/plots/110105-FW-1", key_of("housing"),
	                      plot_body("110105", "suspected", "R2"), NULL);
	assert_problem(r, 403, "/problems/forbidden");
	cr_assert(strstr(r->body, "ecology"), "names the publishers: %s", r->body);
	resp_free(r);
}
