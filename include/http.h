/* The HTTP layer: daemon, request context, responses and problem+json errors. It knows
 * requests and responses only; what sits on top (keys, idempotency, the database, the feed)
 * is wired in by the service through `struct http_hooks`. */
#ifndef SOILSHARE_HTTP_H
#define SOILSHARE_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "qargs.h"
#include "router.h"

#define BODY_LIMIT_SINGLE (1u << 20)  /* 1 MiB */
#define BODY_LIMIT_BULK   (16u << 20) /* 16 MiB */
/* A body over its limit is still read (and dropped) up to this size before the 413, so that
 * the answer is not lost to a reset; a larger one is refused at once and the connection closed. */
#define BODY_DRAIN_LIMIT   (32u << 20) /* 32 MiB */
#define HEADER_BLOCK_LIMIT (16u << 10) /* 16 KiB */
/* Query arguments a request may carry. libmicrohttpd keeps each in the connection's
 * memory pool and closes the connection without an answer when the pool runs out, so a
 * query with more is cut before it parses them, and the request answered 400. */
#define HTTP_MAX_ARGS 64

/* One per request: created on the first MHD callback, freed in the completion
 * callback and nowhere else. Everything per-request is allocated from `arena`.
 *
 * Answering: a handler answers exactly once, through respond*() or problem*(). A helper
 * that returns -1 or false "has answered" (it queued the error response), and its caller
 * only cleans up and returns; `responded` tells whether an answer is queued. */
struct request {
	struct arena arena;
	struct MHD_Connection *conn;
	enum http_method method;
	const char *path;
	char request_id[130];
	struct route_match match;
	/* Body: malloc'd, grown as MHD hands data, capped at body_limit. */
	char *body;
	size_t body_len;
	size_t body_cap;
	size_t body_limit;
	bool started; /* the headers were read (the first access-handler call) */
	bool body_too_large;
	bool drain_body; /* body_too_large by its Content-Length, but read before the answer */
	bool framing_error;
	bool header_too_large;
	bool no_host;
	bool too_many_args;
	bool responded;
	bool queue_failed;
	bool want_csv;     /* Accept asked for text/csv on a route that serves it */
	bool want_bom;     /* ... with the parameter bom=1 (a byte-order mark first) */
	bool want_geojson; /* Accept asked for application/geo+json on a route that serves it */
	/* A suspended request continues in `resume` once http_resume() wakes it. */
	route_handler resume;
	/* Runs when the request completes, for state that outlives a handler call. */
	void (*cleanup)(void *arg);
	void *cleanup_arg;
	/* The service's own per-request state, set by its hooks (NULL before them). */
	void *app;
	unsigned status;
	double started_at; /* CLOCK_MONOTONIC seconds when the headers were read */
	size_t bytes_out;  /* the response body's length */
};

/* Seconds on CLOCK_MONOTONIC, the clock of started_at. */
double http_now(void);

/* What the service plugs into the HTTP layer. Every hook may be NULL. */
struct http_hooks {
	const struct route *routes;
	size_t n_routes;
	/* Which names the {dataset} placeholder of a route pattern accepts. */
	bool (*is_dataset)(const char *name);
	/* On a route that needs a key, first of all: returns true when it answered the
	 * request (no key, a revoked key, over its rate). */
	bool (*authenticate)(struct request *req);
	/* Then, once content negotiation has passed, before the handler: returns true when it
	 * answered the request (a replayed write). */
	bool (*before)(struct request *req);
	/* Each response as it is queued, with its status, type, body and extra headers. */
	void (*on_response)(struct request *req, unsigned status, const char *content_type,
	                    const char *body, size_t len, const char *extra);
	/* When the request is complete, before its memory is released. */
	void (*on_complete)(struct request *req);
};

/* Starts the daemon; returns NULL with a message on failure. `hooks` must outlive it. */
struct MHD_Daemon *http_start(const struct config *cfg, const struct http_hooks *hooks,
                              char *errbuf, size_t size);
/* Stops accepting new connections; requests in flight go on. */
void http_stop_accepting(void);
/* Waits up to `drain_sec` for in-flight requests, then stops the daemon. */
void http_stop(struct MHD_Daemon *d, int drain_sec);

const char *req_header(struct request *req, const char *name);
const char *req_query(struct request *req, const char *name);
/* Pure: whether a Host header value is one that URLs may be built from: a DNS name or IPv4
 * address, or an IPv6 address in brackets, with an optional port. */
bool http_host_valid(const char *host);
/* The scheme, host and port the client reached, as "http://host:port" ("https" on a TLS
 * connection): from the Host header, else (HTTP/1.0 without one) the connection's local
 * address. From the arena; NULL when the Host header is not a host name. */
const char *req_origin(struct request *req);
/* The client's IP address as text into `buf` ("" when unknown); returns buf. */
const char *req_client_address(struct request *req, char *buf, size_t size);
/* Whether the Content-Type is `type` (parameters such as charset aside). */
bool req_content_type_is(struct request *req, const char *type);
/* The query arguments in order, percent-decoded, into `out`; returns their number, or -1
 * when there are more than `max`. */
int req_query_args(struct request *req, struct query_arg *out, size_t max);

/* Parks the request (its connection is suspended) until http_resume(); `resume` then runs
 * as its handler. */
void http_suspend(struct request *req, route_handler resume);
/* Wakes a suspended request; any thread may call it. */
void http_resume(struct request *req);

/* Responses. Each queues the response and marks the request answered; `extra`
 * headers are "Name: value" pairs separated by '\n' (or NULL). */
void respond(struct request *req, unsigned status, const char *content_type, const char *body,
             size_t len, const char *extra);
/* A body that lives as long as the process (no copy). */
void respond_static(struct request *req, unsigned status, const char *content_type,
                    const char *body, size_t len);
/* Hands a malloc'd body to MHD without copying; it is freed when sent (or on failure). */
void respond_owned(struct request *req, unsigned status, const char *content_type, char *body,
                   size_t len, const char *extra);
/* Sends `body` without copying; `release(cls)` runs once it is sent (or on failure). */
void respond_borrowed(struct request *req, unsigned status, const char *content_type,
                      const char *body, size_t len, void (*release)(void *), void *cls,
                      const char *extra);
void respond_json(struct request *req, unsigned status, json_t *body, const char *extra);

/* problem+json: `slug` names the type (/problems/<slug>). `detail` is printf-style. */
void problem(struct request *req, unsigned status, const char *slug, const char *title,
             const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with members added to the body (e.g. "errors"); steals `extra_members`. */
void problem_ex(struct request *req, unsigned status, const char *slug, const char *title,
                json_t *extra_members, const char *extra_headers, const char *detail_fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
