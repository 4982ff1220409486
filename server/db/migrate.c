/* Applies the embedded migrations in order, each once, in a transaction, recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "embedded.h"

static const char sql_lock[] = "SELECT pg_advisory_xact_lock(7438201)";
static const char sql_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                "version integer PRIMARY KEY, name text NOT NULL, "
                                "applied_at timestamptz NOT NULL DEFAULT now())";
static const char sql_applied[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char sql_record[] = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

static int migration_version(const char *name)
{
	return atoi(name);
}

int db_schema_target(void)
{
	return embedded_migrations_count
	           ? migration_version(embedded_migrations[embedded_migrations_count - 1].name)
	           : 0;
}

static bool exec_ok(PGconn *conn, PGresult *res, char *errbuf, size_t size, const char *what)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return true;
	snprintf(errbuf, size, "%s: %s", what, PQerrorMessage(conn));
	return false;
}

int db_migrate(PGconn *conn, bool verbose, char *errbuf, size_t size)
{
	int version = 0;
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		const struct embedded_migration *m = &embedded_migrations[i];
		char vbuf[16];
		snprintf(vbuf, sizeof(vbuf), "%d", migration_version(m->name));
		const char *params[] = {vbuf, m->name};
		PGresult *res = PQexec(conn, "BEGIN");
		bool ok = exec_ok(conn, res, errbuf, size, "BEGIN");
		PQclear(res);
		if (ok) {
			res = PQexec(conn, sql_lock);
			ok = exec_ok(conn, res, errbuf, size, "taking the migration lock");
			PQclear(res);
		}
		if (ok) {
			res = PQexec(conn, sql_table);
			ok = exec_ok(conn, res, errbuf, size, "creating schema_migrations");
			PQclear(res);
		}
		bool applied = false;
		if (ok) {
			res = PQexecParams(conn, sql_applied, 1, NULL, params, NULL, NULL, 0);
			ok = exec_ok(conn, res, errbuf, size, "reading schema_migrations");
			applied = ok && PQntuples(res) > 0;
			PQclear(res);
		}
		if (ok && !applied) {
			res = PQexec(conn, m->sql);
			char what[128];
			snprintf(what, sizeof(what), "migration %s", m->name);
			ok = exec_ok(conn, res, errbuf, size, what);
			PQclear(res);
			if (ok) {
				res =
				    PQexecParams(conn, sql_record, 2, NULL, params, NULL, NULL, 0);
				ok = exec_ok(conn, res, errbuf, size, "recording the migration");
				PQclear(res);
			}
		}
		res = PQexec(conn, ok ? "COMMIT" : "ROLLBACK");
		ok = ok && exec_ok(conn, res, errbuf, size, "COMMIT");
		PQclear(res);
		if (!ok)
			return -1;
		if (verbose && !applied)
			fprintf(stderr, "soilshare: applied migration %s\n", m->name);
		version = migration_version(m->name);
	}
	return version;
}
