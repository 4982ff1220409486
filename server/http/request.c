/* Request accessors (headers, query arguments) and suspending a request. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http.h"

const char *req_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool http_host_valid(const char *host)
{
	size_t n = strlen(host);
	if (n == 0 || n > 255)
		return false;
	const char *port = NULL;
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close || close == host + 1)
			return false;
		for (const char *p = host + 1; p < close; p++)
			if (!strchr("0123456789abcdefABCDEF:.", *p))
				return false;
		if (close[1] != '\0' && close[1] != ':')
			return false;
		port = close[1] ? close + 1 : NULL;
	} else {
		size_t name = strcspn(host, ":");
		if (name == 0)
			return false;
		for (size_t i = 0; i < name; i++) {
			char c = host[i];
			bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			          (c >= '0' && c <= '9') || c == '-' || c == '.';
			if (!ok)
				return false;
		}
		port = host[name] ? host + name : NULL;
	}
	if (!port)
		return true;
	/* ":" then 1 to 5 digits. */
	size_t digits = strlen(port + 1);
	if (digits == 0 || digits > 5 || strspn(port + 1, "0123456789") != digits)
		return false;
	return true;
}

/* The connection's own address and port as "a.b.c.d:port" or "[v6]:port" into `buf`. */
static const char *local_address(struct request *req, char *buf, size_t size)
{
	snprintf(buf, size, "localhost");
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct sockaddr_storage sa;
	memset(&sa, 0, sizeof(sa));
	socklen_t len = sizeof(sa);
	if (!info || getsockname(info->connect_fd, (struct sockaddr *)&sa, &len) != 0)
		return buf;
	char addr[INET6_ADDRSTRLEN];
	if (sa.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&sa;
		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		snprintf(buf, size, "%s:%u", addr, (unsigned)ntohs(in->sin_port));
	} else if (sa.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, size, "[%s]:%u", addr, (unsigned)ntohs(in6->sin6_port));
	}
	return buf;
}

const char *req_origin(struct request *req)
{
	const char *host = req_header(req, MHD_HTTP_HEADER_HOST);
	char local[INET6_ADDRSTRLEN + 16];
	if (!host)
		host = local_address(req, local, sizeof(local));
	else if (!http_host_valid(host))
		return NULL;
	bool tls = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) != NULL;
	return arena_printf(&req->arena, "%s://%s", tls ? "https" : "http", host);
}

const char *req_client_address(struct request *req, char *buf, size_t size)
{
	buf[0] = '\0';
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
		          (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		          (socklen_t)size);
	return buf;
}

bool req_content_type_is(struct request *req, const char *type)
{
	const char *ct = req_header(req, "Content-Type");
	if (!ct)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return strlen(type) == n && strncasecmp(ct, type, n) == 0;
}

struct arg_collect {
	struct query_arg *items;
	size_t max;
	size_t n;
	bool overflow;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct arg_collect *c = cls;
	if (c->n == c->max) {
		c->overflow = true;
		return MHD_NO;
	}
	c->items[c->n].key = key;
	c->items[c->n].value = value;
	c->n++;
	return MHD_YES;
}

int req_query_args(struct request *req, struct query_arg *out, size_t max)
{
	struct arg_collect c = {.items = out, .max = max};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
	return c.overflow ? -1 : (int)c.n;
}

void http_suspend(struct request *req, route_handler resume)
{
	req->resume = resume;
	MHD_suspend_connection(req->conn);
}

void http_resume(struct request *req)
{
	MHD_resume_connection(req->conn);
}
