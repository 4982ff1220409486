/* The JSON Schema of a collection's features, from the dataset registry: GET
 * /ogc/collections/{collectionId}/schema. GIS clients type their fields from it rather than
 * from the first page, which may lack a field or hold only whole numbers where others do not. */
#include <string.h>

#include "api.h"
#include "internal.h"
#include "listpage.h"

/* The directory's properties, in the order DIRECTORY_ITEM writes them, typed as in plots. */
static const char *const directory_properties[] = {
    "name",        "district",   "address",           "status",
    "listed_on",   "pollutants", "responsible_party", "area_m2",
    "planned_use", "land_class", "updated_at",        NULL};

/* The schema of a field's value. */
static json_t *value_schema(const struct field *f)
{
	switch (f->type) {
	case FT_NUMBER:
		return json_pack("{s:s}", "type", "number");
	case FT_INTEGER:
		return json_pack("{s:s}", "type", "integer");
	case FT_BOOLEAN:
		return json_pack("{s:s}", "type", "boolean");
	case FT_DATE:
		return json_pack("{s:s, s:s}", "type", "string", "format", "date");
	case FT_POLLUTANTS:
		return json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "string");
	case FT_RESULTS:
		return json_pack("{s:s, s:{s:s}}", "type", "array", "items", "type", "object");
	case FT_DATES:
	case FT_OBJECT:
	case FT_AREA:
	case FT_POINT:
		return json_pack("{s:s}", "type", "object");
	case FT_ENUM: {
		json_t *values = json_array();
		for (const char *const *v = f->values; v && *v; v++)
			json_array_append_new(values, json_string(*v));
		return json_pack("{s:s, s:o}", "type", "string", "enum", values);
	}
	default:
		return json_pack("{s:s}", "type", "string");
	}
}

/* A property of the records of `ds`: a field, a derived field or a server-owned one; NULL
 * when `name` is none of them. */
static json_t *property_schema(const struct dataset *ds, const char *name)
{
	if (strcmp(name, "publisher") == 0)
		return json_pack("{s:s}", "type", "string");
	if (strcmp(name, "version") == 0)
		return json_pack("{s:s}", "type", "integer");
	if (strcmp(name, "created_at") == 0 || strcmp(name, "updated_at") == 0)
		return json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
	const struct field *f = dataset_field(ds, name);
	for (size_t i = 0; !f && i < ds->n_derived; i++)
		if (strcmp(ds->derived[i].name, name) == 0)
			f = &ds->derived[i];
	return f ? value_schema(f) : NULL;
}

/* The properties of a feature of collection `c`: all but the id and the geometry. */
static json_t *feature_properties(const struct dataset *c)
{
	json_t *props = json_object();
	if (c == &directory_filters) {
		const struct dataset *plots = dataset_find("plots");
		for (const char *const *n = directory_properties; plots && *n; n++)
			json_object_set_new(props, *n, property_schema(plots, *n));
		return props;
	}
	static const char *const owned[] = {"publisher", "version", "created_at", "updated_at"};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		json_object_set_new(props, owned[i], property_schema(c, owned[i]));
	const struct field *g = dataset_geometry(c);
	for (size_t i = 0; i < c->n_fields; i++)
		if (&c->fields[i] != g)
			json_object_set_new(props, c->fields[i].name, value_schema(&c->fields[i]));
	/* Fields PostgreSQL derives (a dataset without a derive hook) may have another shape than
	 * their descriptor's filter type (a sample's exceedances are objects): only a list of
	 * pollutant codes is typed; /openapi.json describes the rest. */
	for (size_t i = 0; i < c->n_derived; i++) {
		const struct field *d = &c->derived[i];
		json_object_set_new(
		    props, d->name,
		    c->derive || d->type == FT_POLLUTANTS
		        ? value_schema(d)
		        : json_pack("{s:s}", "description",
		                    "derived by the server; /openapi.json describes it"));
	}
	return props;
}

void handle_ogc_schema(struct request *req)
{
	const struct dataset *c = ogc_collection_or_404(req);
	const char *base = c ? ogc_base(req) : NULL;
	if (!base)
		return;
	const struct field *g = dataset_geometry(c);
	json_t *schema = json_pack(
	    "{s:s, s:s, s:s, s:s, s:[s, s, s], s:{s:{s:s, s:[s]}, s:{s:s}, s:{s:s, s:s}, "
	    "s:{s:s, s:o}}}",
	    "$schema", "https://json-schema.org/draft/2019-09/schema", "$id",
	    arena_printf(&req->arena, "%s/collections/%s/schema", base, c->name), "title",
	    arena_printf(&req->arena, "%s / %s", c->title_zh, c->title_en), "type", "object",
	    "required", "type", "geometry", "properties", "properties", "type", "type", "string",
	    "enum", "Feature", "id", "type", "string", "geometry", "type", "object", "description",
	    g && g->type == FT_POINT ? "a GeoJSON Point" : "a GeoJSON Polygon or MultiPolygon",
	    "properties", "type", "object", "properties", feature_properties(c));
	if (!schema) {
		problem(req, 500, "internal", "Internal Server Error",
		        "the schema could not be written");
		return;
	}
	char *text = json_dumps(schema, JSON_INDENT(2));
	json_decref(schema);
	respond_owned(req, 200, "application/schema+json", text, strlen(text), NULL);
}
