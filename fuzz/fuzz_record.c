/* libFuzzer target: strict JSON parsing, the depth count, record validation and merge patch.
 *
 * The input's first line is "<dataset> [<path id>]": with a path id (UTF-8, as the router
 * lets through) the body is checked as a PUT or PATCH to that id, without one as record 0 of
 * a bulk write. Another name stands for one of the datasets all the same. The rest is the
 * body; when it holds a NUL byte, the part before is the stored record and the part after a
 * merge patch for it. */
#include <string.h>

#include "cursor.h"
#include "datasets.h"
#include "encoding.h"
#include "jsonutil.h"
#include "support.h"

#define BULK_PREFIX "/0"

static const struct dataset *pick_dataset(const char *name)
{
	const struct dataset *ds = dataset_find(name);
	return ds ? ds : datasets[fnv1a32(name, strlen(name), FNV1A32_INIT) % datasets_count];
}

/* Parses with the service's function and checks its depth limit against the tree. */
static json_t *parse(const char *buf, size_t len)
{
	int depth = json_text_depth(buf, len, JSON_MAX_DEPTH);
	FUZZ_CHECK(depth >= 0 && depth <= JSON_MAX_DEPTH + 1);
	char err[256];
	err[0] = '\0';
	json_t *j = json_parse_strict(buf, len, err, sizeof(err));
	if (!j) {
		FUZZ_CHECK(err[0] != '\0');
		return NULL;
	}
	/* On valid JSON the count on the raw bytes is exact. */
	FUZZ_CHECK(fuzz_json_depth(j) == depth);
	FUZZ_CHECK(depth <= JSON_MAX_DEPTH);
	return j;
}

static void check_errors(const struct verrors *errs, size_t before, const char *prefix)
{
	FUZZ_CHECK(errs->n + errs->dropped > before);
	for (size_t i = before; i < errs->n; i++) {
		const struct verror *e = &errs->items[i];
		FUZZ_CHECK(strncmp(e->pointer, prefix, strlen(prefix)) == 0);
		FUZZ_CHECK(e->pointer[0] == '\0' || e->pointer[0] == '/');
		FUZZ_CHECK(e->message[0] != '\0');
		/* Both go into a JSON problem body, which holds only UTF-8. */
		FUZZ_CHECK(fuzz_utf8_string(e->pointer));
		FUZZ_CHECK(fuzz_utf8_string(e->message));
	}
}

/* Validated data: the id and the dataset's own fields, no nulls, the required ones there. */
static void check_valid(const struct dataset *ds, json_t *out, const char *path_id)
{
	FUZZ_CHECK(json_is_object(out));
	const char *id = json_string_value(json_object_get(out, "id"));
	FUZZ_CHECK(id != NULL);
	FUZZ_CHECK(!path_id || strcmp(id, path_id) == 0);
	const char *key;
	json_t *v;
	json_object_foreach(out, key, v)
	{
		FUZZ_CHECK(strcmp(key, "id") == 0 || dataset_field(ds, key) != NULL);
		FUZZ_CHECK(!json_is_null(v));
	}
	for (size_t i = 0; i < ds->n_fields; i++)
		if (ds->fields[i].required)
			FUZZ_CHECK(json_object_get(out, ds->fields[i].name) != NULL);
}

/* Validates `body`; valid data must validate again to itself. Returns the data or NULL. */
static json_t *validate(const struct dataset *ds, json_t *body, const char *path_id)
{
	const char *prefix = path_id ? "" : BULK_PREFIX;
	struct verrors errs = {0};
	json_t *out = record_validate(ds, fuzz_refdata(), body, path_id, prefix, &errs);
	if (!out) {
		check_errors(&errs, 0, prefix);
		return NULL;
	}
	FUZZ_CHECK(errs.n == 0 && errs.dropped == 0);
	check_valid(ds, out, path_id);
	json_t *again = record_validate(ds, fuzz_refdata(), out, path_id, prefix, &errs);
	FUZZ_CHECK(again != NULL && errs.n == 0);
	FUZZ_CHECK(json_equal(again, out));
	json_decref(again);
	return out;
}

/* RFC 7396 on a copy of `target`: what the patch says is in the result, applying it twice
 * changes nothing, and the target's other members are kept. */
static json_t *merge(json_t *target, json_t *patch)
{
	json_t *copy = json_deep_copy(target);
	json_t *merged = json_merge_patch(copy, patch);
	json_decref(copy);
	FUZZ_CHECK(merged != NULL);
	if (!json_is_object(patch)) {
		FUZZ_CHECK(json_equal(merged, patch));
		return merged;
	}
	FUZZ_CHECK(json_is_object(merged));
	const char *key;
	json_t *v;
	json_object_foreach(patch, key, v)
	{
		json_t *m = json_object_get(merged, key);
		if (json_is_null(v))
			FUZZ_CHECK(m == NULL);
		else if (!json_is_object(v))
			FUZZ_CHECK(m != NULL && json_equal(m, v));
		else
			FUZZ_CHECK(json_is_object(m));
	}
	if (json_is_object(target)) {
		json_object_foreach(target, key, v)
		{
			if (!json_object_get(patch, key))
				FUZZ_CHECK(json_equal(json_object_get(merged, key), v));
		}
	}
	json_t *copy2 = json_deep_copy(merged);
	json_t *twice = json_merge_patch(copy2, patch);
	json_decref(copy2);
	FUZZ_CHECK(json_equal(twice, merged));
	json_decref(twice);
	return merged;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	char *header = fuzz_cstring(data, (size_t)(nl - data));
	char *path_id = strchr(header, ' ');
	if (path_id)
		*path_id++ = '\0';
	if (path_id && !fuzz_utf8_string(path_id))
		path_id = NULL; /* the router answers 404 to a path that is not UTF-8 */
	const struct dataset *ds = pick_dataset(header);

	const char *body = (const char *)nl + 1;
	size_t len = size - (size_t)(nl - data) - 1;
	const char *nul = memchr(body, '\0', len);
	size_t body_len = nul ? (size_t)(nul - body) : len;

	json_t *doc = parse(body, body_len);
	json_t *valid = doc ? validate(ds, doc, path_id) : NULL;
	json_decref(valid);
	if (doc && nul) {
		json_t *patch = parse(nul + 1, len - body_len - 1);
		if (patch) {
			json_t *merged = merge(doc, patch);
			json_decref(validate(ds, merged, path_id));
			json_decref(merged);
			json_decref(patch);
		}
	}
	json_decref(doc);
	free(header);
	return 0;
}
