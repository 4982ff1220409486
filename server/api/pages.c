/* The pages for people (SPEC §7, §10), compiled into the binary with the files they load, so
 * that they work without internet access: the public 名录 page (/public/, limited per client
 * address like its data), the operators' dashboard (/dashboard/, which asks for a key in the
 * page and reads /v1 with it) and the API reference (/docs, Redoc over /openapi.json). None
 * needs a key to load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "embedded.h"
#include "internal.h"
#include "jsonutil.h"
#include "strbuf.h"

/* A page's HTML holds this where the server's settings go, inside a JSON script element. */
static const char config_marker[] = "{{config}}";

/* A page as served, with the settings in place, and its headers; made before threads. */
struct page {
	const char *name;   /* of its embedded page */
	const char *what;   /* for messages: "the public page" */
	const char *folder; /* where it loads its files from, e.g. "/public/assets/" */
	const struct embedded_page *src;
	char *html;
	size_t len;
	char headers[512];
};

static struct page public_page = {
    .name = "public", .what = "the public page", .folder = "/public/assets/"};
static struct page dashboard_page = {
    .name = "dashboard", .what = "the dashboard", .folder = "/dashboard/assets/"};
static struct page docs_page = {
    .name = "docs", .what = "the API reference", .folder = "/docs/assets/"};

/* Asset names carry their version in the pages' links (?v=), so a browser may keep them. */
static const char asset_headers[] = "Cache-Control: public, max-age=31536000, immutable\n"
                                    "X-Content-Type-Options: nosniff";

/* The maps load everything from this server, but the tiles of a configured http(s) template
 * (the first %s). The dashboard, which holds a key, may not be framed by another site. */
#define MAP_POLICY                                                                                 \
	"Content-Security-Policy: default-src 'self'; img-src 'self'%s; object-src 'none'; "       \
	"base-uri 'none'; form-action 'self'%s"
/* Redoc styles itself with style elements it writes (styled-components), draws its icons as
 * data: images and searches in a worker it makes from a blob; nothing comes from elsewhere. */
static const char docs_policy[] =
    "Content-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'";

/* Fills in the page's HTML from its embedded copy and `settings` (JSON, for {{config}}). */
static int page_make(struct page *pg, const char *settings)
{
	for (size_t i = 0; i < embedded_pages_count && !pg->src; i++)
		if (strcmp(embedded_pages[i].name, pg->name) == 0)
			pg->src = &embedded_pages[i];
	if (!pg->src)
		return -1;
	const char *html = pg->src->html;
	const char *at = strstr(html, config_marker);
	struct strbuf sb;
	strbuf_init(&sb, pg->src->html_len + strlen(settings));
	if (at) {
		strbuf_add(&sb, html, (size_t)(at - html));
		strbuf_adds(&sb, settings);
		strbuf_adds(&sb, at + strlen(config_marker));
	} else {
		strbuf_add(&sb, html, pg->src->html_len);
	}
	pg->html = strbuf_detach(&sb, &pg->len);
	return 0;
}

static int page_headers(struct page *pg, const char *policy)
{
	int n = snprintf(pg->headers, sizeof(pg->headers),
	                 "Cache-Control: no-cache\n%s\nX-Content-Type-Options: nosniff", policy);
	return n > 0 && (size_t)n < sizeof(pg->headers) ? 0 : -1;
}

int pages_configure(const struct config *cfg)
{
	json_t *settings = json_pack("{s:s?}", "tiles", cfg->map_tiles);
	char *text = settings ? json_dumps_html(settings) : NULL;
	json_decref(settings);
	if (!text)
		return -1;
	int rc = 0;
	if (page_make(&public_page, text) < 0 || page_make(&dashboard_page, text) < 0 ||
	    page_make(&docs_page, text) < 0)
		rc = -1;
	free(text);

	const char *tiles = !cfg->map_tiles || cfg->map_tiles[0] == '/' ? ""
	                    : strncmp(cfg->map_tiles, "https:", 6) == 0 ? " https:"
	                                                                : " http:";
	char public_policy[384], dashboard_policy[384];
	int n = snprintf(public_policy, sizeof(public_policy), MAP_POLICY, tiles, "");
	int m = snprintf(dashboard_policy, sizeof(dashboard_policy), MAP_POLICY, tiles,
	                 "; frame-ancestors 'none'");
	if (n < 0 || (size_t)n >= sizeof(public_policy) || m < 0 ||
	    (size_t)m >= sizeof(dashboard_policy) ||
	    page_headers(&public_page, public_policy) < 0 ||
	    page_headers(&dashboard_page, dashboard_policy) < 0 ||
	    page_headers(&docs_page, docs_policy) < 0)
		rc = -1;
	return rc;
}

/* The pages and the assets live as long as the process. */
static void keep(void *cls)
{
	(void)cls;
}

static void page_serve(struct request *req, const struct page *pg)
{
	respond_borrowed(req, 200, "text/html; charset=utf-8", pg->html, pg->len, keep, NULL,
	                 pg->headers);
}

/* /public and /dashboard name folders: a page's relative links need the slash. The query goes
 * along (e.g. ?district=110105, which the page reads). */
static void folder_redirect(struct request *req, const char *folder)
{
	struct query_arg args[HTTP_MAX_ARGS];
	int n = req_query_args(req, args, HTTP_MAX_ARGS);
	struct strbuf sb;
	strbuf_init(&sb, 64);
	strbuf_adds(&sb, "Location: ");
	strbuf_adds(&sb, folder);
	strbuf_addc(&sb, '/');
	size_t bare = sb.len;
	for (int i = 0; i < n; i++) {
		strbuf_addc(&sb, i ? '&' : '?');
		strbuf_add_urlencoded(&sb, args[i].key);
		if (args[i].value) {
			strbuf_addc(&sb, '=');
			strbuf_add_urlencoded(&sb, args[i].value);
		}
	}
	if (sb.len > 1024) /* longer than a header may be: the page without its query */
		sb.len = bare;
	sb.buf[sb.len] = '\0';
	char body[64];
	int len = snprintf(body, sizeof(body), "moved to /%s/\n", folder);
	respond(req, 301, "text/plain; charset=utf-8", body,
	        len > 0 && (size_t)len < sizeof(body) ? (size_t)len : 0, sb.buf);
	strbuf_release(&sb);
}

static const char *content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".png", "image/png"},
	    {".svg", "image/svg+xml"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void asset_serve(struct request *req, const struct page *pg)
{
	const char *name = req->match.id;
	for (size_t i = 0; i < pg->src->n_assets; i++) {
		const struct embedded_asset *a = &pg->src->assets[i];
		if (strcmp(a->name, name) == 0) {
			respond_borrowed(req, 200, content_type(name), a->data, a->len, keep, NULL,
			                 asset_headers);
			return;
		}
	}
	problem(req, 404, "not-found", "Not Found",
	        "%s has no file \"%.64s\"; it loads its files from %s", pg->what, name, pg->folder);
}

void handle_public_page(struct request *req)
{
	if (public_allowed(req))
		page_serve(req, &public_page);
}

void handle_public_redirect(struct request *req)
{
	if (public_allowed(req))
		folder_redirect(req, "public");
}

void handle_public_asset(struct request *req)
{
	if (public_allowed(req))
		asset_serve(req, &public_page);
}

void handle_dashboard_page(struct request *req)
{
	page_serve(req, &dashboard_page);
}

void handle_dashboard_redirect(struct request *req)
{
	folder_redirect(req, "dashboard");
}

void handle_dashboard_asset(struct request *req)
{
	asset_serve(req, &dashboard_page);
}

void handle_docs_page(struct request *req)
{
	page_serve(req, &docs_page);
}

void handle_docs_asset(struct request *req)
{
	asset_serve(req, &docs_page);
}
