/* Raw HTTP/1.1 over a TCP socket, for requests no HTTP client library would send. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rawhttp.h"

/* Enough for any problem body; the rest of a larger answer is not read. */
#define READ_MAX ((size_t)8 << 20)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(const char *url, char *err, size_t size)
{
	char host[256];
	int port;
	if (sscanf(url, "http://%255[^:/]:%d", host, &port) != 2) {
		snprintf(err, size, "cannot read host and port from %s", url);
		return -1;
	}
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	char service[16];
	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &ai) != 0) {
		snprintf(err, size, "cannot resolve %.100s", host);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, size, "cannot connect to %s: %s", url, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

struct reader {
	char *buf;
	size_t len, cap;
	size_t head_end;  /* offset just past the blank line, or 0 */
	long long length; /* Content-Length, or -1 */
};

/* Whether everything of the first response has arrived. */
static bool response_done(struct reader *rd)
{
	if (!rd->head_end) {
		char *end = rd->len ? strstr(rd->buf, "\r\n\r\n") : NULL;
		if (!end)
			return false;
		rd->head_end = (size_t)(end - rd->buf) + 4;
		rd->length = -1;
		for (char *line = strstr(rd->buf, "\r\n"); line && line < end;
		     line = strstr(line + 2, "\r\n"))
			if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
				rd->length = atoll(line + 17);
	}
	return rd->length >= 0 && rd->len - rd->head_end >= (size_t)rd->length;
}

static void read_some(int fd, struct reader *rd, bool *eof, char *err, size_t size)
{
	if (rd->cap - rd->len < 65536 + 1) {
		rd->cap = rd->cap ? rd->cap * 2 : 131072;
		rd->buf = realloc(rd->buf, rd->cap);
	}
	ssize_t n = recv(fd, rd->buf + rd->len, rd->cap - rd->len - 1, 0);
	if (n > 0) {
		rd->len += (size_t)n;
		rd->buf[rd->len] = '\0';
		/* A NUL in the answer would hide the rest from strstr: show it as a space. */
		for (size_t i = rd->len - (size_t)n; i < rd->len; i++)
			if (rd->buf[i] == '\0')
				rd->buf[i] = ' ';
		return;
	}
	*eof = true;
	if (n < 0)
		snprintf(err, size, "reading: %s", strerror(errno));
}

static void fill(struct raw_response *out, struct reader *rd)
{
	size_t head_len = rd->head_end ? rd->head_end - 4 : rd->len;
	out->head = strndup(rd->buf ? rd->buf : "", head_len);
	size_t body_len = rd->head_end ? rd->len - rd->head_end : 0;
	if (rd->head_end && rd->length >= 0 && body_len > (size_t)rd->length)
		body_len = (size_t)rd->length;
	out->body = malloc(body_len + 1);
	memcpy(out->body, rd->buf ? rd->buf + (rd->head_end ? rd->head_end : 0) : "", body_len);
	out->body[body_len] = '\0';
	out->body_len = body_len;
	out->complete = rd->head_end && rd->length >= 0 && body_len == (size_t)rd->length;
	int status = 0;
	if (sscanf(out->head, "HTTP/%*d.%*d %3d", &status) == 1)
		out->status = status;
}

int raw_exchange(const char *url, const char *request, size_t len, double timeout_sec,
                 struct raw_response *out)
{
	memset(out, 0, sizeof(*out));
	int fd = connect_to(url, out->error, sizeof(out->error));
	if (fd < 0) {
		out->head = strdup("");
		out->body = strdup("");
		return -1;
	}
	double deadline = now() + timeout_sec;
	struct reader rd = {0};
	size_t sent = 0;
	bool eof = false;
	while (!eof && !response_done(&rd) && rd.len < READ_MAX) {
		double left = deadline - now();
		if (left <= 0) {
			snprintf(out->error, sizeof(out->error), "no complete answer in %.0f s",
			         timeout_sec);
			break;
		}
		/* Keep sending until the server says something: it may refuse at the headers. */
		bool sending = sent < len && rd.len == 0;
		struct pollfd p = {.fd = fd, .events = POLLIN | (sending ? POLLOUT : 0)};
		int ready = poll(&p, 1, (int)(left * 1000) + 1);
		if (ready < 0 && errno != EINTR) {
			snprintf(out->error, sizeof(out->error), "poll: %s", strerror(errno));
			break;
		}
		if (ready <= 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			read_some(fd, &rd, &eof, out->error, sizeof(out->error));
			continue;
		}
		if (sending && (p.revents & POLLOUT)) {
			size_t chunk = len - sent < 65536 ? len - sent : 65536;
			ssize_t n = send(fd, request + sent, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = len; /* the server closed its side: read what it said */
		}
	}
	close(fd);
	fill(out, &rd);
	free(rd.buf);
	if (!out->status && !out->error[0])
		snprintf(out->error, sizeof(out->error), "the connection closed without an answer");
	return out->status ? 0 : -1;
}

const char *raw_header(const struct raw_response *r, const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);
	for (const char *line = strstr(r->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
		const char *h = line + 2;
		if (strncasecmp(h, name, n) != 0 || h[n] != ':')
			continue;
		const char *v = h + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vlen = strcspn(v, "\r\n");
		if (vlen >= size)
			vlen = size - 1;
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return buf;
	}
	return NULL;
}

void raw_response_release(struct raw_response *r)
{
	free(r->head);
	free(r->body);
	r->head = r->body = NULL;
}

void raw_printable(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0, i = 0;
	for (; i < len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			o += (size_t)snprintf(out + o, size - o, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(out + o, size - o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	if (i < len && size > 4)
		memcpy(out + (o + 4 < size ? o : size - 4), "...", 4);
}
