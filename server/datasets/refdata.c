/* Reference data in memory: districts, retired codes, land uses, pollutant codes, rule names;
 * one published version, replaced when the tables change. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "refdata.h"

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

const struct ref_land_use *refdata_land_use(const struct refdata *r, const char *code)
{
	bool digits = code[0] >= '0' && code[0] <= '9';
	const struct ref_land_use *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < r->n_land_uses; i++) {
		const struct ref_land_use *u = &r->land_uses[i];
		if (!u->prefix) {
			if (digits && strcmp(u->code, code) == 0)
				return u;
			continue;
		}
		size_t n = strlen(u->code);
		if (!digits && n > best_len && strncmp(code, u->code, n) == 0) {
			best = u;
			best_len = n;
		}
	}
	return best;
}

const char *refdata_land_class(const struct refdata *r, const char *code)
{
	const struct ref_land_use *u = refdata_land_use(r, code);
	return u && u->land_class[0] ? u->land_class : NULL;
}

bool refdata_pollutant_known(const struct refdata *r, const char *code)
{
	for (size_t i = 0; i < r->n_pollutants; i++)
		if (strcmp(r->pollutants[i].code, code) == 0)
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
/* GB 50137 prefixes, then 用地用海 codes, each in code order. */
static const char q_land_use[] =
    "SELECT code_prefix, name_zh, gb36600_class, sensitive, true FROM land_use_classes "
    "UNION ALL SELECT code, name_zh, CASE WHEN gb36600_class = 'n/a' THEN '' "
    " ELSE gb36600_class END, sensitive, false FROM land_use_codes ORDER BY 5 DESC, 1";
static const char q_pollutants[] =
    "SELECT code, name_zh, coalesce(cas, ''), standard FROM pollutants "
    "ORDER BY standard DESC, tbl, no, code";

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
		snprintf(errbuf, size,
		         "loading reference data: more rows than this build holds (%zu at most)",
		         max);
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

	if (!(res = fetch(conn, q_land_use, 5, REF_MAX_LAND_USES, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		struct ref_land_use *u = &r->land_uses[i];
		COPY(u->code, PQgetvalue(res, i, 0));
		COPY(u->name_zh, PQgetvalue(res, i, 1));
		COPY(u->land_class, PQgetvalue(res, i, 2));
		u->sensitive = PQgetvalue(res, i, 3)[0] == 't';
		u->prefix = PQgetvalue(res, i, 4)[0] == 't';
	}
	r->n_land_uses = (size_t)PQntuples(res);
	PQclear(res);

	if (!(res = fetch(conn, q_pollutants, 4, REF_MAX_POLLUTANTS, errbuf, size)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		struct ref_pollutant *p = &r->pollutants[i];
		COPY(p->code, PQgetvalue(res, i, 0));
		COPY(p->name_zh, PQgetvalue(res, i, 1));
		COPY(p->cas, PQgetvalue(res, i, 2));
		COPY(p->standard, PQgetvalue(res, i, 3));
	}
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

/* Readers hold the lock for reading around pure work; a reload swaps the pointer under the
 * write lock, which writers get first, so a reload is never starved by a stream of readers. */
static pthread_rwlock_t lock;
static pthread_once_t lock_once = PTHREAD_ONCE_INIT;
static struct refdata *current;
static void (*on_reload)(void);

void refdata_on_reload(void (*fn)(void))
{
	on_reload = fn;
}

static void lock_init(void)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lock, &attr);
	pthread_rwlockattr_destroy(&attr);
}

const struct refdata *refdata_hold(void)
{
	pthread_once(&lock_once, lock_init);
	pthread_rwlock_rdlock(&lock);
	return current;
}

void refdata_release(void)
{
	pthread_rwlock_unlock(&lock);
}

int refdata_reload(PGconn *conn, char *errbuf, size_t size)
{
	struct refdata *fresh = malloc(sizeof(*fresh));
	if (!fresh) {
		snprintf(errbuf, size, "loading reference data: out of memory");
		return -1;
	}
	if (refdata_load(conn, fresh, errbuf, size) < 0) {
		free(fresh);
		return -1;
	}
	pthread_once(&lock_once, lock_init);
	pthread_rwlock_wrlock(&lock);
	struct refdata *old = current;
	current = fresh;
	pthread_rwlock_unlock(&lock);
	free(old);
	if (on_reload)
		on_reload();
	return 0;
}
