/* The verifiable log end to end, on a database of the test's own: the sync client checks a real
 * sync against the log; then one stored entry is changed in PostgreSQL directly, and both
 * `soilshare log verify` and the sync client find it; and a log rebuilt over a changed entry
 * (history rewritten by whoever holds the database and the key) stops the client, which kept
 * the older checkpoint. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "scratchdb.h"
#include "spawn.h"

static char url[128];
static char *agriculture, *water;
static char dir[] = "/tmp/soilshare-log-sync.XXXXXX";

static void fini(void)
{
	server_kill();
	scratch_db_drop();
	char *cmd = strfmt("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

static void start(void)
{
	scratch_db_create();
	server_spawn(url, sizeof(url), NULL);
	agriculture = create_key("agriculture", NULL, NULL);
	water = create_key("water", NULL, NULL);
	cr_assert_not_null(mkdtemp(dir));
}

/* Runs a command; its exit status, its stdout and stderr in `out` (malloc'd). */
static int run(const char *cmd, char **out)
{
	char *full = strfmt("%s 2>&1", cmd);
	FILE *f = popen(full, "r");
	cr_assert_not_null(f);
	size_t cap = 65536, len = 0, n;
	*out = malloc(cap);
	while ((n = fread(*out + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			*out = realloc(*out, cap *= 2);
	}
	(*out)[len] = '\0';
	int status = pclose(f);
	free(full);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int sync_run(char **out)
{
	char *cmd =
	    strfmt("SOILSHARE_KEY='%s' '%s/scripts/soilshare-sync' --url '%s' --dir '%s/mirror' "
	           "--datasets effect-surveys",
	           water, need_env("SOILSHARE_ROOT"), url, dir);
	int rc = run(cmd, out);
	free(cmd);
	return rc;
}

static int log_verify(char **out)
{
	char *cmd = strfmt("'%s' log verify", need_env("SOILSHARE_BIN"));
	int rc = run(cmd, out);
	free(cmd);
	return rc;
}

/* An effect survey whose numbers and text have a canonical form unlike the one sent. */
static void put_survey(const char *id, int year)
{
	char *path = strfmt("%s/v1/effect-surveys/%s", url, id);
	char *body = strfmt("{\"year\":%d,\"district\":\"110109\",\"scope\":\"日志 \\u007f \\\\ "
	                    "\\\"%s\\\"\",\"indicators\":{\"z\":1.50,\"a\":[1e-7,-0.0,100.0],"
	                    "\"\\ud83d\\ude00\":1,\"\\uffff\":2,\"n\":null}}",
	                    year, id);
	struct resp *r = call_url("PUT", path, agriculture, body, NULL);
	cr_assert(r->status == 200 || r->status == 201, "%s", r->body);
	resp_free(r);
	free(body);
	free(path);
}

static void delete_survey(const char *id)
{
	char *path = strfmt("%s/v1/effect-surveys/%s", url, id);
	struct resp *r = call_url("DELETE", path, agriculture, NULL, NULL);
	cr_assert_eq(r->status, 204, "%s", r->body);
	resp_free(r);
	free(path);
}

/* The size of the log's checkpoint, which covers every change committed before it. */
static long checkpoint_size(void)
{
	char *path = strfmt("%s/v1/log/checkpoint", url);
	struct resp *r = call_url("GET", path, water, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	const char *nl = strchr(r->body, '\n');
	cr_assert_not_null(nl);
	long size = atol(nl + 1);
	resp_free(r);
	free(path);
	return size;
}

static void sql(const char *statement)
{
	PGconn *c = PQconnectdb(need_env("DATABASE_URL"));
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PGresult *res = PQexec(c, statement);
	ExecStatusType st = PQresultStatus(res);
	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", statement,
	          PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
}

/* The mirrored file of an effect survey, as text (malloc'd), or NULL. */
static char *mirrored(const char *id)
{
	char *path = strfmt("%s/mirror/effect-surveys/%s.json", dir, id);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	char *text = calloc(1, 8192);
	size_t n = fread(text, 1, 8191, f);
	(void)n;
	fclose(f);
	return text;
}

Test(log_sync, the_client_verifies_a_sync_and_both_find_a_changed_entry, .timeout = 300,
     .fini = fini)
{
	start();
	put_survey("ES-1", 2021);
	put_survey("ES-2", 2021);
	char *out;
	cr_assert_eq(sync_run(&out), 0, "first run: %s", out);
	free(out);

	/* Changes the client applies after the copy: each checked against the log. */
	put_survey("ES-3", 2022);
	put_survey("ES-1", 2023);
	delete_survey("ES-2");
	/* Changes of another dataset are entries of the log too: read and checked, not applied. */
	char *plot = strfmt("%s/v1/plots/110105-2024-0001", url);
	char *ecology = create_key("ecology", NULL, NULL);
	struct resp *r =
	    call_url("PUT", plot, ecology,
	             "{\"name\":\"地块\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"planned_use\":\"0701\",\"area_m2\":0.1}",
	             NULL);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	cr_assert_eq(sync_run(&out), 0, "second run: %s", out);
	cr_assert(strstr(out, "soilshare-sync: 2 upserts, 1 deletes, cursor saved"), "%s", out);
	cr_assert(strstr(out, "changes against the log"), "%s", out);
	free(out);
	char *es1 = mirrored("ES-1");
	cr_assert(es1 && strstr(es1, "\"version\":2"), "ES-1 is at version 2: %s", es1);
	free(es1);

	cr_assert_eq(log_verify(&out), 0, "%s", out);
	cr_assert(strstr(out, "entries, their tree and"), "%s", out);
	free(out);

	/* A new change, logged; then its stored record is changed in the database. */
	put_survey("ES-3", 2024);
	long size = checkpoint_size();
	sql("UPDATE changes SET record = jsonb_set(record, '{scope}', '\"改过的\"') "
	    "WHERE dataset = 'effect-surveys' AND id = 'ES-3' AND version = 2");
	char *seq = strfmt("seq %ld ", size - 1);

	cr_assert_eq(log_verify(&out), 1, "log verify finds it: %s", out);
	cr_assert(strstr(out, seq) && strstr(out, "effect-surveys/ES-3 version 2"),
	          "log verify names the entry (%s): %s", seq, out);
	free(out);

	cr_assert_eq(sync_run(&out), 5, "the client finds it: %s", out);
	char *says = strfmt("change seq %ld, effect-surveys/ES-3 version 2 (upsert), is not the "
	                    "entry the log committed to",
	                    size - 1);
	cr_assert(strstr(out, says), "the client names the entry: %s", out);
	free(out);
	char *es3 = mirrored("ES-3");
	cr_assert(es3 && strstr(es3, "\"version\":1"), "the changed entry was not applied: %s",
	          es3);
	free(es3);
	free(says);
	free(seq);
	free(plot);
	free(ecology);
}

Test(log_sync, a_rewritten_log_stops_the_client, .timeout = 300, .fini = fini)
{
	start();
	put_survey("ES-1", 2021);
	char *out;
	cr_assert_eq(sync_run(&out), 0, "%s", out);
	free(out);
	for (int i = 0; i < 5; i++)
		put_survey("ES-1", 2022 + i);
	cr_assert_eq(sync_run(&out), 0, "%s", out);
	free(out);
	long before = checkpoint_size();

	/* Whoever holds the database and the log's key changes an entry and builds the log
	 * anew over it: a log as valid as the first, but another history. */
	sql("BEGIN; UPDATE changes SET record = jsonb_set(record, '{scope}', '\"改写\"') "
	    "WHERE dataset = 'effect-surveys' AND id = 'ES-1' AND version = 3; "
	    "DELETE FROM log_nodes; DELETE FROM log_checkpoints; UPDATE log_state SET size = 0, "
	    "verifier_key = NULL; COMMIT");
	cr_assert_eq(checkpoint_size(), before, "the log was rebuilt to the same size");
	char *out2;
	cr_assert_eq(log_verify(&out2), 0, "the rebuilt log is consistent in itself: %s", out2);
	free(out2);

	cr_assert_eq(sync_run(&out), 5, "the client refuses the rewritten log: %s", out);
	cr_assert(strstr(out, "the log was rewritten"), "%s", out);
	cr_assert(strstr(out, "does not extend the checkpoint") ||
	              strstr(out, "is not the checkpoint"),
	          "%s", out);
	free(out);
}

Test(log_sync, a_server_does_not_sign_over_a_changed_tree, .timeout = 120, .fini = fini)
{
	start();
	for (int i = 0; i < 3; i++)
		put_survey(i == 1 ? "ES-2" : i == 2 ? "ES-3" : "ES-1", 2021);
	long size = checkpoint_size();
	cr_assert_eq(size, 3);
	/* A node the next checkpoint's root is made from (leaves 0 and 1), changed. */
	sql("UPDATE log_nodes SET hash = sha256('changed') WHERE level = 1 AND idx = 0");
	put_survey("ES-4", 2022);
	cr_assert_eq(checkpoint_size(), size, "the server appends and signs nothing more");
	char *out;
	cr_assert_eq(log_verify(&out), 1, "%s", out);
	cr_assert(strstr(out, "the stored node (level 1, index 0) over seq 0-1"), "%s", out);
	free(out);
}
