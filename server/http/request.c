/* Request accessors (headers, query arguments) and suspending a request. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "http.h"

const char *req_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
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
