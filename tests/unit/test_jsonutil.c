/* Unit tests of strict JSON parsing, merge patch and JSON for HTML in server/util/jsonutil.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"

static json_t *J(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
	cr_assert_not_null(j, "test JSON does not parse: %s (%s)", err.text, text);
	return j;
}

static json_t *parse(const char *text, char *err, size_t size)
{
	err[0] = '\0';
	return json_parse_strict(text, strlen(text), err, size);
}

/* "[[...1...]]" nested `depth` deep (arrays), or objects {"a":...} when `objects`. */
static char *nested(int depth, bool objects)
{
	size_t cap = (size_t)depth * 8 + 16, n = 0;
	char *s = malloc(cap);
	cr_assert_not_null(s, "malloc");
	for (int i = 0; i < depth; i++) {
		if (objects) {
			memcpy(s + n, "{\"a\":", 5);
			n += 5;
		} else {
			s[n++] = '[';
		}
	}
	s[n++] = '1';
	for (int i = 0; i < depth; i++)
		s[n++] = objects ? '}' : ']';
	s[n] = '\0';
	return s;
}

Test(json_parse_strict, accepts_a_plain_object)
{
	char err[256];
	json_t *j = parse("{\"name\":\"朝阳\",\"n\":[1,2,{\"x\":null}]}", err, sizeof(err));
	cr_assert_not_null(j, "valid JSON rejected: %s", err);
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "朝阳", "value parsed");
	json_decref(j);
}

Test(json_parse_strict, duplicate_keys_rejected)
{
	char err[256];
	json_t *j = parse("{\"a\":1,\"a\":2}", err, sizeof(err));
	cr_assert_null(j, "duplicate top-level keys accepted");
	cr_assert_neq(err[0], '\0', "a message is given");
	j = parse("{\"a\":{\"b\":1,\"c\":2,\"b\":3}}", err, sizeof(err));
	cr_assert_null(j, "duplicate nested keys accepted");
	j = parse("[{\"a\":1},{\"a\":2}]", err, sizeof(err));
	cr_assert_not_null(j, "the same key in two objects is fine: %s", err);
	json_decref(j);
}

Test(json_parse_strict, depth_64_ok_65_rejected)
{
	char err[256];
	char *s = nested(64, false);
	json_t *j = parse(s, err, sizeof(err));
	cr_assert_not_null(j, "64 nested arrays are allowed: %s", err);
	json_decref(j);
	free(s);

	s = nested(65, false);
	j = parse(s, err, sizeof(err));
	cr_assert_null(j, "65 nested arrays are too deep");
	cr_assert(strstr(err, "64"), "message gives the limit: %s", err);
	free(s);

	s = nested(64, true);
	j = parse(s, err, sizeof(err));
	cr_assert_not_null(j, "64 nested objects are allowed: %s", err);
	json_decref(j);
	free(s);

	s = nested(65, true);
	j = parse(s, err, sizeof(err));
	cr_assert_null(j, "65 nested objects are too deep");
	free(s);

	s = nested(5000, false);
	j = parse(s, err, sizeof(err));
	cr_assert_null(j, "very deep nesting is rejected without crashing");
	free(s);
}

Test(json_parse_strict, invalid_utf8_rejected)
{
	char err[256];
	cr_assert_null(parse("{\"a\":\"\xff\"}", err, sizeof(err)), "byte 0xFF");
	cr_assert_null(parse("{\"a\":\"\xc0\xaf\"}", err, sizeof(err)), "overlong encoding");
	cr_assert_null(parse("{\"a\":\"\xed\xa0\x80\"}", err, sizeof(err)), "UTF-16 surrogate");
	cr_assert_null(parse("{\"\xe5\x9c\":1}", err, sizeof(err)), "truncated sequence in a key");
	cr_assert_null(parse("{\"a\":\"\\u0000\"}", err, sizeof(err)), "an escaped NUL");
}

Test(json_parse_strict, empty_body)
{
	char err[256] = "";
	json_t *j = json_parse_strict("", 0, err, sizeof(err));
	cr_assert_null(j, "an empty body is not JSON");
	cr_assert(strstr(err, "empty"), "message says empty: %s", err);
	j = parse("   ", err, sizeof(err));
	cr_assert_null(j, "whitespace only is not JSON");
}

Test(json_parse_strict, trailing_garbage)
{
	char err[256];
	cr_assert_null(parse("{} x", err, sizeof(err)), "text after the value");
	cr_assert_null(parse("{}{}", err, sizeof(err)), "two documents");
	cr_assert_null(parse("[1,2]]", err, sizeof(err)), "an extra bracket");
	cr_assert_null(parse("{\"a\":1,}", err, sizeof(err)), "a trailing comma");
	json_t *j = parse("{}\n", err, sizeof(err));
	cr_assert_not_null(j, "trailing whitespace is fine: %s", err);
	json_decref(j);
}

Test(json_parse_strict, length_is_respected)
{
	char err[256];
	const char *text = "{\"a\":1}garbage";
	json_t *j = json_parse_strict(text, 7, err, sizeof(err));
	cr_assert_not_null(j, "only the first 7 bytes are the body: %s", err);
	json_decref(j);
}

Test(json_text_depth, counts_nesting)
{
	cr_assert_eq(json_text_depth("1", 1, 64), 0, "a scalar has depth 0");
	cr_assert_eq(json_text_depth("{}", 2, 64), 1, "an object has depth 1");
	cr_assert_eq(json_text_depth("[[],{\"a\":[1]}]", 14, 64), 3, "deepest branch counts");
}

Test(json_text_depth, brackets_inside_strings_ignored)
{
	const char *t = "[\"[[[{{{\"]";
	cr_assert_eq(json_text_depth(t, strlen(t), 64), 1, "brackets in a string: %s", t);
	t = "[\"a\\\"[[[\"]"; /* ["a\"[[["] */
	cr_assert_eq(json_text_depth(t, strlen(t), 64), 1,
	             "escaped quote keeps the string open: %s", t);
	t = "[\"\\\\\",[1]]"; /* ["\\",[1]] : the string ends after an escaped backslash */
	cr_assert_eq(json_text_depth(t, strlen(t), 64), 2, "escaped backslash closes: %s", t);
	t = "{\"k[\":\"}]\",\"v\":[[2]]}";
	cr_assert_eq(json_text_depth(t, strlen(t), 64), 3, "keys and values with brackets: %s", t);
}

Test(json_text_depth, stops_past_max)
{
	char *s = nested(1000, false);
	int d = json_text_depth(s, strlen(s), 64);
	cr_assert_gt(d, 64, "reports more than max, got %d", d);
	cr_assert_leq(d, 1000, "never more than the text holds, got %d", d);
	free(s);
}

Test(json_parse_strict, deep_brackets_in_string_are_not_depth)
{
	char err[256];
	char text[512] = "{\"a\":\"";
	for (int i = 0; i < 100; i++)
		strcat(text, "[");
	strcat(text, "\"}");
	json_t *j = parse(text, err, sizeof(err));
	cr_assert_not_null(j, "100 '[' inside a string are not nesting: %s", err);
	json_decref(j);
}

/* ---------------------------------------------------------------- merge patch */

static void merge_case(const char *target, const char *patch, const char *want)
{
	json_t *t = J(target), *p = J(patch), *w = J(want);
	json_t *r = json_merge_patch(t, p);
	cr_assert_not_null(r, "merge of %s with %s returned NULL", target, patch);
	char *got = json_dumps(r, JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_COMPACT);
	cr_assert(json_equal(r, w), "merge %s + %s: want %s, got %s", target, patch, want, got);
	free(got);
	json_decref(r);
	json_decref(t);
	json_decref(p);
	json_decref(w);
}

Test(json_merge_patch, rfc7396_appendix_a)
{
	merge_case("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	merge_case("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	merge_case("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	merge_case("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	merge_case("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	merge_case("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	merge_case("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
	           "{\"a\":{\"b\":\"d\"}}");
	merge_case("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	merge_case("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
	merge_case("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
	merge_case("{\"a\":\"foo\"}", "null", "null");
	merge_case("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"");
	merge_case("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
	merge_case("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
	merge_case("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}

Test(json_merge_patch, rfc7396_section3_example)
{
	merge_case(
	    "{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
	    "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
	    "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\","
	    "\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
	    "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
	    "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}");
}

Test(json_merge_patch, object_target_modified_in_place)
{
	json_t *t = J("{\"a\":1,\"b\":{\"c\":2}}"), *p = J("{\"b\":{\"d\":3},\"a\":null}");
	json_t *r = json_merge_patch(t, p);
	cr_assert_eq(r, t, "an object target is patched in place");
	cr_assert_null(json_object_get(t, "a"), "a removed");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(t, "b"), "d")), 3,
	             "b.d added");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(t, "b"), "c")), 2,
	             "b.c kept");
	json_decref(r);
	cr_assert_eq(t->refcount, 1, "the result was a new reference, target back to 1");
	json_decref(t);
	json_decref(p);
}

Test(json_merge_patch, patch_not_modified_and_not_aliased)
{
	json_t *t = J("{}"), *p = J("{\"a\":{\"b\":1}}");
	json_t *r = json_merge_patch(t, p);
	json_object_set_new(json_object_get(r, "a"), "x", json_true());
	cr_assert_null(json_object_get(json_object_get(p, "a"), "x"),
	               "changing the result must not change the patch");
	json_decref(r);
	json_decref(t);
	json_decref(p);
}

Test(json_dumps_html, escapes_what_an_html_parser_would_act_on)
{
	json_t *v =
	    json_pack("{s:s}", "tiles", "https://t.example/{z}/{x}/{y}.png?a=1&b=</script><!--");
	char *text = json_dumps_html(v);
	cr_assert_str_eq(text,
	                 "{\"tiles\":\"https://t.example/{z}/{x}/{y}.png?a=1\\u0026b=\\u003c/"
	                 "script\\u003e\\u003c!--\"}",
	                 "got %s", text);
	json_error_t err;
	json_t *back = json_loads(text, 0, &err);
	cr_assert(json_equal(back, v), "the escaped text decodes to the same value");
	json_decref(back);
	json_decref(v);
	free(text);
}

Test(json_dumps_html, plain_values_unchanged)
{
	json_t *v = json_pack("{s:n, s:s}", "tiles", "name", "名录");
	char *text = json_dumps_html(v);
	cr_assert_str_eq(text, "{\"tiles\":null,\"name\":\"名录\"}", "got %s", text);
	json_decref(v);
	free(text);
}
