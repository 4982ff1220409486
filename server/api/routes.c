/* The route table: every endpoint of the service, its handler, whether it needs a key and
 * whether it also answers in CSV; and the hooks that wire the service into the HTTP layer.
 * Literal paths come before the {dataset} patterns. */
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
    {.method = HTTP_GET,
     .pattern = "/v1/log/checkpoint",
     .handler = handle_log_checkpoint,
     .text = true},
    {.method = HTTP_GET, .pattern = "/v1/log/proof/inclusion", .handler = handle_log_inclusion},
    {.method = HTTP_GET, .pattern = "/v1/log/proof/consistency", .handler = handle_log_consistency},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}", .handler = handle_list, CSV, GEO},
    {.method = HTTP_POST, .pattern = "/v1/{dataset}", .handler = handle_bulk},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}/{id}", .handler = handle_get, GEO},
    {.method = HTTP_PUT, .pattern = "/v1/{dataset}/{id}", .handler = handle_put},
    {.method = HTTP_PATCH, .pattern = "/v1/{dataset}/{id}", .handler = handle_patch},
    {.method = HTTP_DELETE, .pattern = "/v1/{dataset}/{id}", .handler = handle_delete},
    {.method = HTTP_GET, .pattern = "/v1/{dataset}/{id}/history", .handler = handle_history},
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
