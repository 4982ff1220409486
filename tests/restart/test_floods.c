/* Slow clients and connection floods do not starve other clients (SPEC §9). The hostile
 * clients connect from 127.0.0.2, the well-behaved one from 127.0.0.1, as from two hosts. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "spawn.h"

#define SLOW_CLIENTS  300
#define FLOOD         500
#define PER_IP        100
#define ANSWER_WITHIN 1.0 /* seconds, for each request of the well-behaved client */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int port_of(const char *url)
{
	const char *colon = strrchr(url, ':');
	cr_assert_not_null(colon, "no port in %s", url);
	return atoi(colon + 1);
}

/* A connection to the server from 127.0.0.2; -1 when the server (or the kernel) refused it. */
static int connect_from_other_host(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	struct sockaddr_in from = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.2", &from.sin_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0, "bind 127.0.0.2: %s",
	             strerror(errno));
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The well-behaved client: a few reads, each answered 200 within ANSWER_WITHIN. */
static void assert_others_served(const char *url, const char *what)
{
	char target[256];
	snprintf(target, sizeof(target), "%s/v1/me", url);
	for (int i = 0; i < 10; i++) {
		double t0 = now();
		struct resp *r = call_url("GET", target, key_of("water"), NULL, NULL);
		double took = now() - t0;
		cr_assert_eq(r->status, 200, "during %s, GET /v1/me answered %ld: %s", what,
		             r->status, r->body);
		cr_assert_leq(took, ANSWER_WITHIN, "during %s, GET /v1/me took %.2f s", what, took);
		resp_free(r);
	}
}

Test(floods, slow_clients_do_not_starve_others, .timeout = 90, .fini = server_kill)
{
	char url[128];
	const char *flags[] = {"--threads", "2", "--per-ip-connections", "0", NULL};
	server_spawn(url, sizeof(url), flags);
	int port = port_of(url);
	/* Each slow client sends the start of a request and then a byte now and then, never
	 * finishing its header block. */
	static const char start[] = "GET /v1/plots HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	int fds[SLOW_CLIENTS], open_fds = 0;
	for (int i = 0; i < SLOW_CLIENTS; i++) {
		fds[i] = connect_from_other_host(port);
		if (fds[i] >= 0) {
			cr_assert_eq(send(fds[i], start, sizeof(start) - 1, MSG_NOSIGNAL),
			             (ssize_t)(sizeof(start) - 1));
			open_fds++;
		}
	}
	cr_assert_eq(open_fds, SLOW_CLIENTS, "every slow client connected");
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < SLOW_CLIENTS; i++)
			send(fds[i], "a", 1, MSG_NOSIGNAL);
		assert_others_served(url, "300 slow clients");
	}
	for (int i = 0; i < SLOW_CLIENTS; i++)
		close(fds[i]);
}

/* Whether the server has closed `fd` (EOF or reset), waiting up to `secs`. */
static bool closed_by_server(int fd, double secs)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, (int)(secs * 1000)) <= 0)
		return false;
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

Test(floods, connection_flood_from_one_host_does_not_starve_others, .timeout = 90,
     .fini = server_kill)
{
	char url[128], limit[16];
	snprintf(limit, sizeof(limit), "%d", PER_IP);
	const char *flags[] = {"--per-ip-connections", limit, NULL};
	server_spawn(url, sizeof(url), flags);
	int port = port_of(url);
	int *fds = calloc(FLOOD, sizeof(int)), connected = 0;
	for (int i = 0; i < FLOOD; i++) {
		fds[i] = connect_from_other_host(port);
		connected += fds[i] >= 0;
	}
	cr_assert_gt(connected, PER_IP, "the flood got past the kernel's backlog");
	assert_others_served(url, "a flood of 500 connections from one host");
	/* The server keeps at most PER_IP of them and closes the rest. */
	int kept = 0;
	for (int i = 0; i < FLOOD; i++)
		if (fds[i] >= 0 && !closed_by_server(fds[i], i < 5 ? 1.0 : 0.01))
			kept++;
	cr_assert_leq(kept, PER_IP, "%d of the flood's connections are still open (limit %d)", kept,
	              PER_IP);
	for (int i = 0; i < FLOOD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	assert_others_served(url, "the end of the flood");
}
