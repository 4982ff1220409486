/* Valid record bodies of every dataset, for the end-to-end tests. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "datasets.h"
#include "harness.h"
#include "samples.h"

char *sample_id(const char *dataset, const char *district)
{
	static const char *const uscc_keyed[] = {"supervised-units", "closed-enterprises"};
	for (size_t k = 0; k < 2; k++) {
		if (strcmp(dataset, uscc_keyed[k]) != 0)
			continue;
		static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
		static unsigned seed;
		seed = seed ? seed : (unsigned)getpid() * 2654435761u + (unsigned)time(NULL);
		char *s = malloc(19);
		snprintf(s, 19, "91%.6s", district);
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
		cr_assert_fail("no check digit");
	}
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "%.6s-S", district);
	return uniq(prefix);
}

const char *sample_publisher(const char *dataset)
{
	static const struct {
		const char *dataset, *agency;
	} map[] = {
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
	    {"soil-samples", "ecology"},
	    {"effect-surveys", "forestry"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].dataset, dataset) == 0)
			return map[i].agency;
	cr_assert_fail("no publisher for %s", dataset);
	return NULL;
}

char *sample_body(const char *dataset, const char *district, const char *plot_id,
                  const char *farmland_unit_id)
{
	char *b = malloc(2048);
	const char *d = district;
	if (strcmp(dataset, "plots") == 0)
		snprintf(b, 2048,
		         "{\"name\":\"测试地块\",\"district\":\"%s\",\"status\":\"suspected\","
		         "\"planned_use\":\"R2\",\"current_use\":\"M1\",\"pollutants\":[\"Cd\"]}",
		         d);
	else if (strcmp(dataset, "supervised-units") == 0)
		snprintf(b, 2048,
		         "{\"name\":\"测试化工有限公司\",\"industry_code\":\"C2614\",\"district\":"
		         "\"%s\","
		         "\"listed_year\":2021}",
		         d);
	else if (strcmp(dataset, "land-use-changes") == 0)
		snprintf(b, 2048,
		         "{\"plot_id\":\"%s\",\"district\":\"%s\",\"from_use\":\"M1\",\"to_use\":"
		         "\"B1\",\"approved_on\":\"2024-03-01\"}",
		         plot_id, d);
	else if (strcmp(dataset, "planning-permits") == 0)
		snprintf(b, 2048,
		         "{\"project\":\"测试商业综合体\",\"plot_id\":\"%s\",\"district\":\"%s\","
		         "\"land_use\":\"B1\",\"issued_on\":\"2024-04-01\"}",
		         plot_id, d);
	else if (strcmp(dataset, "land-supply-plans") == 0)
		snprintf(b, 2048,
		         "{\"year\":2025,\"plot_id\":\"%s\",\"district\":\"%s\",\"planned_use\":"
		         "\"M1\",\"area_m2\":12000,\"supply_mode\":\"grant\",\"quarter\":2}",
		         plot_id, d);
	else if (strcmp(dataset, "land-right-transfers") == 0)
		snprintf(b, 2048,
		         "{\"plot_id\":\"%s\",\"district\":\"%s\",\"action\":\"recovery\","
		         "\"planned_on\":\"2025-06-30\"}",
		         plot_id, d);
	else if (strcmp(dataset, "construction-permits") == 0)
		snprintf(b, 2048,
		         "{\"project\":\"测试厂房\",\"plot_id\":\"%s\",\"district\":\"%s\","
		         "\"issued_on\":\"2024-05-01\",\"is_remediation_project\":true}",
		         plot_id, d);
	else if (strcmp(dataset, "closed-enterprises") == 0)
		snprintf(b, 2048,
		         "{\"name\":\"测试电镀厂\",\"industry_code\":\"C3360\",\"district\":\"%s\","
		         "\"closed_on\":\"2024-01-15\",\"plot_id\":\"%s\"}",
		         d, plot_id);
	else if (strcmp(dataset, "farmland-units") == 0)
		snprintf(
		    b, 2048,
		    "{\"district\":\"%s\",\"township\":\"测试镇\",\"area_mu\":350,\"land_type\":"
		    "\"cropland\",\"class\":\"safe_use\"}",
		    d);
	else if (strcmp(dataset, "agri-inputs") == 0)
		snprintf(b, 2048,
		         "{\"period\":\"2024-06\",\"district\":\"%s\",\"entity_uscc\":"
		         "\"91110000802100433B\",\"pesticide_kg\":12.5,"
		         "\"fertilizer_kg\":800,\"film_kg\":40,\"film_recovered_kg\":36}",
		         d);
	else if (strcmp(dataset, "soil-samples") == 0)
		snprintf(b, 2048,
		         "{\"farmland_unit_id\":\"%s\",\"district\":\"%s\",\"sampled_on\":"
		         "\"2024-07-01\",\"ph\":6.8,\"depth_m\":0.2,\"results\":[{\"pollutant\":"
		         "\"Cd\",\"value\":0.2,\"unit\":\"mg/kg\"}]}",
		         farmland_unit_id, d);
	else if (strcmp(dataset, "effect-surveys") == 0)
		snprintf(b, 2048,
		         "{\"year\":2024,\"district\":\"%s\",\"scope\":\"测试区受污染耕地\","
		         "\"indicators\":{\"safe_use_rate\":0.93}}",
		         d);
	else
		cr_assert_fail("no sample body for %s", dataset);
	return b;
}

static char *make(const char *dataset, const char *who, const char *district, const char *body)
{
	char *id = sample_id(dataset, district);
	char path[256];
	snprintf(path, sizeof(path), "/v1/%s/%s", dataset, id);
	struct resp *r = call("PUT", path, key_of(who), body, NULL);
	cr_assert_eq(r->status, 201, "creating %s: %s", path, r->body);
	resp_free(r);
	return id;
}

char *make_plot(const char *district, const char *status, const char *planned_use)
{
	char *body = plot_body(district, status, planned_use);
	char *id = make("plots", "ecology", district, body);
	free(body);
	return id;
}

char *make_farmland_unit(const char *district, const char *klass)
{
	char body[256];
	snprintf(body, sizeof(body),
	         "{\"district\":\"%s\",\"land_type\":\"cropland\",\"class\":\"%s\"}", district,
	         klass);
	return make("farmland-units", "agriculture", district, body);
}
