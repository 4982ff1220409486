/* Servers of a test's own, for the tests that restart things. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

pid_t spawned_server;

void server_kill(void)
{
	if (spawned_server > 0) {
		kill(spawned_server, SIGKILL);
		waitpid(spawned_server, NULL, 0);
		spawned_server = 0;
	}
}

void server_terminate(void)
{
	cr_assert_gt(spawned_server, 0, "a server was spawned");
	kill(spawned_server, SIGTERM);
	int status;
	waitpid(spawned_server, &status, 0);
	spawned_server = 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	          "clean exit on SIGTERM (status %d)", status);
}

pid_t server_spawn(char *url, size_t size, const char *const *extra)
{
	int port = atoi(need_env("SOILSHARE_SPARE_PORT"));
	snprintf(url, size, "http://127.0.0.1:%d", port);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		char p[16], log[256];
		snprintf(p, sizeof(p), "%d", port);
		snprintf(log, sizeof(log), "/tmp/soilshare-restart-%d.log", port);
		if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
			_exit(126);
		const char *argv[16] = {"soilshare", "serve",     "--port",    p,
		                        "--bind",    "127.0.0.1", "--threads", "2"};
		int n = 8;
		for (const char *const *e = extra; e && *e && n < 15; e++)
			argv[n++] = *e;
		argv[n] = NULL;
		execv(need_env("SOILSHARE_BIN"), (char *const *)argv);
		_exit(127);
	}
	spawned_server = pid;
	char ready[256];
	snprintf(ready, sizeof(ready), "%s/readyz", url);
	for (int i = 0; i < 200; i++) {
		usleep(50 * 1000);
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			spawned_server = 0;
			cr_assert_fail("the server exited at start (status %d); see "
			               "/tmp/soilshare-restart-%d.log",
			               status, port);
		}
		if (probe_status(ready) == 200)
			return pid;
	}
	cr_assert_fail("the server did not become ready");
	return -1;
}
