/* The authorisation matrix (SPEC §3): every dataset x agency kind x method. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datasets.h"
#include "harness.h"

/* A fresh valid id for the dataset; supervised units need a USCC with its check digit. */
static char *new_id(const char *dataset)
{
	if (strcmp(dataset, "supervised-units") != 0)
		return uniq("110105-AZ");
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char *s = malloc(19);
	static unsigned seed;
	seed = seed ? seed * 1103515245u + 12345u : (unsigned)getpid() * 2654435761u;
	snprintf(s, 19, "91110105");
	for (int i = 8; i < 17; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = cs[(seed >> 16) % 31];
	}
	s[18] = '\0';
	for (int c = 0; c < 31; c++) {
		s[17] = cs[c];
		if (uscc_valid(s))
			return s;
	}
	cr_assert_fail("no check digit found");
	return NULL;
}

static const char *body_of(const char *dataset, const char *district)
{
	static char buf[512];
	if (strcmp(dataset, "plots") == 0)
		snprintf(buf, sizeof(buf),
		         "{\"name\":\"矩阵测试地块\",\"district\":\"%s\",\"status\":\"suspected\"}",
		         district);
	else if (strcmp(dataset, "supervised-units") == 0)
		snprintf(buf, sizeof(buf),
		         "{\"name\":\"矩阵测试有限公司\",\"industry_code\":\"C2614\",\"district\":"
		         "\"%s\",\"listed_year\":2021}",
		         district);
	else
		snprintf(buf, sizeof(buf),
		         "{\"district\":\"%s\",\"to_use\":\"B1\",\"approved_on\":\"2024-01-01\"}",
		         district);
	return buf;
}

static const char *owner_of(const char *dataset)
{
	return strcmp(dataset, "land-use-changes") == 0 ? "planning" : "ecology";
}

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

struct who {
	const char *key;
	const char *const *writes; /* datasets this kind may write (district 110105 records) */
};

static const char *const w_eco[] = {"plots", "supervised-units", NULL};
static const char *const w_plan[] = {"land-use-changes", NULL};
static const char *const w_none[] = {NULL};

static const struct who whos[] = {
    {"ecology", w_eco},  {"planning", w_plan},       {"housing", w_none},
    {"economy", w_none}, {"agriculture", w_none},    {"forestry", w_none},
    {"water", w_none},   {"district:110105", w_eco}, {"district:110108", w_none},
};

static bool may_write(const struct who *w, const char *dataset)
{
	for (const char *const *d = w->writes; *d; d++)
		if (strcmp(*d, dataset) == 0)
			return true;
	return false;
}

Test(matrix, every_dataset_agency_kind_and_method, .timeout = 120)
{
	int checked = 0;
	for (size_t d = 0; d < datasets_count; d++) {
		const char *ds = datasets[d]->name;
		for (size_t w = 0; w < sizeof(whos) / sizeof(whos[0]); w++) {
			const struct who *who = &whos[w];
			bool writer = may_write(who, ds);
			/* A record of district 110105 published by the dataset's owner. */
			char *id = new_id(ds);
			cr_assert_eq(put(ds, id, owner_of(ds), body_of(ds, "110105")), 201);

			cr_assert_eq(send_req("GET", ds, id, who->key, NULL), 200, "%s GET %s",
			             who->key, ds);
			char list[128];
			snprintf(list, sizeof(list), "/v1/%s?limit=1", ds);
			struct resp *r = call("GET", list, key_of(who->key), NULL, NULL);
			cr_assert_eq(r->status, 200, "%s lists %s", who->key, ds);
			resp_free(r);

			char *fresh = new_id(ds);
			long s = put(ds, fresh, who->key, body_of(ds, "110105"));
			cr_assert_eq(s, writer ? 201 : 403, "%s PUT new %s: %ld", who->key, ds, s);

			const char *patch = strcmp(ds, "land-use-changes") == 0
			                        ? "{\"parcel\":\"地块东侧\"}"
			                        : "{\"address\":\"北京市朝阳区矩阵路1号\"}";
			s = send_req("PATCH", ds, id, who->key, patch);
			cr_assert_eq(s, writer ? 200 : 403, "%s PATCH %s: %ld", who->key, ds, s);
			s = send_req("DELETE", ds, id, who->key, NULL);
			cr_assert_eq(s, writer ? 204 : 403, "%s DELETE %s: %ld", who->key, ds, s);
			checked += 5;
			free(id);
			free(fresh);
		}
	}
	cr_assert_eq(checked, 3 * 9 * 5);
}

Test(matrix, district_keys_stay_in_their_district)
{
	char *id = uniq("110105-DZ");
	/* Creating a record of another district. */
	cr_assert_eq(put("plots", id, "district:110105", body_of("plots", "110108")), 403);
	cr_assert_eq(put("plots", id, "district:110105", body_of("plots", "110105")), 201);
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
	                      body_of("plots", "110105"), NULL);
	assert_problem(r, 403, "/problems/forbidden");
	cr_assert(strstr(r->body, "ecology"), "names the publishers: %s", r->body);
	resp_free(r);
}
