/* The pages for people over HTTP — the public page (/public/), the API reference (/docs) and
 * the dashboard (/dashboard/): no key, their security headers, the files they link to served by
 * the binary with their types and long caching, the folder redirects, and what is not there.
 * How the pages work in a browser is tests/browser's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A request without a key. The per-address limit of the public pages is shared with every
 * test of the run, so a 429 is waited out. */
static struct resp *public_call(const char *method, const char *path)
{
	for (int i = 0;; i++) {
		struct resp *r = call(method, path, NULL, NULL, NULL);
		if (r->status != 429 || i == 5)
			return r;
		const char *after = resp_header(r, "Retry-After");
		int secs = after ? atoi(after) : 1;
		resp_free(r);
		sleep(secs > 0 && secs < 10 ? (unsigned)secs : 1);
	}
}

static void assert_header_has(const struct resp *r, const char *name, const char *part)
{
	const char *v = resp_header(r, name);
	cr_assert_not_null(v, "no %s header", name);
	cr_assert(strstr(v, part), "%s is \"%s\", which lacks \"%s\"", name, v, part);
}

Test(pages, page_needs_no_key)
{
	struct resp *r = public_call("GET", "/public/");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "text/html; charset=utf-8");
	assert_header_has(r, "Cache-Control", "no-cache");
	assert_header_has(r, "Content-Security-Policy", "default-src 'self'");
	assert_header_has(r, "Content-Security-Policy", "img-src 'self';");
	cr_assert(strstr(r->body, "风险管控和修复名录"), "the page names the 名录");
	cr_assert(strstr(r->body, "<script type=\"application/json\" id=\"settings\">"
	                          "{\"tiles\":null}</script>"),
	          "without --map-tiles the page's settings have no tiles:\n%s", r->body);
	cr_assert_null(strstr(r->body, "{{config}}"), "the settings' marker is replaced");
	cr_assert_null(strstr(r->body, "@ASSETS_VERSION@"), "the assets' version is filled in");
	cr_assert_null(strstr(r->body, "http://"), "the page loads nothing from elsewhere");
	cr_assert_null(strstr(r->body, "https://"), "the page loads nothing from elsewhere");
	resp_free(r);

	r = public_call("HEAD", "/public/");
	cr_assert_eq(r->status, 200, "HEAD of the page");
	resp_free(r);
}

static const char *expected_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && strcmp(dot, ".js") == 0    ? "text/javascript; charset=utf-8"
	       : dot && strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
	                                         : "?";
}

/* Every file a page links to (links starting with `prefix`, relative to `folder`) is served
 * with its type, its version and long caching. Returns how many, their names in `names`
 * ("name " each). */
static int links_served(const char *page_path, const char *prefix, const char *folder, char *names,
                        size_t size)
{
	struct resp *page = public_call("GET", page_path);
	cr_assert_eq(page->status, 200, "GET %s: %ld", page_path, page->status);
	int served = 0;
	size_t used = 0;
	names[0] = '\0';
	char quoted[64];
	snprintf(quoted, sizeof(quoted), "\"%s", prefix);
	for (const char *p = page->body; (p = strstr(p, quoted)) != NULL; p++) {
		char link[256], path[300], name[256];
		size_t len = strcspn(p + 1, "\"");
		cr_assert_lt(len, sizeof(link));
		memcpy(link, p + 1, len);
		link[len] = '\0';
		cr_assert(strstr(link, "?v="), "%s carries the assets' version", link);
		snprintf(path, sizeof(path), "%s%s", folder, link);
		const char *file = link + strlen(prefix);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(file, "?"), file);
		int n = snprintf(names + used, size - used, "%s ", name);
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;

		struct resp *r = public_call("GET", path);
		cr_assert_eq(r->status, 200, "GET %s: %ld %s", path, r->status, r->body);
		cr_assert_gt(r->len, 100, "%s has content", path);
		cr_assert_str_eq(resp_header(r, "Content-Type"), expected_type(name), "%s", path);
		assert_header_has(r, "Cache-Control", "max-age=31536000");
		assert_header_has(r, "Cache-Control", "immutable");
		assert_header_has(r, "X-Content-Type-Options", "nosniff");
		resp_free(r);
		served++;
	}
	resp_free(page);
	return served;
}

Test(pages, every_file_the_page_links_is_served)
{
	char names[512];
	int served = links_served("/public/", "assets/", "/public/", names, sizeof(names));
	cr_assert_geq(served, 4, "the page links its script, its style and Leaflet's two");
	cr_assert(strstr(names, "leaflet.js ") && strstr(names, "leaflet.css "),
	          "Leaflet comes from this server: %s", names);
}

Test(pages, every_file_the_dashboard_and_the_docs_link_is_served)
{
	char names[512];
	int served = links_served("/dashboard/", "assets/", "/dashboard/", names, sizeof(names));
	cr_assert_geq(served, 4, "the dashboard links its script, its style and Leaflet's two");
	cr_assert(strstr(names, "dashboard.js ") && strstr(names, "leaflet.js ") &&
	              strstr(names, "leaflet.css "),
	          "the dashboard's files and Leaflet come from this server: %s", names);
	/* /docs is not a folder: its links name docs/assets/ from the root. */
	served = links_served("/docs", "docs/assets/", "/", names, sizeof(names));
	cr_assert_geq(served, 3, "the API reference links Redoc and its own script and style");
	cr_assert(strstr(names, "redoc.standalone.js ") && strstr(names, "docs.js "),
	          "Redoc comes from this server: %s", names);
	struct resp *r = public_call("GET", "/docs/assets/redoc.standalone.js");
	cr_assert_eq(r->status, 200);
	cr_assert_null(strstr(r->body, "cdn.redoc.ly"), "Redoc loads no logo from elsewhere");
	resp_free(r);
}

Test(pages, docs_and_dashboard_need_no_key)
{
	struct resp *r = public_call("GET", "/docs");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "text/html; charset=utf-8");
	assert_header_has(r, "Cache-Control", "no-cache");
	assert_header_has(r, "X-Content-Type-Options", "nosniff");
	assert_header_has(r, "Content-Security-Policy", "default-src 'self';");
	assert_header_has(r, "Content-Security-Policy", "worker-src blob:;");
	cr_assert_null(strstr(resp_header(r, "Content-Security-Policy"), "http"),
	               "the API reference loads nothing from elsewhere");
	cr_assert(strstr(r->body, "openapi.json"), "the page renders /openapi.json");
	cr_assert_null(strstr(r->body, "@ASSETS_VERSION@"), "the assets' version is filled in");
	cr_assert_null(strstr(r->body, "http://"), "the page loads nothing from elsewhere");
	cr_assert_null(strstr(r->body, "https://"), "the page loads nothing from elsewhere");
	resp_free(r);

	r = public_call("GET", "/dashboard/");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "text/html; charset=utf-8");
	assert_header_has(r, "Cache-Control", "no-cache");
	assert_header_has(r, "X-Content-Type-Options", "nosniff");
	assert_header_has(r, "Content-Security-Policy", "default-src 'self';");
	assert_header_has(r, "Content-Security-Policy", "img-src 'self';");
	assert_header_has(r, "Content-Security-Policy", "frame-ancestors 'none'");
	cr_assert(strstr(r->body, "<script type=\"application/json\" id=\"settings\">"
	                          "{\"tiles\":null}</script>"),
	          "without --map-tiles the dashboard's settings have no tiles:\n%s", r->body);
	cr_assert_null(strstr(r->body, "{{config}}"), "the settings' marker is replaced");
	cr_assert_null(strstr(r->body, "@ASSETS_VERSION@"), "the assets' version is filled in");
	cr_assert_null(strstr(r->body, "http://"), "the page loads nothing from elsewhere");
	cr_assert_null(strstr(r->body, "https://"), "the page loads nothing from elsewhere");
	resp_free(r);

	r = public_call("HEAD", "/docs");
	cr_assert_eq(r->status, 200, "HEAD of the API reference");
	resp_free(r);
}

/* The document's lists of asset names are what the server has. */
Test(pages, the_documented_assets_are_served)
{
	static const char *const folders[] = {"/public/assets/", "/docs/assets/",
	                                      "/dashboard/assets/"};
	char path[1024];
	snprintf(path, sizeof(path), "%s/openapi/openapi.json", need_env("SOILSHARE_ROOT"));
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	cr_assert_not_null(doc, "%s: %s", path, err.text);
	for (size_t f = 0; f < sizeof(folders) / sizeof(folders[0]); f++) {
		char route[64];
		snprintf(route, sizeof(route), "%s{name}", folders[f]);
		json_t *params = json_object_get(
		    json_object_get(json_object_get(json_object_get(doc, "paths"), route), "get"),
		    "parameters");
		json_t *names =
		    json_object_get(json_object_get(json_array_get(params, 0), "schema"), "enum");
		cr_assert_geq(json_array_size(names), 3, "the document lists the names of %s",
		              route);
		size_t i;
		json_t *name;
		json_array_foreach(names, i, name)
		{
			snprintf(path, sizeof(path), "%s%s", folders[f], json_string_value(name));
			struct resp *r = public_call("GET", path);
			cr_assert_eq(r->status, 200, "GET %s: %ld", path, r->status);
			resp_free(r);
		}
	}
	json_decref(doc);
}

Test(pages, public_redirects_to_the_folder)
{
	struct resp *r = public_call("GET", "/public");
	cr_assert_eq(r->status, 301, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Location"), "public/");
	resp_free(r);
	r = public_call("GET", "/public?district=110105");
	cr_assert_eq(r->status, 301);
	cr_assert_str_eq(resp_header(r, "Location"), "public/?district=110105",
	                 "the query goes along");
	resp_free(r);
}

Test(pages, dashboard_redirects_to_the_folder)
{
	struct resp *r = public_call("GET", "/dashboard");
	cr_assert_eq(r->status, 301, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Location"), "dashboard/");
	resp_free(r);
	r = public_call("GET", "/dashboard?district=110108");
	cr_assert_eq(r->status, 301);
	cr_assert_str_eq(resp_header(r, "Location"), "dashboard/?district=110108",
	                 "the query goes along");
	resp_free(r);
}

Test(pages, what_is_not_there)
{
	static const char *const paths[] = {
	    "/public/assets/nope.js",           /* a file the page has not */
	    "/public/assets/",                  /* no name */
	    "/public/assets/..%2Fopenapi.json", /* a way out of the folder */
	    "/public/assets/leaflet.js/x",      /* below a file */
	    "/public//",                        /* an empty segment */
	    "/public/index.html",               /* the page is the folder itself */
	    "/public/assets/dashboard.js",      /* another page's files */
	    "/dashboard/assets/page.js",
	    "/dashboard/assets/redoc.standalone.js",
	    "/docs/assets/leaflet.js",
	    "/dashboard/index.html",
	    "/docs/", /* the API reference is not a folder */
	    "/docs/assets/",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp *r = public_call("GET", paths[i]);
		cr_assert_eq(r->status, 404, "GET %s: %ld", paths[i], r->status);
		assert_problem(r, 404, "/problems/not-found");
		resp_free(r);
	}
	static const char *const pages[] = {"/public/", "/dashboard/", "/docs"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct resp *r = public_call("POST", pages[i]);
		cr_assert_eq(r->status, 405, "POST %s: %ld", pages[i], r->status);
		cr_assert_str_eq(resp_header(r, "Allow"), "GET, HEAD");
		resp_free(r);
	}
}
