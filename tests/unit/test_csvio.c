/* Unit tests of CSV in and out in server/datasets/csvio.c. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "csvrows.h"
#include "datasets.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- helpers */

static json_t *J(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
	cr_assert_not_null(j, "test JSON does not parse: %s (%s)", err.text, text);
	return j;
}

static const struct dataset *DS(const char *name)
{
	const struct dataset *ds = dataset_find(name);
	cr_assert_not_null(ds, "dataset %s not found", name);
	return ds;
}

/* Parses `len` bytes of `text` and checks it succeeded; returns the array. */
static json_t *parse_n(const char *dataset, const char *text, size_t len)
{
	char err[512] = "";
	json_t *a = csv_parse_records(DS(dataset), text, len, err, sizeof(err));
	cr_assert_not_null(a, "CSV rejected: %s\n--- body:\n%s", err, text);
	cr_assert(json_is_array(a), "the result is an array");
	cr_assert_str_eq(err, "", "no message on success");
	return a;
}

static json_t *parse(const char *dataset, const char *text)
{
	return parse_n(dataset, text, strlen(text));
}

/* Parses `text`, checks it failed and that the message equals `message`. */
static void expect_error_n(const char *dataset, const char *text, size_t len, const char *message)
{
	char err[512] = "";
	json_t *a = csv_parse_records(DS(dataset), text, len, err, sizeof(err));
	if (a) {
		char *dump = json_dumps(a, JSON_COMPACT);
		cr_assert_fail("CSV accepted, expected \"%s\"; got %s", message, dump);
	}
	cr_assert_str_eq(err, message, "the error message");
}

static void expect_error(const char *dataset, const char *text, const char *message)
{
	expect_error_n(dataset, text, strlen(text), message);
}

/* Parses `text`, checks it failed and that the message contains every `parts`. */
static void expect_error_with(const char *dataset, const char *text, const char *const *parts)
{
	char err[512] = "";
	json_t *a = csv_parse_records(DS(dataset), text, strlen(text), err, sizeof(err));
	cr_assert_null(a, "CSV accepted: %s", text);
	for (; *parts; parts++)
		cr_assert(strstr(err, *parts), "message \"%s\" lacks \"%s\"", err, *parts);
}

static void assert_json_eq(json_t *got, const char *expected_json, const char *what)
{
	json_t *want = J(expected_json);
	char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	cr_assert(json_equal(got, want), "%s: got %s, want %s", what, g ? g : "(null)",
	          expected_json);
	free(g);
	json_decref(want);
}

/* The only record of a one-row body "header\r\nrow\r\n". */
static json_t *one(const char *dataset, const char *header, const char *row)
{
	char body[4096];
	snprintf(body, sizeof(body), "%s\r\n%s\r\n", header, row);
	json_t *a = parse(dataset, body);
	cr_assert_eq(json_array_size(a), 1, "one record from %s", body);
	json_t *r = json_incref(json_array_get(a, 0));
	json_decref(a);
	return r;
}

/* The error for a one-row body. */
static void one_error(const char *dataset, const char *header, const char *row, const char *message)
{
	char body[4096];
	snprintf(body, sizeof(body), "%s\r\n%s\r\n", header, row);
	expect_error(dataset, body, message);
}

static char *written_record(const char *dataset, const char *record_json)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	json_t *r = J(record_json);
	csv_write_record(DS(dataset), r, &sb);
	json_decref(r);
	return strbuf_detach(&sb, NULL);
}

static char *written_cell(const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	csv_write_cell(&sb, s, true);
	return strbuf_detach(&sb, NULL);
}

/* ---------------------------------------------------------------- parsing */

Test(csv_parse, header_only_is_an_empty_array)
{
	json_t *a = parse("plots", "id,name,district,status\r\n");
	cr_assert_eq(json_array_size(a), 0, "no records");
	json_decref(a);
	a = parse("plots", "id,name");
	cr_assert_eq(json_array_size(a), 0, "a header without a line end");
	json_decref(a);
}

Test(csv_parse, typed_plot_record)
{
	const char *body = "id,name,district,area_m2,status,geometry,pollutants,listed_on\r\n"
	                   "110105-2023-0012,原北京焦化厂,110105,1500,listed,"
	                   "\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[116.4,39.9]}\","
	                   "\"[\"\"As\"\",\"\"Cd\"\"]\",2023-05-01\r\n";
	json_t *a = parse("plots", body);
	cr_assert_eq(json_array_size(a), 1, "one record");
	json_t *r = json_array_get(a, 0);
	assert_json_eq(r,
	               "{\"id\":\"110105-2023-0012\",\"name\":\"原北京焦化厂\",\"district\":"
	               "\"110105\",\"area_m2\":1500,\"status\":\"listed\",\"geometry\":{\"type\":"
	               "\"Point\",\"coordinates\":[116.4,39.9]},\"pollutants\":[\"As\",\"Cd\"],"
	               "\"listed_on\":\"2023-05-01\"}",
	               "the record");
	cr_assert(json_is_integer(json_object_get(r, "area_m2")), "1500 is an integer");
	cr_assert(json_is_string(json_object_get(r, "district")), "a district code stays text");
	json_decref(a);
}

Test(csv_parse, numbers)
{
	static const struct {
		const char *text;
		const char *json;
		bool integer;
	} cases[] = {
	    {"12", "12", true},
	    {"0", "0", true},
	    {"-7", "-7", true},
	    {"+7", "7", true},
	    {"007", "7", true},
	    {"12.5", "12.5", false},
	    {"12.0", "12.0", false},
	    {"-3.25", "-3.25", false},
	    {".5", "0.5", false},
	    {"5.", "5.0", false},
	    {"1e3", "1000.0", false},
	    {"2.5E-2", "0.025", false},
	    {"99999999999999999999", "1e20", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char row[64];
		snprintf(row, sizeof(row), "P-1,%s", cases[i].text);
		json_t *r = one("plots", "id,area_m2", row);
		json_t *v = json_object_get(r, "area_m2");
		cr_assert_not_null(v, "%s parsed", cases[i].text);
		cr_assert_eq(json_is_integer(v), cases[i].integer, "%s integer: %d", cases[i].text,
		             cases[i].integer);
		assert_json_eq(v, cases[i].json, cases[i].text);
		json_decref(r);
	}
}

Test(csv_parse, junk_numbers_are_rejected)
{
	static const char *const junk[] = {"12abc", "nan",  "NaN",  "inf",  "-inf", "Infinity",
	                                   "0x10",  "1e",   "e5",   ".",    "-",    "1.2.3",
	                                   "1e5.5", "12 m", "一二", "1_000"};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		char row[64], msg[128];
		snprintf(row, sizeof(row), "P-1,x,%s", junk[i]);
		snprintf(msg, sizeof(msg), "row 2, column area_m2: \"%s\" is not a number",
		         junk[i]);
		one_error("plots", "id,name,area_m2", row, msg);
	}
	one_error("plots", "id,name,area_m2", "P-1,x,\" 12\"",
	          "row 2, column area_m2: \" 12\" is not a number");
	one_error("plots", "id,name,area_m2", "P-1,x,12 ",
	          "row 2, column area_m2: \"12 \" is not a number");
	one_error("plots", "id,name,area_m2", "P-1,x,\"1,5\"",
	          "row 2, column area_m2: \"1,5\" is not a number");
	one_error("plots", "id,name,area_m2", "P-1,x,1e999",
	          "row 2, column area_m2: \"1e999\" is out of range");
}

Test(csv_parse, error_names_the_row_counting_the_header_as_row_one)
{
	expect_error("plots",
	             "id,name,area_m2\r\n"
	             "P-1,a,1\r\n"
	             "P-2,b,12abc\r\n"
	             "P-3,c,3\r\n",
	             "row 3, column area_m2: \"12abc\" is not a number");
	/* A cell holding line breaks is one row. */
	expect_error("plots",
	             "id,address,area_m2\r\n"
	             "P-1,\"line 1\r\nline 2\nline 3\",1\r\n"
	             "P-2,b,2\r\n"
	             "P-3,c,x\r\n",
	             "row 4, column area_m2: \"x\" is not a number");
}

Test(csv_parse, integers)
{
	json_t *r = one("supervised-units", "id,listed_year", "U,2021");
	cr_assert(json_is_integer(json_object_get(r, "listed_year")), "an integer");
	cr_assert_eq(json_integer_value(json_object_get(r, "listed_year")), 2021, "its value");
	json_decref(r);
	r = one("land-supply-plans", "id,quarter", "L,-3");
	cr_assert_eq(json_integer_value(json_object_get(r, "quarter")), -3,
	             "negative (the range is validated later)");
	json_decref(r);

	static const char *const bad[] = {"2021.0", "2021.5", "2e3", "20x", "abc", "0x7E5", "+"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char row[64], msg[128];
		snprintf(row, sizeof(row), "U,%s", bad[i]);
		snprintf(msg, sizeof(msg), "row 2, column listed_year: \"%s\" is not an integer",
		         bad[i]);
		one_error("supervised-units", "id,listed_year", row, msg);
	}
	one_error("supervised-units", "id,listed_year", "U,99999999999999999999",
	          "row 2, column listed_year: \"99999999999999999999\" is out of range");
}

Test(csv_parse, booleans)
{
	json_t *r = one("construction-permits", "id,is_remediation_project", "C-1,true");
	cr_assert(json_is_true(json_object_get(r, "is_remediation_project")), "true");
	json_decref(r);
	r = one("construction-permits", "id,is_remediation_project", "C-1,false");
	cr_assert(json_is_false(json_object_get(r, "is_remediation_project")), "false");
	json_decref(r);
	static const char *const bad[] = {"TRUE", "False", "yes", "1", "0", "t", "true "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char row[64], msg[160];
		snprintf(row, sizeof(row), "C-1,%s", bad[i]);
		snprintf(msg, sizeof(msg),
		         "row 2, column is_remediation_project: \"%s\" is neither true nor false",
		         bad[i]);
		one_error("construction-permits", "id,is_remediation_project", row, msg);
	}
}

Test(csv_parse, json_cells)
{
	json_t *r = one("soil-samples", "id,location,results",
	                "S-1,\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[116.3,39.95]}\","
	                "\"[{\"\"pollutant\"\":\"\"Cd\"\",\"\"value\"\":0.3,\"\"unit\"\":"
	                "\"\"mg/kg\"\"}]\"");
	assert_json_eq(json_object_get(r, "location"),
	               "{\"type\":\"Point\",\"coordinates\":[116.3,39.95]}", "a point");
	assert_json_eq(json_object_get(r, "results"),
	               "[{\"pollutant\":\"Cd\",\"value\":0.3,\"unit\":\"mg/kg\"}]", "results");
	json_decref(r);

	r = one("supervised-units", "id,obligations",
	        "U,\"{\"\"hazard_check\"\":\"\"2023-01-01\"\",\"\"annual_report\"\":null}\"");
	assert_json_eq(json_object_get(r, "obligations"),
	               "{\"hazard_check\":\"2023-01-01\",\"annual_report\":null}", "FT_DATES");
	json_decref(r);

	r = one("effect-surveys", "id,indicators", "E,\"{\"\"a\"\":[1,2,{\"\"b\"\":true}]}\"");
	assert_json_eq(json_object_get(r, "indicators"), "{\"a\":[1,2,{\"b\":true}]}", "FT_OBJECT");
	json_decref(r);

	r = one("land-use-changes", "id,geometry",
	        "L,\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[116.1,39.9],[116.2,39.9],"
	        "[116.2,40.0],[116.1,39.9]]]}\"");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "geometry"), "type")),
	                 "Polygon", "FT_AREA");
	json_decref(r);

	/* A scalar is handed on for the validator to refuse with its own message. */
	r = one("plots", "id,pollutants", "P,\"\"\"As\"\"\"");
	assert_json_eq(json_object_get(r, "pollutants"), "\"As\"", "a JSON scalar");
	json_decref(r);
}

Test(csv_parse, bad_json_cells)
{
	const char *const unparsable[] = {"row 2, column geometry: not valid JSON", NULL};
	expect_error_with("plots", "id,geometry\r\nP,{type:Point}\r\n", unparsable);
	const char *const truncated[] = {"row 3, column results: not valid JSON", NULL};
	expect_error_with("soil-samples", "id,results\r\nS-1,[]\r\nS-2,\"[{\"\"a\"\":1}\"\r\n",
	                  truncated);
	const char *const dup[] = {"row 2, column indicators: not valid JSON", "duplicate", NULL};
	expect_error_with("effect-surveys", "id,indicators\r\nE,\"{\"\"a\"\":1,\"\"a\"\":2}\"\r\n",
	                  dup);
	const char *const as_text[] = {"row 2, column pollutants: not valid JSON", NULL};
	expect_error_with("plots", "id,pollutants\r\nP,As;Cd\r\n", as_text);
}

Test(csv_parse, json_cell_depth_is_limited)
{
	char cell[200], body[400];
	/* 62 levels inside a record inside the array: 64 in all, the JSON body limit. */
	memset(cell, '[', 62);
	memset(cell + 62, ']', 62);
	cell[124] = '\0';
	snprintf(body, sizeof(body), "id,indicators\r\nE,%s\r\n", cell);
	json_t *a = parse("effect-surveys", body);
	cr_assert_eq(json_array_size(a), 1, "62 levels accepted");
	json_decref(a);
	memset(cell, '[', 63);
	memset(cell + 63, ']', 63);
	cell[126] = '\0';
	snprintf(body, sizeof(body), "id,indicators\r\nE,%s\r\n", cell);
	expect_error("effect-surveys", body,
	             "row 2, column indicators: JSON nesting is deeper than 62 levels");
}

Test(csv_parse, empty_cell_means_absent)
{
	json_t *r = one("plots", "id,name,address,area_m2,geometry,status", "P-1,,\"\",,,listed");
	assert_json_eq(r, "{\"id\":\"P-1\",\"status\":\"listed\"}", "empty cells left out");
	json_decref(r);
	r = one("plots", "id,name,status", ",a,");
	assert_json_eq(r, "{\"name\":\"a\"}", "an empty id is absent too");
	json_decref(r);
}

Test(csv_parse, strings_are_kept_as_is)
{
	json_t *r = one("plots", "id,name,address,status",
	                "123,  spaced out ,\"朝阳区, 东三环 \"\"北路\"\"\",not-a-state");
	assert_json_eq(r,
	               "{\"id\":\"123\",\"name\":\"  spaced out \",\"address\":\"朝阳区, 东三环 "
	               "\\\"北路\\\"\",\"status\":\"not-a-state\"}",
	               "spaces kept, quotes unescaped, id text");
	json_decref(r);
}

Test(csv_parse, quoted_cells)
{
	json_t *a = parse("plots", "id,name,address\r\n"
	                           "\"P,1\",\"a \"\"quoted\"\" name\",\"two\r\nlines\"\r\n"
	                           "P-2,\"\",\"lf\nonly\"\n"
	                           "P-3,\"\"\"\",\"海淀区\r\n中关村\"\r\n");
	assert_json_eq(a,
	               "[{\"id\":\"P,1\",\"name\":\"a \\\"quoted\\\" name\",\"address\":"
	               "\"two\\r\\nlines\"},{\"id\":\"P-2\",\"address\":\"lf\\nonly\"},"
	               "{\"id\":\"P-3\",\"name\":\"\\\"\",\"address\":\"海淀区\\r\\n中关村\"}]",
	               "quoted cells");
	json_decref(a);
}

Test(csv_parse, bom_is_skipped)
{
	json_t *a = parse("plots", "\xEF\xBB\xBFid,name\r\nP-1,名称\r\n");
	assert_json_eq(a, "[{\"id\":\"P-1\",\"name\":\"名称\"}]", "BOM skipped");
	json_decref(a);
	/* Only at the very start. */
	const char *const parts[] = {"unknown column", NULL};
	expect_error_with("plots", "id,\xEF\xBB\xBFname\r\n", parts);
	expect_error("plots", "\xEF\xBB\xBF",
	             "the body is empty: a CSV body starts with a header row naming the columns");
}

Test(csv_parse, line_ends)
{
	const char *variants[] = {
	    "id,name\r\nP-1,a\r\nP-2,b\r\n", "id,name\nP-1,a\nP-2,b\n",
	    "id,name\r\nP-1,a\nP-2,b",       "id,name\rP-1,a\rP-2,b\r",
	    "id,name\nP-1,a\r\nP-2,b\r\n",
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		json_t *a = parse("plots", variants[i]);
		assert_json_eq(a,
		               "[{\"id\":\"P-1\",\"name\":\"a\"},{\"id\":\"P-2\",\"name\":\"b\"}]",
		               variants[i]);
		json_decref(a);
	}
}

Test(csv_parse, trailing_empty_lines_are_ignored)
{
	/* ", ," has a space: not empty. */
	json_t *a = parse("plots", "id,name,status\r\nP-1,a,listed\r\n, ,\r\n\r\n");
	assert_json_eq(a,
	               "[{\"id\":\"P-1\",\"name\":\"a\",\"status\":\"listed\"},{\"name\":\" \"}]",
	               "the row with a space is a record");
	json_decref(a);
	a = parse("plots", "id,name,status\r\nP-1,a,listed\r\n\r\n\n\r\n,,\r\n,,,,\n");
	cr_assert_eq(json_array_size(a), 1, "trailing empty rows ignored");
	json_decref(a);
	a = parse("plots", "id,name\n\n\n");
	cr_assert_eq(json_array_size(a), 0, "a header and empty lines");
	json_decref(a);
}

Test(csv_parse, empty_row_in_the_middle_is_an_error)
{
	expect_error("plots", "id,name\r\nP-1,a\r\n\r\nP-2,b\r\n",
	             "row 3 is empty: only empty rows at the end are ignored");
	expect_error("plots", "id,name\nP-1,a\n\n\nP-2,b\n",
	             "row 3 is empty: only empty rows at the end are ignored");
	expect_error("plots", "id,name\r\nP-1,a\r\n,\r\nP-2,b\r\n",
	             "row 3 is empty: only empty rows at the end are ignored");
}

Test(csv_parse, ragged_rows)
{
	expect_error("plots", "id,name,status\r\nP-1,a,listed\r\nP-2,b\r\n",
	             "row 3 has 2 cells but the header has 3 columns");
	expect_error("plots", "id,name,status\r\nP-1,a,listed,extra\r\n",
	             "row 2 has 4 cells but the header has 3 columns");
	expect_error("plots", "id,name,status\r\nP-1,a,listed,\r\n",
	             "row 2 has 4 cells but the header has 3 columns");
	expect_error("plots", "id,name,status\r\nP-1,a,listed\r\nP-2", /* no line end */
	             "row 3 has 1 cell but the header has 3 columns");
}

Test(csv_parse, header_errors)
{
	expect_error(
	    "plots", "id,name,colour\r\nP-1,a,red\r\n",
	    "row 1 (the header): unknown column \"colour\": dataset plots has no such field");
	expect_error("soil-samples", "id,land_class\r\n",
	             "row 1 (the header): unknown column \"land_class\": dataset soil-samples has "
	             "no such field");
	expect_error("plots", "id,name,status,name\r\nP-1,a,listed,b\r\n",
	             "row 1 (the header): column \"name\" appears twice (columns 2 and 4)");
	expect_error("plots", "id,publisher,publisher\r\n",
	             "row 1 (the header): column \"publisher\" appears twice (columns 2 and 3)");
	expect_error("plots", "id,,name\r\n", "row 1 (the header): column 2 has no name");
	expect_error(
	    "plots", "id,Name\r\n",
	    "row 1 (the header): unknown column \"Name\": dataset plots has no such field");
	expect_error("plots", " id\r\n",
	             "row 1 (the header): unknown column \" id\": dataset plots has no such field");
	expect_error("plots", "\r\nid,name\r\n",
	             "row 1 (the header) is empty: the first line must name the columns");
	expect_error("plots", "",
	             "the body is empty: a CSV body starts with a header row naming the columns");
	expect_error("plots", "id,\"bad\r\nname\"\r\n",
	             "row 1 (the header): unknown column \"bad??name\": dataset plots has no such "
	             "field");
}

Test(csv_parse, server_owned_columns_are_ignored)
{
	json_t *r = one("plots", "id,publisher,version,created_at,name,updated_at,land_class",
	                "P-1,ecology,7,2024-01-01T00:00:00Z,a,2024-01-02T00:00:00Z,II");
	assert_json_eq(r, "{\"id\":\"P-1\",\"name\":\"a\"}", "server-owned values dropped");
	json_decref(r);
	r = one("soil-samples", "id,exceedances,version", "S-1,screening,not-a-number");
	assert_json_eq(r, "{\"id\":\"S-1\"}", "derived exceedances dropped, version not typed");
	json_decref(r);
}

Test(csv_parse, malformed_quoting)
{
	expect_error("plots", "id,name\r\nP-1,a\"b\r\n",
	             "row 2, column name: malformed quoting: a quote inside an unquoted cell, text "
	             "after a closing quote, or a quoted cell never closed");
	expect_error("plots", "id,name,status\r\nP-1,\"ab\"c,listed\r\n",
	             "row 2, column name: malformed quoting: a quote inside an unquoted cell, text "
	             "after a closing quote, or a quoted cell never closed");
	expect_error("plots", "id,name\r\nP-1,a\r\nP-2,\"never closed\r\nP-3,c\r\n",
	             "row 3, column name: malformed quoting: a quote inside an unquoted cell, text "
	             "after a closing quote, or a quoted cell never closed");
	expect_error(
	    "plots", "id,na\"me\r\n",
	    "row 1, cell 2: malformed quoting: a quote inside an unquoted cell, text after "
	    "a closing quote, or a quoted cell never closed");
}

Test(csv_parse, bytes_that_are_not_text)
{
	one_error("plots", "id,name",
	          "P-1,\xFF\xFE"
	          "ab",
	          "row 2, column name: the cell is not valid UTF-8");
	one_error("plots", "id,name", "P-1,\xE6\x9C",
	          "row 2, column name: the cell is not valid UTF-8");
	one_error("plots", "id,name", "P-1,\xC0\xAF",
	          "row 2, column name: the cell is not valid UTF-8");
}

Test(csv_parse, nul_and_bad_header_bytes)
{
	static const char body[] = "id,name\r\nP-1,a\0b\r\n";
	expect_error_n("plots", body, sizeof(body) - 1,
	               "row 2, column name: the cell contains a NUL character");
	expect_error("plots", "id,n\xFF\r\n",
	             "row 1 (the header): the name of column 2 is not UTF-8 text (\"n?\")");
}

Test(csv_parse, long_values_are_cut_in_messages)
{
	char row[400];
	memset(row, 0, sizeof(row));
	strcpy(row, "P-1,");
	for (int i = 0; i < 100; i++)
		strcat(row, "9x");
	char err[512] = "";
	char body[600];
	snprintf(body, sizeof(body), "id,area_m2\r\n%s\r\n", row);
	json_t *a = csv_parse_records(DS("plots"), body, strlen(body), err, sizeof(err));
	cr_assert_null(a, "rejected");
	cr_assert(strstr(err, "row 2, column area_m2: \"9x9x9x"), "%s", err);
	cr_assert(strstr(err, "...\" is not a number"), "cut with an ellipsis: %s", err);
	cr_assert_lt(strlen(err), 120, "short: %s", err);
}

Test(csv_parse, small_or_missing_error_buffer)
{
	char err[8];
	memset(err, 'x', sizeof(err));
	json_t *a = csv_parse_records(DS("plots"), "id,zz\r\n", 7, err, sizeof(err));
	cr_assert_null(a, "rejected");
	cr_assert_str_eq(err, "row 1 (", "cut to the buffer");
	a = csv_parse_records(DS("plots"), "id,zz\r\n", 7, NULL, 0);
	cr_assert_null(a, "rejected without a buffer");
}

Test(csv_parse, only_ignored_cells_make_an_empty_object)
{
	json_t *a = parse("plots", "id,name,publisher\r\n,,ecology\r\nP-2,b,\r\n");
	assert_json_eq(a, "[{},{\"id\":\"P-2\",\"name\":\"b\"}]",
	               "a row with a server-owned value is a record, not an empty row");
	json_decref(a);
}

static char *many_rows(size_t n, const char *extra)
{
	struct strbuf sb;
	strbuf_init(&sb, n * 16);
	strbuf_adds(&sb, "id,name\r\n");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "P-%zu,n%zu\r\n", i, i);
	if (extra)
		strbuf_adds(&sb, extra);
	return strbuf_detach(&sb, NULL);
}

Test(csv_parse, stops_after_one_row_over_the_limit)
{
	char *body = many_rows(CSV_MAX_RECORDS, "\r\n\r\n");
	json_t *a = parse("plots", body);
	cr_assert_eq(json_array_size(a), CSV_MAX_RECORDS, "all %d rows", CSV_MAX_RECORDS);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 9999), "id")),
	                 "P-9999", "the last row");
	json_decref(a);
	free(body);
	/* Rows past the first extra one are not read: their errors do not show. */
	body = many_rows(CSV_MAX_RECORDS + 1, "P-x,a,too,many\r\n\"unclosed");
	a = parse("plots", body);
	cr_assert_eq(json_array_size(a), CSV_MAX_RECORDS + 1, "one over the limit");
	json_decref(a);
	free(body);
	body = many_rows(CSV_MAX_RECORDS + 500, NULL);
	a = parse("plots", body);
	cr_assert_eq(json_array_size(a), CSV_MAX_RECORDS + 1, "capped at limit + 1");
	json_decref(a);
	free(body);
}

Test(csv_parse, cells_across_read_chunks)
{
	/* Cells far longer than the 64 KiB chunks the parser is fed. */
	size_t n = 200000;
	struct strbuf sb, want;
	strbuf_init(&sb, n * 2 + 100);
	strbuf_init(&want, n + 10);
	strbuf_adds(&sb, "id,address,name\r\nP-1,\"");
	for (size_t i = 0; i < n; i++) {
		char c = "ab\",\n"[i % 5];
		strbuf_addc(&want, c);
		if (c == '"')
			strbuf_addc(&sb, '"');
		strbuf_addc(&sb, c);
	}
	strbuf_adds(&sb, "\",tail\r\nP-2,x,y\r\n");
	json_t *a = parse_n("plots", sb.buf, sb.len);
	cr_assert_eq(json_array_size(a), 2, "two records");
	const char *got = json_string_value(json_object_get(json_array_get(a, 0), "address"));
	cr_assert_not_null(got, "the long cell");
	cr_assert_eq(strlen(got), n, "its length");
	cr_assert(memcmp(got, want.buf, n) == 0, "its bytes");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "name")), "y",
	                 "the next row");
	json_decref(a);
	strbuf_release(&sb);
	strbuf_release(&want);
}

/* ---------------------------------------------------------------- writing */

Test(csv_write, header_columns)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	csv_write_header(DS("plots"), &sb);
	cr_assert_str_eq(sb.buf,
	                 "id,name,district,address,area_m2,geometry,former_industry,"
	                 "responsible_party,current_use,planned_use,status,pollutants,"
	                 "preliminary_survey_on,detailed_survey_on,risk_assessment_on,listed_on,"
	                 "cleared_on,land_class,cleared_for,publisher,version,created_at,"
	                 "updated_at\r\n",
	                 "plots header");
	strbuf_release(&sb);
	strbuf_init(&sb, 0);
	csv_write_header(DS("agri-inputs"), &sb);
	cr_assert_str_eq(sb.buf,
	                 "id,period,district,entity_uscc,pesticide_kg,fertilizer_kg,film_kg,"
	                 "packaging_recovered_kg,film_recovered_kg,publisher,version,created_at,"
	                 "updated_at\r\n",
	                 "no derived columns");
	strbuf_release(&sb);
}

Test(csv_write, plot_record)
{
	char *row = written_record(
	    "plots",
	    "{\"status\":\"listed\",\"id\":\"110105-2023-0012\",\"name\":\"焦化厂, 东区\","
	    "\"district\":\"110105\",\"area_m2\":1500,\"geometry\":{\"type\":\"Point\","
	    "\"coordinates\":[116.4,39.9]},\"pollutants\":[\"As\",\"Cd\"],\"address\":null,"
	    "\"land_class\":\"II\",\"publisher\":\"ecology\",\"version\":3,"
	    "\"created_at\":\"2024-01-01T08:00:00Z\",\"unknown\":\"x\"}");
	cr_assert_str_eq(row,
	                 "110105-2023-0012,\"焦化厂, 东区\",110105,,1500,"
	                 "\"{\"\"type\"\":\"\"Point\"\",\"\"coordinates\"\":[116.4,39.9]}\",,,,,"
	                 "listed,\"[\"\"As\"\",\"\"Cd\"\"]\",,,,,,II,,ecology,3,"
	                 "2024-01-01T08:00:00Z,\r\n",
	                 "the row");
	free(row);
}

Test(csv_write, numbers_and_booleans)
{
	char *row = written_record("construction-permits",
	                           "{\"id\":\"C\",\"is_remediation_project\":true,\"version\":12}");
	cr_assert_str_eq(row, "C,,,,,,true,,,12,,\r\n", "true and an integer");
	free(row);
	row = written_record("construction-permits",
	                     "{\"id\":\"C\",\"is_remediation_project\":false}");
	cr_assert_str_eq(row, "C,,,,,,false,,,,,\r\n", "false");
	free(row);

	static const struct {
		double v;
		const char *text;
	} reals[] = {
	    {0.1, "0.1"},
	    {12.0, "12.0"},
	    {-3.25, "-3.25"},
	    {1.0 / 3.0, "0.333333333333333"},
	    {0.1 + 0.2, "0.3"},
	    {1e20, "1e20"},
	    {123456.789, "123456.789"},
	};
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		struct strbuf sb;
		strbuf_init(&sb, 0);
		json_t *v = json_real(reals[i].v);
		csv_write_json_cell(&sb, v, true);
		cr_assert_str_eq(sb.buf, reals[i].text, "real %.17g", reals[i].v);
		json_decref(v);
		strbuf_release(&sb);
	}
}

Test(csv_write, nested_json_keeps_key_order_and_is_compact)
{
	char *row = written_record("effect-surveys",
	                           "{\"id\":\"E\",\"indicators\":{\"z\":1, \"a\": [1.5, {\"m\":"
	                           "null}], \"k\": \"v\"}}");
	cr_assert_str_eq(
	    row,
	    "E,,,,\"{\"\"z\"\":1,\"\"a\"\":[1.5,{\"\"m\"\":null}],\"\"k\"\":\"\"v\"\"}\","
	    ",,,\r\n",
	    "compact, in stored order");
	free(row);
}

Test(csv_write, quoting)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},
	    {"", ""},
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"\"", "\"\"\"\""},
	    {"two\nlines", "\"two\nlines\""},
	    {"cr\rhere", "\"cr\rhere\""},
	    {"crlf\r\n", "\"crlf\r\n\""},
	    {" lead", "\" lead\""},
	    {"trail ", "\"trail \""},
	    {"\ttab", "\"\ttab\""},
	    {"in side", "in side"},
	    {"北京市朝阳区", "北京市朝阳区"},
	    {"北京，朝阳", "北京，朝阳"}, /* a full-width comma is not a separator */
	    {"北京,\"朝阳\"", "\"北京,\"\"朝阳\"\"\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = written_cell(cases[i].in);
		cr_assert_str_eq(got, cases[i].out, "cell [%s]", cases[i].in);
		free(got);
	}
	char *got = written_cell(NULL);
	cr_assert_str_eq(got, "", "NULL is an empty cell");
	free(got);
}

Test(csv_write, cells_and_rows)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	csv_write_cell(&sb, "a", true);
	csv_write_cell(&sb, NULL, false);
	csv_write_cell(&sb, "c,d", false);
	csv_end_row(&sb);
	csv_write_cell(&sb, NULL, true);
	csv_write_cell(&sb, "", false);
	csv_end_row(&sb);
	cr_assert_str_eq(sb.buf, "a,,\"c,d\"\r\n,\r\n", "cells, separators and CRLF");
	strbuf_release(&sb);
}

Test(csv_write, generic_columns)
{
	static const char *const cols[] = {"dataset", "id", "op", "version", "record", NULL};
	struct strbuf sb;
	strbuf_init(&sb, 0);
	csv_write_columns(cols, &sb);
	json_t *change = J("{\"dataset\":\"plots\",\"id\":\"P,1\",\"op\":\"delete\",\"version\":4,"
	                   "\"record\":null}");
	csv_write_json_row(cols, change, &sb);
	json_decref(change);
	change = J("{\"op\":\"upsert\",\"record\":{\"name\":\"甲\"}}");
	csv_write_json_row(cols, change, &sb);
	json_decref(change);
	csv_write_json_row(cols, NULL, &sb);
	cr_assert_str_eq(sb.buf,
	                 "dataset,id,op,version,record\r\n"
	                 "plots,\"P,1\",delete,4,\r\n"
	                 ",,upsert,,\"{\"\"name\"\":\"\"甲\"\"}\"\r\n"
	                 ",,,,\r\n",
	                 "feed rows");
	strbuf_release(&sb);
}

/* ---------------------------------------------------------------- round trips */

/* `rec` restricted to what a CSV upload carries: id and the dataset's own fields. */
static json_t *data_fields(const struct dataset *ds, json_t *rec)
{
	json_t *out = json_object();
	json_t *id = json_object_get(rec, "id");
	if (id)
		json_object_set(out, "id", id);
	for (size_t i = 0; i < ds->n_fields; i++) {
		json_t *v = json_object_get(rec, ds->fields[i].name);
		if (v && !json_is_null(v))
			json_object_set(out, ds->fields[i].name, v);
	}
	return out;
}

static void round_trip(const char *dataset, const char *records_json)
{
	const struct dataset *ds = DS(dataset);
	json_t *records = J(records_json);
	struct strbuf sb;
	strbuf_init(&sb, 0);
	csv_write_header(ds, &sb);
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) csv_write_record(ds, r, &sb);
	json_t *back = parse_n(dataset, sb.buf, sb.len);
	cr_assert_eq(json_array_size(back), json_array_size(records), "as many records back");
	json_array_foreach(records, i, r)
	{
		json_t *want = data_fields(ds, r);
		json_t *got = json_array_get(back, i);
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
		cr_assert(json_equal(want, got), "record %zu of %s:\n got %s\nwant %s\ncsv:\n%s", i,
		          dataset, g, w, sb.buf);
		free(w);
		free(g);
		json_decref(want);
	}
	json_decref(back);
	json_decref(records);
	strbuf_release(&sb);
}

Test(csv_roundtrip, plots)
{
	round_trip(
	    "plots",
	    "[{\"id\":\"110105-2023-0012\",\"name\":\"原北京焦化厂, \\\"东区\\\"\","
	    "\"district\":\"110105\",\"address\":\"朝阳区\\r\\n化工路 1 号 \","
	    "\"area_m2\":152000.75,\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
	    "[[[[116.5,39.85],[116.52,39.85],[116.52,39.87],[116.5,39.85]]]]},"
	    "\"former_industry\":\" coking\",\"current_use\":\"M1\",\"planned_use\":\"R2\","
	    "\"status\":\"listed\",\"pollutants\":[\"As\",\"benzene\"],"
	    "\"preliminary_survey_on\":\"2019-03-01\",\"listed_on\":\"2020-01-15\","
	    "\"land_class\":\"I\",\"publisher\":\"ecology\",\"version\":5,"
	    "\"created_at\":\"2020-01-15T08:00:00Z\",\"updated_at\":\"2024-01-01T00:00:00Z\"},"
	    "{\"id\":\"110108-M\",\"name\":\"x\",\"district\":\"110108\",\"area_m2\":0,"
	    "\"status\":\"suspected\",\"responsible_party\":null},"
	    "{\"id\":\"P-3\",\"name\":\"\\\"\",\"district\":\"110101\",\"status\":\"listed\","
	    "\"area_m2\":1e-7,\"address\":\"a,b\\nc\"}]");
}

Test(csv_roundtrip, soil_samples)
{
	round_trip("soil-samples",
	           "[{\"id\":\"S-2024-001\",\"plot_id\":\"110105-2023-0012\",\"district\":"
	           "\"110105\",\"location\":{\"type\":\"Point\",\"coordinates\":[116.51,39.86]},"
	           "\"sampled_on\":\"2024-04-02\",\"depth_m\":0.5,\"ph\":7,\"results\":["
	           "{\"pollutant\":\"Cd\",\"value\":0.35,\"unit\":\"mg/kg\"},"
	           "{\"pollutant\":\"benzene\",\"value\":12,\"unit\":\"μg/kg\"}],"
	           "\"exceedances\":\"screening\",\"publisher\":\"ecology\",\"version\":1},"
	           "{\"id\":\"S-2024-002\",\"farmland_unit_id\":\"F-1\",\"district\":\"110108\","
	           "\"sampled_on\":\"2024-04-03\",\"ph\":6.5,\"results\":[]}]");
}

Test(csv_roundtrip, every_dataset_with_a_value_of_each_type)
{
	for (size_t d = 0; d < datasets_count; d++) {
		const struct dataset *ds = datasets[d];
		json_t *rec = json_object();
		json_object_set_new(rec, "id", json_string("K-1 (甲)"));
		for (size_t i = 0; i < ds->n_fields; i++) {
			const struct field *f = &ds->fields[i];
			json_t *v;
			switch (f->type) {
			case FT_NUMBER:
				v = json_real(2.75);
				break;
			case FT_INTEGER:
				v = json_integer(2024);
				break;
			case FT_BOOLEAN:
				v = json_true();
				break;
			case FT_AREA:
			case FT_POINT:
			case FT_OBJECT:
			case FT_DATES:
				v = J("{\"b\":[1,2.5,\"x,\\\"y\\\"\"],\"a\":null}");
				break;
			case FT_POLLUTANTS:
			case FT_RESULTS:
				v = J("[{\"pollutant\":\"Pb\",\"value\":80}]");
				break;
			default:
				v = json_sprintf("%s, \"值\"\r\n ", f->name);
				break;
			}
			json_object_set_new(rec, f->name, v);
		}
		json_t *one_rec = json_array();
		json_array_append_new(one_rec, rec);
		char *text = json_dumps(one_rec, JSON_COMPACT);
		round_trip(ds->name, text);
		free(text);
		json_decref(one_rec);
	}
}
