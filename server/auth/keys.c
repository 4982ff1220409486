/* API keys at run time: parsing, hashing, verification through an in-memory cache, and the
 * per-key rate limit. The admin commands are in keyadmin.c. */
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "encoding.h"
#include "metrics.h"

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
