/* Unit tests of the pure validators in server/datasets/validate.c. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "datasets.h"
#include "fixtures.h"

/* ---------------------------------------------------------------- helpers */

static json_t *J(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
	cr_assert_not_null(j, "test JSON does not parse: %s (%s)", err.text, text);
	return j;
}

static const struct verror *find_err(const struct verrors *e, const char *pointer)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->items[i].pointer, pointer) == 0)
			return &e->items[i];
	return NULL;
}

static void dump_errs(const struct verrors *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "  error %zu: %s: %s\n", i, e->items[i].pointer,
		        e->items[i].message);
}

/* Runs record_validate and checks it failed with an error at `pointer`; returns it. */
static struct verror expect_error(const char *dataset, const char *body, const char *path_id,
                                  const char *prefix, const char *pointer)
{
	const struct dataset *ds = dataset_find(dataset);
	cr_assert_not_null(ds, "dataset %s not found", dataset);
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J(body);
	json_t *out = record_validate(ds, &ref, b, path_id, prefix, &errs);
	const struct verror *e = find_err(&errs, pointer);
	if (!e)
		dump_errs(&errs);
	cr_assert_null(out, "record_validate accepted an invalid %s record: %s", dataset, body);
	cr_assert_not_null(e, "no error at pointer \"%s\" for body %s (%zu errors)", pointer, body,
	                   errs.n);
	struct verror copy = *e;
	json_decref(b);
	return copy;
}

/* Runs record_validate and checks it succeeded; returns the output (caller decrefs). */
static json_t *expect_ok(const char *dataset, const char *body, const char *path_id)
{
	const struct dataset *ds = dataset_find(dataset);
	cr_assert_not_null(ds, "dataset %s not found", dataset);
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J(body);
	json_t *out = record_validate(ds, &ref, b, path_id, "", &errs);
	if (!out)
		dump_errs(&errs);
	cr_assert_not_null(
	    out, "record_validate rejected a valid %s record: %s (first error %s: %s)", dataset,
	    body, errs.n ? errs.items[0].pointer : "-", errs.n ? errs.items[0].message : "-");
	cr_assert_eq(errs.n, 0, "a valid record left %zu errors", errs.n);
	json_decref(b);
	return out;
}

#define BEIJING_POLYGON                                                                            \
	"{\"type\":\"Polygon\",\"coordinates\":[[[116.30,39.90],[116.31,39.90],[116.31,39.91],"    \
	"[116.30,39.91],[116.30,39.90]]]}"

#define VALID_PLOT                                                                                       \
	"{\"id\":\"110105-2023-0012\",\"name\":\"朝阳区某化工厂旧址\",\"district\":\"110105\"," \
	"\"address\":\"北京市朝阳区某路1号\",\"area_m2\":12000.5,\"geometry\":" BEIJING_POLYGON          \
	","                                                                                              \
	"\"former_industry\":\"化学原料制造\",\"responsible_party\":\"某公司\","                \
	"\"current_use\":\"M1\",\"planned_use\":\"R2\",\"status\":\"listed\","                           \
	"\"pollutants\":[\"As\",\"Cd\"],\"preliminary_survey_on\":\"2022-03-01\","                       \
	"\"detailed_survey_on\":\"2022-09-15\",\"risk_assessment_on\":\"2023-01-10\","                   \
	"\"listed_on\":\"2023-05-01\"}"

/* ---------------------------------------------------------------- key_valid */

Test(key_valid, ascii_keys)
{
	cr_assert(key_valid("110105-2023-0012"), "a plot code is a valid key");
	cr_assert(key_valid("A_b.c-9"), "letters, digits, - _ . are allowed");
	cr_assert(key_valid("x"), "one character is enough");
	cr_assert(key_valid("doc(2023)12"), "ASCII parentheses are allowed");
}

Test(key_valid, dots_alone_are_no_key)
{
	cr_assert_not(key_valid("."), "\".\" is a dot segment in a URL");
	cr_assert_not(key_valid(".."), "\"..\" is a dot segment in a URL");
	cr_assert_not(key_valid("..."), "dots alone are refused");
	cr_assert(key_valid("..a"), "dots with anything else are a key");
	cr_assert(key_valid("a.b"), "a dot inside a key is fine");
}

Test(key_valid, chinese_and_brackets)
{
	cr_assert(key_valid("京规自〔2023〕0012号"),
	          "Chinese with 〔〕 is a valid approval number");
	cr_assert(key_valid("朝阳地块(一期)"), "Chinese with () is valid");
	cr_assert(key_valid("㐀"), "CJK extension A (U+3400) is allowed");
}

Test(key_valid, length_is_counted_in_code_points)
{
	char ascii[80], cjk[80 * 3];
	memset(ascii, 'a', 64);
	ascii[64] = '\0';
	cr_assert(key_valid(ascii), "64 ASCII characters are allowed");
	ascii[64] = 'a';
	ascii[65] = '\0';
	cr_assert_not(key_valid(ascii), "65 ASCII characters are too many");

	cjk[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(cjk, "地");
	cr_assert_eq(strlen(cjk), 192, "fixture: 64 CJK characters are 192 bytes");
	cr_assert(key_valid(cjk), "64 Chinese characters (192 bytes) are allowed");
	strcat(cjk, "地");
	cr_assert_not(key_valid(cjk), "65 Chinese characters are too many");
}

Test(key_valid, empty_and_forbidden_characters)
{
	cr_assert_not(key_valid(""), "an empty key is invalid");
	cr_assert_not(key_valid("a/b"), "a slash is not allowed");
	cr_assert_not(key_valid("a b"), "a space is not allowed");
	cr_assert_not(key_valid("a%20b"), "a percent sign is not allowed");
	cr_assert_not(key_valid("a?b"), "a question mark is not allowed");
	cr_assert_not(key_valid("a\tb"), "a control character is not allowed");
	cr_assert_not(key_valid("地块😀"), "an emoji is not allowed");
	cr_assert_not(key_valid("（一期）"), "full-width parentheses are not in the charset");
}

Test(key_valid, invalid_utf8)
{
	cr_assert_not(key_valid("\xff"), "byte 0xFF is not UTF-8");
	cr_assert_not(key_valid("ab\x80"), "a lone continuation byte is invalid");
	cr_assert_not(key_valid("\xe5\x9c"), "a truncated 3-byte sequence is invalid");
	cr_assert_not(key_valid("\xc0\xaf"), "an overlong encoding of '/' is invalid");
	cr_assert_not(key_valid("\xe0\x80\xaf"), "a 3-byte overlong encoding is invalid");
	cr_assert_not(key_valid("\xed\xa0\x80"), "a UTF-16 surrogate (U+D800) is invalid");
	cr_assert_not(key_valid("\xe5\x9c\x41"), "a bad continuation byte is invalid");
}

/* ---------------------------------------------------------------- uscc_valid */

/* GB 32100-2015: the characters 0-9 A-H J-N P-R T U W-Y have the values 0..30; the
 * check character C18 = 31 - (sum of value_i * w_i, i = 1..17, mod 31), where 31
 * stands for 0, with the weights w_i = 3^(i-1) mod 31:
 *   1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
 *
 * 91110000100000000R: values 9 1 1 1 0 0 0 0 1 0...0
 *   sum = 9 + 3 + 9 + 27 + 20 = 68; 68 mod 31 = 6; 31 - 6 = 25 = 'R'.
 * 914403001922038216 (published code of a Shenzhen company): values
 *   9 1 4 4 0 3 0 0 1 9 2 2 0 3 8 2 1; sum = 9+3+36+108+78+20+261+50+26+72+80+60+28
 *   = 831; 831 mod 31 = 25; 31 - 25 = 6.
 * 911101050000000110: values 9 1 1 1 0 1 0 5 0 0 0 0 0 0 0 1 1;
 *   sum = 9+3+9+27+26+85+30+28 = 217 = 7 * 31; (31 - 0) mod 31 = 0 -> '0'.
 * 91110105000000001Y: values 9 1 1 1 0 1 0 5 0 0 0 0 0 0 0 0 1;
 *   sum = 9+3+9+27+26+85+28 = 187; 187 mod 31 = 1; 31 - 1 = 30 = 'Y'.
 * 91330100799655058B (published code of a Hangzhou company) and 91110105MA01ABCD13
 *   were checked the same way (check values 11 = 'B' and 3). */
Test(uscc_valid, valid_codes)
{
	cr_assert(uscc_valid("91110000100000000R"), "check digit R computed by hand");
	cr_assert(uscc_valid("914403001922038216"), "published code with check digit 6");
	cr_assert(uscc_valid("91330100799655058B"), "published code with check letter B");
	cr_assert(uscc_valid("911101050000000110"), "sum divisible by 31 gives check digit 0");
	cr_assert(uscc_valid("91110105000000001Y"), "check value 30 is the letter Y");
	cr_assert(uscc_valid("91110105MA01ABCD13"), "letters in the body are allowed");
}

Test(uscc_valid, wrong_check_digit)
{
	cr_assert_not(uscc_valid("914403001922038217"), "check digit 7 instead of 6");
	cr_assert_not(uscc_valid("91110000100000000Q"), "check letter Q instead of R");
	cr_assert_not(uscc_valid("911101050000000111"), "check 1 instead of 0");
	/* Exactly one check character of the 31 is right. */
	static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	int valid = 0;
	char code[19] = "91110000100000000?";
	for (size_t i = 0; i < strlen(charset); i++) {
		code[17] = charset[i];
		valid += uscc_valid(code);
	}
	cr_assert_eq(valid, 1, "exactly one check character fits a body, got %d", valid);
}

Test(uscc_valid, lower_case_rejected)
{
	cr_assert_not(uscc_valid("91330100799655058b"), "a lower-case check letter is invalid");
	cr_assert_not(uscc_valid("91110105ma01abcd13"),
	              "lower-case letters in the body are invalid");
}

Test(uscc_valid, letters_i_o_s_v_z_rejected)
{
	static const char forbidden[] = "IOSVZ";
	static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	for (size_t f = 0; f < 5; f++) {
		/* In the body: no check character makes it valid. */
		char code[19] = "91110105MA01?BCD1?";
		code[12] = forbidden[f];
		for (size_t i = 0; i < strlen(charset); i++) {
			code[17] = charset[i];
			cr_assert_not(uscc_valid(code), "%s contains the forbidden letter %c", code,
			              forbidden[f]);
		}
		/* As the check character. */
		char chk[19] = "91110000100000000?";
		chk[17] = forbidden[f];
		cr_assert_not(uscc_valid(chk), "%s ends in the forbidden letter %c", chk,
		              forbidden[f]);
	}
}

Test(uscc_valid, wrong_length)
{
	cr_assert_not(uscc_valid(""), "empty");
	cr_assert_not(uscc_valid("91110000100000000"), "17 characters");
	cr_assert_not(uscc_valid("91110000100000000R0"), "19 characters");
	cr_assert_not(uscc_valid("9111000010000000-R"), "a hyphen is not a USCC character");
	cr_assert_not(uscc_valid("91110000100000000 R"), "a space makes 19 characters");
}

/* ---------------------------------------------------------------- date_valid */

Test(date_valid, leap_years)
{
	cr_assert(date_valid("2024-02-29"), "2024 is a leap year");
	cr_assert(date_valid("2000-02-29"), "2000 is a leap year (divisible by 400)");
	cr_assert_not(date_valid("2023-02-29"), "2023 is not a leap year");
	cr_assert_not(date_valid("2100-02-29"), "2100 is not a leap year (divisible by 100)");
	cr_assert_not(date_valid("2024-02-30"), "February never has 30 days");
	cr_assert(date_valid("2023-02-28"), "28 February always exists");
}

Test(date_valid, month_and_day_ranges)
{
	cr_assert(date_valid("2023-01-31"), "31 January");
	cr_assert(date_valid("2023-12-31"), "31 December");
	cr_assert_not(date_valid("2023-13-01"), "month 13");
	cr_assert_not(date_valid("2023-00-10"), "month 00");
	cr_assert_not(date_valid("2023-01-00"), "day 00");
	cr_assert_not(date_valid("2023-01-32"), "day 32");
	cr_assert_not(date_valid("2023-04-31"), "April has 30 days");
	cr_assert_not(date_valid("2023-11-31"), "November has 30 days");
}

Test(date_valid, bad_separators_and_shapes)
{
	cr_assert_not(date_valid("2023/01/15"), "slashes");
	cr_assert_not(date_valid("2023.01.15"), "dots");
	cr_assert_not(date_valid("20230115"), "no separators");
	cr_assert_not(date_valid("2023-1-15"), "one-digit month");
	cr_assert_not(date_valid("2023-01-5"), "one-digit day");
	cr_assert_not(date_valid("2023-01-15T00:00:00Z"), "a time is not a date");
	cr_assert_not(date_valid("2023-0a-15"), "a letter in the month");
	cr_assert_not(date_valid("２０２３-01-15"), "full-width digits");
	cr_assert_not(date_valid(""), "empty");
}

/* ---------------------------------------------------------------- industry_code_valid */

Test(industry_code_valid, cases)
{
	cr_assert(industry_code_valid("C2614"), "class level code");
	cr_assert(industry_code_valid("C3360"), "class level code from the SPEC");
	cr_assert(industry_code_valid("C26"), "division level code");
	cr_assert(industry_code_valid("C261"), "group level code");
	cr_assert(industry_code_valid("A01"), "section A");
	cr_assert(industry_code_valid("T97"), "section T");
	cr_assert_not(industry_code_valid("2614"), "no section letter");
	cr_assert_not(industry_code_valid("c2614"), "lower-case letter");
	cr_assert_not(industry_code_valid("C"), "letter alone");
	cr_assert_not(industry_code_valid("C2"), "one digit");
	cr_assert_not(industry_code_valid("C26145"), "five digits");
	cr_assert_not(industry_code_valid("U01"), "there is no section U");
	cr_assert_not(industry_code_valid("C26A4"), "a letter among the digits");
	cr_assert_not(industry_code_valid(""), "empty");
}

/* ---------------------------------------------------------------- land_use_syntax_valid */

Test(land_use_syntax_valid, cases)
{
	cr_assert(land_use_syntax_valid("R"), "major class");
	cr_assert(land_use_syntax_valid("R2"), "medium class");
	cr_assert(land_use_syntax_valid("A33"), "small class");
	cr_assert(land_use_syntax_valid("M1"), "industrial");
	cr_assert(land_use_syntax_valid("G1-C"), "composite suffix -C");
	cr_assert_not(land_use_syntax_valid(""), "empty");
	cr_assert_not(land_use_syntax_valid("r2"), "lower-case");
	cr_assert_not(land_use_syntax_valid("2R"), "digit first");
	cr_assert_not(land_use_syntax_valid("-C"), "suffix alone");
	cr_assert_not(land_use_syntax_valid("R2-"), "dangling hyphen");
	cr_assert_not(land_use_syntax_valid("R2-D"), "unknown suffix");
	cr_assert_not(land_use_syntax_valid("RA"), "two letters");
	cr_assert_not(land_use_syntax_valid("A3333"), "too long");
	cr_assert(land_use_syntax_valid("07"), "用地用海 first level");
	cr_assert(land_use_syntax_valid("0701"), "用地用海 second level");
	cr_assert(land_use_syntax_valid("080403"), "用地用海 third level");
	cr_assert_not(land_use_syntax_valid("7"), "one digit");
	cr_assert_not(land_use_syntax_valid("070"), "odd number of digits");
	cr_assert_not(land_use_syntax_valid("08040301"), "below the third level");
	cr_assert_not(land_use_syntax_valid("07A1"), "digits and letters");
}

/* ---------------------------------------------------------------- geojson_check */

static const char *geo(const char *text, bool point, char *buf, size_t size)
{
	json_t *g = J(text);
	const char *m = geojson_check(g, point, buf, size);
	/* The message may point into buf or be static; copy it before freeing g. */
	static char copy[256];
	if (m)
		snprintf(copy, sizeof(copy), "%s", m);
	json_decref(g);
	return m ? copy : NULL;
}

Test(geojson_check, valid_polygon_in_beijing)
{
	char buf[256];
	const char *m = geo(BEIJING_POLYGON, false, buf, sizeof(buf));
	cr_assert_null(m, "a small polygon in Chaoyang is valid, got: %s", m);
	m = geo("{\"type\":\"Polygon\",\"bbox\":[116.3,39.9,116.31,39.91],\"coordinates\":"
	        "[[[116.30,39.90],[116.31,39.90],[116.31,39.91],[116.30,39.90]],"
	        "[[116.302,39.902],[116.303,39.902],[116.303,39.903],[116.302,39.902]]]}",
	        false, buf, sizeof(buf));
	cr_assert_null(m, "a polygon with a hole and a bbox is valid, got: %s", m);
	m = geo("{\"type\":\"Polygon\",\"coordinates\":[[[116,40],[117,40],[117,41],[116,40]]]}",
	        false, buf, sizeof(buf));
	cr_assert_null(m, "integer coordinates are numbers too, got: %s", m);
}

Test(geojson_check, unclosed_ring)
{
	char buf[256];
	const char *m = geo("{\"type\":\"Polygon\",\"coordinates\":[[[116.30,39.90],[116.31,39.90],"
	                    "[116.31,39.91],[116.30,39.91]]]}",
	                    false, buf, sizeof(buf));
	cr_assert_not_null(m, "an unclosed ring is invalid");
	cr_assert(strstr(m, "closed"), "message should say the ring must be closed: %s", m);
}

Test(geojson_check, ring_of_three_positions)
{
	char buf[256];
	const char *m = geo("{\"type\":\"Polygon\",\"coordinates\":[[[116.30,39.90],[116.31,39.90],"
	                    "[116.30,39.90]]]}",
	                    false, buf, sizeof(buf));
	cr_assert_not_null(m, "a ring of 3 positions is invalid");
	cr_assert(strstr(m, "at least 4"), "message should ask for 4 positions: %s", m);
	m = geo("{\"type\":\"Polygon\",\"coordinates\":[]}", false, buf, sizeof(buf));
	cr_assert_not_null(m, "a polygon without rings is invalid");
}

Test(geojson_check, position_outside_extent)
{
	char buf[256];
	/* Shanghai */
	const char *m = geo("{\"type\":\"Polygon\",\"coordinates\":[[[121.47,31.23],[121.48,31.23],"
	                    "[121.48,31.24],[121.47,31.23]]]}",
	                    false, buf, sizeof(buf));
	cr_assert_not_null(m, "a polygon in Shanghai is outside Beijing");
	cr_assert(strstr(m, "outside Beijing"), "message should say outside Beijing: %s", m);
	/* Latitude first by mistake. */
	m = geo("{\"type\":\"Point\",\"coordinates\":[39.9,116.4]}", true, buf, sizeof(buf));
	cr_assert_not_null(m, "swapped latitude/longitude is outside Beijing");
	/* One vertex just outside the east edge. */
	m = geo("{\"type\":\"Polygon\",\"coordinates\":[[[117.5,40.0],[117.61,40.0],[117.5,40.1],"
	        "[117.5,40.0]]]}",
	        false, buf, sizeof(buf));
	cr_assert_not_null(m, "longitude 117.61 is outside the extent");
}

Test(geojson_check, wrong_type)
{
	char buf[256];
	const char *m = geo("{\"type\":\"LineString\",\"coordinates\":[[116.3,39.9],[116.4,39.9]]}",
	                    false, buf, sizeof(buf));
	cr_assert_not_null(m, "a LineString is not an area");
	m = geo(BEIJING_POLYGON, true, buf, sizeof(buf));
	cr_assert_not_null(m, "a Polygon is not a Point");
	m = geo("{\"type\":\"Point\",\"coordinates\":[116.4,39.9]}", false, buf, sizeof(buf));
	cr_assert_not_null(m, "a Point is not an area");
	m = geo("{\"coordinates\":[116.4,39.9]}", true, buf, sizeof(buf));
	cr_assert_not_null(m, "a geometry without type is invalid");
	m = geo("{\"type\":\"Point\"}", true, buf, sizeof(buf));
	cr_assert_not_null(m, "a geometry without coordinates is invalid");
	m = geo("[116.4,39.9]", true, buf, sizeof(buf));
	cr_assert_not_null(m, "a bare array is not a GeoJSON object");
	m = geo("{\"type\":\"Point\",\"coordinates\":[116.4,\"39.9\"]}", true, buf, sizeof(buf));
	cr_assert_not_null(m, "a string coordinate is invalid");
	m = geo("{\"type\":\"Point\",\"coordinates\":[116.4]}", true, buf, sizeof(buf));
	cr_assert_not_null(m, "a position needs two numbers");
}

Test(geojson_check, valid_point)
{
	char buf[256];
	const char *m =
	    geo("{\"type\":\"Point\",\"coordinates\":[116.397,39.909]}", true, buf, sizeof(buf));
	cr_assert_null(m, "Tiananmen is in Beijing, got: %s", m);
	m = geo("{\"type\":\"Point\",\"coordinates\":[116.397,39.909,44.5]}", true, buf,
	        sizeof(buf));
	cr_assert_null(m, "a position may carry an altitude, got: %s", m);
}

Test(geojson_check, extra_member)
{
	char buf[256];
	const char *m =
	    geo("{\"type\":\"Polygon\",\"properties\":{},\"coordinates\":[[[116.30,39.90],"
	        "[116.31,39.90],[116.31,39.91],[116.30,39.90]]]}",
	        false, buf, sizeof(buf));
	cr_assert_not_null(m, "a geometry with a properties member is rejected");
	cr_assert(strstr(m, "properties"), "message should name the member: %s", m);
}

Test(geojson_check, multipolygon)
{
	char buf[256];
	const char *m = geo("{\"type\":\"MultiPolygon\",\"coordinates\":["
	                    "[[[116.30,39.90],[116.31,39.90],[116.31,39.91],[116.30,39.90]]],"
	                    "[[[116.40,39.90],[116.41,39.90],[116.41,39.91],[116.40,39.90]]]]}",
	                    false, buf, sizeof(buf));
	cr_assert_null(m, "a MultiPolygon of two polygons in Beijing is valid, got: %s", m);
	m = geo("{\"type\":\"MultiPolygon\",\"coordinates\":["
	        "[[[116.30,39.90],[116.31,39.90],[116.31,39.91],[116.30,39.90]]],"
	        "[[[116.40,39.90],[116.41,39.90],[116.41,39.91],[116.40,39.95]]]]}",
	        false, buf, sizeof(buf));
	cr_assert_not_null(m, "an unclosed ring in the second polygon is invalid");
	m = geo("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", false, buf, sizeof(buf));
	cr_assert_not_null(m, "an empty MultiPolygon is invalid");
	m = geo("{\"type\":\"MultiPolygon\",\"coordinates\":[[[116.30,39.90],[116.31,39.90],"
	        "[116.31,39.91],[116.30,39.90]]]}",
	        false, buf, sizeof(buf));
	cr_assert_not_null(m, "Polygon coordinates under type MultiPolygon are invalid");
}

/* ---------------------------------------------------------------- record_validate: plots */

Test(record_validate, valid_plot_passes)
{
	json_t *out = expect_ok("plots", VALID_PLOT, "110105-2023-0012");
	cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "110105-2023-0012",
	                 "output carries the id");
	cr_assert_str_eq(json_string_value(json_object_get(out, "name")), "朝阳区某化工厂旧址",
	                 "output carries the name");
	cr_assert_eq(json_object_size(out), 16, "id and the 15 plot fields, got %zu",
	             json_object_size(out));
	json_t *p = json_object_get(out, "pollutants");
	cr_assert(json_is_array(p) && json_array_size(p) == 2, "pollutants copied");
	json_decref(out);
}

Test(record_validate, server_owned_fields_dropped)
{
	json_t *out =
	    expect_ok("plots",
	              "{\"id\":\"110105-2023-0012\",\"name\":\"某地块\",\"district\":\"110105\","
	              "\"status\":\"suspected\",\"planned_use\":\"R2\",\"publisher\":\"ecology\","
	              "\"version\":3,\"created_at\":\"2024-01-01T00:00:00Z\","
	              "\"updated_at\":\"2024-02-01T00:00:00Z\",\"land_class\":\"I\"}",
	              "110105-2023-0012");
	static const char *const owned[] = {"publisher", "version", "created_at", "updated_at",
	                                    "land_class"};
	for (size_t i = 0; i < 5; i++)
		cr_assert_null(json_object_get(out, owned[i]),
		               "server-owned field %s must be dropped from the output", owned[i]);
	cr_assert_eq(json_object_size(out), 5, "id, name, district, status, planned_use; got %zu",
	             json_object_size(out));
	json_decref(out);
}

Test(record_validate, id_from_path_when_body_has_none)
{
	json_t *out = expect_ok(
	    "plots", "{\"name\":\"某地块\",\"district\":\"110108\",\"status\":\"cleared\"}",
	    "110108-2024-0001");
	cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "110108-2024-0001",
	                 "id taken from the path");
	json_decref(out);
}

Test(record_validate, unknown_field_pointer)
{
	struct verror e = expect_error("plots",
	                               "{\"name\":\"某地块\",\"district\":\"110105\","
	                               "\"status\":\"suspected\",\"foo\":1}",
	                               "p1", "", "/foo");
	cr_assert(strstr(e.message, "unknown"), "message says unknown field: %s", e.message);
}

Test(record_validate, unknown_field_message_names_the_field)
{
	struct verror e = expect_error("plots",
	                               "{\"name\":\"某地块\",\"district\":\"110105\","
	                               "\"status\":\"suspected\",\"foo\":1}",
	                               "p1", "", "/foo");
	cr_assert(strstr(e.message, "\"foo\""), "message should name the field \"foo\": %s",
	          e.message);
	cr_assert(strstr(e.message, "plots"), "message should name the dataset: %s", e.message);
}

Test(record_validate, unknown_field_pointer_is_escaped)
{
	/* RFC 6901: '~' is written ~0 and '/' is written ~1 inside a reference token. */
	expect_error("plots",
	             "{\"name\":\"某地块\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"a/b~c\":1}",
	             "p1", "", "/a~1b~0c");
}

Test(record_validate, missing_required_field)
{
	struct verror e = expect_error(
	    "plots", "{\"district\":\"110105\",\"status\":\"suspected\"}", "p1", "", "/name");
	cr_assert(strstr(e.message, "required"), "message says required: %s", e.message);
	expect_error("plots", "{\"name\":\"x\",\"status\":\"suspected\"}", "p1", "", "/district");
	expect_error("plots", "{\"name\":\"x\",\"district\":\"110105\"}", "p1", "", "/status");
}

Test(record_validate, body_id_differs_from_path)
{
	struct verror e = expect_error("plots",
	                               "{\"id\":\"110105-2023-0013\",\"name\":\"x\","
	                               "\"district\":\"110105\",\"status\":\"suspected\"}",
	                               "110105-2023-0012", "", "/id");
	cr_assert(strstr(e.message, "110105-2023-0013") && strstr(e.message, "110105-2023-0012"),
	          "message names both ids: %s", e.message);
}

Test(record_validate, id_required_in_bulk_and_checked)
{
	struct verror e = expect_error(
	    "plots", "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\"}", NULL,
	    "/3", "/3/id");
	cr_assert(strstr(e.message, "required"), "bulk record without id: %s", e.message);
	expect_error(
	    "plots",
	    "{\"id\":\"a b\",\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\"}",
	    NULL, "", "/id");
	expect_error("plots",
	             "{\"id\":12,\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\"}",
	             NULL, "", "/id");
	expect_error("plots", "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\"}",
	             "a/b", "", "/id");
}

Test(record_validate, retired_district_names_replacement)
{
	struct verror e = expect_error(
	    "plots", "{\"name\":\"x\",\"district\":\"110103\",\"status\":\"suspected\"}", "p1", "",
	    "/district");
	cr_assert(strstr(e.message, "110101"), "message should give the replacement 110101: %s",
	          e.message);
	cr_assert(strstr(e.message, "2010"), "message should say when it was retired: %s",
	          e.message);
	cr_assert(strstr(e.message, "东城区"), "message should name the new district: %s",
	          e.message);
}

Test(record_validate, unknown_district)
{
	struct verror e = expect_error(
	    "plots", "{\"name\":\"x\",\"district\":\"110199\",\"status\":\"suspected\"}", "p1", "",
	    "/district");
	cr_assert(strstr(e.message, "110199"), "message quotes the bad code: %s", e.message);
	expect_error("plots", "{\"name\":\"x\",\"district\":\"朝阳区\",\"status\":\"suspected\"}",
	             "p1", "", "/district");
}

Test(record_validate, wrong_types)
{
	struct verror e =
	    expect_error("plots", "{\"name\":123,\"district\":\"110105\",\"status\":\"suspected\"}",
	                 "p1", "", "/name");
	cr_assert(strstr(e.message, "string"), "name must be a string: %s", e.message);
	e = expect_error("plots",
	                 "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	                 "\"area_m2\":\"12\"}",
	                 "p1", "", "/area_m2");
	cr_assert(strstr(e.message, "number"), "area_m2 must be a number: %s", e.message);
	expect_error("plots", "{\"name\":\"x\",\"district\":110105,\"status\":\"suspected\"}", "p1",
	             "", "/district");
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"pollutants\":\"As\"}",
	             "p1", "", "/pollutants");
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"geometry\":\"POLYGON((116 40))\"}",
	             "p1", "", "/geometry");
	expect_error("plots", "{\"name\":\"x\",\"district\":\"110105\",\"status\":true}", "p1", "",
	             "/status");
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"listed_on\":20230501}",
	             "p1", "", "/listed_on");
}

Test(record_validate, enum_date_land_use_values)
{
	struct verror e = expect_error(
	    "plots", "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"demolished\"}", "p1", "",
	    "/status");
	cr_assert(strstr(e.message, "suspected") && strstr(e.message, "closed"),
	          "message lists the states: %s", e.message);
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"listed_on\":\"2023-02-29\"}",
	             "p1", "", "/listed_on");
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"planned_use\":\"B1\"}",
	             "p1", "", "/planned_use");
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	             "\"current_use\":\"r2\"}",
	             "p1", "", "/current_use");
	expect_error("plots", "{\"name\":\"\",\"district\":\"110105\",\"status\":\"suspected\"}",
	             "p1", "", "/name");
}

Test(record_validate, enum_without_values_accepts_nothing)
{
	static const struct field fields[] = {{.name = "kind", .type = FT_ENUM}};
	const struct dataset ds = {.name = "things",
	                           .fields = fields,
	                           .n_fields = 1,
	                           .id_type = FT_KEY,
	                           .id_type_note = "the thing id"};
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J("{\"kind\":\"a\"}");
	json_t *out = record_validate(&ds, &ref, b, "t1", "", &errs);
	cr_assert_null(out, "an enum without values accepted a value");
	cr_assert_not_null(find_err(&errs, "/kind"), "no error at /kind (%zu errors)", errs.n);
	json_decref(b);
}

Test(record_validate, string_length_counts_characters)
{
	char body[2048], name[700];
	name[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(name, "地");
	snprintf(body, sizeof(body),
	         "{\"name\":\"%s\",\"district\":\"110105\",\"status\":\"suspected\"}", name);
	json_t *out = expect_ok("plots", body, "p1");
	json_decref(out);
	strcat(name, "地");
	snprintf(body, sizeof(body),
	         "{\"name\":\"%s\",\"district\":\"110105\",\"status\":\"suspected\"}", name);
	expect_error("plots", body, "p1", "", "/name");
}

Test(record_validate, negative_area)
{
	struct verror e = expect_error("plots",
	                               "{\"name\":\"x\",\"district\":\"110105\","
	                               "\"status\":\"suspected\",\"area_m2\":-1}",
	                               "p1", "", "/area_m2");
	cr_assert(strstr(e.message, "at least 0"), "message gives the minimum: %s", e.message);
	json_t *out = expect_ok(
	    "plots",
	    "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\",\"area_m2\":0}",
	    "p1");
	json_decref(out);
}

Test(record_validate, pollutants_duplicate_and_unknown)
{
	struct verror e =
	    expect_error("plots",
	                 "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"listed\","
	                 "\"pollutants\":[\"As\",\"Cd\",\"As\"]}",
	                 "p1", "", "/pollutants/2");
	cr_assert(strstr(e.message, "twice"), "duplicate pollutant: %s", e.message);
	e = expect_error("plots",
	                 "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"listed\","
	                 "\"pollutants\":[\"Xx\",\"Pb\"]}",
	                 "p1", "", "/pollutants/0");
	cr_assert(strstr(e.message, "Xx"), "unknown pollutant is quoted: %s", e.message);
	expect_error("plots",
	             "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"listed\","
	             "\"pollutants\":[\"As\",7]}",
	             "p1", "", "/pollutants/1");
	json_t *out = expect_ok("plots",
	                        "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"listed\","
	                        "\"pollutants\":[]}",
	                        "p1");
	json_decref(out);
}

Test(record_validate, prefix_prepended_to_pointers)
{
	expect_error("plots", "{\"id\":\"p1\",\"district\":\"110105\",\"status\":\"suspected\"}",
	             NULL, "/17", "/17/name");
	expect_error(
	    "plots",
	    "{\"id\":\"p1\",\"name\":\"x\",\"district\":\"110103\",\"status\":\"suspected\"}", NULL,
	    "/17", "/17/district");
	expect_error("plots",
	             "{\"id\":\"p1\",\"name\":\"x\",\"district\":\"110105\",\"status\":\"listed\","
	             "\"pollutants\":[\"As\",\"As\"]}",
	             NULL, "/17", "/17/pollutants/1");
	/* No error may be reported without the prefix. */
	const struct dataset *ds = dataset_find("plots");
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J("{\"id\":\"p 1\",\"name\":5,\"district\":\"x\",\"status\":\"y\"}");
	json_t *out = record_validate(ds, &ref, b, NULL, "/17", &errs);
	cr_assert_null(out, "invalid record");
	cr_assert_geq(errs.n, 4, "four errors expected, got %zu", errs.n);
	for (size_t i = 0; i < errs.n; i++)
		cr_assert(strncmp(errs.items[i].pointer, "/17/", 4) == 0,
		          "pointer %s lacks the prefix /17", errs.items[i].pointer);
	json_decref(b);
}

Test(record_validate, unknown_field_with_prefix)
{
	expect_error(
	    "plots",
	    "{\"id\":\"p1\",\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	    "\"foo\":1}",
	    NULL, "/17", "/17/foo");
}

Test(record_validate, null_optional_is_absent)
{
	json_t *out = expect_ok("plots",
	                        "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	                        "\"address\":null,\"geometry\":null,\"pollutants\":null,"
	                        "\"listed_on\":null,\"id\":null}",
	                        "p1");
	cr_assert_null(json_object_get(out, "address"), "a null optional field is left out");
	cr_assert_null(json_object_get(out, "geometry"), "a null geometry is left out");
	cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "p1",
	                 "a null body id means the path id");
	json_decref(out);
	/* A null required field is missing. */
	expect_error("plots", "{\"name\":null,\"district\":\"110105\",\"status\":\"suspected\"}",
	             "p1", "", "/name");
}

Test(record_validate, non_object_body)
{
	const struct dataset *ds = dataset_find("plots");
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J("[1,2]");
	json_t *out = record_validate(ds, &ref, b, "p1", "/4", &errs);
	cr_assert_null(out, "an array is not a record");
	cr_assert_eq(errs.n, 1, "one error");
	cr_assert_str_eq(errs.items[0].pointer, "/4", "pointer is the record itself");
	json_decref(b);
}

Test(record_validate, collects_every_error)
{
	const struct dataset *ds = dataset_find("plots");
	struct refdata ref;
	fixture_refdata(&ref);
	struct verrors errs = {0};
	json_t *b = J("{\"district\":\"110103\",\"status\":\"x\",\"area_m2\":-5,\"bar\":true}");
	json_t *out = record_validate(ds, &ref, b, "p1", "", &errs);
	cr_assert_null(out, "invalid record");
	static const char *const ptrs[] = {"/name", "/district", "/status", "/area_m2", "/bar"};
	for (size_t i = 0; i < 5; i++)
		cr_assert_not_null(find_err(&errs, ptrs[i]), "missing an error at %s", ptrs[i]);
	json_decref(b);
}

/* ---------------------------------------------------------------- record_validate: units */

#define VALID_UNIT                                                                                       \
	"{\"name\":\"北京某化工有限公司\",\"industry_code\":\"C2614\",\"district\":\"110108\"," \
	"\"address\":\"海淀区某路2号\",\"location\":{\"type\":\"Point\",\"coordinates\":[116.3,"   \
	"39.96]},"                                                                                       \
	"\"listed_year\":2023,\"obligations\":{\"hazard_check\":\"2023-06-30\","                         \
	"\"self_monitoring\":null,\"annual_report\":\"2024-01-31\"}}"

Test(record_validate, valid_supervised_unit)
{
	json_t *out = expect_ok("supervised-units", VALID_UNIT, "914403001922038216");
	cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "914403001922038216",
	                 "the USCC is the id");
	cr_assert_eq(json_integer_value(json_object_get(out, "listed_year")), 2023, "listed_year");
	cr_assert(json_is_object(json_object_get(out, "obligations")), "obligations kept");
	json_decref(out);
}

Test(record_validate, unit_id_must_be_uscc)
{
	struct verror e =
	    expect_error("supervised-units", VALID_UNIT, "914403001922038217", "", "/id");
	cr_assert(strstr(e.message, "credit code"), "message names the USCC: %s", e.message);
	expect_error("supervised-units", VALID_UNIT, "110105-2023-0012", "", "/id");
}

Test(record_validate, listed_year_bounds)
{
	static const struct {
		const char *year;
		bool ok;
	} cases[] = {{"1999", false},   {"2000", true},      {"2100", true},    {"2101", false},
	             {"2023.5", false}, {"\"2023\"", false}, {"2023.0", false}, {"-2023", false}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[512];
		snprintf(body, sizeof(body),
		         "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
		         "\"listed_year\":%s}",
		         cases[i].year);
		if (cases[i].ok) {
			json_t *out = expect_ok("supervised-units", body, "91110000100000000R");
			json_decref(out);
		} else {
			expect_error("supervised-units", body, "91110000100000000R", "",
			             "/listed_year");
		}
	}
}

Test(record_validate, obligations_unknown_key_and_bad_date)
{
	struct verror e = expect_error(
	    "supervised-units",
	    "{\"name\":\"x\",\"industry_code\":\"C2614\","
	    "\"district\":\"110108\",\"listed_year\":2023,"
	    "\"obligations\":{\"hazard_check\":\"2023-06-30\",\"foo\":\"2023-01-01\"}}",
	    "91110000100000000R", "", "/obligations/foo");
	cr_assert(strstr(e.message, "hazard_check"), "message lists the keys: %s", e.message);
	expect_error("supervised-units",
	             "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
	             "\"listed_year\":2023,\"obligations\":{\"annual_report\":\"2023-13-01\"}}",
	             "91110000100000000R", "", "/obligations/annual_report");
	expect_error("supervised-units",
	             "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
	             "\"listed_year\":2023,\"obligations\":[\"hazard_check\"]}",
	             "91110000100000000R", "", "/obligations");
	expect_error("supervised-units",
	             "{\"name\":\"x\",\"industry_code\":\"c2614\",\"district\":\"110108\","
	             "\"listed_year\":2023}",
	             "91110000100000000R", "", "/industry_code");
	expect_error(
	    "supervised-units",
	    "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
	    "\"listed_year\":2023,\"location\":{\"type\":\"Point\",\"coordinates\":[121.5,31.2]}}",
	    "91110000100000000R", "", "/location");
}

/* Whether s is UTF-8, by jansson's check. */
static bool utf8_text(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

#define WIDE20 "京京京京京京京京京京京京京京京京京京京京" /* 60 bytes */

Test(record_validate, member_pointers_escaped)
{
	/* Members of obligations and of a result are named as unknown fields are (RFC 6901). */
	expect_error("supervised-units",
	             "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
	             "\"listed_year\":2023,\"obligations\":{\"a/b~c\":null}}",
	             "91110000100000000R", "", "/obligations/a~1b~0c");
	expect_error("soil-samples",
	             "{\"plot_id\":\"a\",\"district\":\"110108\",\"sampled_on\":\"2024-01-01\","
	             "\"results\":[{\"pollutant\":\"Cd\",\"value\":1,\"unit\":\"mg/kg\","
	             "\"x/y\":1}]}",
	             "S-1", "", "/results/0/x~1y");
}

Test(record_validate, long_member_names_cut_between_characters)
{
	/* A cut inside a character made the pointer or message invalid UTF-8, and the 422
	 * body then listed no error at all. */
	struct verror e =
	    expect_error("supervised-units",
	                 "{\"name\":\"x\",\"industry_code\":\"C2614\",\"district\":\"110108\","
	                 "\"listed_year\":2023,\"obligations\":{\"" WIDE20 "\":null}}",
	                 "91110000100000000R", "", "/obligations/京京京京京京京京京京京京京京...");
	cr_assert(utf8_text(e.message), "message is UTF-8");
	e = expect_error("soil-samples",
	                 "{\"plot_id\":\"a\",\"district\":\"110108\",\"sampled_on\":"
	                 "\"2024-01-01\",\"results\":[{\"pollutant\":\"Cd\",\"value\":1,"
	                 "\"unit\":\"mg/kg\",\"" WIDE20 "\":1}]}",
	                 "S-1", "", "/results/0/京京京京京京京京京京京京京京...");
	e = expect_error("plots",
	                 "{\"name\":\"x\",\"district\":\"110108\",\"status\":\"listed\","
	                 "\"geometry\":{\"" WIDE20 "\":1}}",
	                 "P-1", "", "/geometry");
	cr_assert(utf8_text(e.message), "message is UTF-8: %s", e.message);
	cr_assert(strstr(e.message, "\"京京京京京京京京京京京京京\""), "13 whole characters: %s",
	          e.message);
}

/* ---------------------------------------------------------------- record_validate:
 * land-use-changes */

Test(record_validate, valid_land_use_change)
{
	json_t *out = expect_ok("land-use-changes",
	                        "{\"plot_id\":\"110105-2023-0012\",\"parcel\":\"朝阳区某地块\","
	                        "\"district\":\"110105\",\"from_use\":\"M1\",\"to_use\":\"A33\","
	                        "\"approved_on\":\"2024-02-29\",\"geometry\":" BEIJING_POLYGON "}",
	                        "京规自〔2024〕0012号");
	cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "京规自〔2024〕0012号",
	                 "approval number with 〔〕 is the id");
	cr_assert_str_eq(json_string_value(json_object_get(out, "to_use")), "A33", "to_use kept");
	json_decref(out);
	out = expect_ok(
	    "land-use-changes",
	    "{\"district\":\"110108\",\"to_use\":\"G1-C\",\"approved_on\":\"2024-01-02\"}",
	    "doc-1");
	cr_assert_null(json_object_get(out, "plot_id"), "plot_id is optional");
	json_decref(out);
}

Test(record_validate, land_use_change_errors)
{
	expect_error("land-use-changes",
	             "{\"plot_id\":\"a b\",\"district\":\"110105\",\"to_use\":\"R2\","
	             "\"approved_on\":\"2024-01-02\"}",
	             "doc-1", "", "/plot_id");
	expect_error("land-use-changes", "{\"district\":\"110105\",\"approved_on\":\"2024-01-02\"}",
	             "doc-1", "", "/to_use");
	expect_error("land-use-changes",
	             "{\"district\":\"110105\",\"to_use\":\"B1\",\"approved_on\":\"2024-01-02\"}",
	             "doc-1", "", "/to_use");
	expect_error("land-use-changes",
	             "{\"district\":\"110105\",\"to_use\":\"R2\",\"approved_on\":\"2023-02-29\"}",
	             "doc-1", "", "/approved_on");
	expect_error("land-use-changes",
	             "{\"district\":\"110105\",\"to_use\":\"R2\",\"approved_on\":\"2024-01-02\","
	             "\"status\":\"listed\"}",
	             "doc-1", "", "/status");
}

/* ---------------------------------------------------------------- verrors */

Test(verrors, capacity_counts_dropped)
{
	struct verrors errs = {0};
	for (int i = 0; i < 70; i++)
		verrors_add(&errs, "/x", "error %d", i);
	cr_assert_eq(errs.n, 64, "64 errors kept, got %zu", errs.n);
	cr_assert_eq(errs.dropped, 6, "6 errors dropped, got %zu", errs.dropped);
	cr_assert_str_eq(errs.items[63].message, "error 63", "last kept message");
}

Test(verrors, cut_text_stays_utf8)
{
	/* A pointer or message longer than its buffer loses the character the cut splits:
	 * records.c quotes ids of up to 192 bytes in messages of 256. */
	struct verrors errs = {0};
	char wide[301] = "";
	for (int i = 0; i < 5; i++)
		strcat(wide, WIDE20);
	verrors_add(&errs, wide, "x%s", wide);
	cr_assert(utf8_text(errs.items[0].pointer), "pointer is UTF-8");
	cr_assert_eq(strlen(errs.items[0].pointer), 126, "42 whole characters of 127 bytes");
	cr_assert(utf8_text(errs.items[0].message), "message is UTF-8");
	cr_assert_eq(strlen(errs.items[0].message), 253, "x and 84 whole characters of 255 bytes");
	verrors_add(&errs, "/a", "%s", "ab");
	cr_assert_str_eq(errs.items[1].message, "ab", "text that fits is kept whole");
}

/* A number near the top of the double range would be stored rounded above it and could not
 * be read back: numbers anywhere in a record are bounded, nested ones too. */
Test(validate, numbers_beyond_1e15_refused_at_any_depth)
{
	struct verror e = expect_error("plots",
	                               "{\"name\":\"x\",\"district\":\"110105\",\"status\":"
	                               "\"suspected\",\"area_m2\":1.7976931348623157e308}",
	                               "p1", "", "/area_m2");
	cr_assert(strstr(e.message, "1e+15"), "the message names the bound: %s", e.message);
	expect_error("effect-surveys",
	             "{\"year\":2024,\"district\":\"110105\",\"scope\":\"s\","
	             "\"indicators\":{\"a\":[1,{\"b\":-1e300}]}}",
	             "e1", "", "/indicators/a/1/b");
	json_t *out = expect_ok("effect-surveys",
	                        "{\"year\":2024,\"district\":\"110105\",\"scope\":\"s\","
	                        "\"indicators\":{\"a\":[1,{\"b\":-1e15}]}}",
	                        "e1");
	json_decref(out);
}

/* ---------------------------------------------------------------- record_validate:
 * land uses of either coding, and soil samples */

Test(refdata, land_uses_of_either_coding)
{
	struct refdata ref;
	fixture_refdata(&ref);
	cr_assert_str_eq(refdata_land_class(&ref, "R21"), "I", "GB 50137 by prefix");
	cr_assert_str_eq(refdata_land_class(&ref, "A33"), "I", "longest prefix wins over A");
	cr_assert_str_eq(refdata_land_class(&ref, "A1"), "II");
	cr_assert_str_eq(refdata_land_class(&ref, "0701"), "I", "用地用海 code");
	cr_assert_str_eq(refdata_land_class(&ref, "1001"), "II");
	cr_assert_not_null(refdata_land_use(&ref, "0103"), "farmland is a known use");
	cr_assert_null(refdata_land_class(&ref, "0103"), "but has no GB 36600 class");
	cr_assert_null(refdata_land_use(&ref, "070101"), "用地用海 codes are listed, not prefixes");
	cr_assert_null(refdata_land_use(&ref, "07"), "nor is a listed code a prefix of others");
	cr_assert_null(refdata_land_use(&ref, "B1"), "unlisted prefix");
}

Test(record_validate, land_use_codes_of_both_codings)
{
	json_t *out = expect_ok("plots",
	                        "{\"name\":\"x\",\"district\":\"110105\",\"status\":\"suspected\","
	                        "\"planned_use\":\"0701\",\"current_use\":\"M1\"}",
	                        "p1");
	json_decref(out);
	struct verror e = expect_error("plots",
	                               "{\"name\":\"x\",\"district\":\"110105\",\"status\":"
	                               "\"suspected\",\"planned_use\":\"0799\"}",
	                               "p1", "", "/planned_use");
	cr_assert(strstr(e.message, "用地用海") && strstr(e.message, "GB 50137"),
	          "the message names both codings: %s", e.message);
}

#define SAMPLE_HEAD "{\"district\":\"110108\",\"sampled_on\":\"2024-05-06\","

Test(record_validate, samples_name_exactly_one_site)
{
	json_t *out = expect_ok("soil-samples",
	                        SAMPLE_HEAD "\"supervised_unit_uscc\":\"91110000100000000R\","
	                                    "\"results\":[{\"pollutant\":\"As\",\"value\":1,"
	                                    "\"unit\":\"mg/kg\"}]}",
	                        "S-1");
	json_decref(out);
	struct verror e = expect_error(
	    "soil-samples",
	    SAMPLE_HEAD "\"results\":[{\"pollutant\":\"As\",\"value\":1,\"unit\":\"mg/kg\"}]}",
	    "S-1", "", "/plot_id");
	cr_assert(strstr(e.message, "plot_id, farmland_unit_id and supervised_unit_uscc (0 given)"),
	          "%s", e.message);
	e = expect_error("soil-samples",
	                 SAMPLE_HEAD "\"plot_id\":\"p\",\"supervised_unit_uscc\":"
	                             "\"91110000100000000R\",\"results\":[{\"pollutant\":\"As\","
	                             "\"value\":1,\"unit\":\"mg/kg\"}]}",
	                 "S-1", "", "/plot_id");
	cr_assert(strstr(e.message, "(2 given)"), "%s", e.message);
	expect_error("soil-samples",
	             SAMPLE_HEAD "\"supervised_unit_uscc\":\"91110000100000000X\",\"results\":[{"
	                         "\"pollutant\":\"As\",\"value\":1,\"unit\":\"mg/kg\"}]}",
	             "S-1", "", "/supervised_unit_uscc");
}

Test(record_validate, non_detects_and_micro_signs)
{
	/* 未检出 with its detection limit; µ (U+00B5) is stored as μ (U+03BC). */
	json_t *out =
	    expect_ok("soil-samples",
	              SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":["
	                          "{\"pollutant\":\"benzene\",\"below_detection\":true,"
	                          "\"detection_limit\":1.9,\"unit\":\"\xC2\xB5g/kg\"},"
	                          "{\"pollutant\":\"As\",\"below_detection\":false,\"value\":8.1,"
	                          "\"unit\":\"mg/kg\"},"
	                          "{\"pollutant\":\"Pb\",\"value\":20,\"unit\":\"\xCE\xBCg/kg\"}]}",
	              "S-1");
	json_t *results = json_object_get(out, "results");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(results, 0), "unit")),
	                 "\xCE\xBCg/kg", "the micro sign is stored as the Greek mu");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(results, 2), "unit")),
	                 "\xCE\xBCg/kg");
	cr_assert(json_is_true(json_object_get(json_array_get(results, 0), "below_detection")));
	json_decref(out);

	/* A non-detect without its limit, or with a value; a value with a limit. */
	struct verror e =
	    expect_error("soil-samples",
	                 SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"benzene\","
	                             "\"below_detection\":true,\"unit\":\"mg/kg\"}]}",
	                 "S-1", "", "/results/0/detection_limit");
	cr_assert(strstr(e.message, "detection limit"), "%s", e.message);
	expect_error("soil-samples",
	             SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"benzene\","
	                         "\"below_detection\":true,\"detection_limit\":1,\"value\":0,"
	                         "\"unit\":\"mg/kg\"}]}",
	             "S-1", "", "/results/0/value");
	expect_error("soil-samples",
	             SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"benzene\","
	                         "\"value\":2,\"detection_limit\":1,\"unit\":\"mg/kg\"}]}",
	             "S-1", "", "/results/0/detection_limit");
	expect_error("soil-samples",
	             SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"benzene\","
	                         "\"below_detection\":\"yes\",\"detection_limit\":1,"
	                         "\"unit\":\"mg/kg\"}]}",
	             "S-1", "", "/results/0/below_detection");
	e = expect_error("soil-samples",
	                 SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"As\","
	                             "\"value\":1,\"unit\":\"ug/kg\"}]}",
	                 "S-1", "", "/results/0/unit");
	cr_assert(strstr(e.message, "μg/kg"), "%s", e.message);
	expect_error("soil-samples",
	             SAMPLE_HEAD "\"plot_id\":\"p\",\"results\":[{\"pollutant\":\"Zn\","
	                         "\"value\":1,\"unit\":\"mg/kg\"}]}",
	             "S-1", "", "/results/0/pollutant");
}
