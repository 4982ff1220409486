/* Query arguments and the comma-separated lists of values they carry. Pure. */
#ifndef SOILSHARE_QARGS_H
#define SOILSHARE_QARGS_H

#include <stddef.h>

struct query_arg {
	const char *key;
	const char *value; /* NULL for a key without '=' */
};

/* A piece of a longer text: `len` bytes at `p`, not NUL-terminated. */
struct slice {
	const char *p;
	size_t len;
};

/* Splits `s` at commas into `out`; returns the number of items, or -1 when there are more
 * than `max`. Empty items ("a,,b", a trailing comma) are kept for the caller to refuse. */
int comma_split(const char *s, struct slice *out, size_t max);

#endif
