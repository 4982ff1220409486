/* Reference data (districts, land uses, pollutants, rule names) held in memory for validation,
 * replaced at run time when the reference tables change. */
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

/* A land use of either coding: a GB 50137 prefix (letters: the longest listed prefix of a
 * code decides) or a 用地用海 code (digits: listed exactly). */
struct ref_land_use {
	char code[16];
	char name_zh[96];
	char land_class[4]; /* "I", "II", or "" when not construction land (用地用海 n/a) */
	bool sensitive;
	bool prefix; /* a GB 50137 prefix */
};

struct ref_pollutant {
	char code[48];
	char name_zh[96];
	char cas[48];
	char standard[8]; /* "GB36600" or "GB15618" (an item GB 36600 lacks) */
};

#define REF_MAX_LAND_USES  512
#define REF_MAX_POLLUTANTS 256

/* One version of the reference tables; never changed once published. */
struct refdata {
	struct ref_district districts[32];
	size_t n_districts;
	struct ref_retired retired[16];
	size_t n_retired;
	struct ref_land_use land_uses[REF_MAX_LAND_USES];
	size_t n_land_uses;
	struct ref_pollutant pollutants[REF_MAX_POLLUTANTS];
	size_t n_pollutants;
	char rules[32][64]; /* the names of the cross-agency rules */
	size_t n_rules;
};

const struct ref_district *refdata_district(const struct refdata *r, const char *code);
const struct ref_retired *refdata_retired(const struct refdata *r, const char *code);
/* The entry of a land-use code of either coding, or NULL when neither list knows it. */
const struct ref_land_use *refdata_land_use(const struct refdata *r, const char *code);
/* The GB 36600 land class of a land-use code: "I", "II", or NULL (unknown code, or not
 * construction land). */
const char *refdata_land_class(const struct refdata *r, const char *code);
bool refdata_pollutant_known(const struct refdata *r, const char *code);
bool refdata_rule_known(const struct refdata *r, const char *rule);

/* Fills `r` from the database; returns 0 or -1 with a message in errbuf. */
struct pg_conn;
int refdata_load(struct pg_conn *conn, struct refdata *r, char *errbuf, size_t size);

/* The process-wide version. refdata_hold() returns it for reading until the matching
 * refdata_release(); hold it only around pure work (no I/O). refdata_reload() loads the
 * tables again and publishes the new version (the old one is freed once no one holds it);
 * on failure the current version stays and -1 is returned with a message. */
const struct refdata *refdata_hold(void);
void refdata_release(void);
int refdata_reload(struct pg_conn *conn, char *errbuf, size_t size);
/* `fn` runs after each successful reload (e.g. to rebuild what is made from the data). */
void refdata_on_reload(void (*fn)(void));

/* `soilshare reference load [--dry-run] FILE...`: returns the process exit status. */
int reference_command(const char *database_url, int argc, char **argv);

#endif
