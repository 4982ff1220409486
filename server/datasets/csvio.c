/* CSV (RFC 4180) in and out for dataset records, on libcsv. Pure: no I/O. */
#include "csvio.h"
#include "jsonutil.h"
#include "utf8.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK       65536 /* bytes fed to libcsv between checks for an error */
#define EXCERPT_MAX 40    /* characters of a cell quoted in a message */

/* ------------------------------------------------------------------ messages */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	return utf8_next(s, n, &cp);
}

/* Copies at most `max` characters of s into out for a message: invalid bytes and
 * control characters become '?', and "..." marks a cut. */
static const char *excerpt(const char *s, size_t n, size_t max, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, chars = 0;
	while (n > 0) {
		if (chars == max) {
			if (o + 3 < size) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		size_t l = utf8_len(p, n);
		if (o + (l ? l : 1) >= size)
			break;
		if (l == 0 || (l == 1 && (*p < 0x20 || *p == 0x7F))) {
			out[o++] = '?';
			l = l ? l : 1;
		} else {
			memcpy(out + o, p, l);
			o += l;
		}
		p += l;
		n -= l;
		chars++;
	}
	out[o] = '\0';
	return out;
}

/* ------------------------------------------------------------------- parsing */

enum column_kind { COL_ID, COL_FIELD, COL_IGNORED };

struct column {
	char *name;
	enum column_kind kind;
	const struct field *field; /* COL_FIELD */
};

struct parse_state {
	const struct dataset *ds;
	char *errbuf;
	size_t errsize;
	bool failed; /* errbuf holds the message */
	bool full;   /* CSV_MAX_RECORDS + 1 rows read */

	struct column *cols;
	size_t n_cols, cap_cols;
	bool header_done;

	size_t row;   /* number of the row being read; the header is row 1 */
	size_t cells; /* cells seen in this row */
	bool row_nonempty;
	size_t pending_empty; /* first empty row since the last row with data, or 0 */
	int last_term;        /* the terminator that ended the previous row */
	json_t *obj;          /* the object of this row, once it has a value */
	json_t *records;
};

__attribute__((format(printf, 2, 3))) static void fail(struct parse_state *st, const char *fmt, ...)
{
	if (st->failed)
		return;
	st->failed = true;
	if (st->errbuf && st->errsize) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(st->errbuf, st->errsize, fmt, ap);
		va_end(ap);
	}
}

static bool stopped(const struct parse_state *st)
{
	return st->failed || st->full;
}

static void header_cell(struct parse_state *st, const char *s, size_t len)
{
	size_t col = st->n_cols + 1;
	char ex[EXCERPT_MAX * 4 + 8];
	if (len == 0) {
		fail(st, "row 1 (the header): column %zu has no name", col);
		return;
	}
	if (memchr(s, '\0', len) || !utf8_valid(s, len)) {
		fail(st, "row 1 (the header): the name of column %zu is not UTF-8 text (\"%s\")",
		     col, excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)));
		return;
	}
	struct column c = {.name = NULL};
	if (strcmp(s, "id") == 0) {
		c.kind = COL_ID;
	} else if ((c.field = dataset_field(st->ds, s)) != NULL) {
		c.kind = COL_FIELD;
	} else if (field_is_server_owned(st->ds, s)) {
		c.kind = COL_IGNORED;
	} else {
		fail(st, "row 1 (the header): unknown column \"%s\": dataset %s has no such field",
		     excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)), st->ds->name);
		return;
	}
	for (size_t i = 0; i < st->n_cols; i++) {
		if (strcmp(st->cols[i].name, s) == 0) {
			fail(
			    st,
			    "row 1 (the header): column \"%s\" appears twice (columns %zu and %zu)",
			    s, i + 1, col);
			return;
		}
	}
	/* Every name is distinct and known, so the columns fit; checked all the same. */
	if (st->n_cols == st->cap_cols) {
		fail(st, "row 1 (the header): too many columns");
		return;
	}
	c.name = strdup(s);
	if (!c.name) {
		fail(st, "out of memory reading the CSV header");
		return;
	}
	st->cols[st->n_cols++] = c;
}

/* The decimal syntax accepted for numbers: [+-]? (d+ (. d*)? | . d+) ([eE] [+-]? d+)?
 * Sets *integral when there is neither a point nor an exponent. */
static bool number_syntax(const char *s, bool *integral)
{
	const char *p = s;
	size_t digits = 0;
	*integral = true;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.') {
		*integral = false;
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
	}
	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		*integral = false;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* Parses an integer written as [+-]?d+; false when it is not one or out of range. */
static bool parse_int(const char *s, json_int_t *out, bool *range)
{
	bool integral;
	*range = false;
	if (!number_syntax(s, &integral) || !integral)
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0') {
		*range = true;
		return false;
	}
	*out = (json_int_t)v;
	return true;
}

/* The JSON value of a non-empty, UTF-8, NUL-free cell, or NULL after fail(). */
static json_t *convert(struct parse_state *st, const struct column *c, const char *s, size_t len)
{
	char ex[EXCERPT_MAX * 4 + 8];
	if (c->kind == COL_ID)
		return json_stringn(s, len);
	const struct field *f = c->field;
	switch (f->type) {
	case FT_NUMBER: {
		bool integral, range;
		json_int_t i;
		if (parse_int(s, &i, &range))
			return json_integer(i);
		if (number_syntax(s, &integral)) {
			errno = 0;
			char *end;
			double d = strtod(s, &end);
			if (*end == '\0' && isfinite(d))
				return json_real(d);
			fail(st, "row %zu, column %s: \"%s\" is out of range", st->row, c->name,
			     excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)));
			return NULL;
		}
		fail(st, "row %zu, column %s: \"%s\" is not a number", st->row, c->name,
		     excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)));
		return NULL;
	}
	case FT_INTEGER: {
		bool range;
		json_int_t i;
		if (parse_int(s, &i, &range))
			return json_integer(i);
		fail(st, "row %zu, column %s: \"%s\" %s", st->row, c->name,
		     excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)),
		     range ? "is out of range" : "is not an integer");
		return NULL;
	}
	case FT_BOOLEAN:
		if (strcmp(s, "true") == 0)
			return json_true();
		if (strcmp(s, "false") == 0)
			return json_false();
		fail(st, "row %zu, column %s: \"%s\" is neither true nor false", st->row, c->name,
		     excerpt(s, len, EXCERPT_MAX, ex, sizeof(ex)));
		return NULL;
	case FT_AREA:
	case FT_POINT:
	case FT_POLLUTANTS:
	case FT_RESULTS:
	case FT_DATES:
	case FT_OBJECT: {
		/* The cell sits at depth 3 of the array of records. */
		if (json_text_depth(s, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH - 2) {
			fail(st, "row %zu, column %s: JSON nesting is deeper than %d levels",
			     st->row, c->name, JSON_MAX_DEPTH - 2);
			return NULL;
		}
		json_error_t err;
		json_t *v = json_loadb(s, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
		if (!v) {
			char why[sizeof(err.text) + 8];
			fail(st, "row %zu, column %s: not valid JSON: %s (at byte %d of the cell)",
			     st->row, c->name,
			     excerpt(err.text, strlen(err.text), 120, why, sizeof(why)),
			     err.position);
		}
		return v;
	}
	case FT_STRING:
	case FT_KEY:
	case FT_DISTRICT:
	case FT_USCC:
	case FT_DATE:
	case FT_ENUM:
	case FT_LAND_USE:
	case FT_INDUSTRY:
	case FT_MONTH:
		break;
	}
	return json_stringn(s, len);
}

static void data_cell(struct parse_state *st, const char *s, size_t len)
{
	size_t col = st->cells - 1;
	if (len == 0)
		return; /* an empty cell: the field is absent */
	if (!st->row_nonempty) {
		st->row_nonempty = true;
		if (st->pending_empty) {
			fail(st, "row %zu is empty: only empty rows at the end are ignored",
			     st->pending_empty);
			return;
		}
	}
	if (col >= st->n_cols)
		return; /* a ragged row: reported at its end, with its length */
	const struct column *c = &st->cols[col];
	if (memchr(s, '\0', len)) {
		fail(st, "row %zu, column %s: the cell contains a NUL character", st->row, c->name);
		return;
	}
	if (!utf8_valid(s, len)) {
		fail(st, "row %zu, column %s: the cell is not valid UTF-8", st->row, c->name);
		return;
	}
	if (c->kind == COL_IGNORED)
		return;
	json_t *v = convert(st, c, s, len);
	if (!v) {
		fail(st, "out of memory reading row %zu", st->row);
		return;
	}
	if (!st->obj && !(st->obj = json_object())) {
		json_decref(v);
		fail(st, "out of memory reading row %zu", st->row);
		return;
	}
	if (json_object_set_new(st->obj, c->name, v) != 0)
		fail(st, "out of memory reading row %zu", st->row);
}

static void on_cell(void *cell, size_t len, void *data)
{
	struct parse_state *st = data;
	if (stopped(st))
		return;
	/* CSV_EMPTY_IS_NULL passes NULL for an unquoted empty cell; "" comes as "". */
	const char *s = cell ? cell : "";
	if (!cell)
		len = 0;
	st->cells++;
	if (!st->header_done)
		header_cell(st, s, len);
	else
		data_cell(st, s, len);
}

static void end_row(struct parse_state *st)
{
	st->row++;
	st->cells = 0;
	st->row_nonempty = false;
	json_decref(st->obj);
	st->obj = NULL;
}

/* c is the CR or LF that ended the row, or -1 at the end of the body. */
static void on_row(int c, void *data)
{
	struct parse_state *st = data;
	if (stopped(st))
		return;
	/* CSV_REPALL_NL reports every line end; the LF of a CRLF comes as an empty row. */
	if (st->cells == 0 && c == '\n' && st->last_term == '\r') {
		st->last_term = 0;
		return;
	}
	st->last_term = c;
	if (!st->header_done) {
		if (st->n_cols == 0)
			fail(st,
			     "row 1 (the header) is empty: the first line must name the columns");
		st->header_done = true;
		end_row(st);
		return;
	}
	if (!st->row_nonempty) {
		if (!st->pending_empty)
			st->pending_empty = st->row;
		end_row(st);
		return;
	}
	if (st->cells != st->n_cols) {
		fail(st, "row %zu has %zu cell%s but the header has %zu columns", st->row,
		     st->cells, st->cells == 1 ? "" : "s", st->n_cols);
		return;
	}
	json_t *obj = st->obj ? st->obj : json_object();
	st->obj = NULL;
	if (!obj || json_array_append_new(st->records, obj) != 0) {
		fail(st, "out of memory reading row %zu", st->row);
		return;
	}
	if (json_array_size(st->records) > CSV_MAX_RECORDS)
		st->full = true;
	end_row(st);
}

static void csv_failure(struct parse_state *st, struct csv_parser *p)
{
	int e = csv_error(p);
	if (e == CSV_EPARSE) {
		if (st->header_done && st->cells < st->n_cols)
			fail(st,
			     "row %zu, column %s: malformed quoting: a quote inside an unquoted "
			     "cell, text after a closing quote, or a quoted cell never closed",
			     st->row, st->cols[st->cells].name);
		else
			fail(st,
			     "row %zu, cell %zu: malformed quoting: a quote inside an unquoted "
			     "cell, text after a closing quote, or a quoted cell never closed",
			     st->row, st->cells + 1);
	} else if (e == CSV_ENOMEM || e == CSV_ETOOBIG) {
		fail(st, "row %zu: out of memory: a cell is too large", st->row);
	} else {
		fail(st, "row %zu: the CSV cannot be read (%s)", st->row, csv_strerror(e));
	}
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces belong to the cell */
}

json_t *csv_parse_records(const struct dataset *ds, const char *buf, size_t len, char *errbuf,
                          size_t size)
{
	struct parse_state st = {
	    .ds = ds,
	    .errbuf = errbuf,
	    .errsize = size,
	    .row = 1,
	    .cap_cols = 1 + ds->n_fields + ds->n_derived + 4,
	};
	if (errbuf && size)
		errbuf[0] = '\0';
	if (len >= 3 && memcmp(buf, CSV_UTF8_BOM, 3) == 0) {
		buf += 3;
		len -= 3;
	}

	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL | CSV_APPEND_NULL |
	                     CSV_EMPTY_IS_NULL) != 0) {
		fail(&st, "out of memory starting the CSV parser");
		return NULL;
	}
	csv_set_space_func(&p, no_space);
	st.cols = calloc(st.cap_cols, sizeof(st.cols[0]));
	st.records = json_array();
	if (!st.cols || !st.records)
		fail(&st, "out of memory starting the CSV parser");

	for (size_t off = 0; off < len && !stopped(&st);) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		if (csv_parse(&p, buf + off, n, on_cell, on_row, &st) != n) {
			csv_failure(&st, &p);
			break;
		}
		off += n;
	}
	if (!stopped(&st) && csv_fini(&p, on_cell, on_row, &st) != 0)
		csv_failure(&st, &p);
	csv_free(&p);
	if (!stopped(&st) && !st.header_done)
		fail(&st,
		     "the body is empty: a CSV body starts with a header row naming the columns");

	json_decref(st.obj);
	for (size_t i = 0; i < st.n_cols; i++)
		free(st.cols[i].name);
	free(st.cols);
	if (st.failed) {
		json_decref(st.records);
		return NULL;
	}
	return st.records;
}

/* ------------------------------------------------------------------- writing */

static bool needs_quotes(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

void csv_write_cell(struct strbuf *out, const char *s, bool first)
{
	if (!first)
		strbuf_addc(out, ',');
	if (!s)
		return;
	size_t n = strlen(s);
	if (!needs_quotes(s, n)) {
		strbuf_add(out, s, n);
		return;
	}
	strbuf_addc(out, '"');
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		strbuf_add(out, s, (size_t)(q - s) + 1);
		strbuf_addc(out, '"');
	}
	strbuf_adds(out, s);
	strbuf_addc(out, '"');
}

void csv_end_row(struct strbuf *out)
{
	strbuf_add(out, "\r\n", 2);
}

void csv_write_json_cell(struct strbuf *out, json_t *value, bool first)
{
	switch (value ? json_typeof(value) : JSON_NULL) {
	case JSON_STRING:
		/* A string with a NUL is cut there: CSV text has none. */
		csv_write_cell(out, json_string_value(value), first);
		return;
	case JSON_TRUE:
		csv_write_cell(out, "true", first);
		return;
	case JSON_FALSE:
		csv_write_cell(out, "false", first);
		return;
	case JSON_NULL:
		csv_write_cell(out, NULL, first);
		return;
	case JSON_INTEGER:
	case JSON_REAL:
	case JSON_OBJECT:
	case JSON_ARRAY:
		break;
	}
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (!text)
		abort(); /* out of memory, as strbuf does */
	csv_write_cell(out, text, first);
	free(text);
}

static const char *const owned_columns[] = {"publisher", "version", "created_at", "updated_at"};

void csv_write_header(const struct dataset *ds, struct strbuf *out)
{
	csv_write_cell(out, "id", true);
	for (size_t i = 0; i < ds->n_fields; i++)
		csv_write_cell(out, ds->fields[i].name, false);
	for (size_t i = 0; i < ds->n_derived; i++)
		csv_write_cell(out, ds->derived[i].name, false);
	for (size_t i = 0; i < sizeof(owned_columns) / sizeof(owned_columns[0]); i++)
		csv_write_cell(out, owned_columns[i], false);
	csv_end_row(out);
}

void csv_write_record(const struct dataset *ds, json_t *record, struct strbuf *out)
{
	csv_write_json_cell(out, json_object_get(record, "id"), true);
	for (size_t i = 0; i < ds->n_fields; i++)
		csv_write_json_cell(out, json_object_get(record, ds->fields[i].name), false);
	for (size_t i = 0; i < ds->n_derived; i++)
		csv_write_json_cell(out, json_object_get(record, ds->derived[i].name), false);
	for (size_t i = 0; i < sizeof(owned_columns) / sizeof(owned_columns[0]); i++)
		csv_write_json_cell(out, json_object_get(record, owned_columns[i]), false);
	csv_end_row(out);
}
