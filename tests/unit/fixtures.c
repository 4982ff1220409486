/* Shared fixtures of the unit tests: a hand-built reference data set. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

void fixture_refdata(struct refdata *r)
{
	static const char *const districts[][2] = {
	    {"110101", "东城区"},
	    {"110102", "西城区"},
	    {"110105", "朝阳区"},
	    {"110108", "海淀区"},
	};
	/* code, class ("" for not construction land), sensitive, GB 50137 prefix */
	static const struct ref_land_use uses[] = {
	    {"R", "居住用地", "I", true, true},
	    {"A33", "中小学用地", "I", true, true},
	    {"A", "公共管理与公共服务用地", "II", true, true},
	    {"M", "工业用地", "II", false, true},
	    {"G1-C", "社区公园或儿童公园用地", "I", true, true},
	    {"G", "绿地与广场用地", "II", false, true},
	    {"0701", "城镇住宅用地", "I", true, false},
	    {"080403", "中小学用地", "I", true, false},
	    {"1001", "工业用地", "II", false, false},
	    {"0103", "旱地", "", false, false},
	};
	static const char *const pollutants[] = {"As", "Cd", "Pb", "benzene", "Cr", "tph_c10_c40"};

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < sizeof(districts) / sizeof(districts[0]); i++) {
		COPY(r->districts[i].code, districts[i][0]);
		COPY(r->districts[i].name_zh, districts[i][1]);
	}
	r->n_districts = sizeof(districts) / sizeof(districts[0]);

	COPY(r->retired[0].code, "110103");
	COPY(r->retired[0].name_zh, "崇文区");
	r->retired[0].retired_in = 2010;
	COPY(r->retired[0].replaced_by, "110101");
	COPY(r->retired[1].code, "110104");
	COPY(r->retired[1].name_zh, "宣武区");
	r->retired[1].retired_in = 2010;
	COPY(r->retired[1].replaced_by, "110102");
	r->n_retired = 2;

	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		r->land_uses[i] = uses[i];
	r->n_land_uses = sizeof(uses) / sizeof(uses[0]);

	for (size_t i = 0; i < sizeof(pollutants) / sizeof(pollutants[0]); i++)
		COPY(r->pollutants[i].code, pollutants[i]);
	r->n_pollutants = sizeof(pollutants) / sizeof(pollutants[0]);
}
