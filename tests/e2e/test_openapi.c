/* The OpenAPI document and the server agree: routes, methods, publishers and filters. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "harness.h"

static json_t *load_doc(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/openapi/openapi.json", need_env("SOILSHARE_ROOT"));
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	cr_assert_not_null(doc, "%s: %s", path, err.text);
	return doc;
}

/* Expands a route pattern for one dataset into the document's path. */
static void expand(const char *pattern, const char *dataset, char *out, size_t size)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", pattern);
	char *p = strstr(tmp, "{dataset}");
	if (p) {
		*p = '\0';
		snprintf(out, size, "%s%s%s", tmp, dataset, p + 9);
	} else {
		snprintf(out, size, "%s", tmp);
	}
}

static void lower(const char *s, char *out)
{
	for (; *s; s++)
		*out++ = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	*out = '\0';
}

Test(openapi, every_route_is_documented_and_every_operation_routed)
{
	json_t *doc = load_doc();
	json_t *paths = json_object_get(doc, "paths");
	cr_assert(json_is_object(paths));
	size_t routed = 0;
	for (size_t i = 0; i < routes_count; i++) {
		bool per_dataset = strstr(routes[i].pattern, "{dataset}") != NULL;
		for (size_t d = 0; d < (per_dataset ? datasets_count : 1); d++) {
			char path[256], method[16];
			expand(routes[i].pattern, datasets[d]->name, path, sizeof(path));
			lower(http_method_name(routes[i].method), method);
			json_t *item = json_object_get(paths, path);
			cr_assert_not_null(item, "route %s is not in openapi.json", path);
			cr_assert_not_null(json_object_get(item, method), "%s %s is not documented",
			                   method, path);
			routed++;
		}
	}
	/* And the other way: each documented operation has a route. */
	size_t documented = 0;
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
	{
		const char *m;
		json_t *op;
		json_object_foreach(item, m, op)
		{
			if (strcmp(m, "parameters") == 0 || strcmp(m, "summary") == 0 ||
			    strcmp(m, "description") == 0)
				continue;
			documented++;
			bool found = false;
			for (size_t i = 0; i < routes_count && !found; i++) {
				char method[16];
				lower(http_method_name(routes[i].method), method);
				if (strcmp(method, m) != 0)
					continue;
				for (size_t d = 0; d < datasets_count && !found; d++) {
					char p[256];
					expand(routes[i].pattern, datasets[d]->name, p, sizeof(p));
					found = strcmp(p, path) == 0;
				}
			}
			cr_assert(found, "%s %s is documented but not routed", m, path);
		}
	}
	cr_assert_eq(documented, routed, "documented %zu operations, routed %zu", documented,
	             routed);
	json_decref(doc);
}

/* The record schema of a dataset: the one whose x-dataset names it. */
static json_t *schema_of(json_t *doc, const char *dataset)
{
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	const char *name;
	json_t *s;
	json_object_foreach(schemas, name, s)
	{
		const char *x = json_string_value(json_object_get(s, "x-dataset"));
		if (x && strcmp(x, dataset) == 0)
			return s;
	}
	return NULL;
}

static bool in_array(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

Test(openapi, record_schemas_match_the_descriptors)
{
	json_t *doc = load_doc();
	for (size_t d = 0; d < datasets_count; d++) {
		const struct dataset *ds = datasets[d];
		json_t *s = schema_of(doc, ds->name);
		cr_assert_not_null(s, "no schema with x-dataset %s", ds->name);
		json_t *props = json_object_get(s, "properties");
		json_t *required = json_object_get(s, "required");
		for (size_t i = 0; i < ds->n_fields; i++) {
			const struct field *f = &ds->fields[i];
			cr_assert_not_null(json_object_get(props, f->name),
			                   "%s.%s not in the schema", ds->name, f->name);
			cr_assert_eq(in_array(required, f->name), f->required,
			             "%s.%s required-ness differs", ds->name, f->name);
		}
		const char *prop;
		json_t *v;
		json_object_foreach(props, prop, v)
		{
			bool known = strcmp(prop, "id") == 0 || dataset_field(ds, prop) ||
			             field_is_server_owned(ds, prop);
			cr_assert(known, "schema property %s.%s is not in the descriptor", ds->name,
			          prop);
		}
		json_t *pubs = json_object_get(s, "x-publishers");
		size_t n = 0;
		for (const char *const *p = ds->publishers; *p; p++, n++)
			cr_assert(in_array(pubs, *p), "%s publisher %s", ds->name, *p);
		cr_assert_eq(json_array_size(pubs), n);
		json_t *filters = json_object_get(s, "x-filters");
		size_t nf = 0;
		for (size_t i = 0; i < ds->n_fields; i++)
			if (ds->fields[i].filter && strcmp(ds->fields[i].name, "district") != 0) {
				cr_assert(in_array(filters, ds->fields[i].name), "%s filter %s",
				          ds->name, ds->fields[i].name);
				nf++;
			}
		for (size_t i = 0; i < ds->n_derived; i++)
			if (ds->derived[i].filter) {
				cr_assert(in_array(filters, ds->derived[i].name));
				nf++;
			}
		cr_assert_eq(json_array_size(filters), nf, "%s x-filters count", ds->name);
	}
	json_decref(doc);
}
