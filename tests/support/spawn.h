/* Servers of a test's own, for the tests that restart things (tests/restart). */
#ifndef SOILSHARE_TEST_SPAWN_H
#define SOILSHARE_TEST_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* The server started by server_spawn, or 0. */
extern pid_t spawned_server;

/* Starts the server binary on SOILSHARE_SPARE_PORT with `extra` flags (NULL-terminated, or
 * NULL) and returns once /readyz answers 200; its URL goes to `url`. Its output goes to a log
 * file in /tmp, never to the test runner's pipe. */
pid_t server_spawn(char *url, size_t size, const char *const *extra);
/* Kills the spawned server, if any: a test's .fini, so no server outlives its test. */
void server_kill(void);
/* Sends SIGTERM and asserts a clean exit (status 0). */
void server_terminate(void);

#endif
