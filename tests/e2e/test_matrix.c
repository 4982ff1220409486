/* The authorisation matrix (SPEC §3): every dataset x agency kind x method. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datasets.h"
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

/* What SPEC §2 and §3 say each agency kind may publish (records of district 110105). */
struct who {
	const char *key;
	const char *const *writes;
};

static const char *const w_eco[] = {"plots", "supervised-units", "soil-samples", NULL};
static const char *const w_plan[] = {"land-use-changes", "planning-permits", "land-supply-plans",
                                     "land-right-transfers", NULL};
static const char *const w_housing[] = {"construction-permits", NULL};
static const char *const w_economy[] = {"closed-enterprises", NULL};
static const char *const w_agri[] = {"farmland-units", "agri-inputs", "soil-samples",
                                     "effect-surveys", NULL};
static const char *const w_district[] = {"plots", "supervised-units", NULL};
static const char *const w_none[] = {NULL};

static const struct who whos[] = {
    {"ecology", w_eco},          {"planning", w_plan},
    {"housing", w_housing},      {"economy", w_economy},
    {"agriculture", w_agri},     {"forestry", w_agri},
    {"water", w_none},           {"district:110105", w_district},
    {"district:110108", w_none},
};

static bool may_write(const struct who *w, const char *dataset)
{
	for (const char *const *d = w->writes; *d; d++)
		if (strcmp(*d, dataset) == 0)
			return true;
	return false;
}

/* May `w` change a record of `dataset` that its usual publisher wrote? Only that agency,
 * except that ecology and the record's district share plots and supervised units. */
static bool may_change(const struct who *w, const char *dataset)
{
	if (!may_write(w, dataset))
		return false;
	if (strcmp(w->key, sample_publisher(dataset)) == 0)
		return true;
	return strcmp(dataset, "plots") == 0 || strcmp(dataset, "supervised-units") == 0;
}

Test(matrix, every_dataset_agency_kind_and_method, .timeout = 240)
{
	int checked = 0;
	char *plot = make_plot("110105", "cleared", "M1");
	char *unit = make_farmland_unit("110105", "safe_use");
	for (size_t d = 0; d < datasets_count; d++) {
		const char *ds = datasets[d]->name;
		char *body = sample_body(ds, "110105", plot, unit);
		for (size_t w = 0; w < sizeof(whos) / sizeof(whos[0]); w++) {
			const struct who *who = &whos[w];
			/* A record of district 110105 written by the dataset's usual publisher. */
			char *id = sample_id(ds, "110105");
			cr_assert_eq(put(ds, id, sample_publisher(ds), body), 201, "%s", ds);

			cr_assert_eq(send_req("GET", ds, id, who->key, NULL), 200, "%s GET %s",
			             who->key, ds);
			char list[128];
			snprintf(list, sizeof(list), "/v1/%s?limit=1", ds);
			struct resp *r = call("GET", list, key_of(who->key), NULL, NULL);
			cr_assert_eq(r->status, 200, "%s lists %s", who->key, ds);
			resp_free(r);

			char *fresh = sample_id(ds, "110105");
			long s = put(ds, fresh, who->key, body);
			cr_assert_eq(s, may_write(who, ds) ? 201 : 403, "%s PUT new %s: %ld",
			             who->key, ds, s);

			bool change = may_change(who, ds);
			s = send_req("PATCH", ds, id, who->key, "{\"district\":\"110105\"}");
			cr_assert_eq(s, change ? 200 : 403, "%s PATCH %s: %ld", who->key, ds, s);
			s = send_req("DELETE", ds, id, who->key, NULL);
			cr_assert_eq(s, change ? 204 : 403, "%s DELETE %s: %ld", who->key, ds, s);
			checked += 5;
			free(id);
			free(fresh);
		}
		free(body);
	}
	cr_assert_eq(checked, (int)datasets_count * 9 * 5);
	cr_assert_eq(datasets_count, 12, "the twelve datasets of SPEC §2");
	free(plot);
	free(unit);
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
