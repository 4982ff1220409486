/* The OpenAPI 3.0 document of /ogc, generated from the collections and their filters, and the
 * page that tells people how to connect GDAL and QGIS: GET /ogc/api and /ogc/api.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "internal.h"
#include "strbuf.h"

/* What does not depend on the collections: the fixed paths, the parameters, the schemas. */
static const char skeleton[] =
    "{\n"
    " \"openapi\": \"3.0.3\",\n"
    " \"info\": {\"title\": \"soilshare OGC API – Features\", \"version\": \"1.0.0\", "
    "\"description\": \"The collections of the Beijing soil pollution data service (each dataset "
    "with a geometry, and the 风险管控和修复名录) as OGC API – Features Part 1 (Core, GeoJSON, "
    "OpenAPI 3.0) and Part 2 (CRS: CRS84, the default, and EPSG:4490). Every request needs an "
    "agency's API key in the header Authorization: Bearer <key>.\"},\n"
    " \"servers\": [],\n"
    " \"security\": [{\"bearerAuth\": []}],\n"
    " \"tags\": [{\"name\": \"Capabilities\", \"description\": \"What the service offers\"}, "
    "{\"name\": \"Data\", \"description\": \"The features\"}],\n"
    " \"paths\": {\n"
    "  \"/\": {\"get\": {\"operationId\": \"getLandingPage\", \"summary\": \"The landing page\", "
    "\"tags\": [\"Capabilities\"], \"responses\": {\"200\": {\"description\": \"Links to the API "
    "definition, the conformance classes and the collections.\", \"content\": "
    "{\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/LandingPage\"}}}}, "
    "\"400\": {\"$ref\": \"#/components/responses/Problem\"}, \"401\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/conformance\": {\"get\": {\"operationId\": \"getConformance\", \"summary\": \"The "
    "conformance classes implemented\", \"tags\": [\"Capabilities\"], \"responses\": {\"200\": "
    "{\"description\": \"The conformance classes.\", \"content\": {\"application/json\": "
    "{\"schema\": {\"$ref\": \"#/components/schemas/ConfClasses\"}}}}, \"401\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/api\": {\"get\": {\"operationId\": \"getApi\", \"summary\": \"This document (OpenAPI "
    "3.0)\", \"tags\": [\"Capabilities\"], \"responses\": {\"200\": {\"description\": \"The API "
    "definition.\", \"content\": {\"application/vnd.oai.openapi+json;version=3.0\": {\"schema\": "
    "{\"type\": \"object\"}}}}, \"400\": {\"$ref\": \"#/components/responses/Problem\"}, \"401\": "
    "{\"$ref\": \"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/api.html\": {\"get\": {\"operationId\": \"getApiPage\", \"summary\": \"How to connect "
    "GDAL and QGIS\", \"tags\": [\"Capabilities\"], \"responses\": {\"200\": {\"description\": \"A "
    "page for people.\", \"content\": {\"text/html\": {\"schema\": {\"type\": \"string\"}}}}, "
    "\"400\": {\"$ref\": \"#/components/responses/Problem\"}, \"401\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/collections\": {\"get\": {\"operationId\": \"getCollections\", \"summary\": \"The "
    "collections\", \"tags\": [\"Capabilities\"], \"responses\": {\"200\": {\"description\": "
    "\"Every collection.\", \"content\": {\"application/json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/Collections\"}}}}, \"400\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"401\": {\"$ref\": \"#/components/responses/Problem\"}, "
    "\"429\": {\"$ref\": \"#/components/responses/Problem\"}}}},\n"
    "  \"/collections/{collectionId}\": {\"get\": {\"operationId\": \"describeCollection\", "
    "\"summary\": \"One collection\", \"tags\": [\"Capabilities\"], \"parameters\": [{\"$ref\": "
    "\"#/components/parameters/collectionId\"}], \"responses\": {\"200\": {\"description\": \"The "
    "collection.\", \"content\": {\"application/json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/Collection\"}}}}, \"400\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"401\": {\"$ref\": \"#/components/responses/Problem\"}, "
    "\"404\": {\"$ref\": \"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/collections/{collectionId}/schema\": {\"get\": {\"operationId\": "
    "\"getCollectionSchema\", \"summary\": \"The JSON Schema of a collection's features\", "
    "\"tags\": [\"Capabilities\"], \"parameters\": [{\"$ref\": "
    "\"#/components/parameters/collectionId\"}], \"responses\": {\"200\": {\"description\": \"The "
    "schema (JSON Schema 2019-09).\", \"content\": {\"application/schema+json\": {\"schema\": "
    "{\"type\": \"object\"}}}}, \"400\": {\"$ref\": \"#/components/responses/Problem\"}, \"401\": "
    "{\"$ref\": \"#/components/responses/Problem\"}, \"404\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}},\n"
    "  \"/collections/{collectionId}/items/{featureId}\": {\"get\": {\"operationId\": "
    "\"getFeature\", \"summary\": \"One feature\", \"tags\": [\"Data\"], \"parameters\": "
    "[{\"$ref\": \"#/components/parameters/collectionId\"}, {\"$ref\": "
    "\"#/components/parameters/featureId\"}, {\"$ref\": \"#/components/parameters/crs\"}, "
    "{\"$ref\": \"#/components/parameters/f\"}], \"responses\": {\"200\": {\"description\": \"The "
    "feature.\", \"headers\": {\"Content-Crs\": {\"$ref\": \"#/components/headers/Content-Crs\"}}, "
    "\"content\": {\"application/geo+json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/FeatureGeoJSON\"}}, \"application/json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/FeatureGeoJSON\"}}}}, \"400\": {\"$ref\": "
    "\"#/components/responses/Problem\"}, \"401\": {\"$ref\": \"#/components/responses/Problem\"}, "
    "\"404\": {\"$ref\": \"#/components/responses/Problem\"}, \"429\": {\"$ref\": "
    "\"#/components/responses/Problem\"}}}}\n"
    " },\n"
    " \"components\": {\n"
    "  \"securitySchemes\": {\n"
    "   \"bearerAuth\": {\"type\": \"http\", \"scheme\": \"bearer\", \"description\": \"An "
    "agency's API key: Authorization: Bearer <key>.\"}\n"
    "  },\n"
    "  \"parameters\": {\n"
    "   \"collectionId\": {\"name\": \"collectionId\", \"in\": \"path\", \"required\": true, "
    "\"description\": \"The collection: a dataset with a geometry, or the directory.\", "
    "\"schema\": {\"type\": \"string\", \"enum\": []}},\n"
    "   \"featureId\": {\"name\": \"featureId\", \"in\": \"path\", \"required\": true, "
    "\"description\": \"The record's id.\", \"schema\": {\"type\": \"string\"}},\n"
    "   \"crs\": {\"name\": \"crs\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"The CRS of the coordinates in the response (see Content-Crs); EPSG:4490 "
    "puts latitude first.\", \"schema\": {\"type\": \"string\", \"format\": \"uri\", \"enum\": "
    "[\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\", "
    "\"http://www.opengis.net/def/crs/EPSG/0/4490\"], \"default\": "
    "\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\"}},\n"
    "   \"f\": {\"name\": \"f\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"geojson (application/geo+json, the default) or json (the same body as "
    "application/json).\", \"schema\": {\"type\": \"string\", \"enum\": [\"geojson\", \"json\"], "
    "\"default\": \"geojson\"}}\n"
    "  },\n"
    "  \"headers\": {\n"
    "   \"Content-Crs\": {\"description\": \"The CRS of the coordinates, as a URI in angle "
    "brackets.\", \"schema\": {\"type\": \"string\"}}\n"
    "  },\n"
    "  \"responses\": {\n"
    "   \"Problem\": {\"description\": \"An error (RFC 9457), with a detail that says what to "
    "do.\", \"content\": {\"application/problem+json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/Problem\"}}}}\n"
    "  },\n"
    "  \"schemas\": {\n"
    "   \"Link\": {\"type\": \"object\", \"required\": [\"href\", \"rel\"], \"properties\": "
    "{\"href\": {\"type\": \"string\", \"format\": \"uri\"}, \"rel\": {\"type\": \"string\"}, "
    "\"type\": {\"type\": \"string\"}, \"title\": {\"type\": \"string\"}}},\n"
    "   \"LandingPage\": {\"type\": \"object\", \"required\": [\"links\"], \"properties\": "
    "{\"title\": {\"type\": \"string\"}, \"description\": {\"type\": \"string\"}, \"links\": "
    "{\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Link\"}}}},\n"
    "   \"ConfClasses\": {\"type\": \"object\", \"required\": [\"conformsTo\"], \"properties\": "
    "{\"conformsTo\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}},\n"
    "   \"Collection\": {\"type\": \"object\", \"required\": [\"id\", \"links\"], \"properties\": "
    "{\"id\": {\"type\": \"string\"}, \"title\": {\"type\": \"string\"}, \"description\": "
    "{\"type\": \"string\"}, \"itemType\": {\"type\": \"string\"}, \"extent\": {\"type\": "
    "\"object\", \"properties\": {\"spatial\": {\"type\": \"object\", \"properties\": {\"bbox\": "
    "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"minItems\": 4, \"maxItems\": 6, "
    "\"items\": {\"type\": \"number\"}}}, \"crs\": {\"type\": \"string\"}}}}}, \"crs\": {\"type\": "
    "\"array\", \"items\": {\"type\": \"string\"}}, \"storageCrs\": {\"type\": \"string\"}, "
    "\"links\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/components/schemas/Link\"}}}},\n"
    "   \"Collections\": {\"type\": \"object\", \"required\": [\"links\", \"collections\"], "
    "\"properties\": {\"links\": {\"type\": \"array\", \"items\": {\"$ref\": "
    "\"#/components/schemas/Link\"}}, \"collections\": {\"type\": \"array\", \"items\": {\"$ref\": "
    "\"#/components/schemas/Collection\"}}}},\n"
    "   \"GeometryGeoJSON\": {\"type\": \"object\", \"required\": [\"type\"], \"properties\": "
    "{\"type\": {\"type\": \"string\", \"enum\": [\"Point\", \"MultiPoint\", \"LineString\", "
    "\"MultiLineString\", \"Polygon\", \"MultiPolygon\", \"GeometryCollection\"]}, "
    "\"coordinates\": {\"type\": \"array\", \"items\": {}}, \"geometries\": {\"type\": \"array\", "
    "\"items\": {\"$ref\": \"#/components/schemas/GeometryGeoJSON\"}}}},\n"
    "   \"FeatureGeoJSON\": {\"type\": \"object\", \"required\": [\"type\", \"geometry\", "
    "\"properties\"], \"properties\": {\"type\": {\"type\": \"string\", \"enum\": [\"Feature\"]}, "
    "\"id\": {\"type\": \"string\"}, \"geometry\": {\"type\": \"object\", \"nullable\": true, "
    "\"allOf\": [{\"$ref\": \"#/components/schemas/GeometryGeoJSON\"}]}, \"properties\": "
    "{\"type\": \"object\", \"nullable\": true}, \"links\": {\"type\": \"array\", \"items\": "
    "{\"$ref\": \"#/components/schemas/Link\"}}}},\n"
    "   \"FeatureCollectionGeoJSON\": {\"type\": \"object\", \"required\": [\"type\", "
    "\"features\"], \"properties\": {\"type\": {\"type\": \"string\", \"enum\": "
    "[\"FeatureCollection\"]}, \"features\": {\"type\": \"array\", \"items\": {\"$ref\": "
    "\"#/components/schemas/FeatureGeoJSON\"}}, \"links\": {\"type\": \"array\", \"items\": "
    "{\"$ref\": \"#/components/schemas/Link\"}}, \"timeStamp\": {\"type\": \"string\", \"format\": "
    "\"date-time\"}, \"numberMatched\": {\"type\": \"integer\", \"minimum\": 0}, "
    "\"numberReturned\": {\"type\": \"integer\", \"minimum\": 0}}},\n"
    "   \"Problem\": {\"type\": \"object\", \"properties\": {\"type\": {\"type\": \"string\"}, "
    "\"title\": {\"type\": \"string\"}, \"status\": {\"type\": \"integer\"}, \"detail\": "
    "{\"type\": \"string\"}, \"instance\": {\"type\": \"string\"}, \"request_id\": {\"type\": "
    "\"string\"}}}\n"
    "  }\n"
    " }\n"
    "}\n";

/* The parameters every collection's items take, inline in each (GDAL reads limit there). */
static const char items_parameters[] =
    "[\n"
    " {\"name\": \"limit\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    ""
    "\"schema\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000, \"default\": 100}},\n"
    " {\"name\": \"bbox\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Keeps the features whose geometry intersects the box: "
    "minlon,minlat,maxlon,maxlat in CRS84, or minlat,minlon,maxlat,maxlon with bbox-crs EPSG:4490 "
    "(six numbers with heights are taken too).\", \"schema\": {\"type\": \"array\", \"minItems\": "
    "4, \"maxItems\": 6, \"items\": {\"type\": \"number\"}}},\n"
    " {\"name\": \"bbox-crs\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"The CRS of bbox.\", \"schema\": {\"type\": \"string\", \"format\": "
    "\"uri\", \"enum\": [\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\", "
    "\"http://www.opengis.net/def/crs/EPSG/0/4490\"], \"default\": "
    "\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\"}},\n"
    " {\"name\": \"crs\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"The CRS of the coordinates in the response (see Content-Crs); EPSG:4490 "
    "puts latitude first.\", \"schema\": {\"type\": \"string\", \"format\": \"uri\", \"enum\": "
    "[\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\", "
    "\"http://www.opengis.net/def/crs/EPSG/0/4490\"], \"default\": "
    "\"http://www.opengis.net/def/crs/OGC/1.3/CRS84\"}},\n"
    " {\"name\": \"datetime\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Keeps the features whose updated_at is this RFC 3339 instant or lies in "
    "the interval start/end (both included; .. for an open end).\", \"schema\": {\"type\": "
    "\"string\"}},\n"
    " {\"name\": \"cursor\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Where a page starts: each page's next link carries it; it holds only with "
    "the same bbox, datetime and filters.\", \"schema\": {\"type\": \"string\"}},\n"
    " {\"name\": \"f\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"geojson (application/geo+json, the default) or json (the same body as "
    "application/json).\", \"schema\": {\"type\": \"string\", \"enum\": [\"geojson\", \"json\"], "
    "\"default\": \"geojson\"}},\n"
    " {\"name\": \"district\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Keeps the features of these districts (codes of /v1/districts, "
    "comma-separated).\", \"schema\": {\"type\": \"array\", \"minItems\": 1, \"items\": {\"type\": "
    "\"string\", \"pattern\": \"^[0-9]{6}$\"}}},\n"
    " {\"name\": \"publisher\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Keeps the features these agencies published (comma-separated).\", "
    "\"schema\": {\"type\": \"array\", \"minItems\": 1, \"items\": {\"type\": \"string\"}}},\n"
    " {\"name\": \"updated_since\", \"in\": \"query\", \"style\": \"form\", \"explode\": false, "
    "\"description\": \"Keeps the features updated at or after this RFC 3339 time.\", \"schema\": "
    "{\"type\": \"string\", \"format\": \"date-time\"}}\n"
    "]\n";

/* GET /collections/<id>/items, but for its operationId, summary and parameters. */
static const char items_operation[] = "{"
                                      "\"tags\": ["
                                      "\"Data\""
                                      "],"
                                      "\"responses\": {"
                                      "\"200\": {"
                                      "\"description\": \"A page of features.\","
                                      "\"headers\": {"
                                      "\"Content-Crs\": {"
                                      "\"$ref\": \"#/components/headers/Content-Crs\""
                                      "}"
                                      "},"
                                      "\"content\": {"
                                      "\"application/geo+json\": {"
                                      "\"schema\": {"
                                      "\"$ref\": \"#/components/schemas/FeatureCollectionGeoJSON\""
                                      "}"
                                      "},"
                                      "\"application/json\": {"
                                      "\"schema\": {"
                                      "\"$ref\": \"#/components/schemas/FeatureCollectionGeoJSON\""
                                      "}"
                                      "}"
                                      "}"
                                      "},"
                                      "\"400\": {"
                                      "\"$ref\": \"#/components/responses/Problem\""
                                      "},"
                                      "\"401\": {"
                                      "\"$ref\": \"#/components/responses/Problem\""
                                      "},"
                                      "\"404\": {"
                                      "\"$ref\": \"#/components/responses/Problem\""
                                      "},"
                                      "\"429\": {"
                                      "\"$ref\": \"#/components/responses/Problem\""
                                      "}"
                                      "}"
                                      "}";

/* The schema of one value of a filter field. */
static json_t *value_schema(const struct field *f)
{
	switch (f->type) {
	case FT_INTEGER:
		return json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum",
		                 (json_int_t)f->min, "maximum", (json_int_t)f->max);
	case FT_BOOLEAN:
		return json_pack("{s:s}", "type", "boolean");
	case FT_ENUM: {
		json_t *values = json_array();
		for (const char *const *v = f->values; v && *v; v++)
			json_array_append_new(values, json_string(*v));
		return json_pack("{s:s, s:o}", "type", "string", "enum", values);
	}
	case FT_MONTH:
		return json_pack("{s:s, s:s}", "type", "string", "pattern", "^[0-9]{4}-[0-9]{2}$");
	default:
		return json_pack("{s:s}", "type", "string");
	}
}

/* A filter of the collection's own: any of comma-separated values, as the /v1 list takes it. */
static json_t *filter_param(const struct field *f)
{
	char description[256];
	snprintf(description, sizeof(description),
	         "Keeps the features whose %s is one of these values (comma-separated).", f->name);
	json_t *schema =
	    json_pack("{s:s, s:i, s:o}", "type", "array", "minItems", 1, "items", value_schema(f));
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:o}", "name", f->name, "in", "query", "style",
	                 "form", "explode", 0, "description", description, "schema", schema);
}

/* The items of one collection: the parameters every collection takes, then its filters. */
static json_t *items_path(const struct dataset *c)
{
	json_t *list = json_loads(items_parameters, 0, NULL);
	json_t *op = json_loads(items_operation, 0, NULL);
	if (!list || !op) {
		json_decref(list);
		json_decref(op);
		return NULL;
	}
	json_t *limit = json_object_get(json_array_get(list, 0), "schema");
	json_object_set_new(limit, "maximum", json_integer(LIST_LIMIT_MAX));
	json_object_set_new(limit, "default", json_integer(LIST_LIMIT_DEFAULT));
	for (size_t i = 0; i < c->n_fields; i++)
		if (c->fields[i].filter && strcmp(c->fields[i].name, "district") != 0)
			json_array_append_new(list, filter_param(&c->fields[i]));
	for (size_t i = 0; i < c->n_derived; i++)
		if (c->derived[i].filter)
			json_array_append_new(list, filter_param(&c->derived[i]));
	char id[96], summary[256];
	snprintf(id, sizeof(id), "getItems_%s", c->name);
	for (char *p = id; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(summary, sizeof(summary), "The features of %s (%s)", c->name, c->title_zh);
	json_object_set_new(op, "operationId", json_string(id));
	json_object_set_new(op, "summary", json_string(summary));
	json_object_set_new(op, "parameters", list);
	return json_pack("{s:o}", "get", op);
}

char *ogc_openapi_document(const char *base, size_t *len)
{
	json_t *doc = json_loads(skeleton, 0, NULL);
	if (!doc)
		return NULL;
	json_array_append_new(json_object_get(doc, "servers"), json_pack("{s:s}", "url", base));
	json_t *params = json_object_get(json_object_get(doc, "components"), "parameters");
	json_t *ids = json_object_get(
	    json_object_get(json_object_get(params, "collectionId"), "schema"), "enum");
	json_t *paths = json_object_get(doc, "paths");
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/collections/%s/items", c->name);
		json_array_append_new(ids, json_string(c->name));
		json_object_set_new(paths, path, items_path(c));
	}
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (text && len)
		*len = strlen(text);
	return text;
}

/* Text for HTML: the characters that could end an element or attribute, escaped. */
static void add_html(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			strbuf_adds(sb, "&lt;");
			break;
		case '>':
			strbuf_adds(sb, "&gt;");
			break;
		case '&':
			strbuf_adds(sb, "&amp;");
			break;
		case '"':
			strbuf_adds(sb, "&quot;");
			break;
		default:
			strbuf_addc(sb, *s);
		}
	}
}

char *ogc_api_page(const char *base, size_t *len)
{
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_adds(&sb,
	            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<title>soilshare OGC API – Features</title>\n</head>\n<body>\n"
	            "<h1>soilshare OGC API – Features</h1>\n<p>北京市土壤污染信息共享: the "
	            "collections below, for GIS clients, at <code>");
	add_html(&sb, base);
	strbuf_adds(&sb, "</code>. Every request needs your agency's API key in the header "
	                 "<code>Authorization: Bearer &lt;key&gt;</code>; the key never goes in "
	                 "a URL. Coordinates are in CRS84 (WGS 84 longitude, latitude) unless you "
	                 "ask for <code>crs=" OGC_EPSG4490_URI "</code> (CGCS2000, latitude "
	                 "first). The API definition is <a href=\"");
	add_html(&sb, base);
	strbuf_adds(&sb, "/api\">OpenAPI 3.0</a>.</p>\n<h2>Collections</h2>\n<table>\n"
	                 "<tr><th>id</th><th>title</th><th>items</th></tr>\n");
	const struct dataset *c;
	for (size_t i = 0; (c = ogc_collection(i)) != NULL; i++) {
		strbuf_adds(&sb, "<tr><td><code>");
		add_html(&sb, c->name);
		strbuf_adds(&sb, "</code></td><td>");
		add_html(&sb, c->title_zh);
		strbuf_adds(&sb, " / ");
		add_html(&sb, c->title_en);
		strbuf_adds(&sb, "</td><td><code>");
		add_html(&sb, base);
		strbuf_adds(&sb, "/collections/");
		add_html(&sb, c->name);
		strbuf_adds(&sb, "/items</code></td></tr>\n");
	}
	strbuf_adds(&sb, "</table>\n<h2>GDAL (ogrinfo, ogr2ogr)</h2>\n<pre>export "
	                 "GDAL_HTTP_HEADERS=\"Authorization: Bearer $KEY\"\nogrinfo OAPIF:");
	add_html(&sb, base);
	strbuf_adds(&sb, "\nogrinfo -al -so OAPIF:");
	add_html(&sb, base);
	strbuf_adds(&sb, " plots\nogr2ogr -f GPKG plots.gpkg OAPIF:");
	add_html(&sb, base);
	strbuf_adds(&sb, " plots</pre>\n<h2>QGIS</h2>\n<ol>\n"
	                 "<li>Layer → Add Layer → Add WFS / OGC API – Features Layer.</li>\n"
	                 "<li>New connection: URL <code>");
	add_html(&sb, base);
	strbuf_adds(&sb, "</code>, version <em>OGC API - Features</em>.</li>\n"
	                 "<li>Authentication: a new configuration of the type <em>API Header</em> "
	                 "with the header <code>Authorization</code> and the value "
	                 "<code>Bearer &lt;key&gt;</code>.</li>\n"
	                 "<li>Connect, choose the collections and add them.</li>\n</ol>\n"
	                 "</body>\n</html>\n");
	return strbuf_detach(&sb, len);
}

void handle_ogc_api(struct request *req)
{
	const char *base = ogc_base(req);
	if (!base)
		return;
	size_t len;
	char *doc = ogc_openapi_document(base, &len);
	if (!doc) {
		problem(req, 500, "internal", "Internal Server Error",
		        "the API definition could not be written");
		return;
	}
	respond_owned(req, 200, "application/vnd.oai.openapi+json;version=3.0", doc, len, NULL);
}

void handle_ogc_api_html(struct request *req)
{
	const char *base = ogc_base(req);
	if (!base)
		return;
	size_t len;
	char *page = ogc_api_page(base, &len);
	respond_owned(req, 200, "text/html; charset=utf-8", page, len,
	              "Content-Security-Policy: default-src 'none'\n"
	              "X-Content-Type-Options: nosniff");
}
