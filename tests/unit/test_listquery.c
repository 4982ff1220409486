/* Unit tests of list query parsing in server/datasets/listquery.c. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "encoding.h"
#include "fixtures.h"
#include "listquery.h"

#define ARGS(...)  ((const struct query_arg[]){__VA_ARGS__})
#define NARGS(...) (sizeof((const struct query_arg[]){__VA_ARGS__}) / sizeof(struct query_arg))

static struct refdata ref;

static void setup(void)
{
	fixture_refdata(&ref);
}

static const struct dataset *plots(void)
{
	const struct dataset *ds = dataset_find("plots");
	cr_assert_not_null(ds, "plots descriptor");
	return ds;
}

/* Parses and expects success. */
static void ok(const struct query_arg *args, size_t n, struct list_query *q)
{
	char err[512] = "";
	int rc = list_query_parse(plots(), &ref, args, n, q, err, sizeof(err));
	cr_assert_eq(rc, 0, "list_query_parse failed: %s", err);
}

/* Parses and expects a 400 message; returns it in err. */
static void bad(const struct query_arg *args, size_t n, char *err, size_t size)
{
	struct list_query q;
	err[0] = '\0';
	int rc = list_query_parse(plots(), &ref, args, n, &q, err, size);
	cr_assert_eq(rc, -1, "list_query_parse accepted bad arguments (first %s=%s)", args[0].key,
	             args[0].value ? args[0].value : "(null)");
	cr_assert_neq(err[0], '\0', "an error message is given");
	cr_assert_null(q.district, "nothing left allocated: district");
	cr_assert_null(q.fields, "nothing left allocated: fields");
	cr_assert_null(q.link_query, "nothing left allocated: link_query");
}

TestSuite(list_query, .init = setup);

Test(list_query, defaults)
{
	struct list_query q;
	static const struct query_arg none[1] = {{"unused", "unused"}};
	ok(none, 0, &q);
	cr_assert_eq(q.limit, LIST_LIMIT_DEFAULT, "default limit 100, got %d", q.limit);
	cr_assert_str_eq(q.after_id, "", "first page");
	cr_assert_null(q.district, "no district filter");
	cr_assert_null(q.publisher, "no publisher filter");
	cr_assert_null(q.updated_since, "no updated_since");
	cr_assert_null(q.fields, "no field filters");
	cr_assert_not_null(q.link_query, "link query is an empty string, not NULL");
	cr_assert_str_eq(q.link_query, "", "empty link query");
	cr_assert_eq(q.filter_hash, fnv1a32("", 0, FNV1A32_INIT), "hash of no filters");
	list_query_release(&q);
	cr_assert_null(q.link_query, "release clears the pointers");
}

Test(list_query, limit_bounds)
{
	struct list_query q;
	ok(ARGS({"limit", "1"}), 1, &q);
	cr_assert_eq(q.limit, 1, "limit 1");
	list_query_release(&q);
	ok(ARGS({"limit", "1000"}), 1, &q);
	cr_assert_eq(q.limit, 1000, "limit 1000");
	list_query_release(&q);
	ok(ARGS({"limit", "37"}), 1, &q);
	cr_assert_eq(q.limit, 37, "limit 37");
	list_query_release(&q);

	static const char *const invalid[] = {"0",   "1001", "abc", "-1",
	                                      "10x", "1e3",  "5.0", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		char err[256];
		bad(ARGS({"limit", invalid[i]}), 1, err, sizeof(err));
		cr_assert(strstr(err, "limit"), "limit=%s: message names limit: %s", invalid[i],
		          err);
		cr_assert(strstr(err, "1000"), "limit=%s: message gives the range: %s", invalid[i],
		          err);
	}
	char err[256];
	bad(ARGS({"limit", ""}), 1, err, sizeof(err));
	bad(ARGS({"limit", NULL}), 1, err, sizeof(err));
}

Test(list_query, repeated_parameter)
{
	char err[256];
	bad(ARGS({"status", "listed"}, {"limit", "5"}, {"status", "cleared"}), 3, err, sizeof(err));
	cr_assert(strstr(err, "status") && strstr(err, "repeated"), "message: %s", err);
	bad(ARGS({"limit", "5"}, {"limit", "5"}), 2, err, sizeof(err));
	cr_assert(strstr(err, "limit"), "message names limit: %s", err);
}

Test(list_query, unknown_parameter_lists_filters)
{
	char err[512];
	bad(ARGS({"foo", "1"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "foo"), "message names the parameter: %s", err);
	static const char *const names[] = {"limit",         "cursor",      "district",
	                                    "updated_since", "publisher",   "status",
	                                    "current_use",   "planned_use", "land_class"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert(strstr(err, names[i]), "message should list %s: %s", names[i], err);
	/* A field that exists but is not a filter is unknown as a parameter. */
	bad(ARGS({"name", "x"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "name"), "message: %s", err);
}

Test(list_query, enum_value_outside)
{
	char err[512];
	bad(ARGS({"status", "demolished"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "demolished"), "message quotes the value: %s", err);
	cr_assert(strstr(err, "under_control"), "message lists the states: %s", err);
	bad(ARGS({"status", "listed,demolished"}), 1, err, sizeof(err));
	bad(ARGS({"land_class", "III"}), 1, err, sizeof(err));
	bad(ARGS({"status", "Listed"}), 1, err, sizeof(err));
}

Test(list_query, any_of_builds_fields_json)
{
	struct list_query q;
	ok(ARGS({"status", "listed,under_control"}), 1, &q);
	cr_assert_not_null(q.fields, "fields set");
	json_error_t e;
	json_t *got = json_loads(q.fields, 0, &e);
	cr_assert_not_null(got, "fields is JSON: %s (%s)", q.fields, e.text);
	json_t *want = json_pack("{s:[s,s]}", "status", "listed", "under_control");
	cr_assert(json_equal(got, want), "fields = %s", q.fields);
	json_decref(got);
	json_decref(want);
	list_query_release(&q);

	ok(ARGS({"status", "listed"}, {"land_class", "I"}, {"planned_use", "R2,A33"}), 3, &q);
	got = json_loads(q.fields, 0, &e);
	cr_assert_not_null(got, "fields is JSON: %s", q.fields);
	want = json_pack("{s:[s],s:[s],s:[s,s]}", "status", "listed", "land_class", "I",
	                 "planned_use", "R2", "A33");
	cr_assert(json_equal(got, want), "fields = %s", q.fields);
	json_decref(got);
	json_decref(want);
	list_query_release(&q);
}

Test(list_query, district_and_publisher_json_arrays)
{
	struct list_query q;
	ok(ARGS({"district", "110105,110108"}), 1, &q);
	cr_assert_str_eq(q.district, "[\"110105\",\"110108\"]", "a JSON array");
	cr_assert_null(q.fields, "district is not a field filter");
	list_query_release(&q);
	ok(ARGS({"district", "110101"}), 1, &q);
	cr_assert_str_eq(q.district, "[\"110101\"]", "one district");
	list_query_release(&q);
	ok(ARGS({"publisher", "ecology,district"}), 1, &q);
	cr_assert_str_eq(q.publisher, "[\"ecology\",\"district\"]", "publishers");
	list_query_release(&q);
	/* Quotes, backslashes and braces are values like any other, escaped as JSON. */
	ok(ARGS({"publisher", "a\"b,c\\d,{e}"}), 1, &q);
	cr_assert_str_eq(q.publisher, "[\"a\\\"b\",\"c\\\\d\",\"{e}\"]", "%s", q.publisher);
	list_query_release(&q);

	char err[256];
	bad(ARGS({"district", "110199"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "110199"), "message quotes the code: %s", err);
	bad(ARGS({"district", "110105,"}), 1, err, sizeof(err));
	bad(ARGS({"district", ",110105"}), 1, err, sizeof(err));
	bad(ARGS({"district", "110105,,110108"}), 1, err, sizeof(err));
}

/* Quotes, backslashes and braces are data: they reach SQL as JSON strings, never as
 * syntax, so a filter on them simply matches nothing. Control characters are refused. */
Test(list_query, values_with_special_characters_are_data)
{
	char err[256];
	bad(ARGS({"planned_use", "R2\n"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "control character"), "%s", err);
	const char *odd[] = {"eco\"logy", "eco\\logy", "{ecology}", "x\\"};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct list_query q;
		ok(ARGS({"publisher", odd[i]}), 1, &q);
		json_t *got = json_loads(q.publisher, 0, NULL);
		cr_assert_str_eq(json_string_value(json_array_get(got, 0)), odd[i], "%s",
		                 q.publisher);
		json_decref(got);
		list_query_release(&q);
	}
}

Test(list_query, too_many_values_and_arguments)
{
	char value[1024] = "";
	for (int i = 0; i <= LIST_MAX_VALUES; i++)
		strcat(value, i ? ",R2" : "R2");
	char err[256];
	bad(ARGS({"planned_use", value}), 1, err, sizeof(err));
	cr_assert(strstr(err, "64"), "message gives the maximum: %s", err);

	struct query_arg many[LIST_MAX_ARGS + 1];
	char keys[LIST_MAX_ARGS + 1][8];
	for (int i = 0; i <= LIST_MAX_ARGS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		many[i].key = keys[i];
		many[i].value = "1";
	}
	bad(many, LIST_MAX_ARGS + 1, err, sizeof(err));
}

Test(list_query, updated_since)
{
	struct list_query q;
	ok(ARGS({"updated_since", "2024-01-31T00:00:00Z"}), 1, &q);
	cr_assert_not_null(q.updated_since, "updated_since set");
	cr_assert_str_eq(q.updated_since, "2024-01-31T00:00:00Z", "value kept");
	list_query_release(&q);
	ok(ARGS({"updated_since", "2024-01-31T08:00:00.5+08:00"}), 1, &q);
	cr_assert_str_eq(q.updated_since, "2024-01-31T08:00:00.5+08:00", "offset kept");
	list_query_release(&q);
	char err[256];
	bad(ARGS({"updated_since", "2024-01-31"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "RFC 3339"), "message names the format: %s", err);
	bad(ARGS({"updated_since", "yesterday"}), 1, err, sizeof(err));
	bad(ARGS({"updated_since", "2024-02-30T00:00:00Z"}), 1, err, sizeof(err));
}

Test(list_query, link_query_is_canonical)
{
	struct list_query a, b;
	ok(ARGS({"status", "listed,under_control"}, {"district", "110105,110108"}), 2, &a);
	ok(ARGS({"district", "110105,110108"}, {"limit", "10"}, {"status", "listed,under_control"}),
	   3, &b);
	cr_assert_str_eq(a.link_query, "&district=110105%2C110108&status=listed%2Cunder_control",
	                 "sorted, percent-encoded, without limit");
	cr_assert_str_eq(a.link_query, b.link_query, "argument order and limit do not matter");
	cr_assert_eq(a.filter_hash, b.filter_hash, "same filters, same hash");
	list_query_release(&a);
	list_query_release(&b);
	ok(ARGS({"status", "listed"}), 1, &a);
	ok(ARGS({"status", "under_control"}), 1, &b);
	cr_assert_neq(a.filter_hash, b.filter_hash, "other filters, other hash");
	list_query_release(&a);
	list_query_release(&b);
}

Test(list_query, cursor_round_trip_keeps_after_id)
{
	struct list_query first, next;
	ok(ARGS({"status", "listed"}, {"district", "110105"}, {"limit", "2"}), 3, &first);
	char cursor[CURSOR_MAX];
	cr_assert_eq(
	    cursor_encode(first.filter_hash, "京规自〔2024〕0012号", cursor, sizeof(cursor)), 0,
	    "encode");
	ok(ARGS({"district", "110105"}, {"cursor", cursor}, {"status", "listed"}, {"limit", "50"}),
	   4, &next);
	cr_assert_str_eq(next.after_id, "京规自〔2024〕0012号", "after_id from the cursor");
	cr_assert_eq(next.limit, 50, "limit may change between pages");
	cr_assert_eq(next.filter_hash, first.filter_hash, "the cursor does not change the hash");
	list_query_release(&first);
	list_query_release(&next);
}

Test(list_query, cursor_from_other_filters_rejected)
{
	struct list_query first;
	ok(ARGS({"status", "listed"}), 1, &first);
	char cursor[CURSOR_MAX];
	cr_assert_eq(cursor_encode(first.filter_hash, "p1", cursor, sizeof(cursor)), 0, "encode");
	list_query_release(&first);
	char err[256];
	bad(ARGS({"status", "under_control"}, {"cursor", cursor}), 2, err, sizeof(err));
	cr_assert(strstr(err, "filters"), "message says the filters differ: %s", err);
	bad(ARGS({"cursor", cursor}), 1, err, sizeof(err));
	bad(ARGS({"status", "listed"}, {"district", "110105"}, {"cursor", cursor}), 3, err,
	    sizeof(err));
}

Test(list_query, garbage_cursor_rejected)
{
	char err[256];
	bad(ARGS({"cursor", "not-a-cursor!"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "cursor"), "message names the cursor: %s", err);
	bad(ARGS({"cursor", "YzE6MDAwMDAwMDA6"}), 1, err, sizeof(err)); /* "c1:00000000:" */
}

Test(list_query, derived_lists_take_only_paging_and_format)
{
	struct list_query q;
	char err[256] = "";
	cr_assert_eq(list_query_parse(NULL, &ref, ARGS({"limit", "5"}), 1, &q, err, sizeof(err)), 0,
	             "limit accepted: %s", err);
	cr_assert_eq(q.limit, 5, "limit");
	list_query_release(&q);
	cr_assert_eq(
	    list_query_parse(NULL, &ref, ARGS({"status", "listed"}), 1, &q, err, sizeof(err)), -1,
	    "a filter on a derived list");
	cr_assert(strstr(err, "limit, cursor, f and bom"), "message: %s", err);
}

/* f and bom say how a page is written: they travel in the next link but do not bind the
 * cursor, so a page may be fetched again as CSV. */
Test(list_query, format_and_bom)
{
	struct list_query q, plain;
	ok(ARGS({"f", "csv"}, {"bom", "1"}, {"status", "listed"}), 3, &q);
	cr_assert_eq(q.format, LIST_FORMAT_CSV);
	cr_assert(q.bom);
	cr_assert(strstr(q.link_query, "&f=csv") && strstr(q.link_query, "&bom=1"), "%s",
	          q.link_query);
	ok(ARGS({"status", "listed"}), 1, &plain);
	cr_assert_eq(plain.format, LIST_FORMAT_ASKED_BY_ACCEPT);
	cr_assert_not(plain.bom);
	cr_assert_eq(q.filter_hash, plain.filter_hash, "the cursor binds the filters only");
	list_query_release(&q);
	list_query_release(&plain);
	ok(ARGS({"f", "geojson"}), 1, &q);
	cr_assert_eq(q.format, LIST_FORMAT_GEOJSON);
	list_query_release(&q);
	char err[256];
	bad(ARGS({"f", "xml"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "json, csv or geojson"), "%s", err);
	bad(ARGS({"bom", "yes"}), 1, err, sizeof(err));
}

Test(list_query, other_dataset_filters)
{
	const struct dataset *units = dataset_find("supervised-units");
	struct list_query q;
	char err[512] = "";
	cr_assert_eq(list_query_parse(units, &ref, ARGS({"listed_year", "2023,2024"}), 1, &q, err,
	                              sizeof(err)),
	             0, "listed_year filter: %s", err);
	cr_assert_not_null(q.fields, "fields");
	list_query_release(&q);
	cr_assert_eq(
	    list_query_parse(units, &ref, ARGS({"listed_year", "1999"}), 1, &q, err, sizeof(err)),
	    -1, "listed_year below 2000");
	cr_assert_eq(
	    list_query_parse(units, &ref, ARGS({"status", "listed"}), 1, &q, err, sizeof(err)), -1,
	    "units have no status");
}

/* ---------------------------------------------------------------- rfc3339_valid */

Test(rfc3339, valid)
{
	static const char *const ok_times[] = {
	    "2024-01-31T00:00:00Z",      "2024-01-31t00:00:00z",
	    "2024-02-29T23:59:59Z",      "2016-12-31T23:59:60Z",
	    "2024-01-31T08:00:00+08:00", "2024-01-31T00:00:00-05:30",
	    "2024-01-31T00:00:00.1Z",    "2024-01-31T00:00:00.123456789+00:00",
	};
	for (size_t i = 0; i < sizeof(ok_times) / sizeof(ok_times[0]); i++)
		cr_assert(rfc3339_valid(ok_times[i]), "%s is RFC 3339", ok_times[i]);
}

Test(rfc3339, invalid)
{
	static const char *const bad_times[] = {
	    "",
	    "2024-01-31",
	    "2024-01-31T00:00:00",
	    "2024-01-31T00:00Z",
	    "2024-01-31X00:00:00Z",
	    "2024-02-30T00:00:00Z",
	    "2024-01-31T24:00:00Z",
	    "2024-01-31T00:60:00Z",
	    "2024-01-31T00:00:61Z",
	    "2024-01-31T00:00:00.Z",
	    "2024-01-31T00:00:00+0800",
	    "2024-01-31T00:00:00+08",
	    "2024-01-31T00:00:00+08:60",
	    "2024-01-31T00:00:00Z ",
	    "2024-01-31T00:00:00ZZ",
	    "2024-01-31T0a:00:00Z",
	    "2024/01/31T00:00:00Z",
	};
	for (size_t i = 0; i < sizeof(bad_times) / sizeof(bad_times[0]); i++)
		cr_assert_not(rfc3339_valid(bad_times[i]), "\"%s\" is not RFC 3339", bad_times[i]);
}

Test(rfc3339, offset_hour_range)
{
	/* RFC 3339 §5.6: time-numoffset = ("+" / "-") time-hour ":" time-minute, and
	 * time-hour is 00-23. (PostgreSQL, which receives updated_since, refuses even
	 * +16:00 and beyond with "time zone displacement out of range".) */
	cr_assert(rfc3339_valid("2024-01-31T00:00:00+14:00"), "+14:00 (Kiribati) is valid");
	cr_assert(rfc3339_valid("2024-01-31T00:00:00-12:00"), "-12:00 is valid");
	cr_assert_not(rfc3339_valid("2024-01-31T00:00:00+24:00"), "offset hour 24 is out of range");
	cr_assert_not(rfc3339_valid("2024-01-31T00:00:00-99:00"), "offset hour 99 is out of range");
}

/* Whether s is UTF-8, by jansson's check. */
static bool utf8_text(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

Test(list_query, filter_value_not_utf8_rejected)
{
	/* Filter values go to PostgreSQL, which refuses bytes that are not UTF-8: a 400 here,
	 * not a 500 there. */
	char err[512];
	bad(ARGS({"publisher", "\xff"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "UTF-8"), "message: %s", err);
	bad(ARGS({"current_use", "R2,M1\xe4\xba"}), 1, err, sizeof(err));
	cr_assert(strstr(err, "UTF-8"), "message: %s", err);
}

Test(list_query, messages_cut_long_text_between_characters)
{
	/* 20 three-byte characters: a 40- or 60-byte cut would fall inside one, and a problem
	 * body cannot carry the broken text (its detail went missing). */
	char wide[61] = "", err[512];
	for (int i = 0; i < 20; i++)
		strcat(wide, "京");
	bad(ARGS({wide, "1"}), 1, err, sizeof(err));
	cr_assert(utf8_text(err), "the message is UTF-8: %s", err);
	cr_assert(strstr(err, "京京京京京京京京京京京京京;"), "13 whole characters kept: %s", err);
	char status[62] = "a";
	strcat(status, wide);
	bad(ARGS({"status", status}), 1, err, sizeof(err));
	cr_assert(utf8_text(err), "the message is UTF-8: %s", err);
	bad(ARGS({wide, NULL}), 1, err, sizeof(err));
	cr_assert(utf8_text(err), "the message is UTF-8: %s", err);
}

/* Only filters make a list filtered: a limit, a cursor or a format do not (the unfiltered
 * page is served by a statement of its own). */
Test(list_query, filtered_only_by_filters)
{
	struct list_query q;
	ok(ARGS({"limit", "5"}, {"f", "csv"}), NARGS({"limit", "5"}, {"f", "csv"}), &q);
	cr_assert_not(list_query_filtered(&q), "limit and format are no filters");
	list_query_release(&q);
	const struct query_arg filters[][1] = {
	    {{"district", "110105"}},
	    {{"publisher", "ecology"}},
	    {{"updated_since", "2025-01-01T00:00:00Z"}},
	    {{"status", "listed"}},
	    {{"bbox", "116.2,39.8,116.5,40.0"}},
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		ok(filters[i], 1, &q);
		cr_assert(list_query_filtered(&q), "%s filters", filters[i][0].key);
		list_query_release(&q);
	}
}
