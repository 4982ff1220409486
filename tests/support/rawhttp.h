/* Raw HTTP/1.1 over a TCP socket, for requests no HTTP client library would send. */
#ifndef SOILSHARE_TEST_RAWHTTP_H
#define SOILSHARE_TEST_RAWHTTP_H

#include <stdbool.h>
#include <stddef.h>

/* The first response read back. `head` and `body` are never NULL after raw_exchange. */
struct raw_response {
	int status; /* 0 when no status line came back */
	char *head; /* status line and header fields, NUL-terminated */
	char *body; /* NUL-terminated; body_len bytes */
	size_t body_len;
	bool complete;   /* the whole body announced by Content-Length arrived */
	char error[160]; /* why the exchange stopped early, or "" */
};

/* Sends `len` bytes of `request` to the host and port of `url` ("http://host:port") and reads
 * one response, waiting at most `timeout_sec` in all. Stops sending as soon as the server
 * answers (it may refuse a request on its headers). Never asserts: returns 0 when a status
 * line came back, else -1 with the reason in out->error. */
int raw_exchange(const char *url, const char *request, size_t len, double timeout_sec,
                 struct raw_response *out);
/* A header's value (case-insensitive name), copied into `buf`; NULL when absent. */
const char *raw_header(const struct raw_response *r, const char *name, char *buf, size_t size);
void raw_response_release(struct raw_response *r);

/* Writes `len` bytes of `s` into `out` as printable text: escapes for control characters
 * and bytes of 0x80 and above, cut to about `size` bytes. */
void raw_printable(const char *s, size_t len, char *out, size_t size);

#endif
