/* The webhook configuration of this server, and the check of a subscription's URL against
 * the allowed networks through the addresses its host resolves to. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "webhooks.h"
#include "webhooks_internal.h"

struct webhook_settings webhook_settings;

void webhooks_configure(const struct webhook_config *cfg)
{
	webhook_settings.conninfo = cfg->conninfo;
	webhook_settings.retry_base = cfg->retry_base;
	webhook_settings.senders = cfg->senders;
	webhook_settings.allow_text = cfg->allow_text ? cfg->allow_text : "";
	if (cfg->allow)
		webhook_settings.allow = *cfg->allow;
	else
		webhook_settings.allow.n = 0;
}

const struct webhook_allow *webhooks_allowed(void)
{
	return &webhook_settings.allow;
}

const char *webhooks_allowed_text(void)
{
	return webhook_settings.allow_text;
}

/* The address of `sa` as text and as bytes; its family, or 0 for another kind. */
int webhook_sockaddr(const struct sockaddr *sa, unsigned char bytes[16], char *text, size_t size)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(bytes, &in->sin_addr, 4);
		inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)size);
		return AF_INET;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(bytes, &in6->sin6_addr, 16);
		inet_ntop(AF_INET6, &in6->sin6_addr, text, (socklen_t)size);
		return AF_INET6;
	}
	snprintf(text, size, "?");
	return 0;
}

int webhook_url_check(const char *url, char *errbuf, size_t size)
{
	struct webhook_url u;
	if (webhook_url_parse(url, &u, errbuf, size) < 0)
		return -1;
	if (webhook_settings.allow.n == 0) {
		snprintf(errbuf, size,
		         "this server may deliver webhooks to no network yet: its operator has to "
		         "list the receivers' networks with --webhook-allow (WEBHOOK_ALLOW)");
		return -1;
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *list = NULL;
	int rc = getaddrinfo(u.host, NULL, &hints, &list);
	if (rc != 0 || !list) {
		snprintf(errbuf, size,
		         "the host %s of url does not resolve here (%s); give a host name this "
		         "server can resolve, or an address",
		         u.host, gai_strerror(rc));
		return -1;
	}
	int result = 0;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		unsigned char bytes[16];
		char text[INET6_ADDRSTRLEN];
		int family = webhook_sockaddr(ai->ai_addr, bytes, text, sizeof(text));
		if (family && webhook_allow_contains(&webhook_settings.allow, family, bytes))
			continue;
		if (strcmp(u.host, text) == 0)
			snprintf(errbuf, size,
			         "the address %s of url is outside the networks this server may "
			         "deliver to (%s); use a receiver inside them, or ask the operator "
			         "to allow its network",
			         text, webhook_settings.allow_text);
		else
			snprintf(
			    errbuf, size,
			    "the host %s of url resolves to %s, outside the networks this "
			    "server may deliver to (%s); use a receiver inside them, or ask the "
			    "operator to allow its network",
			    u.host, text, webhook_settings.allow_text);
		result = -1;
		break;
	}
	freeaddrinfo(list);
	return result;
}
