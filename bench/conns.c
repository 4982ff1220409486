/* Opens N idle keep-alive connections to a server and holds them for S seconds, sending one
 * request on each so that the server has seen them all; for the memory measurement. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: conns PORT N SECONDS\n");
		return 2;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]), secs = atoi(argv[3]);
	int *fds = calloc((size_t)n, sizeof(int));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	int open = 0;
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&a, sizeof(a)) < 0)
			continue;
		if (write(fds[i], req, sizeof(req) - 1) > 0)
			open++;
	}
	char buf[4096];
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0 && read(fds[i], buf, sizeof(buf)) < 0)
			open--;
	printf("%d\n", open);
	fflush(stdout);
	sleep((unsigned)secs);
	return 0;
}
