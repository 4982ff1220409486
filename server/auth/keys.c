/* API keys: generation, hashing, verification through an in-memory cache, rate limiting,
 * and the admin commands (create, list, revoke). */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "cursor.h"
#include "db.h"
#include "encoding.h"
#include "ids.h"
#include "metrics.h"
#include "strbuf.h"

static const char sql_key_lookup[] =
    "SELECT agency, coalesce(district, ''), secret_hash FROM api_keys "
    "WHERE key_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

static const struct db_stmt statements[] = {
    {"key_lookup", sql_key_lookup},
};

void auth_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

int api_key_parse(const char *key, char *key_id, size_t id_size)
{
	size_t plen = strlen(KEY_PREFIX);
	if (strncmp(key, KEY_PREFIX, plen) != 0 ||
	    strlen(key) != plen + KEY_ID_LEN + 1 + KEY_SECRET_LEN)
		return -1;
	const char *id = key + plen;
	for (int i = 0; i < KEY_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return -1;
	if (id[KEY_ID_LEN] != '_' || id_size <= KEY_ID_LEN)
		return -1;
	for (const char *s = id + KEY_ID_LEN + 1; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return -1;
	memcpy(key_id, id, KEY_ID_LEN);
	key_id[KEY_ID_LEN] = '\0';
	return 0;
}

void api_key_hash(const char *key, char out[65])
{
	struct sha256_ctx ctx;
	unsigned char digest[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(key), (const uint8_t *)key);
	sha256_digest(&ctx, sizeof(digest), digest);
	hex_encode(digest, sizeof(digest), out);
}

/* The verified-key cache: a small direct-mapped table under one mutex. An entry is
 * dropped when the database announces a change to its key (auth_forget), and lives at
 * most cache_ttl seconds in any case, so a revoked key stops working within that time
 * even if an announcement is missed. The token bucket outlives a dropped entry. */
#define CACHE_SLOTS 1024

struct cache_entry {
	char key_id[KEY_ID_LEN + 1];
	char hash[65];
	struct identity who;
	double fetched_at;
	/* token bucket */
	double tokens;
	double refilled_at;
};

static struct cache_entry cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
/* Counts auth_forget calls: a lookup that raced one is not cached. */
static unsigned long forgotten;
static struct auth_config auth_cfg = {.rate_per_sec = 100, .burst = 200, .cache_ttl_sec = 1.0};

void auth_configure(const struct auth_config *cfg)
{
	auth_cfg = *cfg;
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t slot_of(const char *key_id)
{
	return fnv1a32(key_id, strlen(key_id), FNV1A32_INIT) % CACHE_SLOTS;
}

static bool hash_equal(const char *a, const char *b)
{
	unsigned char diff = 0;
	for (int i = 0; i < 64; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

enum auth_result auth_verify(const char *authorization, struct identity *out)
{
	if (!authorization)
		return AUTH_MISSING;
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return AUTH_INVALID;
	const char *key = authorization + 7;
	while (*key == ' ')
		key++;
	char key_id[KEY_ID_LEN + 1], hash[65];
	if (api_key_parse(key, key_id, sizeof(key_id)) < 0)
		return AUTH_INVALID;
	api_key_hash(key, hash);

	size_t slot = slot_of(key_id);
	double t = now_sec();
	pthread_mutex_lock(&cache_lock);
	struct cache_entry *e = &cache[slot];
	if (strcmp(e->key_id, key_id) == 0 && t - e->fetched_at < auth_cfg.cache_ttl_sec) {
		bool ok = hash_equal(e->hash, hash);
		if (ok)
			*out = e->who;
		pthread_mutex_unlock(&cache_lock);
		atomic_fetch_add(&g_metrics.auth_cache_hits, 1);
		return ok ? AUTH_OK : AUTH_INVALID;
	}
	unsigned long generation = forgotten;
	pthread_mutex_unlock(&cache_lock);
	atomic_fetch_add(&g_metrics.auth_cache_misses, 1);

	const char *params[] = {key_id};
	PGresult *res = db_exec("key_lookup", 1, params);
	if (!res)
		return AUTH_UNAVAILABLE;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		return AUTH_UNAVAILABLE;
	}
	if (PQntuples(res) == 0 || !hash_equal(PQgetvalue(res, 0, 2), hash)) {
		PQclear(res);
		return AUTH_INVALID;
	}
	struct identity who = {0};
	snprintf(who.key_id, sizeof(who.key_id), "%s", key_id);
	snprintf(who.agency, sizeof(who.agency), "%s", PQgetvalue(res, 0, 0));
	snprintf(who.district, sizeof(who.district), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);

	pthread_mutex_lock(&cache_lock);
	bool same_key = strcmp(e->key_id, key_id) == 0;
	snprintf(e->key_id, sizeof(e->key_id), "%s", key_id);
	memcpy(e->hash, hash, sizeof(e->hash));
	e->who = who;
	e->fetched_at = generation == forgotten ? t : -1e9;
	if (!same_key) {
		e->tokens = auth_cfg.burst;
		e->refilled_at = t;
	}
	pthread_mutex_unlock(&cache_lock);
	*out = who;
	return AUTH_OK;
}

void auth_forget(const char *key_id)
{
	pthread_mutex_lock(&cache_lock);
	struct cache_entry *e = &cache[slot_of(key_id)];
	if (strcmp(e->key_id, key_id) == 0)
		e->fetched_at = -1e9;
	forgotten++;
	pthread_mutex_unlock(&cache_lock);
}

void auth_forget_all(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		cache[i].fetched_at = -1e9;
	forgotten++;
	pthread_mutex_unlock(&cache_lock);
}

bool auth_rate_allow(const char *key_id, double *retry_after)
{
	double t = now_sec();
	bool ok = true;
	pthread_mutex_lock(&cache_lock);
	struct cache_entry *e = &cache[slot_of(key_id)];
	if (strcmp(e->key_id, key_id) == 0) {
		e->tokens += (t - e->refilled_at) * auth_cfg.rate_per_sec;
		if (e->tokens > auth_cfg.burst)
			e->tokens = auth_cfg.burst;
		e->refilled_at = t;
		if (e->tokens >= 1) {
			e->tokens -= 1;
		} else {
			ok = false;
			*retry_after = (1 - e->tokens) / auth_cfg.rate_per_sec;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (!ok)
		atomic_fetch_add(&g_metrics.rate_limited, 1);
	return ok;
}

/* Admin commands. */

static const char sql_create[] =
    "INSERT INTO api_keys (key_id, agency, district, secret_hash, label, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6::date::timestamp AT TIME ZONE 'Asia/Shanghai')";
static const char sql_list[] =
    "SELECT key_id, agency, coalesce(district, '-'), coalesce(label, ''), "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '-'), "
    "CASE WHEN revoked_at IS NOT NULL THEN 'revoked' "
    "WHEN expires_at <= now() THEN 'expired' ELSE 'active' END "
    "FROM api_keys ORDER BY agency, district, created_at";
static const char sql_revoke[] =
    "UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL";
static const char sql_agency_role[] = "SELECT role FROM agencies WHERE code = $1";
static const char sql_district_known[] = "SELECT 1 FROM districts WHERE code = $1";

static int new_key(char *key, size_t size, char *key_id)
{
	unsigned char id_bytes[KEY_ID_LEN / 2], secret[32];
	if (gnutls_rnd(GNUTLS_RND_KEY, id_bytes, sizeof(id_bytes)) < 0 ||
	    gnutls_rnd(GNUTLS_RND_KEY, secret, sizeof(secret)) < 0)
		return -1;
	hex_encode(id_bytes, sizeof(id_bytes), key_id);
	char s64[64];
	if (base64url_encode(secret, sizeof(secret), s64, sizeof(s64)) != KEY_SECRET_LEN)
		return -1;
	snprintf(key, size, KEY_PREFIX "%s_%s", key_id, s64);
	return 0;
}

static int one_row(PGconn *c, const char *sql, const char *param)
{
	const char *params[] = {param};
	PGresult *res = PQexecParams(c, sql, 1, NULL, params, NULL, NULL, 0);
	int n = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : -1;
	PQclear(res);
	return n;
}

static int cmd_create(PGconn *c, int argc, char **argv)
{
	const char *agency = NULL, *district = NULL, *expires = NULL, *label = NULL;
	for (int i = 0; i < argc; i++) {
		const char **dst = strcmp(argv[i], "--agency") == 0     ? &agency
		                   : strcmp(argv[i], "--district") == 0 ? &district
		                   : strcmp(argv[i], "--expires") == 0  ? &expires
		                   : strcmp(argv[i], "--label") == 0    ? &label
		                                                        : NULL;
		if (!dst || i + 1 >= argc) {
			fprintf(stderr,
			        "keys create: unexpected \"%s\"; usage: keys create --agency CODE "
			        "[--district CODE] [--expires YYYY-MM-DD] [--label TEXT]\n",
			        argv[i]);
			return 2;
		}
		*dst = argv[++i];
	}
	if (!agency) {
		fprintf(stderr,
		        "keys create: --agency is required (e.g. ecology, planning, district)\n");
		return 2;
	}
	if (one_row(c, sql_agency_role, agency) != 1) {
		fprintf(stderr, "keys create: unknown agency \"%s\"; see GET /v1/agencies\n",
		        agency);
		return 2;
	}
	if ((strcmp(agency, "district") == 0) != (district != NULL)) {
		fprintf(stderr, "keys create: --district is required for agency district and only "
		                "for it\n");
		return 2;
	}
	if (district && one_row(c, sql_district_known, district) != 1) {
		fprintf(stderr, "keys create: unknown district code \"%s\"\n", district);
		return 2;
	}
	if (expires && !date_valid(expires)) {
		fprintf(stderr, "keys create: --expires takes a date YYYY-MM-DD\n");
		return 2;
	}
	char key[128], key_id[KEY_ID_LEN + 1], hash[65];
	if (new_key(key, sizeof(key), key_id) < 0) {
		fprintf(stderr, "keys create: no random bytes available\n");
		return 1;
	}
	api_key_hash(key, hash);
	const char *params[] = {key_id, agency, district, hash, label, expires};
	PGresult *res = PQexecParams(c, sql_create, 6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "keys create: %s", PQerrorMessage(c));
		PQclear(res);
		return 1;
	}
	PQclear(res);
	printf("%s\n", key);
	fprintf(stderr, "created key %s for %s%s%s; it is shown only this once\n", key_id, agency,
	        district ? " district " : "", district ? district : "");
	return 0;
}

static int cmd_list(PGconn *c)
{
	PGresult *res = PQexec(c, sql_list);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "keys list: %s", PQerrorMessage(c));
		PQclear(res);
		return 1;
	}
	printf("%-13s %-12s %-8s %-8s %-21s %-21s %s\n", "KEY_ID", "AGENCY", "DISTRICT", "STATE",
	       "CREATED", "EXPIRES", "LABEL");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-13s %-12s %-8s %-8s %-21s %-21s %s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 6),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 3));
	PQclear(res);
	return 0;
}

static int cmd_revoke(PGconn *c, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: keys revoke KEY_ID\n");
		return 2;
	}
	const char *params[] = {argv[0]};
	PGresult *res = PQexecParams(c, sql_revoke, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "keys revoke: %s", PQerrorMessage(c));
		PQclear(res);
		return 1;
	}
	int n = atoi(PQcmdTuples(res));
	PQclear(res);
	if (n == 0) {
		fprintf(stderr, "keys revoke: no active key %s\n", argv[0]);
		return 1;
	}
	fprintf(stderr, "revoked key %s\n", argv[0]);
	return 0;
}

int keys_command(const char *database_url, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: keys create|list|revoke ...\n");
		return 2;
	}
	char err[512];
	PGconn *c = db_connect(database_url, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "soilshare: cannot connect to the database: %s\n", err);
		return 1;
	}
	int rc;
	if (strcmp(argv[0], "create") == 0)
		rc = cmd_create(c, argc - 1, argv + 1);
	else if (strcmp(argv[0], "list") == 0)
		rc = cmd_list(c);
	else if (strcmp(argv[0], "revoke") == 0)
		rc = cmd_revoke(c, argc - 1, argv + 1);
	else {
		fprintf(stderr, "keys: unknown command \"%s\"; use create, list or revoke\n",
		        argv[0]);
		rc = 2;
	}
	PQfinish(c);
	return rc;
}
