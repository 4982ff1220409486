/* libFuzzer target: api_key_parse on arbitrary text, and on a well-formed key built from
 * the input's bytes, which must parse to its own key id. */
#include <string.h>

#include "auth.h"
#include "support.h"

#define KEY_LEN (sizeof(KEY_PREFIX) - 1 + KEY_ID_LEN + 1 + KEY_SECRET_LEN)

static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void parse_any(const char *key, size_t id_size)
{
	char *id = malloc(id_size ? id_size : 1); /* exact size, so ASan sees an overrun */
	FUZZ_CHECK(id != NULL);
	if (api_key_parse(key, id, id_size) == 0) {
		FUZZ_CHECK(id_size > KEY_ID_LEN);
		FUZZ_CHECK(strlen(key) == KEY_LEN);
		FUZZ_CHECK(strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) == 0);
		FUZZ_CHECK(strlen(id) == KEY_ID_LEN);
		for (size_t i = 0; i < KEY_ID_LEN; i++)
			FUZZ_CHECK(lower_hex(id[i]));
		FUZZ_CHECK(memcmp(id, key + strlen(KEY_PREFIX), KEY_ID_LEN) == 0);
		char hash[65];
		api_key_hash(key, hash);
		FUZZ_CHECK(strlen(hash) == 64);
		for (size_t i = 0; i < 64; i++)
			FUZZ_CHECK(lower_hex(hash[i]));
	}
	free(id);
}

/* Maps the input's bytes onto the key alphabet: the result is always a key. */
static void parse_built(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char key[KEY_LEN + 1];
	size_t o = 0, i = 0;
	memcpy(key, KEY_PREFIX, strlen(KEY_PREFIX));
	o = strlen(KEY_PREFIX);
	for (int k = 0; k < KEY_ID_LEN; k++)
		key[o++] = hex[(size ? data[i++ % size] : 0) & 15];
	key[o++] = '_';
	for (int k = 0; k < KEY_SECRET_LEN; k++)
		key[o++] = b64[(size ? data[i++ % size] : 0) & 63];
	key[o] = '\0';
	char id[KEY_ID_LEN + 1];
	FUZZ_CHECK(api_key_parse(key, id, sizeof(id)) == 0);
	FUZZ_CHECK(memcmp(id, key + strlen(KEY_PREFIX), KEY_ID_LEN) == 0 && id[KEY_ID_LEN] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *key = fuzz_cstring(data, size);
	parse_any(key, KEY_ID_LEN + 1);
	parse_any(key, size % (KEY_ID_LEN + 2));
	parse_built(data, size);
	free(key);
	return 0;
}
