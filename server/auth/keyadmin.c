/* The key admin commands of the server binary: keys create, list and revoke. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "encoding.h"

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
