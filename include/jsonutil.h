/* JSON helpers for untrusted bodies: strict parsing with a depth limit, merge patch; and JSON
 * text to place in an HTML page. Pure. */
#ifndef SOILSHARE_JSONUTIL_H
#define SOILSHARE_JSONUTIL_H

#include <jansson.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 64

/* Parses a whole body: UTF-8, no duplicate keys, nesting depth <= JSON_MAX_DEPTH
 * (the top-level value is depth 1). Returns NULL with a message in errbuf. */
json_t *json_parse_strict(const char *buf, size_t len, char *errbuf, size_t size);

/* Nesting depth of a JSON text, counted on the raw bytes; stops counting past `max`. */
int json_text_depth(const char *buf, size_t len, int max);

/* RFC 7396: applies `patch` to `target` and returns a new reference to the result.
 * An object `target` is modified in place; a non-object patch replaces it. */
json_t *json_merge_patch(json_t *target, json_t *patch);

/* `json` as compact JSON text that can stand inside an HTML <script> element: '<', '>' and
 * '&' written as \u escapes. Returns a malloc'd string, or NULL when out of memory. */
char *json_dumps_html(const json_t *json);

#endif
