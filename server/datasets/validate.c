/* Validation of untrusted records against their dataset descriptor. Pure: no I/O. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "datasets.h"
#include "lifecycle.h"
#include "utf8.h"

#define BEIJING_LON_MIN 115.4
#define BEIJING_LON_MAX 117.6
#define BEIJING_LAT_MIN 39.4
#define BEIJING_LAT_MAX 41.1
#define MAX_VERTICES    100000

/* After snprintf cut `s`: drops the last character when the cut split it in two, so that
 * the text stays UTF-8 (a problem body cannot carry anything else). */
static void drop_split_character(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	unsigned cp;
	if (i > 0 && utf8_next((const unsigned char *)s + i - 1, n - i + 1, &cp) == 0)
		s[i - 1] = '\0';
}

void verrors_add(struct verrors *e, const char *pointer, const char *fmt, ...)
{
	if (e->n == sizeof(e->items) / sizeof(e->items[0])) {
		e->dropped++;
		return;
	}
	struct verror *v = &e->items[e->n++];
	if ((size_t)snprintf(v->pointer, sizeof(v->pointer), "%s", pointer) >= sizeof(v->pointer))
		drop_split_character(v->pointer);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= sizeof(v->message))
		drop_split_character(v->message);
}

static bool key_char(unsigned c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '(' || c == ')' || c == 0x3014 ||
	       c == 0x3015 || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF);
}

bool key_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), chars = 0;
	bool only_dots = true;
	while (n > 0) {
		unsigned cp;
		size_t l = utf8_next(p, n, &cp);
		if (l == 0 || !key_char(cp))
			return false;
		only_dots = only_dots && cp == '.';
		p += l;
		n -= l;
		chars++;
	}
	/* "." and ".." would be dot segments in a URL, which clients remove. */
	return chars >= 1 && chars <= 64 && !only_dots;
}

static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

bool uscc_valid(const char *s)
{
	static const int weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
	                                29, 25, 13, 8,  24, 10, 30, 28};
	if (strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 18; i++) {
		const char *p = s[i] ? strchr(uscc_charset, s[i]) : NULL;
		if (!p)
			return false;
		if (i < 17)
			sum += (int)(p - uscc_charset) * weights[i];
		else
			return (int)(p - uscc_charset) == (31 - sum % 31) % 31;
	}
	return false;
}

bool date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

bool month_valid(const char *s)
{
	char date[16];
	if (strlen(s) != 7)
		return false;
	snprintf(date, sizeof(date), "%s-01", s);
	return date_valid(date);
}

bool industry_code_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 5 || s[0] < 'A' || s[0] > 'T')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool land_use_syntax_valid(const char *s)
{
	size_t n = strlen(s);
	if (s[0] >= '0' && s[0] <= '9') { /* 用地用海: 2, 4 or 6 digits */
		for (size_t i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
		return n == 2 || n == 4 || n == 6;
	}
	if (n >= 2 && strcmp(s + n - 2, "-C") == 0)
		n -= 2;
	if (n < 1 || n > 4 || s[0] < 'A' || s[0] > 'Z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Checks one [lon, lat] position. */
static const char *position_check(json_t *pos, char *buf, size_t size)
{
	if (!json_is_array(pos) || json_array_size(pos) < 2 || json_array_size(pos) > 3)
		return "a position must be an array [longitude, latitude]";
	for (size_t i = 0; i < json_array_size(pos); i++)
		if (!json_is_number(json_array_get(pos, i)))
			return "coordinates must be numbers";
	double lon = json_number_value(json_array_get(pos, 0));
	double lat = json_number_value(json_array_get(pos, 1));
	if (!(lon >= BEIJING_LON_MIN && lon <= BEIJING_LON_MAX && lat >= BEIJING_LAT_MIN &&
	      lat <= BEIJING_LAT_MAX)) {
		snprintf(buf, size,
		         "position [%.6f, %.6f] is outside Beijing (longitude 115.4 to 117.6, "
		         "latitude 39.4 to 41.1; WGS 84 / CGCS2000 degrees, longitude first)",
		         lon, lat);
		return buf;
	}
	return NULL;
}

static bool positions_equal(json_t *a, json_t *b)
{
	return json_number_value(json_array_get(a, 0)) == json_number_value(json_array_get(b, 0)) &&
	       json_number_value(json_array_get(a, 1)) == json_number_value(json_array_get(b, 1));
}

static const char *polygon_check(json_t *rings, size_t *vertices, char *buf, size_t size)
{
	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return "a polygon must be a non-empty array of linear rings";
	size_t i;
	json_t *ring;
	json_array_foreach(rings, i, ring)
	{
		if (!json_is_array(ring) || json_array_size(ring) < 4)
			return "a linear ring must be an array of at least 4 positions";
		*vertices += json_array_size(ring);
		if (*vertices > MAX_VERTICES)
			return "a geometry may have at most 100000 vertices";
		size_t j;
		json_t *pos;
		json_array_foreach(ring, j, pos)
		{
			const char *m = position_check(pos, buf, size);
			if (m)
				return m;
		}
		if (!positions_equal(json_array_get(ring, 0),
		                     json_array_get(ring, json_array_size(ring) - 1)))
			return "a linear ring must be closed: its last position must equal its "
			       "first";
	}
	return NULL;
}

const char *geojson_check(json_t *g, bool point, char *buf, size_t size)
{
	if (!json_is_object(g))
		return point ? "must be a GeoJSON Point object"
		             : "must be a GeoJSON Polygon or MultiPolygon object";
	const char *key;
	json_t *v;
	json_object_foreach(g, key, v)
	{
		if (strcmp(key, "type") != 0 && strcmp(key, "coordinates") != 0 &&
		    strcmp(key, "bbox") != 0) {
			snprintf(buf, size, "unexpected member \"%.*s\" in a GeoJSON geometry",
			         utf8_cut(key, 40), key);
			return buf;
		}
	}
	const char *type = json_string_value(json_object_get(g, "type"));
	json_t *coords = json_object_get(g, "coordinates");
	if (!type)
		return "a GeoJSON geometry needs a \"type\"";
	if (!coords)
		return "a GeoJSON geometry needs \"coordinates\"";
	if (point) {
		if (strcmp(type, "Point") != 0)
			return "must be a GeoJSON Point";
		return position_check(coords, buf, size);
	}
	size_t vertices = 0;
	if (strcmp(type, "Polygon") == 0)
		return polygon_check(coords, &vertices, buf, size);
	if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(coords) || json_array_size(coords) == 0)
			return "a MultiPolygon must be a non-empty array of polygons";
		size_t i;
		json_t *poly;
		json_array_foreach(coords, i, poly)
		{
			const char *m = polygon_check(poly, &vertices, buf, size);
			if (m)
				return m;
		}
		return NULL;
	}
	return "must be a GeoJSON Polygon or MultiPolygon";
}

/* Short printable excerpt of a string value for messages. */
static const char *excerpt(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (n < size) {
		return s;
	}
	/* Cut at a UTF-8 boundary. */
	size_t cut = size - 4;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	snprintf(buf, size, "%.*s...", (int)cut, s);
	return buf;
}

/* A JSON pointer reference token (RFC 6901): '~' as "~0", '/' as "~1". */
static void pointer_token(const char *s, char *out, size_t size)
{
	size_t o = 0;
	for (; *s && o + 3 < size; s++) {
		if (*s == '~' || *s == '/') {
			out[o++] = '~';
			out[o++] = *s == '~' ? '0' : '1';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* `ptr` and then the member `key` as a reference token, shortened when long. */
static void member_pointer(const char *ptr, const char *key, char *out, size_t size)
{
	char ex[48], token[100];
	pointer_token(excerpt(key, ex, sizeof(ex)), token, sizeof(token));
	snprintf(out, size, "%.58s/%s", ptr, token);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void check_string_value(const struct field *f, const struct refdata *ref, const char *s,
                               const char *ptr, struct verrors *errs)
{
	char ex[64], buf[256];
	const char *shown = excerpt(s, ex, sizeof(ex));
	switch (f->type) {
	case FT_STRING:
		if (s[0] == '\0')
			verrors_add(errs, ptr, "must not be empty");
		else if (utf8_chars(s) > f->max_len)
			verrors_add(errs, ptr, "must be at most %zu characters", f->max_len);
		break;
	case FT_KEY:
		if (!key_valid(s))
			verrors_add(errs, ptr,
			            "\"%s\" is not a valid id: 1 to 64 letters (Chinese allowed), "
			            "digits or - _ . 〔 〕 ( ), not dots alone",
			            shown);
		break;
	case FT_USCC:
		if (!uscc_valid(s))
			verrors_add(
			    errs, ptr,
			    "\"%s\" is not a valid unified social credit code (18 characters "
			    "of 0-9 and A-Y without I O S V Z, with the GB 32100 check digit)",
			    shown);
		break;
	case FT_DISTRICT: {
		const struct ref_retired *r = refdata_retired(ref, s);
		if (r) {
			const struct ref_district *now = refdata_district(ref, r->replaced_by);
			verrors_add(errs, ptr,
			            "district code %s (%s) was retired in %d; use %s (%s)", r->code,
			            r->name_zh, r->retired_in, r->replaced_by,
			            now ? now->name_zh : "?");
		} else if (!refdata_district(ref, s)) {
			verrors_add(errs, ptr,
			            "\"%s\" is not a Beijing district code; see GET /v1/districts "
			            "(e.g. 110105 for Chaoyang)",
			            shown);
		}
		break;
	}
	case FT_DATE:
		if (!date_valid(s))
			verrors_add(errs, ptr, "\"%s\" is not a calendar date YYYY-MM-DD", shown);
		break;
	case FT_ENUM: {
		/* An enum without values (a descriptor mistake) accepts nothing. */
		for (const char *const *v = f->values; v && *v; v++)
			if (strcmp(*v, s) == 0)
				return;
		size_t used = 0;
		buf[0] = '\0';
		for (const char *const *v = f->values; v && *v && used < sizeof(buf) - 1; v++) {
			int n =
			    snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", *v);
			if (n < 0)
				break;
			used += (size_t)n;
		}
		verrors_add(errs, ptr, "\"%s\" is not one of: %s", shown, buf);
		break;
	}
	case FT_LAND_USE:
		if (!land_use_syntax_valid(s) || !refdata_land_use(ref, s))
			verrors_add(
			    errs, ptr,
			    "\"%s\" is not a land-use code: give a GB 50137 code (e.g. R2, "
			    "A33, B1, M1, G1-C) or a 用地用海 code of the 2023 classification "
			    "(e.g. 0701, 080403, 1001)",
			    shown);
		break;
	case FT_MONTH:
		if (!month_valid(s))
			verrors_add(errs, ptr, "\"%s\" is not a month YYYY-MM", shown);
		break;
	case FT_INDUSTRY:
		if (!industry_code_valid(s))
			verrors_add(
			    errs, ptr,
			    "\"%s\" is not a GB/T 4754 industry code with its section letter "
			    "(e.g. C2614)",
			    shown);
		break;
	default:
		break;
	}
}

#define MAX_RESULTS 200

/* "µg/kg" with the micro sign U+00B5, which most keyboards type; stored as U+03BC. */
#define UNIT_MICRO_SIGN "\xC2\xB5g/kg"
#define UNIT_MICRO      "\xCE\xBCg/kg"

/* One result: {pollutant, value, unit} measured, or {pollutant, below_detection: true,
 * detection_limit, unit} below the detection limit (未检出). */
static void check_result(const struct field *f, const struct refdata *ref, json_t *v, size_t i,
                         json_t *item, const char *ip, struct verrors *errs)
{
	char mp[192];
	const char *key;
	json_t *m;
	json_object_foreach(item, key, m)
	{
		if (strcmp(key, "pollutant") && strcmp(key, "value") && strcmp(key, "unit") &&
		    strcmp(key, "below_detection") && strcmp(key, "detection_limit")) {
			member_pointer(ip, key, mp, sizeof(mp));
			verrors_add(errs, mp,
			            "unknown member; a result has pollutant, value and unit, or "
			            "pollutant, below_detection, detection_limit and unit");
		}
	}
	const char *code = json_string_value(json_object_get(item, "pollutant"));
	snprintf(mp, sizeof(mp), "%.150s/pollutant", ip);
	if (!code) {
		verrors_add(errs, mp, "is required: a pollutant code such as As, Cd, Pb");
	} else if (!refdata_pollutant_known(ref, code)) {
		char ex[48];
		verrors_add(errs, mp,
		            "\"%s\" is not a pollutant code of the GB 36600 or GB 15618 tables "
		            "(see PollutantCode in /openapi.json)",
		            excerpt(code, ex, sizeof(ex)));
	} else {
		for (size_t j = 0; j < i; j++) {
			const char *other =
			    json_string_value(json_object_get(json_array_get(v, j), "pollutant"));
			if (other && strcmp(other, code) == 0) {
				verrors_add(errs, mp, "%s appears twice in the results", code);
				break;
			}
		}
	}
	json_t *bd = json_object_get(item, "below_detection");
	json_t *value = json_object_get(item, "value");
	json_t *limit = json_object_get(item, "detection_limit");
	snprintf(mp, sizeof(mp), "%.150s/below_detection", ip);
	bool nd = json_is_true(bd);
	if (bd && !json_is_boolean(bd))
		verrors_add(errs, mp, "must be true (below the detection limit) or false");
	if (nd) {
		snprintf(mp, sizeof(mp), "%.150s/value", ip);
		if (value)
			verrors_add(errs, mp,
			            "a result below the detection limit has no value; give "
			            "detection_limit instead");
		snprintf(mp, sizeof(mp), "%.150s/detection_limit", ip);
		if (!json_is_number(limit) || !isfinite(json_number_value(limit)) ||
		    json_number_value(limit) < 0)
			verrors_add(errs, mp,
			            "must be a number >= 0 (the detection limit, in unit) when "
			            "below_detection is true");
	} else {
		snprintf(mp, sizeof(mp), "%.150s/value", ip);
		if (!json_is_number(value) || !isfinite(json_number_value(value)) ||
		    json_number_value(value) < 0)
			verrors_add(errs, mp,
			            "must be a number >= 0 (the measured concentration); for a "
			            "result below the detection limit give \"below_detection\": "
			            "true and detection_limit");
		snprintf(mp, sizeof(mp), "%.150s/detection_limit", ip);
		if (limit)
			verrors_add(errs, mp,
			            "is only for a result below the detection limit "
			            "(\"below_detection\": true)");
	}
	const char *unit = json_string_value(json_object_get(item, "unit"));
	snprintf(mp, sizeof(mp), "%.150s/unit", ip);
	bool unit_ok = unit && strcmp(unit, UNIT_MICRO_SIGN) == 0;
	for (const char *const *u = f->values; unit && *u && !unit_ok; u++)
		unit_ok = strcmp(*u, unit) == 0;
	if (!unit_ok)
		verrors_add(errs, mp, "must be one of: mg/kg, μg/kg (µg/kg is taken as μg/kg)");
}

/* A sample's results, each pollutant once. */
static void check_results(const struct field *f, const struct refdata *ref, json_t *v,
                          const char *ptr, struct verrors *errs)
{
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > MAX_RESULTS) {
		verrors_add(
		    errs, ptr,
		    "must be an array of 1 to %d results {\"pollutant\", \"value\", \"unit\"}",
		    MAX_RESULTS);
		return;
	}
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item)
	{
		char ip[160];
		snprintf(ip, sizeof(ip), "%.100s/%zu", ptr, i);
		if (!json_is_object(item)) {
			verrors_add(errs, ip,
			            "must be an object {\"pollutant\", \"value\", \"unit\"}");
			continue;
		}
		check_result(f, ref, v, i, item, ip, errs);
	}
}

/* Valid results as stored: the micro sign U+00B5 becomes U+03BC. */
static json_t *results_stored(json_t *v)
{
	json_t *out = json_deep_copy(v);
	size_t i;
	json_t *item;
	json_array_foreach(out, i, item)
	{
		const char *unit = json_string_value(json_object_get(item, "unit"));
		if (unit && strcmp(unit, UNIT_MICRO_SIGN) == 0)
			json_object_set_new(item, "unit", json_string(UNIT_MICRO));
	}
	return out;
}

static const char *type_word(const struct field *f)
{
	switch (f->type) {
	case FT_NUMBER:
		return "a number";
	case FT_INTEGER:
		return "an integer";
	case FT_POLLUTANTS:
		return "an array of pollutant codes";
	case FT_AREA:
		return "a GeoJSON Polygon or MultiPolygon";
	case FT_POINT:
		return "a GeoJSON Point";
	case FT_DATES:
	case FT_OBJECT:
		return "an object";
	case FT_BOOLEAN:
		return "true or false";
	case FT_RESULTS:
		return "an array of results";
	default:
		return "a string";
	}
}

/* The largest magnitude a number may have anywhere in a record. Far beyond any area,
 * concentration or coordinate; it keeps numbers exact where stored with 15 digits (a number
 * near the top of the double range rounds above it and could no longer be read back). */
#define NUMBER_MAGNITUDE_MAX 1e15

/* Reports the first number in `v`, at any depth, beyond NUMBER_MAGNITUDE_MAX. */
static bool number_too_large(json_t *v, const char *ptr, struct verrors *errs)
{
	char p[200];
	if (json_is_number(v)) {
		if (fabs(json_number_value(v)) <= NUMBER_MAGNITUDE_MAX)
			return false;
		verrors_add(errs, ptr, "numbers may be at most %g in magnitude",
		            NUMBER_MAGNITUDE_MAX);
		return true;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
		{
			snprintf(p, sizeof(p), "%.150s/%zu", ptr, i);
			if (number_too_large(item, p, errs))
				return true;
		}
	} else if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach(v, key, item)
		{
			member_pointer(ptr, key, p, sizeof(p));
			if (number_too_large(item, p, errs))
				return true;
		}
	}
	return false;
}

static void check_field(const struct field *f, const struct refdata *ref, json_t *v,
                        const char *ptr, struct verrors *errs)
{
	char buf[256];
	if (number_too_large(v, ptr, errs))
		return;
	switch (f->type) {
	case FT_NUMBER:
	case FT_INTEGER: {
		if (f->type == FT_INTEGER ? !json_is_integer(v) : !json_is_number(v)) {
			verrors_add(errs, ptr, "must be %s", type_word(f));
			return;
		}
		double d = json_number_value(v);
		if (!isfinite(d) || d < f->min || (f->max > f->min && d > f->max)) {
			if (f->max > f->min)
				verrors_add(errs, ptr, "must be between %g and %g", f->min, f->max);
			else
				verrors_add(errs, ptr, "must be at least %g", f->min);
		}
		return;
	}
	case FT_POLLUTANTS: {
		if (!json_is_array(v)) {
			verrors_add(errs, ptr, "must be %s", type_word(f));
			return;
		}
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
		{
			char ip[160];
			snprintf(ip, sizeof(ip), "%.100s/%zu", ptr, i);
			const char *code = json_string_value(item);
			if (!code) {
				verrors_add(errs, ip, "must be a pollutant code string");
				continue;
			}
			if (!refdata_pollutant_known(ref, code)) {
				char ex[48];
				verrors_add(
				    errs, ip,
				    "\"%s\" is not a pollutant code of the GB 36600 or GB 15618 "
				    "tables (e.g. As, Cd, Pb, benzene)",
				    excerpt(code, ex, sizeof(ex)));
				continue;
			}
			for (size_t j = 0; j < i; j++)
				if (json_equal(json_array_get(v, j), item)) {
					verrors_add(errs, ip, "\"%s\" is listed twice", code);
					break;
				}
		}
		return;
	}
	case FT_AREA:
	case FT_POINT: {
		const char *m = geojson_check(v, f->type == FT_POINT, buf, sizeof(buf));
		if (m)
			verrors_add(errs, ptr, "%s", m);
		return;
	}
	case FT_BOOLEAN:
		if (!json_is_boolean(v))
			verrors_add(errs, ptr, "must be true or false");
		return;
	case FT_OBJECT:
		if (!json_is_object(v))
			verrors_add(errs, ptr, "must be a JSON object");
		return;
	case FT_RESULTS:
		check_results(f, ref, v, ptr, errs);
		return;
	case FT_DATES: {
		if (!json_is_object(v)) {
			verrors_add(errs, ptr, "must be an object");
			return;
		}
		const char *key;
		json_t *d;
		json_object_foreach(v, key, d)
		{
			char kp[160];
			member_pointer(ptr, key, kp, sizeof(kp));
			bool known = false;
			for (const char *const *k = f->values; *k; k++)
				known = known || strcmp(*k, key) == 0;
			if (!known) {
				verrors_add(errs, kp,
				            "unknown member; expected one of hazard_check, "
				            "self_monitoring, annual_report");
				continue;
			}
			if (json_is_null(d))
				continue;
			if (!json_is_string(d) || !date_valid(json_string_value(d)))
				verrors_add(errs, kp, "must be a date YYYY-MM-DD or null");
		}
		return;
	}
	default:
		if (!json_is_string(v)) {
			verrors_add(errs, ptr, "must be a string");
			return;
		}
		check_string_value(f, ref, json_string_value(v), ptr, errs);
	}
}

/* What a JSON value is, for messages: "a string", "an array". */
static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		break;
	}
	return "null";
}

json_t *record_validate(const struct dataset *ds, const struct refdata *ref, json_t *body,
                        const char *path_id, const char *prefix, struct verrors *errs)
{
	char ptr[160];
	size_t before = errs->n + errs->dropped;
	if (!json_is_object(body)) {
		verrors_add(errs, prefix[0] ? prefix : "",
		            "expected a JSON object holding the record's fields, not %s",
		            json_kind(body));
		return NULL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "id") == 0 || dataset_field(ds, key) ||
		    field_is_server_owned(ds, key))
			continue;
		char ex[48], token[100];
		const char *shown = excerpt(key, ex, sizeof(ex));
		pointer_token(shown, token, sizeof(token));
		snprintf(ptr, sizeof(ptr), "%.58s/%s", prefix, token);
		verrors_add(errs, ptr, "unknown field \"%s\" for dataset %s", shown, ds->name);
	}

	json_t *out = json_object();
	/* The id: from the body, the path, or both when they agree. */
	json_t *bid = json_object_get(body, "id");
	const char *id = NULL;
	snprintf(ptr, sizeof(ptr), "%s/id", prefix);
	if (bid && !json_is_null(bid)) {
		if (!json_is_string(bid))
			verrors_add(errs, ptr, "must be a string");
		else if (path_id && strcmp(json_string_value(bid), path_id) != 0) {
			char ex[64];
			verrors_add(errs, ptr,
			            "the id in the body (\"%s\") differs from the id in the path "
			            "(\"%s\"); leave it out or make them equal",
			            excerpt(json_string_value(bid), ex, sizeof(ex)), path_id);
		} else
			id = json_string_value(bid);
	} else if (path_id) {
		id = path_id;
	} else {
		verrors_add(errs, ptr, "is required (%s)", ds->id_type_note);
	}
	if (id) {
		struct field idf = {.name = "id", .type = ds->id_type};
		size_t n0 = errs->n;
		check_string_value(&idf, ref, id, ptr, errs);
		if (errs->n == n0)
			json_object_set_new(out, "id", json_string(id));
	}

	for (size_t i = 0; i < ds->n_fields; i++) {
		const struct field *f = &ds->fields[i];
		json_t *fv = json_object_get(body, f->name);
		snprintf(ptr, sizeof(ptr), "%s/%s", prefix, f->name);
		if (!fv || json_is_null(fv)) {
			json_t *with =
			    f->required_with ? json_object_get(body, f->required_with) : NULL;
			if (f->required)
				verrors_add(errs, ptr, "is required");
			else if (with && !json_is_null(with))
				verrors_add(errs, ptr, "is required when %s is given",
				            f->required_with);
			else if (f->type == FT_BOOLEAN)
				json_object_set_new(out, f->name, json_false());
			continue;
		}
		size_t n0 = errs->n + errs->dropped;
		check_field(f, ref, fv, ptr, errs);
		if (errs->n + errs->dropped != n0)
			continue;
		if (f->type == FT_RESULTS)
			json_object_set_new(out, f->name, results_stored(fv));
		else
			json_object_set(out, f->name, fv);
	}
	if (ds->exactly_one_of) {
		int given = 0;
		for (const char *const *k = ds->exactly_one_of; *k; k++) {
			json_t *x = json_object_get(body, *k);
			given += x && !json_is_null(x);
		}
		if (given != 1) {
			char names[160] = "";
			size_t used = 0;
			for (const char *const *k = ds->exactly_one_of; *k && used < sizeof(names);
			     k++) {
				int w = snprintf(names + used, sizeof(names) - used, "%s%s",
				                 used ? (k[1] ? ", " : " and ") : "", *k);
				if (w < 0)
					break;
				used += (size_t)w;
			}
			snprintf(ptr, sizeof(ptr), "%.100s/%s", prefix, ds->exactly_one_of[0]);
			verrors_add(errs, ptr, "give exactly one of %s (%d given)", names, given);
		}
	}
	if (errs->n + errs->dropped > before) {
		json_decref(out);
		return NULL;
	}
	return out;
}

void record_derive(const struct dataset *ds, const struct derive_ctx *ctx, json_t *data)
{
	if (ds->derive)
		ds->derive(ctx, data);
}
