/* The libmicrohttpd daemon: request contexts, body reading, limits and dispatch. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "http_internal.h"
#include "ids.h"
#include "metrics.h"
#include "utf8.h"

const struct http_hooks *http_hooks_in_use;

/* Memory MHD gives each connection: the header block (16 KiB, checked here) and a read
 * buffer. Every open connection holds it, so it bounds memory with many idle clients. */
#define CONNECTION_POOL ((size_t)24 * 1024)

static bool request_id_sane(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.:", *s))
			return false;
	return true;
}

struct header_scan {
	int content_length;
	int transfer_encoding;
	bool chunked; /* the (last) Transfer-Encoding is exactly "chunked" */
	size_t bytes;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct header_scan *s = cls;
	if (strcasecmp(key, "Content-Length") == 0)
		s->content_length++;
	if (strcasecmp(key, "Transfer-Encoding") == 0) {
		s->transfer_encoding++;
		s->chunked = value && strcasecmp(value, "chunked") == 0;
	}
	s->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static struct request *request_alloc(void)
{
	struct request *req = calloc(1, sizeof(*req));
	if (req)
		arena_init(&req->arena);
	return req;
}

/* libmicrohttpd shows the request line here, before it parses the query into the
 * connection's memory pool; a query with more than HTTP_MAX_ARGS arguments is cut short
 * (so that the pool holds) and the request is answered 400 once its headers are in. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct request *req = request_alloc();
	if (!req)
		return NULL;
	char *query = strchr(uri, '?');
	size_t args = query ? 1 : 0;
	for (const char *p = query; p && *p; p++)
		args += *p == '&';
	if (args > HTTP_MAX_ARGS) {
		req->too_many_args = true;
		/* The line is libmicrohttpd's read buffer, which it parses next. */
		query[1] = '\0';
	}
	return req;
}

/* Reads the request line and headers into `req` on the first access-handler call. */
double http_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void request_start(struct request *req, struct MHD_Connection *conn, const char *url,
                          const char *method, const char *version)
{
	req->started = true;
	req->started_at = http_now();
	req->conn = conn;
	req->method = http_method_parse(method);
	req->path = arena_strdup(&req->arena, url);
	req->body_limit = req->method == HTTP_POST ? BODY_LIMIT_BULK : BODY_LIMIT_SINGLE;
	const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-ID");
	if (rid && request_id_sane(rid)) {
		snprintf(req->request_id, sizeof(req->request_id), "%s", rid);
	} else {
		request_id_new(req->request_id);
	}
	struct header_scan scan = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_header, &scan);
	/* libmicrohttpd decodes one exact "chunked" and nothing else: any other coding would
	 * leave it waiting for a body it cannot delimit, and two headers may be read
	 * differently by a proxy in front (request smuggling). */
	if (scan.content_length > 1 || (scan.content_length && scan.transfer_encoding) ||
	    scan.transfer_encoding > 1 || (scan.transfer_encoding && !scan.chunked))
		req->framing_error = true;
	if (scan.bytes > HEADER_BLOCK_LIMIT)
		req->header_too_large = true;
	/* RFC 9112 §3.2: an HTTP/1.1 request without Host is refused. */
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
		req->no_host = true;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
	if (length > req->body_limit) {
		req->body_too_large = true;
		req->drain_body = length <= BODY_DRAIN_LIMIT;
	}
	atomic_fetch_add(&g_metrics.in_flight, 1);
}

/* Refused on the request line and headers, whatever the body. */
static bool refused_on_headers(const struct request *req)
{
	return req->header_too_large || req->framing_error || req->no_host || req->too_many_args;
}

/* Refused before the body is read: on the headers, or on the body's announced length. */
static bool refused_early(const struct request *req)
{
	return refused_on_headers(req) || req->body_too_large;
}

/* Answered on the headers alone, at once. A body somewhat over its limit is read and dropped
 * first instead: a connection closed with a body still arriving ends in a reset that can
 * reach the client before the answer, which then sees a broken connection instead of a 413. */
static bool answer_at_once(const struct request *req)
{
	return refused_on_headers(req) || (req->body_too_large && !req->drain_body);
}

static void body_append(struct request *req, const char *data, size_t size)
{
	if (refused_early(req))
		return;
	if (req->body_len + size > req->body_limit) {
		req->body_too_large = true;
		free(req->body);
		req->body = NULL;
		req->body_len = 0;
		req->body_cap = 0;
		return;
	}
	if (req->body_len + size + 1 > req->body_cap) {
		/* Grows by doubling: libmicrohttpd hands a large body over in many pieces. */
		size_t cap = req->body_cap ? req->body_cap : 4096;
		while (cap < req->body_len + size + 1)
			cap *= 2;
		if (cap > req->body_limit + 1)
			cap = req->body_limit + 1;
		char *p = realloc(req->body, cap);
		if (!p) {
			req->body_too_large = true;
			return;
		}
		req->body = p;
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, size);
	req->body_len += size;
	req->body[req->body_len] = '\0';
}

/* Whether an Accept header names one of `types` (NULL-terminated); `bom` (or NULL) tells
 * whether that entry carries the parameter bom=1. */
static bool accept_names(const char *accept, const char *const *types, bool *bom)
{
	for (const char *p = accept; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ",;");
		while (len > 0 && p[len - 1] == ' ')
			len--;
		size_t entry = strcspn(p, ",");
		for (const char *const *t = types; *t; t++)
			if (strlen(*t) == len && strncasecmp(p, *t, len) == 0) {
				if (bom) {
					const char *b = strstr(p, "bom=1");
					*bom = b && (size_t)(b - p) < entry;
				}
				return true;
			}
		p += entry;
	}
	return false;
}

static const char *const json_types[] = {"*/*", "application/*", "application/json",
                                         "application/problem+json", NULL};
static const char *const csv_types[] = {"text/csv", "text/*", NULL};
static const char *const geojson_types[] = {"application/geo+json", NULL};
static const char *const text_types[] = {"*/*", "text/*", "text/plain", NULL};

/* Content negotiation: JSON by default, CSV or GeoJSON where the route serves them, plain
 * text where that is all a route serves; returns false after answering 406. */
static bool negotiate(struct request *req, const struct route *r)
{
	const char *accept = req_header(req, "Accept");
	if (!accept || (strncmp(req->path, "/v1/", 4) != 0 && !r->csv && !r->geojson))
		return true;
	if (r->text) {
		if (accept_names(accept, text_types, NULL))
			return true;
		problem(req, 406, "not-acceptable", "Not Acceptable",
		        "this resource is served as text/plain; send Accept: text/plain or leave "
		        "Accept out");
		return false;
	}
	bool json = accept_names(accept, json_types, NULL);
	req->want_geojson = r->geojson && !json && accept_names(accept, geojson_types, NULL);
	req->want_csv = r->csv && !json && !req->want_geojson &&
	                accept_names(accept, csv_types, &req->want_bom);
	if (json || req->want_csv || req->want_geojson)
		return true;
	problem(req, 406, "not-acceptable", "Not Acceptable",
	        "this resource is served as application/json%s%s; send Accept: application/json "
	        "or leave Accept out",
	        r->csv ? " or text/csv" : "", r->geojson ? " or application/geo+json" : "");
	return false;
}

static void run(struct request *req)
{
	const struct route *r = req->match.route;
	if (!r->public && http_hooks_in_use->authenticate && http_hooks_in_use->authenticate(req))
		return;
	if (!negotiate(req, r))
		return;
	if (http_hooks_in_use->before && http_hooks_in_use->before(req))
		return;
	r->handler(req);
}

static void dispatch(struct request *req)
{
	if (req->header_too_large) {
		problem(req, 431, "header-too-large", "Request Header Fields Too Large",
		        "the request's header block is larger than %u KiB",
		        HEADER_BLOCK_LIMIT >> 10);
		return;
	}
	if (req->framing_error) {
		problem(
		    req, 400, "bad-request", "Bad Request",
		    "the request's framing is ambiguous or unsupported: send one Content-Length, "
		    "or one Transfer-Encoding: chunked alone, not both");
		return;
	}
	if (req->no_host) {
		problem(req, 400, "bad-request", "Bad Request",
		        "an HTTP/1.1 request must carry a Host header");
		return;
	}
	if (req->too_many_args) {
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters (at most %d); give a filter once, with a "
		        "comma-separated list for several values",
		        HTTP_MAX_ARGS);
		return;
	}
	if (req->body_too_large) {
		problem(req, 413, "payload-too-large", "Payload Too Large",
		        "the request body is larger than %zu MiB, the limit for this request",
		        req->body_limit >> 20);
		return;
	}
	if (!utf8_valid(req->path, strlen(req->path))) {
		problem(req, 400, "bad-request", "Bad Request",
		        "the path is not UTF-8 once percent-decoded; ids and dataset names are "
		        "UTF-8 text");
		return;
	}
	enum http_method m = req->method == HTTP_HEAD ? HTTP_GET : req->method;
	switch (router_match(http_hooks_in_use->routes, http_hooks_in_use->n_routes, m, req->path,
	                     http_hooks_in_use->is_dataset, &req->match)) {
	case ROUTE_FOUND:
		run(req);
		return;
	case ROUTE_METHOD_NOT_ALLOWED: {
		char allow[96], hdr[128];
		unsigned mask = req->match.allowed;
		if (mask & HTTP_GET)
			mask |= HTTP_HEAD;
		http_methods_format(mask, allow, sizeof(allow));
		snprintf(hdr, sizeof(hdr), "Allow: %s", allow);
		problem_ex(req, 405, "method-not-allowed", "Method Not Allowed", NULL, hdr,
		           "%s is not allowed on this resource; allowed: %s",
		           http_method_name(req->method), allow);
		return;
	}
	case ROUTE_NOT_FOUND:
		break;
	}
	/* A name under /v1/ that is no dataset: say which exist. */
	if (strncmp(req->path, "/v1/", 4) == 0 && !strchr(req->path + 4, '/') && req->path[4]) {
		problem(req, 404, "not-found", "Not Found",
		        "there is no dataset or resource \"%.*s\"; GET /v1/datasets lists the "
		        "datasets",
		        utf8_cut(req->path + 4, 64), req->path + 4);
		return;
	}
	problem(req, 404, "not-found", "Not Found",
	        "no resource at this path; the API is described at /openapi.json");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	struct request *req = *con_cls;
	if (!req || !req->started) {
		/* First call: headers only. Answering later keeps the connection alive. */
		if (!req && !(req = request_alloc()))
			return MHD_NO;
		*con_cls = req;
		request_start(req, conn, url, method, version);
		/* A request refused on its headers alone is answered now, before its body
		 * is read (MHD accepts a response only in this state or after the body);
		 * the connection then closes, which is right for such a request. */
		if (answer_at_once(req))
			dispatch(req);
		return req->queue_failed ? MHD_NO : MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->responded)
			body_append(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->responded)
		return MHD_YES;
	if (req->resume) {
		route_handler h = req->resume;
		req->resume = NULL;
		h(req);
	} else {
		dispatch(req);
	}
	if (req->resume)
		return MHD_YES; /* suspended until http_resume() */
	if (!req->responded)
		problem(req, 500, "internal", "Internal Server Error",
		        "the server could not answer this request");
	return req->queue_failed ? MHD_NO : MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct request *req = *con_cls;
	if (!req)
		return;
	*con_cls = NULL;
	if (req->cleanup)
		req->cleanup(req->cleanup_arg);
	if (req->started) {
		if (http_hooks_in_use->on_complete)
			http_hooks_in_use->on_complete(req);
		if (req->status >= 100 && req->status < 600)
			atomic_fetch_add(&g_metrics.requests[req->status / 100], 1);
		metrics_request(req->match.route, req->status, http_now() - req->started_at);
		atomic_fetch_sub(&g_metrics.in_flight, 1);
	}
	free(req->body);
	arena_release(&req->arena);
	free(req);
}

/* Percent-decoding of the path and query values, as libmicrohttpd's own except that %00
 * stays as it is: a decoded NUL would end the text early, so "/v1/plots/X%00.evil" would
 * act on record X. Left encoded, it fails validation like any other bad character. */
static size_t unescape_keep_nul(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	static const char hex[] = "0123456789abcdef";
	char *w = s;
	for (const char *r = s; *r; r++) {
		const char *hi =
		    r[0] == '%' && r[1] ? strchr(hex, tolower((unsigned char)r[1])) : NULL;
		const char *lo = hi && r[2] ? strchr(hex, tolower((unsigned char)r[2])) : NULL;
		int v = lo ? (int)((hi - hex) << 4 | (lo - hex)) : 0;
		if (v != 0) {
			*w++ = (char)v;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

__attribute__((format(printf, 2, 0))) static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("soilshare: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The listening socket is the server's own: one thread accepts and hands each
 * connection to MHD, which gives it to the worker its descriptor number picks, so
 * connections spread evenly over the workers. When every worker watches a shared
 * socket, the first to wake accepts up to ten at a time: a burst of 64 connections
 * landed on three of eight workers, and each waited for the others' queries. */
static int listen_fd = -1;
static pthread_t acceptor;
static atomic_bool accepting;

static void *accept_main(void *arg)
{
	struct MHD_Daemon *d = arg;
	while (atomic_load(&accepting)) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof(sa);
		int fd = accept4(listen_fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
		if (fd < 0) {
			if (!atomic_load(&accepting) || errno == EINVAL || errno == EBADF)
				break;
			if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
				usleep(10 * 1000); /* out of descriptors or memory: let some go */
			continue;
		}
		/* MHD closes the socket itself when it cannot take it (limits, memory). */
		MHD_add_connection(d, fd, (struct sockaddr *)&sa, len);
	}
	return NULL;
}

static int listen_on(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 || listen(fd, 1024) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct MHD_Daemon *http_start(const struct config *cfg, const struct http_hooks *h, char *errbuf,
                              size_t size)
{
	http_hooks_in_use = h;
	metrics_routes(h->routes, h->n_routes);
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
	static char *cert, *key;
	if (cfg->tls_cert) {
		cert = read_file(cfg->tls_cert);
		key = read_file(cfg->tls_key);
		if (!cert || !key) {
			snprintf(errbuf, size, "cannot read the TLS certificate or key file");
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	if (inet_pton(AF_INET, cfg->bind, &addr.sin_addr) != 1) {
		snprintf(errbuf, size, "--bind takes an IPv4 address, not \"%s\"", cfg->bind);
		return NULL;
	}
	listen_fd = listen_on(&addr);
	if (listen_fd < 0) {
		snprintf(errbuf, size, "cannot listen on %s:%d (in use, or not permitted)",
		         cfg->bind, cfg->port);
		return NULL;
	}
	struct MHD_OptionItem tls_opts[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
	    {MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)cfg->idle_timeout_sec, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_POOL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
	    NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape_keep_nul, NULL, MHD_OPTION_ARRAY,
	    cfg->tls_cert ? tls_opts : &tls_opts[2], MHD_OPTION_END);
	if (!d) {
		snprintf(errbuf, size, "cannot start the HTTP server on %s:%d", cfg->bind,
		         cfg->port);
		close(listen_fd);
		listen_fd = -1;
		return NULL;
	}
	atomic_store(&accepting, true);
	if (pthread_create(&acceptor, NULL, accept_main, d) != 0) {
		snprintf(errbuf, size, "cannot start the thread that accepts connections");
		MHD_stop_daemon(d);
		close(listen_fd);
		listen_fd = -1;
		return NULL;
	}
	return d;
}

void http_stop_accepting(void)
{
	if (listen_fd < 0)
		return;
	/* shutdown() wakes the acceptor out of accept(). */
	atomic_store(&accepting, false);
	shutdown(listen_fd, SHUT_RDWR);
	pthread_join(acceptor, NULL);
	close(listen_fd);
	listen_fd = -1;
}

void http_stop(struct MHD_Daemon *d, int drain_sec)
{
	http_stop_accepting();
	for (int i = 0; i < drain_sec * 20 && atomic_load(&g_metrics.in_flight) > 0; i++)
		usleep(50 * 1000);
	MHD_stop_daemon(d);
}
