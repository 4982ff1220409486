/* Reference data (districts, land-use classes, pollutants) held in memory for validation. */
#ifndef SOILSHARE_REFDATA_H
#define SOILSHARE_REFDATA_H

#include <stdbool.h>
#include <stddef.h>

struct ref_district {
	char code[8];
	char name_zh[64];
};

struct ref_retired {
	char code[8];
	char name_zh[64];
	int retired_in;
	char replaced_by[8];
};

/* Loaded once at start from the reference tables; read-only afterwards. */
struct refdata {
	struct ref_district districts[32];
	size_t n_districts;
	struct ref_retired retired[16];
	size_t n_retired;
	char land_use_prefixes[64][16];
	char land_use_classes[64][4]; /* GB 36600 class of each prefix: "I" or "II" */
	size_t n_land_use_prefixes;
	char pollutants[128][32];
	size_t n_pollutants;
	char rules[32][64]; /* the names of the cross-agency rules */
	size_t n_rules;
};

const struct ref_district *refdata_district(const struct refdata *r, const char *code);
const struct ref_retired *refdata_retired(const struct refdata *r, const char *code);
bool refdata_land_use_known(const struct refdata *r, const char *code);
/* The GB 36600 land class of a GB 50137 code (its longest listed prefix), or NULL. */
const char *refdata_land_class(const struct refdata *r, const char *code);
bool refdata_pollutant_known(const struct refdata *r, const char *code);
bool refdata_rule_known(const struct refdata *r, const char *rule);

/* Fills `r` from the database; returns 0 or -1 with a message in errbuf. */
struct pg_conn;
int refdata_load(struct pg_conn *conn, struct refdata *r, char *errbuf, size_t size);

/* The process-wide copy the handlers validate against. */
extern struct refdata g_refdata;

#endif
