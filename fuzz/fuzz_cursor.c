/* libFuzzer target: list cursors and base64url. The input is tried as a cursor and as
 * base64url text, and its bytes are encoded and decoded again: both ways must agree. */
#include <string.h>

#include "cursor.h"
#include "encoding.h"
#include "support.h"

static bool base64url_text(const char *s)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	for (; *s; s++)
		if (!strchr(alphabet, *s))
			return false;
	return true;
}

/* A cursor the service accepts is one it could have made: re-encoding gives it back, and
 * its id is text a record id can be. */
static void decode_cursor(const char *text)
{
	uint32_t hash;
	char id[CURSOR_MAX];
	if (cursor_decode(text, &hash, id, sizeof(id)) < 0)
		return;
	FUZZ_CHECK(id[0] != '\0');
	FUZZ_CHECK(fuzz_utf8_string(id));
	char again[CURSOR_MAX];
	FUZZ_CHECK(cursor_encode(hash, id, again, sizeof(again)) == 0);
	FUZZ_CHECK(strcmp(again, text) == 0);
}

/* Any id encodes (up to the length a key can have) and comes back unchanged. */
static void encode_cursor(uint32_t hash, const char *id)
{
	char text[CURSOR_MAX];
	if (cursor_encode(hash, id, text, sizeof(text)) < 0) {
		FUZZ_CHECK(strlen(id) > 192);
		return;
	}
	FUZZ_CHECK(strlen(text) < CURSOR_MAX);
	FUZZ_CHECK(base64url_text(text));
	if (id[0] == '\0' || !fuzz_utf8_string(id))
		return;
	uint32_t h;
	char back[CURSOR_MAX];
	memset(back, 'x', sizeof(back));
	FUZZ_CHECK(cursor_decode(text, &h, back, sizeof(back)) == 0);
	FUZZ_CHECK(h == hash);
	FUZZ_CHECK(strcmp(back, id) == 0);
	/* A smaller buffer than the id needs is refused, never overrun. */
	char *small = malloc(strlen(id));
	FUZZ_CHECK(small != NULL);
	FUZZ_CHECK(cursor_decode(text, &h, small, strlen(id)) < 0);
	free(small);
}

static void base64url_round_trip(const uint8_t *data, size_t size)
{
	size_t need = (size * 4 + 2) / 3 + 1;
	char *text = malloc(need);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(base64url_encode(data, size, text, need - 1) < 0);
	int n = base64url_encode(data, size, text, need);
	FUZZ_CHECK(n >= 0 && (size_t)n == need - 1 && text[n] == '\0');
	FUZZ_CHECK(base64url_text(text));
	unsigned char *back = malloc(size + 1);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(base64url_decode(text, (size_t)n, back, size) == (int)size);
	FUZZ_CHECK(memcmp(back, data, size) == 0);
	if (size > 0)
		FUZZ_CHECK(base64url_decode(text, (size_t)n, back, size - 1) < 0);
	free(back);
	free(text);
}

/* Text that decodes is canonical: encoding the bytes again gives the same text. */
static void base64url_canonical(const char *text, size_t len)
{
	size_t cap = len * 3 / 4 + 1;
	unsigned char *bytes = malloc(cap);
	FUZZ_CHECK(bytes != NULL);
	int n = base64url_decode(text, len, bytes, cap);
	if (n >= 0) {
		FUZZ_CHECK((size_t)n <= len * 3 / 4);
		char *again = malloc(len + 1);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(base64url_encode(bytes, (size_t)n, again, len + 1) == (int)len);
		FUZZ_CHECK(memcmp(again, text, len) == 0);
		free(again);
	}
	free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	decode_cursor(text);
	base64url_canonical(text, strlen(text));
	base64url_round_trip(data, size);
	if (size >= 4) {
		uint32_t hash = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		                (uint32_t)data[2] << 8 | data[3];
		char *id = fuzz_cstring(data + 4, size - 4);
		encode_cursor(hash, id);
		free(id);
	}
	free(text);
	return 0;
}
