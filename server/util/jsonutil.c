/* Strict JSON parsing of request bodies, RFC 7396 merge patch, and JSON text for HTML. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

char *json_dumps_html(const json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return NULL;
	size_t specials = 0, len = 0;
	for (; text[len]; len++)
		specials += strchr("<>&", text[len]) != NULL;
	char *out = malloc(len + 5 * specials + 1);
	if (!out) {
		free(text);
		return NULL;
	}
	/* Outside strings JSON has none of these characters, so escaping every one keeps the
	 * value and leaves no "</script>" or "<!--" for an HTML parser to act on. */
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&') {
			memcpy(o, "\\u00", 4);
			o[4] = hex[*p >> 4];
			o[5] = hex[*p & 15];
			o += 6;
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	free(text);
	return out;
}
