/* The public page (SPEC §10): GET /public/ shows the 名录 as a table and on a map, from
 * /public/directory. The page and the files it loads are compiled into the binary, so that it
 * works without internet access; no key, limited per client address like the data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "embedded.h"
#include "internal.h"
#include "jsonutil.h"
#include "strbuf.h"

/* web/index.html holds this where the server's settings go, inside a JSON script element. */
static const char config_marker[] = "{{config}}";

/* The page as served, with the settings in place, and its headers; made before threads. */
static char *page;
static size_t page_len;
static char page_headers[512];

/* Asset names carry their version in the page's links (?v=), so a browser may keep them. */
static const char asset_headers[] = "Cache-Control: public, max-age=31536000, immutable\n"
                                    "X-Content-Type-Options: nosniff";

int pages_configure(const struct config *cfg)
{
	const char *at = strstr(embedded_page, config_marker);
	json_t *settings = json_pack("{s:s?}", "tiles", cfg->map_tiles);
	char *text = settings ? json_dumps_html(settings) : NULL;
	json_decref(settings);
	if (!at || !text) {
		free(text);
		return -1;
	}
	struct strbuf sb;
	strbuf_init(&sb, embedded_page_len + strlen(text));
	strbuf_add(&sb, embedded_page, (size_t)(at - embedded_page));
	strbuf_adds(&sb, text);
	strbuf_adds(&sb, at + strlen(config_marker));
	free(text);
	page = strbuf_detach(&sb, &page_len);

	/* Everything comes from this server, but the tiles of a configured http(s) template. */
	const char *tiles = !cfg->map_tiles || cfg->map_tiles[0] == '/' ? ""
	                    : strncmp(cfg->map_tiles, "https:", 6) == 0 ? " https:"
	                                                                : " http:";
	int n = snprintf(page_headers, sizeof(page_headers),
	                 "Cache-Control: no-cache\n"
	                 "Content-Security-Policy: default-src 'self'; img-src 'self'%s; "
	                 "object-src 'none'; base-uri 'none'; form-action 'self'\n"
	                 "X-Content-Type-Options: nosniff",
	                 tiles);
	return n > 0 && (size_t)n < sizeof(page_headers) ? 0 : -1;
}

/* The page and the assets live as long as the process. */
static void keep(void *cls)
{
	(void)cls;
}

void handle_public_page(struct request *req)
{
	if (public_allowed(req))
		respond_borrowed(req, 200, "text/html; charset=utf-8", page, page_len, keep, NULL,
		                 page_headers);
}

/* /public names the folder: the page's relative links need the slash. The query goes along
 * (e.g. ?district=110105, which the page reads). */
void handle_public_redirect(struct request *req)
{
	if (!public_allowed(req))
		return;
	struct query_arg args[HTTP_MAX_ARGS];
	int n = req_query_args(req, args, HTTP_MAX_ARGS);
	struct strbuf sb;
	strbuf_init(&sb, 64);
	strbuf_adds(&sb, "Location: public/");
	for (int i = 0; i < n; i++) {
		strbuf_addc(&sb, i ? '&' : '?');
		strbuf_add_urlencoded(&sb, args[i].key);
		if (args[i].value) {
			strbuf_addc(&sb, '=');
			strbuf_add_urlencoded(&sb, args[i].value);
		}
	}
	if (sb.len > 1024) /* longer than a header may be: the page without its query */
		sb.len = strlen("Location: public/");
	sb.buf[sb.len] = '\0';
	static const char body[] = "moved to /public/\n";
	respond(req, 301, "text/plain; charset=utf-8", body, sizeof(body) - 1, sb.buf);
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

void handle_public_asset(struct request *req)
{
	if (!public_allowed(req))
		return;
	const char *name = req->match.id;
	for (size_t i = 0; i < embedded_assets_count; i++) {
		const struct embedded_asset *a = &embedded_assets[i];
		if (strcmp(a->name, name) == 0) {
			respond_borrowed(req, 200, content_type(name), a->data, a->len, keep, NULL,
			                 asset_headers);
			return;
		}
	}
	problem(req, 404, "not-found", "Not Found",
	        "the public page has no file \"%.64s\"; it loads its files from /public/", name);
}
