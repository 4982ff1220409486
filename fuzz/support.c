/* Helpers shared by the libFuzzer targets of fuzz/: reference data and invariant checks. */
#include "support.h"

#include <math.h>
#include <string.h>

#include "fixtures.h"

const struct refdata *fuzz_refdata(void)
{
	static struct refdata ref;
	static bool loaded;
	if (!loaded) {
		fixture_refdata(&ref);
		loaded = true;
	}
	return &ref;
}

char *fuzz_cstring(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul ? (size_t)(nul - data) : size;
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

bool fuzz_utf8_valid(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	bool ok = j != NULL;
	json_decref(j);
	return ok;
}

bool fuzz_utf8_string(const char *s)
{
	return fuzz_utf8_valid(s, strlen(s));
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p == '+') {
			*o++ = ' ';
		} else if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

void fuzz_split_query(char *query, struct fuzz_args *a)
{
	size_t max = sizeof(a->items) / sizeof(a->items[0]);
	a->n = 0;
	a->utf8 = true;
	for (char *p = query; p && a->n < max;) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		if (*p) {
			char *eq = strchr(p, '=');
			if (eq)
				*eq++ = '\0';
			unescape(p);
			if (eq)
				unescape(eq);
			a->items[a->n].key = p;
			a->items[a->n].value = eq;
			a->utf8 = a->utf8 && fuzz_utf8_string(p) && (!eq || fuzz_utf8_string(eq));
			a->n++;
		}
		p = amp ? amp + 1 : NULL;
	}
}

int fuzz_json_depth(json_t *v)
{
	int deepest = 0;
	if (json_is_object(v)) {
		const char *key;
		json_t *m;
		json_object_foreach(v, key, m)
		{
			int d = fuzz_json_depth(m);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m)
		{
			int d = fuzz_json_depth(m);
			deepest = d > deepest ? d : deepest;
		}
		return deepest + 1;
	}
	return 0;
}

bool fuzz_json_close(json_t *a, json_t *b)
{
	if (json_is_number(a) && json_is_number(b) && (json_is_real(a) || json_is_real(b))) {
		double x = json_number_value(a), y = json_number_value(b);
		return x == y || fabs(x - y) <= 1e-14 * fmax(fabs(x), fabs(y));
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *key;
		json_t *m;
		json_object_foreach(a, key, m)
		{
			json_t *o = json_object_get(b, key);
			if (!o || !fuzz_json_close(m, o))
				return false;
		}
		return true;
	}
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!fuzz_json_close(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal(a, b);
}
