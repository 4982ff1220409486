/* The route table: every endpoint of the service, its handler, whether it needs a key and
 * whether it also answers in CSV; and the hooks that wire the service into the HTTP layer.
 * Literal paths come before the {dataset} patterns. The /ogc routes negotiate nothing from
 * Accept: GIS clients send various lists, and each answers its one format (items also with
 * f=json). */
#include "api.h"
#include "internal.h"

#define PUBLIC .public = true
#define CSV    .csv = true
#define GEO    .geojson = true

const struct route routes[] = {
    {.method = HTTP_GET, .pattern = "/healthz", .handler = handle_healthz, PUBLIC},
    {.method = HTTP_GET, .pattern = "/readyz", .handler = handle_readyz, PUBLIC},
    {.method = HTTP_GET, .pattern = "/metrics", .handler = handle_metrics, PUBLIC},
    {.method = HTTP_GET, .pattern = "/openapi.json", .handler = handle_openapi, PUBLIC},
    /* The pages for people (pages.c): the API reference and the operators' dashboard. */
    {.method = HTTP_GET, .pattern = "/docs", .handler = handle_docs_page, PUBLIC},
    {.method = HTTP_GET, .pattern = "/docs/assets/{name}", .handler = handle_docs_asset, PUBLIC},
    {.method = HTTP_GET, .pattern = "/dashboard", .handler = handle_dashboard_redirect, PUBLIC},
    {.method = HTTP_GET, .pattern = "/dashboard/", .handler = handle_dashboard_page, PUBLIC},
    {.method = HTTP_GET,
     .pattern = "/dashboard/assets/{name}",
     .handler = handle_dashboard_asset,
     PUBLIC},
    {.method = HTTP_GET, .pattern = "/public", .handler = handle_public_redirect, PUBLIC},
    {.method = HTTP_GET, .pattern = "/public/", .handler = handle_public_page, PUBLIC},
    {.method = HTTP_GET,
     .pattern = "/public/assets/{name}",
     .handler = handle_public_asset,
     PUBLIC},
    {.method = HTTP_GET,
     .pattern = "/public/directory",
     .handler = handle_public_directory,
     PUBLIC,
     CSV,
     GEO},
    {.method = HTTP_GET,
     .pattern = "/public/directory/changes",
     .handler = handle_public_directory_changes,
     PUBLIC},
    {.method = HTTP_GET, .pattern = "/v1/me", .handler = handle_me},
    {.method = HTTP_GET, .pattern = "/v1/datasets", .handler = handle_datasets},
    {.method = HTTP_GET, .pattern = "/v1/districts", .handler = handle_districts},
    {.method = HTTP_GET, .pattern = "/v1/agencies", .handler = handle_agencies},
    {.method = HTTP_GET, .pattern = "/v1/directory", .handler = handle_directory, CSV, GEO},
    {.method = HTTP_GET, .pattern = "/v1/changes", .handler = handle_changes, CSV},
    {.method = HTTP_GET, .pattern = "/v1/findings", .handler = handle_findings, CSV},
    {.method = HTTP_GET, .pattern = "/v1/statistics", .handler = handle_statistics},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}", .handler = handle_list, CSV, GEO},
    {.method = HTTP_POST, .pattern = "/v1/{dataset}", .handler = handle_bulk},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}/{id}", .handler = handle_get, GEO},
    {.method = HTTP_PUT, .pattern = "/v1/{dataset}/{id}", .handler = handle_put},
    {.method = HTTP_PATCH, .pattern = "/v1/{dataset}/{id}", .handler = handle_patch},
    {.method = HTTP_DELETE, .pattern = "/v1/{dataset}/{id}", .handler = handle_delete},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}/{id}/history", .handler = handle_history},
    {.method = HTTP_GET, .pattern = "/ogc", .handler = handle_ogc_landing},
    {.method = HTTP_GET, .pattern = "/ogc/conformance", .handler = handle_ogc_conformance},
    {.method = HTTP_GET, .pattern = "/ogc/api", .handler = handle_ogc_api},
    {.method = HTTP_GET, .pattern = "/ogc/api.html", .handler = handle_ogc_api_html},
    {.method = HTTP_GET, .pattern = "/ogc/collections", .handler = handle_ogc_collections},
    {.method = HTTP_GET,
     .pattern = "/ogc/collections/{collectionId}",
     .handler = handle_ogc_collection},
    {.method = HTTP_GET,
     .pattern = "/ogc/collections/{collectionId}/schema",
     .handler = handle_ogc_schema},
    {.method = HTTP_GET,
     .pattern = "/ogc/collections/{collectionId}/items",
     .handler = handle_ogc_items},
    {.method = HTTP_GET,
     .pattern = "/ogc/collections/{collectionId}/items/{featureId}",
     .handler = handle_ogc_item},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

const struct http_hooks api_hooks = {
    .routes = routes,
    .n_routes = sizeof(routes) / sizeof(routes[0]),
    .is_dataset = dataset_exists,
    .authenticate = api_authenticate,
    .before = api_before,
    .on_response = api_on_response,
    .on_complete = api_on_complete,
};
