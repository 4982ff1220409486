/* API keys: creation, hashing, verification with an in-memory cache, authorisation, rate limits. */
#ifndef SOILSHARE_AUTH_H
#define SOILSHARE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "datasets.h"

#define KEY_ID_LEN     12 /* hex characters */
#define KEY_SECRET_LEN 43 /* base64url of 32 random bytes */
#define KEY_PREFIX     "ss_"

struct identity {
	char key_id[KEY_ID_LEN + 1];
	char agency[32];
	char district[8]; /* "" for an agency key */
};

/* Splits "ss_<key_id>_<secret>"; returns 0 or -1 when the text is no key. Pure. */
int api_key_parse(const char *key, char *key_id, size_t id_size);
/* SHA-256 of the whole key as lower-case hex (65 bytes with NUL). */
void api_key_hash(const char *key, char out[65]);

/* The publisher value a write by `id` records: the agency, or "district". */
const char *identity_publisher(const struct identity *id);

/* Authorisation of a write (pure): may `who` write a record of `ds` whose stored
 * version (if any) has `old_publisher` and `old_district`, giving it `new_district`
 * (NULL for a delete)? Returns true, or false with a message for a 403. */
bool authz_can_write(const struct dataset *ds, const struct identity *who,
                     const char *old_publisher, const char *old_district, const char *new_district,
                     char *msg, size_t size);
/* The 名录's authority over a plot's `status` (pure): may `who` give a plot status `to`,
 * from `from` (NULL: a plot created)? Moving into listed or delisted, and creating a plot
 * already in the directory or delisted, need an ecology key. False with a message for a
 * 403. */
bool authz_can_set_status(const struct identity *who, const char *from, const char *to, char *msg,
                          size_t size);
/* May `who` delete a plot whose status is `status`? A district key deletes only a
 * suspected plot. False with a message for a 403. */
bool authz_can_delete_status(const struct identity *who, const char *status, char *msg,
                             size_t size);
/* Whether `who` may write `ds` at all (for /v1/me). */
bool authz_may_publish(const struct dataset *ds, const struct identity *who);

enum auth_result { AUTH_OK, AUTH_MISSING, AUTH_INVALID, AUTH_UNAVAILABLE };

/* Verifies a bearer key, from the cache or the database. */
enum auth_result auth_verify(const char *authorization, struct identity *out);

struct auth_config {
	double rate_per_sec;
	double burst;
	double cache_ttl_sec;
};
void auth_configure(const struct auth_config *cfg);
/* Drops a key from the verified-key cache (it was revoked or changed), or every key
 * (announcements may have been missed); the next request checks the database. */
void auth_forget(const char *key_id);
void auth_forget_all(void);
/* Token bucket per key: true when the request may go on, else the seconds to wait. */
bool auth_rate_allow(const char *key_id, double *retry_after);

/* Prepared statements of this module, registered before threads start. */
void auth_register_statements(void);

/* Admin commands on a database connection string; print to stdout/stderr. */
int keys_command(const char *database_url, int argc, char **argv);

#endif
