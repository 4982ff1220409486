/* CSV rows of JSON objects by a fixed column list. */
#include "csvrows.h"
#include "csvio.h"

void csv_write_columns(const char *const *columns, struct strbuf *out)
{
	for (const char *const *c = columns; *c; c++)
		csv_write_cell(out, *c, c == columns);
	csv_end_row(out);
}

void csv_write_json_row(const char *const *columns, json_t *object, struct strbuf *out)
{
	for (const char *const *c = columns; *c; c++)
		csv_write_json_cell(out, json_object_get(object, *c), c == columns);
	csv_end_row(out);
}
