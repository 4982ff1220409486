/* A database of a test's own on the test run's PostgreSQL: create, migrate, drop. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "scratchdb.h"

static char shared_url[2048];  /* DATABASE_URL as the test script set it */
static char scratch_name[64];  /* the database scratch_db_create made, or "" */
static char scratch_url[4096]; /* its connection string */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Runs "`verb` <the scratch database>`tail`" on the shared database's connection; returns 0,
 * or -1 with the reason in `err`. The name is ours, but it is quoted all the same. */
static int admin_exec(const char *verb, const char *tail, char *err, size_t size)
{
	int rc = -1;
	PGconn *c = PQconnectdb(shared_url);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, size, "cannot connect: %s", PQerrorMessage(c));
		goto out;
	}
	PQsetNoticeProcessor(c, quiet, NULL); /* "does not exist, skipping" is no news */
	char *ident = PQescapeIdentifier(c, scratch_name, strlen(scratch_name));
	char sql[256];
	int n = snprintf(sql, sizeof(sql), "%s %s%s", verb, ident ? ident : "", tail);
	PQfreemem(ident);
	if (!ident || n < 0 || (size_t)n >= sizeof(sql)) {
		snprintf(err, size, "cannot build the statement for %s", scratch_name);
		goto out;
	}
	PGresult *res = PQexec(c, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		rc = 0;
	else
		snprintf(err, size, "%s: %s", sql, PQerrorMessage(c));
	PQclear(res);
out:
	PQfinish(c);
	return rc;
}

/* Appends `s` to `out` (holding `*len` bytes) as a single-quoted conninfo value. */
static bool append_quoted(char *out, size_t size, size_t *len, const char *s)
{
	if (*len + 1 >= size)
		return false;
	out[(*len)++] = '\'';
	for (; *s; s++) {
		if (*len + 3 >= size)
			return false;
		if (*s == '\'' || *s == '\\')
			out[(*len)++] = '\\';
		out[(*len)++] = *s;
	}
	out[(*len)++] = '\'';
	out[*len] = '\0';
	return true;
}

/* The connection string of `base` (a URL or key=value string) with its dbname replaced. */
static void conninfo_with_dbname(const char *base, const char *dbname, char *out, size_t size)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(base, &err);
	cr_assert_not_null(opts, "DATABASE_URL does not parse: %s", err ? err : "?");
	size_t len = 0;
	out[0] = '\0';
	bool fits = true;
	for (PQconninfoOption *o = opts; o->keyword && fits; o++) {
		const char *v = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
		if (!v)
			continue;
		int n = snprintf(out + len, size - len, "%s%s=", len ? " " : "", o->keyword);
		fits = n > 0 && (size_t)n < size - len;
		if (fits) {
			len += (size_t)n;
			fits = append_quoted(out, size, &len, v);
		}
	}
	PQconninfoFree(opts);
	cr_assert(fits, "the connection string of %s does not fit %zu bytes", dbname, size);
}

/* Runs "soilshare migrate" on DATABASE_URL, its output to `log`; returns its wait status. */
static int migrate(const char *bin, const char *log)
{
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		execl(bin, "soilshare", "migrate", (char *)NULL);
		_exit(127);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

const char *scratch_db_create(void)
{
	cr_assert_eq(scratch_name[0], '\0', "one scratch database per test");
	const char *bin = need_env("SOILSHARE_BIN");
	int n = snprintf(shared_url, sizeof(shared_url), "%s", need_env("DATABASE_URL"));
	cr_assert(n > 0 && (size_t)n < sizeof(shared_url), "DATABASE_URL is too long");
	snprintf(scratch_name, sizeof(scratch_name), "soilshare_scratch_%d", (int)getpid());

	char err[1024];
	/* A database left by a killed earlier test of the same pid goes first. */
	cr_assert_eq(admin_exec("DROP DATABASE IF EXISTS", " WITH (FORCE)", err, sizeof(err)), 0,
	             "%s", err);
	cr_assert_eq(admin_exec("CREATE DATABASE", "", err, sizeof(err)), 0, "%s", err);
	conninfo_with_dbname(shared_url, scratch_name, scratch_url, sizeof(scratch_url));
	cr_assert_eq(setenv("DATABASE_URL", scratch_url, 1), 0);

	char log[128];
	snprintf(log, sizeof(log), "/tmp/%s-migrate.log", scratch_name);
	int status = migrate(bin, log);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	          "soilshare migrate failed on %s (status %d); see %s", scratch_name, status, log);
	unlink(log);
	return scratch_url;
}

void scratch_db_drop(void)
{
	if (!scratch_name[0])
		return;
	setenv("DATABASE_URL", shared_url, 1);
	char err[1024];
	if (admin_exec("DROP DATABASE IF EXISTS", " WITH (FORCE)", err, sizeof(err)) < 0)
		fprintf(stderr, "warning: scratch database %s not dropped: %s\n", scratch_name,
		        err);
	scratch_name[0] = '\0';
}
