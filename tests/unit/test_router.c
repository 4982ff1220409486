/* Unit tests of route matching and method helpers in server/http/router.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "router.h"

static void h_health(struct request *req)
{
	(void)req;
}
static void h_catalogue(struct request *req)
{
	(void)req;
}
static void h_list(struct request *req)
{
	(void)req;
}
static void h_bulk(struct request *req)
{
	(void)req;
}
static void h_get(struct request *req)
{
	(void)req;
}
static void h_put(struct request *req)
{
	(void)req;
}
static void h_delete(struct request *req)
{
	(void)req;
}
static void h_history(struct request *req)
{
	(void)req;
}

static const struct route table[] = {
    {HTTP_GET, "/healthz", h_health, true, false, false, false},
    {HTTP_GET, "/v1/datasets", h_catalogue, false, false, false, false},
    {HTTP_GET, "/v1/{dataset}", h_list, false, false, false, false},
    {HTTP_POST, "/v1/{dataset}", h_bulk, false, false, false, false},
    {HTTP_GET, "/v1/{dataset}/{id}", h_get, false, false, false, false},
    {HTTP_PUT, "/v1/{dataset}/{id}", h_put, false, false, false, false},
    {HTTP_DELETE, "/v1/{dataset}/{id}", h_delete, false, false, false, false},
    {HTTP_GET, "/v1/{dataset}/{id}/history", h_history, false, false, false, false},
};
#define N_ROUTES (sizeof(table) / sizeof(table[0]))

static bool is_dataset(const char *name)
{
	return strcmp(name, "plots") == 0 || strcmp(name, "supervised-units") == 0;
}

/* Accepts "datasets" too, so that the literal route and {dataset} both match. */
static bool is_dataset_greedy(const char *name)
{
	return is_dataset(name) || strcmp(name, "datasets") == 0;
}

static enum route_result match(enum http_method m, const char *path, struct route_match *out)
{
	return router_match(table, N_ROUTES, m, path, is_dataset, out);
}

Test(router, literal_route)
{
	struct route_match m;
	cr_assert_eq(match(HTTP_GET, "/healthz", &m), ROUTE_FOUND, "GET /healthz");
	cr_assert_eq(m.route, &table[0], "the /healthz route");
	cr_assert(m.route->public, "the route's flags come with it");
	cr_assert_null(m.dataset, "no dataset for a literal route");
	cr_assert_null(m.id, "no id for a literal route");
	cr_assert_eq(match(HTTP_GET, "/v1/datasets", &m), ROUTE_FOUND, "GET /v1/datasets");
	cr_assert_eq(m.route->handler, h_catalogue, "catalogue handler");
	cr_assert_eq(match(HTTP_GET, "/healthzz", &m), ROUTE_NOT_FOUND, "a longer literal");
	cr_assert_eq(match(HTTP_GET, "/health", &m), ROUTE_NOT_FOUND, "a shorter literal");
	cr_assert_eq(match(HTTP_GET, "/HEALTHZ", &m), ROUTE_NOT_FOUND,
	             "literals are case-sensitive");
}

Test(router, first_matching_route_wins)
{
	struct route_match m;
	enum route_result r =
	    router_match(table, N_ROUTES, HTTP_GET, "/v1/datasets", is_dataset_greedy, &m);
	cr_assert_eq(r, ROUTE_FOUND, "found");
	cr_assert_eq(m.route->handler, h_catalogue,
	             "the literal route, listed first, wins over /v1/{dataset}");
	cr_assert_null(m.dataset, "the winning route has no {dataset}");
}

Test(router, dataset_placeholder)
{
	struct route_match m;
	cr_assert_eq(match(HTTP_GET, "/v1/plots", &m), ROUTE_FOUND, "GET /v1/plots");
	cr_assert_eq(m.route->handler, h_list, "list handler");
	cr_assert_str_eq(m.dataset, "plots", "dataset captured");
	cr_assert_null(m.id, "no id");
	cr_assert_eq(match(HTTP_POST, "/v1/supervised-units", &m), ROUTE_FOUND, "POST bulk");
	cr_assert_eq(m.route->handler, h_bulk, "bulk handler");
	cr_assert_str_eq(m.dataset, "supervised-units", "dataset captured");
	cr_assert_eq(match(HTTP_GET, "/v1/unknown", &m), ROUTE_NOT_FOUND,
	             "a name the predicate rejects is 404, not 405");
	cr_assert_eq(m.allowed, 0, "nothing matched, no methods allowed");
	cr_assert_eq(router_match(table, N_ROUTES, HTTP_GET, "/v1/plots", NULL, &m),
	             ROUTE_NOT_FOUND, "without a predicate {dataset} matches nothing");
}

Test(router, id_placeholder)
{
	struct route_match m;
	const char *path = "/v1/plots/京规自〔2024〕0012号";
	cr_assert_eq(match(HTTP_GET, path, &m), ROUTE_FOUND, "GET one record");
	cr_assert_eq(m.route->handler, h_get, "get handler");
	cr_assert_str_eq(m.dataset, "plots", "dataset");
	cr_assert_str_eq(m.id, "京规自〔2024〕0012号", "Chinese id captured whole");
	cr_assert(m.id >= m.storage && m.id < m.storage + sizeof(m.storage),
	          "the id points into the match's own storage");
	cr_assert_eq(match(HTTP_PUT, "/v1/plots/110105-2023-0012", &m), ROUTE_FOUND, "PUT");
	cr_assert_eq(m.route->handler, h_put, "put handler");
	cr_assert_str_eq(m.id, "110105-2023-0012", "id");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/p1/history", &m), ROUTE_FOUND, "history");
	cr_assert_eq(m.route->handler, h_history, "history handler");
	cr_assert_str_eq(m.id, "p1", "id before /history");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/p1/versions", &m), ROUTE_NOT_FOUND,
	             "an unknown sub-resource");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/p1/history/2", &m), ROUTE_NOT_FOUND,
	             "a path longer than every pattern");
}

Test(router, method_not_allowed_mask)
{
	struct route_match m;
	cr_assert_eq(match(HTTP_PATCH, "/v1/plots/p1", &m), ROUTE_METHOD_NOT_ALLOWED,
	             "PATCH is not in the table");
	cr_assert_eq(m.allowed, HTTP_GET | HTTP_PUT | HTTP_DELETE, "allowed mask 0x%x", m.allowed);
	cr_assert_null(m.route, "no route on 405");
	cr_assert_eq(match(HTTP_DELETE, "/v1/plots", &m), ROUTE_METHOD_NOT_ALLOWED,
	             "DELETE a list");
	cr_assert_eq(m.allowed, HTTP_GET | HTTP_POST, "allowed mask 0x%x", m.allowed);
	cr_assert_eq(match(HTTP_POST, "/healthz", &m), ROUTE_METHOD_NOT_ALLOWED, "POST /healthz");
	cr_assert_eq(m.allowed, HTTP_GET, "only GET");
	cr_assert_eq(match(HTTP_OTHER, "/healthz", &m), ROUTE_METHOD_NOT_ALLOWED,
	             "an unknown method on a known path is 405");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/p1", &m), ROUTE_FOUND, "found");
	cr_assert_eq(m.allowed, HTTP_GET | HTTP_PUT | HTTP_DELETE,
	             "allowed is filled on success too");
}

Test(router, not_found_paths)
{
	struct route_match m;
	static const char *const paths[] = {
	    "/v1/plots/",         /* trailing slash */
	    "/healthz/",          /* trailing slash on a literal */
	    "//v1/plots",         /* leading double slash */
	    "/v1//plots",         /* double slash */
	    "/v1/plots//p1",      /* empty id */
	    "/",                  /* root */
	    "",                   /* empty */
	    "healthz",            /* no leading slash */
	    "/v1",                /* prefix only */
	    "/a/b/c/d/e/f/g/h/i", /* more segments than the router holds */
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		enum route_result r = match(HTTP_GET, paths[i], &m);
		cr_assert_eq(r, ROUTE_NOT_FOUND, "\"%s\" should be 404, got %d", paths[i], r);
		cr_assert_null(m.route, "no route for \"%s\"", paths[i]);
	}
	cr_assert_eq(match(HTTP_DELETE, "/v1/plots/", &m), ROUTE_NOT_FOUND,
	             "a trailing slash is 404 even for a method that exists elsewhere");
}

/* A folder route (a pattern ending in '/') and a placeholder of another name than {id}. */
static const struct route folders[] = {
    {HTTP_GET, "/public", h_health, true, false, false, false},
    {HTTP_GET, "/public/", h_catalogue, true, false, false, false},
    {HTTP_GET, "/public/assets/{name}", h_get, true, false, false, false},
    {HTTP_GET, "/v1/{dataset}/{id}", h_get, false, false, false, false},
};
#define N_FOLDERS (sizeof(folders) / sizeof(folders[0]))

Test(router, folder_route)
{
	struct route_match m;
	cr_assert_eq(router_match(folders, N_FOLDERS, HTTP_GET, "/public/", is_dataset, &m),
	             ROUTE_FOUND, "GET /public/");
	cr_assert_eq(m.route->handler, h_catalogue, "the folder's route, not /public");
	cr_assert_eq(router_match(folders, N_FOLDERS, HTTP_GET, "/public", is_dataset, &m),
	             ROUTE_FOUND, "GET /public");
	cr_assert_eq(m.route->handler, h_health, "the route without the slash");
	static const char *const paths[] = {
	    "/public//",        /* a double slash inside the folder */
	    "//public/",        /* a leading double slash */
	    "/public/assets/",  /* an empty {name} */
	    "/v1/plots/",       /* an empty {id} */
	    "/public/x/",       /* a trailing slash no pattern has */
	    "/public/assets/a/" /* a trailing slash after a placeholder */
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		cr_assert_eq(router_match(folders, N_FOLDERS, HTTP_GET, paths[i], is_dataset, &m),
		             ROUTE_NOT_FOUND, "\"%s\" should be 404", paths[i]);
}

Test(router, named_placeholder)
{
	struct route_match m;
	cr_assert_eq(
	    router_match(folders, N_FOLDERS, HTTP_GET, "/public/assets/leaflet.js", is_dataset, &m),
	    ROUTE_FOUND, "an asset");
	cr_assert_eq(m.route->handler, h_get, "the asset route");
	cr_assert_str_eq(m.id, "leaflet.js", "{name} is captured as the id");
	cr_assert_null(m.dataset, "no dataset");
	cr_assert_null(m.sub, "one placeholder: no second capture");
}

/* Two placeholders of other names than {dataset}: the first is the id, the second `sub`. */
static const struct route nested[] = {
    {HTTP_GET, "/ogc/collections/{collectionId}", h_catalogue, false, false, false, false},
    {HTTP_GET, "/ogc/collections/{collectionId}/items", h_list, false, false, false, false},
    {HTTP_GET, "/ogc/collections/{collectionId}/items/{featureId}", h_get, false, false, false,
     false},
};
#define N_NESTED (sizeof(nested) / sizeof(nested[0]))

Test(router, two_placeholders)
{
	struct route_match m;
	cr_assert_eq(router_match(nested, N_NESTED, HTTP_GET,
	                          "/ogc/collections/plots/items/110105-2023-0012", is_dataset, &m),
	             ROUTE_FOUND);
	cr_assert_eq(m.route->handler, h_get);
	cr_assert_str_eq(m.id, "plots", "the collection");
	cr_assert_str_eq(m.sub, "110105-2023-0012", "the feature");
	cr_assert_null(m.dataset);
	cr_assert_eq(router_match(nested, N_NESTED, HTTP_GET, "/ogc/collections/directory/items",
	                          is_dataset, &m),
	             ROUTE_FOUND);
	cr_assert_eq(m.route->handler, h_list);
	cr_assert_str_eq(m.id, "directory");
	cr_assert_null(m.sub, "no feature on the items route");
	cr_assert_eq(router_match(nested, N_NESTED, HTTP_PUT, "/ogc/collections/plots/items/x",
	                          is_dataset, &m),
	             ROUTE_METHOD_NOT_ALLOWED);
	cr_assert_null(m.id, "nothing captured without a route");
	cr_assert_eq(router_match(nested, N_NESTED, HTTP_GET, "/ogc/collections/plots/items/",
	                          is_dataset, &m),
	             ROUTE_NOT_FOUND, "an empty feature id");
}

Test(router, second_placeholder_of_a_delivery)
{
	static const struct route retries[] = {
	    {HTTP_GET, "/v1/subscriptions/{id}", h_get, false, false, false, false},
	    {HTTP_POST, "/v1/subscriptions/{id}/deliveries/{delivery_id}/retry", h_put, false,
	     false, false, false},
	};
	struct route_match m;
	cr_assert_eq(router_match(retries, 2, HTTP_POST,
	                          "/v1/subscriptions/sub_1/deliveries/msg_2/retry", is_dataset, &m),
	             ROUTE_FOUND);
	cr_assert_eq(m.route->handler, h_put);
	cr_assert_str_eq(m.id, "sub_1", "the first placeholder is the id");
	cr_assert_str_eq(m.sub, "msg_2", "the second is the sub-id");
	cr_assert_eq(router_match(retries, 2, HTTP_GET, "/v1/subscriptions/sub_1", is_dataset, &m),
	             ROUTE_FOUND);
	cr_assert_str_eq(m.id, "sub_1");
	cr_assert_null(m.sub, "one placeholder: no sub-id");
}

Test(router, overlong_path)
{
	struct route_match m;
	char path[2048];
	path[0] = '/';
	memset(path + 1, 'a', sizeof(path) - 2);
	path[sizeof(path) - 1] = '\0';
	cr_assert_eq(match(HTTP_GET, path, &m), ROUTE_NOT_FOUND, "a path longer than the storage");
}

Test(http_methods, format)
{
	char buf[128];
	http_methods_format(HTTP_GET | HTTP_PUT | HTTP_DELETE, buf, sizeof(buf));
	cr_assert_str_eq(buf, "GET, PUT, DELETE", "Allow header text");
	http_methods_format(HTTP_DELETE | HTTP_GET, buf, sizeof(buf));
	cr_assert_str_eq(buf, "GET, DELETE", "fixed order regardless of bits");
	http_methods_format(HTTP_GET, buf, sizeof(buf));
	cr_assert_str_eq(buf, "GET", "one method, no separator");
	http_methods_format(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "", "empty mask");
	http_methods_format(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE |
	                        HTTP_OPTIONS,
	                    buf, sizeof(buf));
	cr_assert_str_eq(buf, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", "every method");
	http_methods_format(HTTP_GET | HTTP_OTHER, buf, sizeof(buf));
	cr_assert_str_eq(buf, "GET", "HTTP_OTHER has no name in Allow");
}

Test(http_methods, format_small_buffer_stays_terminated)
{
	char buf[16];
	memset(buf, 'X', sizeof(buf));
	http_methods_format(HTTP_GET | HTTP_PUT | HTTP_PATCH | HTTP_DELETE, buf, 8);
	cr_assert_lt(strnlen(buf, sizeof(buf)), 8, "the text stays within the given size");
	cr_assert_eq(buf[8], 'X', "nothing written past the given size");
}

Test(http_methods, parse_and_name)
{
	static const struct {
		const char *name;
		enum http_method m;
	} cases[] = {
	    {"GET", HTTP_GET},         {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
	    {"PUT", HTTP_PUT},         {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
	    {"OPTIONS", HTTP_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(http_method_parse(cases[i].name), cases[i].m, "parse %s",
		             cases[i].name);
		cr_assert_str_eq(http_method_name(cases[i].m), cases[i].name, "name of %s",
		                 cases[i].name);
	}
	cr_assert_eq(http_method_parse("get"), HTTP_OTHER, "methods are case-sensitive");
	cr_assert_eq(http_method_parse("BREW"), HTTP_OTHER, "unknown method");
	cr_assert_eq(http_method_parse(""), HTTP_OTHER, "empty method");
	cr_assert_eq(http_method_parse("GET "), HTTP_OTHER, "trailing space");
	cr_assert_eq(http_method_parse("TRACE"), HTTP_OTHER, "TRACE is not served");
	cr_assert_str_eq(http_method_name(HTTP_OTHER), "OTHER", "name of HTTP_OTHER");
}

Test(router, path_not_utf8)
{
	/* Ids are UTF-8 text, and PostgreSQL refuses other bytes (a 500 once). */
	struct route_match m;
	cr_assert_eq(match(HTTP_GET, "/v1/plots/\xff", &m), ROUTE_NOT_FOUND, "byte 0xFF");
	cr_assert_eq(m.allowed, 0, "no methods allowed");
	cr_assert_eq(match(HTTP_PUT, "/v1/plots/\xe4\xba", &m), ROUTE_NOT_FOUND,
	             "a character cut short");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/\xc0\xaf", &m), ROUTE_NOT_FOUND, "an overlong '/'");
	cr_assert_eq(match(HTTP_GET, "/v1/plots/\xe4\xba\xac", &m), ROUTE_FOUND,
	             "a whole character is fine");
	cr_assert_str_eq(m.id, "\xe4\xba\xac", "id captured");
}
