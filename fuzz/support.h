/* Helpers shared by the libFuzzer targets of fuzz/: reference data and invariant checks. */
#ifndef SOILSHARE_FUZZ_SUPPORT_H
#define SOILSHARE_FUZZ_SUPPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "listquery.h"
#include "refdata.h"

/* The entry point libFuzzer calls with each input; every target defines it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, naming the broken invariant, so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__,         \
			        __LINE__);                                                         \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The unit tests' reference data (tests/unit/fixtures.c), built on first use. */
const struct refdata *fuzz_refdata(void);

/* A NUL-terminated copy of data[0..size) (malloc'd); it ends at the first NUL byte. */
char *fuzz_cstring(const uint8_t *data, size_t size);

/* Whether s[0..n) is UTF-8, by jansson's decoder rather than the service's own. */
bool fuzz_utf8_valid(const char *s, size_t n);
bool fuzz_utf8_string(const char *s);

/* Query arguments as libmicrohttpd hands them to a handler. */
struct fuzz_args {
	struct query_arg items[LIST_MAX_ARGS + 8];
	size_t n;
	bool utf8; /* every key and value is UTF-8 */
};

/* Splits "k=v&k2&k3=v3" in place into arguments, percent-decoded with '+' as a space; a key
 * without '=' has a NULL value, empty pieces are skipped, a %00 ends a key or value. */
void fuzz_split_query(char *query, struct fuzz_args *a);

/* Nesting depth of a JSON value: 0 for a scalar, 1 for [] or {}. */
int fuzz_json_depth(json_t *v);

/* json_equal, except that reals need only agree to 14 significant digits (what a
 * 15-digit text form of a real keeps). */
bool fuzz_json_close(json_t *a, json_t *b);

#endif
