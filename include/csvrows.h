/* CSV rows of JSON objects by a fixed column list (the directory, the change feed). Pure. */
#ifndef SOILSHARE_CSVROWS_H
#define SOILSHARE_CSVROWS_H

#include <jansson.h>

#include "strbuf.h"

/* The header row of `columns` (NULL-terminated). */
void csv_write_columns(const char *const *columns, struct strbuf *out);
/* One row: each column's member of `object`, formatted as csv_write_json_cell does. */
void csv_write_json_row(const char *const *columns, json_t *object, struct strbuf *out);

#endif
