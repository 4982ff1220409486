/* Reads the reference CSV files for the tests (RFC 4180: quoted cells may hold commas). */
#include "refcsv.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "strbuf.h"

/* Splits one record starting at *p into cells (appended to `cells`); moves *p past it. */
static void read_record(const char **p, json_t *cells)
{
	struct strbuf cell;
	strbuf_init(&cell, 64);
	const char *s = *p;
	bool quoted = false;
	for (;; s++) {
		if (quoted) {
			if (*s == '"' && s[1] == '"') {
				strbuf_add(&cell, "\"", 1);
				s++;
			} else if (*s == '"') {
				quoted = false;
			} else if (*s) {
				strbuf_add(&cell, s, 1);
			} else {
				break;
			}
		} else if (*s == '"') {
			quoted = true;
		} else if (*s == ',' || *s == '\n' || *s == '\r' || !*s) {
			json_array_append_new(cells,
			                      json_stringn(cell.buf ? cell.buf : "", cell.len));
			cell.len = 0;
			if (*s != ',')
				break;
		} else {
			strbuf_add(&cell, s, 1);
		}
	}
	while (*s == '\r' || *s == '\n')
		s++;
	*p = s;
	strbuf_release(&cell);
}

json_t *reference_csv(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/sql/reference/%s", need_env("SOILSHARE_ROOT"), name);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot read %s", path);
	struct strbuf text;
	strbuf_init(&text, 32768);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&text, chunk, n);
	strbuf_add(&text, "", 1);
	fclose(f);
	const char *p = text.buf;
	json_t *header = json_array(), *rows = json_array();
	read_record(&p, header);
	while (*p) {
		json_t *cells = json_array();
		read_record(&p, cells);
		cr_assert_eq(json_array_size(cells), json_array_size(header),
		             "%s: a row has %zu cells, the header %zu", path,
		             json_array_size(cells), json_array_size(header));
		json_t *row = json_object();
		for (size_t i = 0; i < json_array_size(header); i++)
			json_object_set(row, json_string_value(json_array_get(header, i)),
			                json_array_get(cells, i));
		json_array_append_new(rows, row);
		json_decref(cells);
	}
	json_decref(header);
	strbuf_release(&text);
	return rows;
}

json_t *reference_row(json_t *rows, const char *column, const char *value, const char *column2,
                      const char *value2)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, column)), value) != 0)
			continue;
		if (column2 &&
		    strcmp(json_string_value(json_object_get(row, column2)), value2) != 0)
			continue;
		return row;
	}
	return NULL;
}

double reference_number(json_t *row, const char *column)
{
	const char *s = json_string_value(json_object_get(row, column));
	cr_assert_not_null(s, "no column %s", column);
	char *end;
	double d = strtod(s, &end);
	cr_assert(end != s && *end == '\0', "column %s is not a number: \"%s\"", column, s);
	return d;
}
