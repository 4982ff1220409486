/* The body of POST /v1/subscriptions, checked field by field. Pure. */
#include <stdio.h>
#include <string.h>

#include "datasets.h"
#include "utf8.h"
#include "webhooks.h"

#define DESCRIPTION_MAX 500 /* characters */
#define DATASETS_MAX    64

static void add_error(json_t *errors, const char *pointer, const char *message)
{
	json_array_append_new(errors,
	                      json_pack("{s:s, s:s}", "pointer", pointer, "message", message));
}

/* "/" and the member name as a JSON pointer reference token (RFC 6901: '~' as "~0", '/' as
 * "~1"), cut at 64 bytes of the name without splitting a character. */
static void member_pointer(const char *key, char *out, size_t size)
{
	int n = utf8_cut(key, 64);
	size_t o = 0;
	out[o++] = '/';
	for (int i = 0; i < n && o + 3 < size; i++) {
		if (key[i] == '~' || key[i] == '/') {
			out[o++] = '~';
			out[o++] = key[i] == '~' ? '0' : '1';
		} else {
			out[o++] = key[i];
		}
	}
	out[o] = '\0';
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void check_datasets(json_t *list, json_t *errors)
{
	if (!json_is_array(list)) {
		add_error(errors, "/datasets",
		          "datasets must be an array of dataset names, e.g. [\"plots\"]");
		return;
	}
	if (json_array_size(list) > DATASETS_MAX) {
		add_error(errors, "/datasets", "datasets names at most 64 datasets");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		char pointer[32], message[256];
		snprintf(pointer, sizeof(pointer), "/datasets/%zu", i);
		const char *name = json_string_value(v);
		if (!name) {
			add_error(errors, pointer, "each dataset must be a name (a string)");
			continue;
		}
		if (strcmp(name, "findings") == 0) {
			add_error(
			    errors, pointer,
			    "findings is not a dataset here: set \"findings\": true to be told "
			    "of findings");
			continue;
		}
		if (!dataset_exists(name)) {
			snprintf(message, sizeof(message),
			         "\"%.*s\" is not a dataset; GET /v1/datasets lists them",
			         utf8_cut(name, 64), name);
			add_error(errors, pointer, message);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (json_equal(json_array_get(list, j), v)) {
				snprintf(message, sizeof(message), "%s is named twice", name);
				add_error(errors, pointer, message);
				break;
			}
	}
}

int webhook_subscription_parse(json_t *body, struct webhook_subscription *out, json_t *errors)
{
	memset(out, 0, sizeof(*out));
	size_t before = json_array_size(errors);
	if (!json_is_object(body)) {
		add_error(errors, "",
		          "the body must be a JSON object: {\"url\", \"datasets\", \"findings\", "
		          "\"description\"}");
		return -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "url") && strcmp(key, "datasets") && strcmp(key, "findings") &&
		    strcmp(key, "description")) {
			char pointer[160];
			member_pointer(key, pointer, sizeof(pointer));
			add_error(errors, pointer,
			          "unknown field; a subscription takes url, datasets, findings and "
			          "description");
		}
	}
	json_t *url = json_object_get(body, "url");
	if (!url) {
		add_error(errors, "/url", "url is required: where the deliveries go");
	} else if (!json_is_string(url)) {
		add_error(errors, "/url", "url must be a string");
	} else {
		struct webhook_url parsed;
		char message[256];
		if (webhook_url_parse(json_string_value(url), &parsed, message, sizeof(message)) <
		    0)
			add_error(errors, "/url", message);
		else
			out->url = json_string_value(url);
	}
	json_t *names = json_object_get(body, "datasets");
	if (names)
		check_datasets(names, errors);
	json_t *findings = json_object_get(body, "findings");
	if (findings && !json_is_boolean(findings))
		add_error(errors, "/findings", "findings must be true or false");
	out->findings = json_is_true(findings);
	json_t *description = json_object_get(body, "description");
	if (description && !json_is_null(description)) {
		if (!json_is_string(description))
			add_error(errors, "/description", "description must be a string");
		else if (utf8_chars(json_string_value(description)) > DESCRIPTION_MAX)
			add_error(errors, "/description",
			          "description is longer than 500 characters");
		else
			out->description = json_string_value(description);
	}
	if (json_array_size(errors) == before && json_array_size(names) == 0 && !out->findings)
		add_error(errors, "/datasets",
		          "a subscription needs something to announce: name at least one dataset, "
		          "or set findings to true");
	out->datasets = json_is_array(names) ? names : NULL;
	return json_array_size(errors) == before ? 0 : -1;
}
