/* The networks webhook deliveries may go to (--webhook-allow) and subscription URLs. Pure. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "utf8.h"
#include "webhooks.h"

/* Parses one item, `len` bytes at `s`, into `net`. */
static int parse_net(const char *s, size_t len, struct webhook_net *net, char *errbuf, size_t size)
{
	char item[128], shown[128];
	if (len == 0 || len >= sizeof(item)) {
		snprintf(item, sizeof(item), "%.*s", (int)(len < 60 ? len : 60), s);
		utf8_sanitize(item, shown, sizeof(shown));
		snprintf(errbuf, size,
		         "--webhook-allow: \"%s\" is not a network; give CIDR blocks such as "
		         "127.0.0.1/32 or 10.20.0.0/16, separated by commas",
		         shown);
		return -1;
	}
	memcpy(item, s, len);
	item[len] = '\0';
	utf8_sanitize(item, shown, sizeof(shown)); /* for messages: the text may be anything */
	char *slash = strchr(item, '/');
	if (slash)
		*slash = '\0';
	memset(net, 0, sizeof(*net));
	int bits;
	if (inet_pton(AF_INET, item, net->addr) == 1) {
		net->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, item, net->addr) == 1) {
		net->family = AF_INET6;
		bits = 128;
	} else {
		snprintf(errbuf, size,
		         "--webhook-allow: \"%s\" is not an IPv4 or IPv6 network; give CIDR blocks "
		         "such as 127.0.0.1/32 or 10.20.0.0/16",
		         shown);
		return -1;
	}
	net->prefix = bits;
	if (slash) {
		const char *p = slash + 1;
		char *end;
		errno = 0;
		long n = strtol(p, &end, 10);
		if (*p < '0' || *p > '9' || *end || errno || n > bits || (p[0] == '0' && p[1])) {
			snprintf(errbuf, size,
			         "--webhook-allow: the prefix length of %s must be a number from 0 "
			         "to %d",
			         shown, bits);
			return -1;
		}
		net->prefix = (int)n;
	}
	for (int b = net->prefix; b < bits; b++)
		if (net->addr[b / 8] & (0x80 >> (b % 8))) {
			snprintf(errbuf, size,
			         "--webhook-allow: %s has bits set past its prefix; write the "
			         "network's first address (a host is /%d)",
			         shown, bits);
			return -1;
		}
	return 0;
}

int webhook_allow_parse(const char *text, struct webhook_allow *out, char *errbuf, size_t size)
{
	out->n = 0;
	if (!text)
		return 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 && !end && out->n == 0)
			break; /* blank: nothing allowed */
		if (out->n == WEBHOOK_ALLOW_MAX) {
			snprintf(errbuf, size, "--webhook-allow takes at most %d networks",
			         WEBHOOK_ALLOW_MAX);
			return -1;
		}
		if (parse_net(p, len, &out->nets[out->n], errbuf, size) < 0)
			return -1;
		out->n++;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

static bool in_net(const struct webhook_net *net, const unsigned char *addr)
{
	int whole = net->prefix / 8, rest = net->prefix % 8;
	if (memcmp(net->addr, addr, (size_t)whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[whole] & mask) == (addr[whole] & mask);
}

bool webhook_allow_contains(const struct webhook_allow *a, int family, const unsigned char *addr)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (family == AF_INET6 && memcmp(addr, mapped, sizeof(mapped)) == 0) {
		family = AF_INET;
		addr += 12;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->nets[i].family == family && in_net(&a->nets[i], addr))
			return true;
	return false;
}

/* Characters of a host name (an IDN goes in its xn-- form). */
static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

int webhook_url_parse(const char *url, struct webhook_url *out, char *errbuf, size_t size)
{
	memset(out, 0, sizeof(*out));
	size_t len = strlen(url);
	if (len == 0 || len > WEBHOOK_URL_MAX) {
		snprintf(errbuf, size, "url must be an http or https URL of 1 to %d characters",
		         WEBHOOK_URL_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c >= 0x7f) {
			snprintf(
			    errbuf, size,
			    "url may hold printable ASCII only: percent-encode spaces and other "
			    "characters, and write an international host name in its xn-- "
			    "form");
			return -1;
		}
	}
	const char *p;
	if (strncasecmp(url, "https://", 8) == 0) {
		out->https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		snprintf(errbuf, size, "url must start with https:// or http://");
		return -1;
	}
	if (strchr(url, '#')) {
		snprintf(errbuf, size, "url must not have a fragment (#...)");
		return -1;
	}
	size_t alen = strcspn(p, "/?");
	const char *at = memchr(p, '@', alen);
	if (at) {
		snprintf(errbuf, size,
		         "url must not carry a user name or password; the receiver checks the "
		         "webhook-signature header instead");
		return -1;
	}
	const char *host = p, *host_end, *after;
	if (*p == '[') {
		const char *close = memchr(p, ']', alen);
		if (!close) {
			snprintf(errbuf, size, "url: an IPv6 address must be closed by ]");
			return -1;
		}
		host = p + 1;
		host_end = close;
		after = close + 1;
		char literal[64];
		unsigned char bytes[16];
		size_t hl = (size_t)(host_end - host);
		if (hl == 0 || hl >= sizeof(literal)) {
			snprintf(errbuf, size, "url: the host is not a valid IPv6 address");
			return -1;
		}
		memcpy(literal, host, hl);
		literal[hl] = '\0';
		if (inet_pton(AF_INET6, literal, bytes) != 1) {
			snprintf(errbuf, size, "url: [%s] is not a valid IPv6 address", literal);
			return -1;
		}
	} else {
		host_end = p;
		while (host_end < p + alen && *host_end != ':') {
			if (!host_char(*host_end)) {
				snprintf(errbuf, size,
				         "url: the host may hold letters, digits, '-', '_' and '.' "
				         "only");
				return -1;
			}
			host_end++;
		}
		after = host_end;
	}
	size_t hl = (size_t)(host_end - host);
	if (hl == 0 || hl >= sizeof(out->host)) {
		snprintf(errbuf, size, "url must name a host (1 to %zu characters)",
		         sizeof(out->host) - 1);
		return -1;
	}
	memcpy(out->host, host, hl);
	out->host[hl] = '\0';
	out->port = out->https ? 443 : 80;
	if (after < p + alen) {
		if (*after != ':' || after + 1 == p + alen) {
			snprintf(errbuf, size,
			         "url: after the host comes :port, a path or nothing");
			return -1;
		}
		long port = 0;
		for (const char *d = after + 1; d < p + alen; d++) {
			if (*d < '0' || *d > '9' || port > 65535) {
				port = -1;
				break;
			}
			port = port * 10 + (*d - '0');
		}
		if (port < 1 || port > 65535) {
			snprintf(errbuf, size, "url: the port must be a number from 1 to 65535");
			return -1;
		}
		out->port = (int)port;
	}
	return 0;
}
