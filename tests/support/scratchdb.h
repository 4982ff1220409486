/* A database of a test's own, for tests whose assertions need a store no other test writes to. */
#ifndef SOILSHARE_TEST_SCRATCHDB_H
#define SOILSHARE_TEST_SCRATCHDB_H

/* Creates an empty database on the PostgreSQL of DATABASE_URL (whose user must be allowed to
 * CREATE DATABASE), migrates it with the server binary's `migrate` command, and points this
 * test process at it by replacing DATABASE_URL, so that create_key and server_spawn use it.
 * Returns its connection string (static). Fails the test when any step fails. Criterion runs
 * each test in a process of its own, so other tests keep the shared database. */
const char *scratch_db_create(void);
/* Drops the database scratch_db_create made, if any, and restores DATABASE_URL: for a test's
 * .fini, after its server is stopped. Reports a failure on stderr rather than asserting. */
void scratch_db_drop(void);

#endif
