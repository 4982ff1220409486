/* PostgreSQL access: one connection per worker thread, named prepared statements, reconnects. */
#ifndef SOILSHARE_DB_H
#define SOILSHARE_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

/* A named prepared statement, declared once beside the code that uses it. */
struct db_stmt {
	const char *name;
	const char *sql;
};

/* Called once before worker threads start. */
void db_configure(const char *conninfo, int statement_timeout_ms);
/* A hot standby for reads (NULL: none); before worker threads start. */
void db_configure_standby(const char *conninfo);
bool db_standby_configured(void);
/* Whether this thread's next statements may read from the standby: set for a read-only
 * request, cleared when it completes. Statements inside a transaction, and every statement
 * while the standby cannot be reached, go to the primary. */
void db_prefer_standby(bool prefer);

/* Adds statements to prepare on every new connection; before threads start. */
void db_register(const struct db_stmt *stmts, size_t n);
/* Opens up to `n` connections with every statement prepared, for worker threads to take on
 * their first request instead of connecting then (which takes milliseconds, and under load
 * seconds, while that thread's other clients wait). Returns how many it opened. */
int db_connect_ahead(int n);

/* Runs a registered statement with text parameters (NULL = SQL NULL) on this
 * thread's connection, connecting first if needed. Returns the result (caller
 * PQclear()s; its status may be an error), or NULL when the database cannot be
 * reached. A read outside a transaction that finds the connection broken is
 * retried once on a new connection. */
PGresult *db_exec(const char *stmt, int n, const char *const *params);
/* BEGIN / COMMIT / ROLLBACK on this thread's connection: 0 or -1. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);
/* Whether this thread's connection is inside a transaction. */
bool db_in_transaction(void);
/* Rolls back whatever a finished request left open; called when a request completes. */
void db_request_done(void);

/* Pipelined reads (db/pipeline.c): a few lanes, each a thread with one connection to the
 * primary in pipeline mode, carry the statements of many requests at once, so that a worker
 * that queued one serves its other connections instead of waiting for PostgreSQL. */
typedef void (*db_async_done)(void *arg, PGresult *res);
#define DB_ASYNC_MAX_PARAMS 4
/* Starts `lanes` lanes, each connected, after db_register(); none when `lanes` is 0 or a
 * standby is configured (reads that may go to the standby stay synchronous). Returns how
 * many run. */
int db_async_start(int lanes);
/* Lets the lanes answer what they hold, for up to `wait_sec` (what is left then gets NULL),
 * and stops them; db_async_exec() fails from then on. */
void db_async_stop(int wait_sec);
/* Whether lanes run and take statements. */
bool db_async_enabled(void);
/* Queues a registered read-only statement with at most DB_ASYNC_MAX_PARAMS text parameters
 * (copied). `done(arg, res)` runs once, on a lane's thread, with the result (done owns it)
 * or NULL when the database cannot be reached. Returns 0, or -1 when nothing was queued
 * (no lanes, stopping): `done` never runs then. */
int db_async_exec(const char *stmt, int n, const char *const *params, db_async_done done,
                  void *arg);

/* SQLSTATE of an error result, or "" */
const char *db_sqlstate(const PGresult *res);
/* Whether the database was unreachable on this thread's last attempt. */
bool db_unavailable(void);

/* A plain connection for commands (migrate, keys): NULL with a message on failure. */
PGconn *db_connect(const char *conninfo, char *errbuf, size_t size);
/* The same with an application_name of its own (pg_stat_activity shows it). */
PGconn *db_connect_as(const char *conninfo, const char *application, char *errbuf, size_t size);

/* Planner statistics after bulk writes: a thread that, for some seconds after each bulk
 * write, runs ANALYZE on records, changes and findings when the rows changed since their last
 * analyze exceed 50 and a tenth of the rows then (one server at a time), so that the plans of
 * the writes that follow a large load are those of the data as it is. */
int db_analyze_start(const char *conninfo);
/* A bulk write committed: look at the statistics. */
void db_analyze_after_bulk(void);
void db_analyze_stop(void);

/* Applies the embedded migrations not yet recorded, each in its own transaction
 * under an advisory lock. Returns the schema version or -1 with a message. */
int db_migrate(PGconn *conn, bool verbose, char *errbuf, size_t size);
/* Version the binary expects (the number of the last embedded migration). */
int db_schema_target(void);

#endif
