/* Queueing responses: common headers, zero-copy bodies, and problem+json errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_internal.h"
#include "utf8.h"

/* Tells the service what is being answered (it remembers idempotent writes' answers). */
static void notify(struct request *req, unsigned status, const char *content_type, const char *body,
                   size_t len, const char *extra)
{
	req->bytes_out = len;
	if (http_hooks_in_use && http_hooks_in_use->on_response)
		http_hooks_in_use->on_response(req, status, content_type, body, len, extra);
}

/* Adds "Name: value\n..." lines to a response. */
static void add_extra_headers(struct MHD_Response *resp, const char *extra)
{
	while (extra && *extra) {
		const char *nl = strchr(extra, '\n');
		size_t len = nl ? (size_t)(nl - extra) : strlen(extra);
		const char *colon = memchr(extra, ':', len);
		if (colon) {
			char name[64], value[2048];
			size_t nlen = (size_t)(colon - extra);
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - extra);
			if (nlen < sizeof(name) && vlen < sizeof(value)) {
				memcpy(name, extra, nlen);
				name[nlen] = '\0';
				memcpy(value, v, vlen);
				value[vlen] = '\0';
				MHD_add_response_header(resp, name, value);
			}
		}
		extra = nl ? nl + 1 : NULL;
	}
}

static void queue(struct request *req, unsigned status, struct MHD_Response *resp,
                  const char *content_type, const char *extra)
{
	if (!resp) {
		req->queue_failed = true;
		req->responded = true;
		return;
	}
	if (content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	MHD_add_response_header(resp, "X-Request-ID", req->request_id);
	add_extra_headers(resp, extra);
	if (MHD_queue_response(req->conn, status, resp) != MHD_YES)
		req->queue_failed = true;
	MHD_destroy_response(resp);
	req->responded = true;
	req->status = status;
}

void respond(struct request *req, unsigned status, const char *content_type, const char *body,
             size_t len, const char *extra)
{
	notify(req, status, content_type, body, len, extra);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	queue(req, status, resp, content_type, extra);
}

void respond_static(struct request *req, unsigned status, const char *content_type,
                    const char *body, size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	queue(req, status, resp, content_type, NULL);
}

void respond_owned(struct request *req, unsigned status, const char *content_type, char *body,
                   size_t len, const char *extra)
{
	notify(req, status, content_type, body, len, extra);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer_with_free_callback(len, body, free);
	if (!resp)
		free(body);
	queue(req, status, resp, content_type, extra);
}

void respond_borrowed(struct request *req, unsigned status, const char *content_type,
                      const char *body, size_t len, void (*release)(void *), void *cls,
                      const char *extra)
{
	notify(req, status, content_type, body, len, extra);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)body, release, cls);
	if (!resp)
		release(cls);
	queue(req, status, resp, content_type, extra);
}

void respond_json(struct request *req, unsigned status, json_t *body, const char *extra)
{
	char *text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		problem(req, 500, "internal", "Internal Server Error",
		        "could not encode the response");
		return;
	}
	respond_owned(req, status, "application/json", text, strlen(text), extra);
}

__attribute__((format(printf, 7, 0))) static void
problem_v(struct request *req, unsigned status, const char *slug, const char *title,
          json_t *extra_members, const char *extra_headers, const char *fmt, va_list ap)
{
	/* A message quotes what the client sent, maybe cut inside a character or not UTF-8 at
	 * all, and JSON strings must be UTF-8: repaired, so no member goes missing. */
	char raw[1024], detail[1024], instance[1024];
	vsnprintf(raw, sizeof(raw), fmt, ap);
	utf8_sanitize(raw, detail, sizeof(detail));
	utf8_sanitize(req->path, instance, sizeof(instance));
	json_t *body = json_object();
	json_object_set_new(body, "type", json_sprintf("/problems/%s", slug));
	json_object_set_new(body, "title", json_string(title));
	json_object_set_new(body, "status", json_integer(status));
	json_object_set_new(body, "detail", json_string(detail));
	json_object_set_new(body, "instance", json_string(instance));
	json_object_set_new(body, "request_id", json_string(req->request_id));
	if (extra_members)
		json_object_update(body, extra_members);
	json_decref(extra_members);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text) {
		/* Only out of memory, or extra members that are not UTF-8. */
		static const char fallback[] = "{\"type\":\"/problems/internal\",\"status\":500}";
		respond(req, 500, "application/problem+json", fallback, sizeof(fallback) - 1, NULL);
		return;
	}
	respond_owned(req, status, "application/problem+json", text, strlen(text), extra_headers);
}

void problem(struct request *req, unsigned status, const char *slug, const char *title,
             const char *detail_fmt, ...)
{
	va_list ap;
	va_start(ap, detail_fmt);
	problem_v(req, status, slug, title, NULL, NULL, detail_fmt, ap);
	va_end(ap);
}

void problem_ex(struct request *req, unsigned status, const char *slug, const char *title,
                json_t *extra_members, const char *extra_headers, const char *detail_fmt, ...)
{
	va_list ap;
	va_start(ap, detail_fmt);
	problem_v(req, status, slug, title, extra_members, extra_headers, detail_fmt, ap);
	va_end(ap);
}
