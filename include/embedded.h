/* Files compiled into the binary: the SQL migrations and the OpenAPI document. */
#ifndef SOILSHARE_EMBEDDED_H
#define SOILSHARE_EMBEDDED_H

#include <stddef.h>

struct embedded_migration {
	const char *name; /* file name, e.g. "0001-schema.sql"; its number is the version */
	const char *sql;  /* NUL-terminated */
};

extern const char *const embedded_openapi;
extern const size_t embedded_openapi_len;
extern const struct embedded_migration embedded_migrations[];
extern const size_t embedded_migrations_count;

#endif
