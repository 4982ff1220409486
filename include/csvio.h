/* CSV (RFC 4180) in and out for the records of a dataset. Pure: no I/O. */
#ifndef SOILSHARE_CSVIO_H
#define SOILSHARE_CSVIO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "datasets.h"
#include "strbuf.h"

/* The most data rows a CSV body may carry. csv_parse_records stops after
 * CSV_MAX_RECORDS + 1 rows, so an array longer than CSV_MAX_RECORDS means "too many"
 * (413); the rows past that are not read at all, errors in them included. */
#define CSV_MAX_RECORDS 10000

/* The UTF-8 byte order mark: csv_parse_records skips it; prepend it to a download
 * when spreadsheet programs must recognise the encoding. */
#define CSV_UTF8_BOM "\xEF\xBB\xBF"

/* Parses a CSV body into a JSON array of record objects for `ds`.
 *
 * - An optional UTF-8 BOM is skipped; lines end with CRLF or LF; quoted cells may hold
 *   commas, "" (a quote) and line breaks. Spaces are part of a cell (never trimmed).
 * - Row 1 is the header. Its names are `id`, fields of ds->fields, or server-owned
 *   names (field_is_server_owned: publisher, version, created_at, updated_at and the
 *   derived fields), whose columns are ignored. Unknown, duplicate or empty names
 *   are errors. An `id` column is not required here.
 * - Every later row becomes an object. An empty cell (quoted or not) leaves the field
 *   out. FT_NUMBER: a decimal number ("12", "-3.5", "1e3"; no nan, inf, hex or
 *   spaces); written without '.' or exponent it becomes a JSON integer (when it fits),
 *   else a real. FT_INTEGER: digits with an optional sign. FT_BOOLEAN: "true" or
 *   "false". FT_AREA, FT_POINT, FT_POLLUTANTS, FT_RESULTS, FT_DATES, FT_OBJECT: JSON
 *   text (duplicate keys rejected; at most JSON_MAX_DEPTH - 2 levels deep, so the
 *   array of records stays within JSON_MAX_DEPTH). Anything
 *   else: the string as is. Every cell must be UTF-8 without NUL.
 * - Rows are numbered as records, the header being row 1, so the object at array
 *   index i comes from row i + 2. A row of empty cells only (a blank line, or only
 *   commas) is ignored at the end of the body and an error anywhere else; any other
 *   row must have as many cells as the header.
 *
 * Returns a new array (empty when there is only a header), or NULL with a message
 * naming the row and column in `errbuf` (a 400). Values are typed but not validated:
 * run record_validate on each object. */
json_t *csv_parse_records(const struct dataset *ds, const char *buf, size_t len, char *errbuf,
                          size_t size);

/* The header row of a dataset's CSV: id, ds->fields, ds->derived, publisher, version,
 * created_at, updated_at; CRLF-terminated. */
void csv_write_header(const struct dataset *ds, struct strbuf *out);

/* One record as a row of the csv_write_header columns. Strings as is; numbers as JSON
 * prints them (reals with at most 15 significant digits); true/false; null or absent
 * as an empty cell; arrays and objects as compact JSON. */
void csv_write_record(const struct dataset *ds, json_t *record, struct strbuf *out);

/* Appends one cell (NULL is an empty cell), preceded by a comma unless `first`; quoted
 * when it holds a comma, a quote, CR or LF, or starts or ends with a space or tab. */
void csv_write_cell(struct strbuf *out, const char *s, bool first);

/* Appends a JSON value as one cell, formatted as csv_write_record does. */
void csv_write_json_cell(struct strbuf *out, json_t *value, bool first);

/* Ends a row (CRLF). Rows of a fixed column list: csvrows.h. */
void csv_end_row(struct strbuf *out);

#endif
