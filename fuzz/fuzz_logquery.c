/* libFuzzer target: the query of the log's proofs, GET /v1/log/proof/inclusion and
 * consistency (log_query_parse). The input is a query string, split and percent-decoded as
 * libmicrohttpd does. */
#include <inttypes.h>
#include <string.h>

#include "api.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"seq", "size"};
	char *text = fuzz_cstring(data, size);
	struct fuzz_args a;
	fuzz_split_query(text, &a);
	uint64_t v[2];
	char err[256];
	err[0] = '\0';
	if (log_query_parse(a.items, a.n, names, v, err, sizeof(err)) == 0) {
		/* Both named once, each a whole number below 2^63 written in decimal digits. */
		FUZZ_CHECK(a.n == 2);
		for (size_t i = 0; i < 2; i++) {
			int which = strcmp(a.items[i].key, "seq") == 0 ? 0 : 1;
			FUZZ_CHECK(which == 1 ? strcmp(a.items[i].key, "size") == 0 : true);
			FUZZ_CHECK(v[which] <= INT64_MAX);
			char back[24];
			snprintf(back, sizeof(back), "%" PRIu64, v[which]);
			const char *given = a.items[i].value;
			while (given[0] == '0' && given[1])
				given++;
			FUZZ_CHECK(strcmp(back, given) == 0);
		}
	} else {
		FUZZ_CHECK(err[0] != '\0');
		if (a.utf8)
			FUZZ_CHECK(fuzz_utf8_string(err));
	}
	free(text);
	return 0;
}
