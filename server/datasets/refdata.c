/* Reference data in memory: districts, retired codes, land-use prefixes, pollutant codes. */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "refdata.h"

struct refdata g_refdata;

const struct ref_district *refdata_district(const struct refdata *r, const char *code)
{
	for (size_t i = 0; i < r->n_districts; i++)
		if (strcmp(r->districts[i].code, code) == 0)
			return &r->districts[i];
	return NULL;
}

const struct ref_retired *refdata_retired(const struct refdata *r, const char *code)
{
	for (size_t i = 0; i < r->n_retired; i++)
		if (strcmp(r->retired[i].code, code) == 0)
			return &r->retired[i];
	return NULL;
}

bool refdata_land_use_known(const struct refdata *r, const char *code)
{
	for (size_t i = 0; i < r->n_land_use_prefixes; i++) {
		const char *p = r->land_use_prefixes[i];
		if (strncmp(code, p, strlen(p)) == 0)
			return true;
	}
	return false;
}

const char *refdata_land_class(const struct refdata *r, const char *code)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < r->n_land_use_prefixes; i++) {
		const char *p = r->land_use_prefixes[i];
		size_t n = strlen(p);
		if (n > best_len && strncmp(code, p, n) == 0) {
			best = r->land_use_classes[i];
			best_len = n;
		}
	}
	return best;
}

bool refdata_pollutant_known(const struct refdata *r, const char *code)
{
	for (size_t i = 0; i < r->n_pollutants; i++)
		if (strcmp(r->pollutants[i], code) == 0)
			return true;
	return false;
}

bool refdata_rule_known(const struct refdata *r, const char *rule)
{
	for (size_t i = 0; i < r->n_rules; i++)
		if (strcmp(r->rules[i], rule) == 0)
			return true;
	return false;
}

static const char q_rules[] = "SELECT rule FROM rules ORDER BY rule";
static const char q_districts[] = "SELECT code, name_zh FROM districts ORDER BY code";
static const char q_retired[] =
    "SELECT code, name_zh, retired_in, replaced_by FROM retired_districts ORDER BY code";
static const char q_land_use[] =
    "SELECT code_prefix, gb36600_class FROM land_use_classes ORDER BY code_prefix";
static const char q_pollutants[] = "SELECT pollutant FROM gb36600_values UNION "
                                   "SELECT pollutant FROM gb15618_values ORDER BY 1";

/* Runs `sql` and checks it returned at most `max` rows of `cols` columns. */
static PGresult *fetch(PGconn *conn, const char *sql, int cols, size_t max, char *errbuf,
                       size_t size)
{
	PGresult *res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(errbuf, size, "loading reference data: %s", PQerrorMessage(conn));
		PQclear(res);
		return NULL;
	}
	if (PQnfields(res) != cols || (size_t)PQntuples(res) > max) {
		snprintf(errbuf, size, "loading reference data: more rows than this build holds");
		PQclear(res);
		return NULL;
	}
	return res;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

int refdata_load(PGconn *conn, struct refdata *r, char *errbuf, size_t size)
{
	memset(r, 0, sizeof(*r));
	PGresult *res = fetch(conn, q_districts, 2, 32, errbuf, size);
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		COPY(r->districts[i].code, PQgetvalue(res, i, 0));
		COPY(r->districts[i].name_zh, PQgetvalue(res, i, 1));
	}
	r->n_districts = (size_t)PQntuples(res);
	PQclear(res);

	if (!(res = fetch(conn, q_retired, 4, 16, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		COPY(r->retired[i].code, PQgetvalue(res, i, 0));
		COPY(r->retired[i].name_zh, PQgetvalue(res, i, 1));
		sscanf(PQgetvalue(res, i, 2), "%d", &r->retired[i].retired_in);
		COPY(r->retired[i].replaced_by, PQgetvalue(res, i, 3));
	}
	r->n_retired = (size_t)PQntuples(res);
	PQclear(res);

	if (!(res = fetch(conn, q_land_use, 2, 64, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		COPY(r->land_use_prefixes[i], PQgetvalue(res, i, 0));
		COPY(r->land_use_classes[i], PQgetvalue(res, i, 1));
	}
	r->n_land_use_prefixes = (size_t)PQntuples(res);
	PQclear(res);

	if (!(res = fetch(conn, q_pollutants, 1, 128, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		COPY(r->pollutants[i], PQgetvalue(res, i, 0));
	r->n_pollutants = (size_t)PQntuples(res);
	PQclear(res);

	if (!(res = fetch(conn, q_rules, 1, 32, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		COPY(r->rules[i], PQgetvalue(res, i, 0));
	r->n_rules = (size_t)PQntuples(res);
	PQclear(res);
	return 0;
}
