/* Files compiled into the binary: the SQL migrations, the OpenAPI document, and the public
 * page with the files it loads. */
#ifndef SOILSHARE_EMBEDDED_H
#define SOILSHARE_EMBEDDED_H

#include <stddef.h>

struct embedded_migration {
	const char *name; /* file name, e.g. "0001-schema.sql"; its number is the version */
	const char *sql;  /* NUL-terminated */
};

/* A file the public page loads, e.g. "leaflet.js"; `data` is NUL-terminated after `len`. */
struct embedded_asset {
	const char *name;
	const char *data;
	size_t len;
};

extern const char *const embedded_openapi;
extern const size_t embedded_openapi_len;
extern const struct embedded_migration embedded_migrations[];
extern const size_t embedded_migrations_count;
/* The public page's HTML (web/index.html), its links carrying the assets' version. */
extern const char *const embedded_page;
extern const size_t embedded_page_len;
extern const struct embedded_asset embedded_assets[];
extern const size_t embedded_assets_count;

#endif
