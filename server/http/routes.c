/* The route table: every endpoint of the service, its handler, and whether it needs a key. */
#include "http.h"

const struct route routes[] = {
    {HTTP_GET, "/healthz", handle_healthz, true},
    {HTTP_GET, "/readyz", handle_readyz, true},
    {HTTP_GET, "/metrics", handle_metrics, true},
    {HTTP_GET, "/openapi.json", handle_openapi, true},
    {HTTP_GET, "/v1/me", handle_me, false},
    {HTTP_GET, "/v1/datasets", handle_datasets, false},
    {HTTP_GET, "/v1/districts", handle_districts, false},
    {HTTP_GET, "/v1/agencies", handle_agencies, false},
    {HTTP_GET, "/v1/directory", handle_directory, false},
    {HTTP_GET, "/v1/{dataset}", handle_list, false},
    {HTTP_GET, "/v1/{dataset}/{id}", handle_get, false},
    {HTTP_PUT, "/v1/{dataset}/{id}", handle_put, false},
    {HTTP_PATCH, "/v1/{dataset}/{id}", handle_patch, false},
    {HTTP_DELETE, "/v1/{dataset}/{id}", handle_delete, false},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
