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
	static const char *const prefixes[] = {"R", "A33", "A", "M", "G1-C", "G"};
	static const char *const pollutants[] = {"As", "Cd", "Pb", "benzene"};

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

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		COPY(r->land_use_prefixes[i], prefixes[i]);
	r->n_land_use_prefixes = sizeof(prefixes) / sizeof(prefixes[0]);

	for (size_t i = 0; i < sizeof(pollutants) / sizeof(pollutants[0]); i++)
		COPY(r->pollutants[i], pollutants[i]);
	r->n_pollutants = sizeof(pollutants) / sizeof(pollutants[0]);
}
