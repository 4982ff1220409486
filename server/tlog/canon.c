/* Canonical JSON (RFC 8785): the byte form of a change-feed entry that the log hashes. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"

/* The decimal digits of a %.*e text and its exponent: "1.2345e+02" gives "12345", 2. */
static int split_exponential(const char *text, char *digits, size_t size, int *exp)
{
	size_t n = 0;
	const char *p = text;
	for (; *p && *p != 'e'; p++) {
		if (*p == '.')
			continue;
		if (n + 1 >= size)
			return -1;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (*p != 'e')
		return -1;
	*exp = atoi(p + 1);
	return 0;
}

/* Whether `p` significant digits can write the finite a > 0 so that it reads back as a; if so,
 * those digits (the nearest such) and the exponent of the first. */
static bool digits_of(double a, int p, char *digits, size_t size, int *exp)
{
	char text[48];
	snprintf(text, sizeof(text), "%.*e", p - 1, a);
	split_exponential(text, digits, size, exp);
	if (strtod(text, NULL) == a)
		return true;
	/* The nearest p digits do not read back, but a digit string next to them can, where
	 * the doubles above a are spaced twice as far as those below. */
	uint64_t m = strtoull(digits, NULL, 10);
	for (int step = -1; step <= 1; step += 2) {
		uint64_t c = step < 0 ? m - 1 : m + 1;
		char cand[32];
		int len = snprintf(cand, sizeof(cand), "%" PRIu64, c);
		if (len != p || (size_t)len >= size)
			continue;
		snprintf(text, sizeof(text), "%se%d", cand, *exp - (p - 1));
		if (strtod(text, NULL) == a) {
			memcpy(digits, cand, (size_t)len + 1);
			return true;
		}
	}
	return false;
}

/* The shortest digits d1..dk and the point n with a == 0.d1..dk × 10^n, for a finite a > 0:
 * the fewest digits that read back as a, and of those the nearest to a (ECMA-262,
 * Number::toString, step 5). A double always reads back from 17 digits, and whoever can be
 * written with p digits can with p + 1, so the fewest are found by bisection. */
static void shortest(double a, char *digits, size_t size, int *point)
{
	int lo = 1, hi = 17, exp = 0;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (digits_of(a, mid, digits, size, &exp))
			hi = mid;
		else
			lo = mid + 1;
	}
	digits_of(a, lo, digits, size, &exp);
	size_t k = strlen(digits);
	while (k > 1 && digits[k - 1] == '0')
		digits[--k] = '\0';
	*point = exp + 1;
}

int canon_number(double v, char *out, size_t size)
{
	if (!isfinite(v) || size < 26)
		return -1;
	if (v == 0) {
		snprintf(out, size, "0");
		return 0;
	}
	char d[24];
	int n;
	shortest(fabs(v), d, sizeof(d), &n);
	int k = (int)strlen(d);
	const char *sign = v < 0 ? "-" : "";
	if (k <= n && n <= 21)
		snprintf(out, size, "%s%s%.*s", sign, d, n - k, "000000000000000000000");
	else if (0 < n && n <= 21)
		snprintf(out, size, "%s%.*s.%s", sign, n, d, d + n);
	else if (-6 < n && n <= 0)
		snprintf(out, size, "%s0.%.*s%s", sign, -n, "000000", d);
	else
		snprintf(out, size, "%s%c%s%se%c%d", sign, d[0], k > 1 ? "." : "", d + 1,
		         n - 1 < 0 ? '-' : '+', abs(n - 1));
	return 0;
}

static void add_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	strbuf_addc(out, '"');
	size_t run = 0; /* bytes copied as they are, pending */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		strbuf_add(out, s + i - run, run);
		run = 0;
		char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
		}
		strbuf_adds(out, esc);
	}
	strbuf_add(out, s + len - run, run);
	strbuf_addc(out, '"');
}

/* A member name as UTF-16 code units, the order RFC 8785 sorts by. */
struct member {
	const char *name;
	json_t *value;
	uint16_t *units;
	size_t n;
};

static uint16_t *utf16_of(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint16_t *u = malloc((len + 1) * sizeof(*u)); /* never more units than bytes */
	if (!u)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		cp = extra == 0 ? c : extra == 1 ? c & 0x1F : extra == 2 ? c & 0x0F : c & 0x07;
		for (int j = 1; j <= extra && i + (size_t)j < len; j++)
			cp = cp << 6 | ((unsigned char)s[i + (size_t)j] & 0x3F);
		i += (size_t)extra + 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[o++] = (uint16_t)(0xD800 + (cp >> 10));
			u[o++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			u[o++] = (uint16_t)cp;
		}
	}
	*n = o;
	return u;
}

static int member_order(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	for (size_t i = 0; i < n; i++)
		if (x->units[i] != y->units[i])
			return x->units[i] < y->units[i] ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

static int add_object(const json_t *v, struct strbuf *out)
{
	size_t count = json_object_size(v), i = 0;
	struct member *m = calloc(count ? count : 1, sizeof(*m));
	if (!m)
		return -1;
	int rc = 0;
	const char *name;
	json_t *value;
	json_object_foreach((json_t *)v, name, value)
	{
		m[i].name = name;
		m[i].value = value;
		m[i].units = utf16_of(name, &m[i].n);
		if (!m[i++].units)
			rc = -1;
	}
	if (rc == 0) {
		qsort(m, count, sizeof(*m), member_order);
		strbuf_addc(out, '{');
		for (i = 0; i < count && rc == 0; i++) {
			if (i)
				strbuf_addc(out, ',');
			add_string(out, m[i].name, strlen(m[i].name));
			strbuf_addc(out, ':');
			rc = canon_json(m[i].value, out);
		}
		strbuf_addc(out, '}');
	}
	for (i = 0; i < count; i++)
		free(m[i].units);
	free(m);
	return rc;
}

int canon_json(const json_t *v, struct strbuf *out)
{
	char num[32];
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return add_object(v, out);
	case JSON_ARRAY: {
		strbuf_addc(out, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				strbuf_addc(out, ',');
			if (canon_json(json_array_get(v, i), out) < 0)
				return -1;
		}
		strbuf_addc(out, ']');
		return 0;
	}
	case JSON_STRING:
		add_string(out, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		if (canon_number((double)json_integer_value(v), num, sizeof(num)) < 0)
			return -1;
		strbuf_adds(out, num);
		return 0;
	case JSON_REAL:
		if (canon_number(json_real_value(v), num, sizeof(num)) < 0)
			return -1;
		strbuf_adds(out, num);
		return 0;
	case JSON_TRUE:
		strbuf_adds(out, "true");
		return 0;
	case JSON_FALSE:
		strbuf_adds(out, "false");
		return 0;
	case JSON_NULL:
		strbuf_adds(out, "null");
		return 0;
	}
	return -1;
}

int canon_text(const char *text, size_t len, struct strbuf *out, char *errbuf, size_t size)
{
	json_error_t err;
	json_t *v =
	    json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
	if (!v) {
		snprintf(errbuf, size, "not JSON: %s at offset %d", err.text, err.position);
		return -1;
	}
	int rc = canon_json(v, out);
	json_decref(v);
	if (rc < 0)
		snprintf(errbuf, size, "holds a number that is not finite");
	return rc;
}
