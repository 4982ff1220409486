/* libFuzzer target: the query of GET /v1/statistics (statistics_query_parse). The input is a
 * query string, split and percent-decoded as libmicrohttpd does. */
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	struct fuzz_args a;
	fuzz_split_query(text, &a);
	char as_of[11], err[256];
	err[0] = '\0';
	if (statistics_query_parse(a.items, a.n, as_of, err, sizeof(err)) == 0) {
		/* Today, or a real calendar date given once as the only parameter. */
		FUZZ_CHECK(as_of[0] == '\0' || date_valid(as_of));
		FUZZ_CHECK(a.n <= 1);
		if (a.n == 1)
			FUZZ_CHECK(strcmp(a.items[0].key, "as_of") == 0 &&
			           strcmp(a.items[0].value, as_of) == 0);
		else
			FUZZ_CHECK(as_of[0] == '\0');
	} else {
		FUZZ_CHECK(err[0] != '\0');
		/* A message that quotes the input cuts it at a character, never inside one. */
		if (a.utf8)
			FUZZ_CHECK(fuzz_utf8_string(err));
	}
	free(text);
	return 0;
}
