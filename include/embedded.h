/* Files compiled into the binary: the SQL migrations, the OpenAPI document, and the pages for
 * people with the files they load. */
#ifndef SOILSHARE_EMBEDDED_H
#define SOILSHARE_EMBEDDED_H

#include <stddef.h>

struct embedded_migration {
	const char *name; /* file name, e.g. "0001-schema.sql"; its number is the version */
	const char *sql;  /* NUL-terminated */
};

/* A file a page loads, e.g. "leaflet.js"; `data` is NUL-terminated after `len`. */
struct embedded_asset {
	const char *name;
	const char *data;
	size_t len;
};

/* A page for people: its HTML, whose links to its files carry their version, and the files. */
struct embedded_page {
	const char *name; /* "public" (web/index.html), "dashboard", "docs" */
	const char *html; /* NUL-terminated after `html_len` */
	size_t html_len;
	const struct embedded_asset *assets;
	size_t n_assets;
};

extern const char *const embedded_openapi;
extern const size_t embedded_openapi_len;
extern const struct embedded_migration embedded_migrations[];
extern const size_t embedded_migrations_count;
extern const struct embedded_page embedded_pages[];
extern const size_t embedded_pages_count;

#endif
