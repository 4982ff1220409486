/* libFuzzer target: canonical JSON (canon_text), which the log applies to every change-feed
 * entry, records as clients wrote them included. The input is JSON text. */
#include <string.h>

#include "canon.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf once, twice;
	strbuf_init(&once, 64);
	strbuf_init(&twice, 64);
	char err[256];
	if (canon_text((const char *)data, size, &once, err, sizeof(err)) == 0) {
		/* Canonical JSON is JSON, UTF-8, and its own canonical form. */
		json_t *back =
		    json_loadb(once.buf, once.len,
		               JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, NULL);
		FUZZ_CHECK(back != NULL);
		json_decref(back);
		FUZZ_CHECK(fuzz_utf8_valid(once.buf, once.len));
		FUZZ_CHECK(canon_text(once.buf, once.len, &twice, err, sizeof(err)) == 0);
		FUZZ_CHECK(twice.len == once.len && memcmp(twice.buf, once.buf, once.len) == 0);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	strbuf_release(&once);
	strbuf_release(&twice);
	return 0;
}
