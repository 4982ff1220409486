/* Strict JSON parsing of request bodies and RFC 7396 merge patch. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"

int json_text_depth(const char *buf, size_t len, int max)
{
	int depth = 0, deepest = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest) {
				deepest = depth;
				if (deepest > max)
					return deepest;
			}
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return deepest;
}

json_t *json_parse_strict(const char *buf, size_t len, char *errbuf, size_t size)
{
	if (len == 0) {
		snprintf(errbuf, size, "the request body is empty; send a JSON document");
		return NULL;
	}
	if (json_text_depth(buf, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
		snprintf(errbuf, size, "JSON nesting is deeper than %d levels", JSON_MAX_DEPTH);
		return NULL;
	}
	json_error_t err;
	/* Any JSON value: a body that is valid JSON of the wrong type ("text", 123, null) is
	 * the caller's 422, not a 400 for malformed JSON. */
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!j) {
		snprintf(errbuf, size, "the body is not valid JSON: %s (line %d, column %d)",
		         err.text, err.line, err.column);
		return NULL;
	}
	return j;
}

json_t *json_merge_patch(json_t *target, json_t *patch)
{
	if (!json_is_object(patch))
		return json_incref(patch);
	if (!json_is_object(target))
		target = json_object();
	else
		json_incref(target);
	const char *key;
	json_t *value;
	json_object_foreach(patch, key, value)
	{
		if (json_is_null(value)) {
			json_object_del(target, key);
		} else {
			json_t *cur = json_object_get(target, key);
			json_t *merged = json_merge_patch(cur, value);
			json_object_set_new(target, key, merged);
		}
	}
	return target;
}
