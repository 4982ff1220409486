/* Keyset cursors: base64url of "c1:<filter hash hex>:<last id>". */
#include "cursor.h"
#include "encoding.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

int cursor_encode(uint32_t filter_hash, const char *last_id, char *out, size_t size)
{
	char plain[CURSOR_MAX];
	int n = snprintf(plain, sizeof(plain), "c1:%08x:%s", filter_hash, last_id);
	if (n < 0 || (size_t)n >= sizeof(plain) || (size_t)(n * 4 + 2) / 3 + 1 > size)
		return -1;
	return base64url_encode((const unsigned char *)plain, (size_t)n, out, size) < 0 ? -1 : 0;
}

int cursor_decode(const char *cursor, uint32_t *filter_hash, char *last_id, size_t size)
{
	unsigned char plain[CURSOR_MAX];
	size_t len = strnlen(cursor, CURSOR_MAX);
	if (len == 0 || len >= CURSOR_MAX)
		return -1;
	int n = base64url_decode(cursor, len, plain, sizeof(plain) - 1);
	if (n < 13)
		return -1;
	plain[n] = '\0';
	if (memcmp(plain, "c1:", 3) != 0 || plain[11] != ':')
		return -1;
	uint32_t h = 0;
	for (int i = 3; i < 11; i++) {
		int c = plain[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return -1;
		h = h << 4 | (uint32_t)v;
	}
	const char *id = (const char *)plain + 12;
	size_t idlen = (size_t)n - 12;
	/* Ids are UTF-8 text: anything else was not made here, and PostgreSQL would refuse it. */
	if (idlen == 0 || idlen >= size || memchr(id, '\0', idlen) || !utf8_valid(id, idlen))
		return -1;
	memcpy(last_id, id, idlen + 1);
	*filter_hash = h;
	return 0;
}

int cursor_resume(const char *cursor, uint32_t filter_hash, char *last_id, size_t size)
{
	uint32_t h;
	if (cursor_decode(cursor, &h, last_id, size) < 0)
		return CURSOR_FOREIGN;
	return h == filter_hash ? 0 : CURSOR_OTHER_FILTERS;
}
