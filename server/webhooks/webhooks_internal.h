/* What the files of the webhook senders share among themselves, and nobody else. */
#ifndef SOILSHARE_WEBHOOKS_INTERNAL_H
#define SOILSHARE_WEBHOOKS_INTERNAL_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "webhooks.h"

/* This server's configuration (webhooks_configure). */
struct webhook_settings {
	const char *conninfo;
	struct webhook_allow allow;
	const char *allow_text;
	double retry_base;
	int senders;
};
extern struct webhook_settings webhook_settings;

/* The address of `sa` as bytes and as text; its family (AF_INET, AF_INET6), or 0. */
int webhook_sockaddr(const struct sockaddr *sa, unsigned char bytes[16], char *text, size_t size);

/* What one attempt gave. */
struct webhook_attempt {
	long status;        /* the HTTP status, or 0: no answer */
	double retry_after; /* the seconds Retry-After asked for, or -1: none */
	bool refused;       /* the host resolved to an address outside the allowed networks */
	char refused_addr[64];
	char error[300]; /* what went wrong when there was no answer */
};

/* Posts `body` to `url` once on `curl`, signed under `secret` (and `previous` too, when not
 * NULL); stops early when `running` turns false. */
void webhook_post(CURL *curl, const char *url, const char *msg_id, const char *secret,
                  const char *previous, const char *body, const atomic_bool *running,
                  struct webhook_attempt *a);

#endif
