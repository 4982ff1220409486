/* Keyset cursors: base64url of "c1:<filter hash hex>:<last id>". */
#include "cursor.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

uint32_t fnv1a32(const void *data, size_t len, uint32_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
	size_t need = (n * 4 + 2) / 3;
	if (need + 1 > size)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
	return (int)o;
}

static int b64val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

int base64url_decode(const char *in, size_t n, unsigned char *out, size_t size)
{
	if (n % 4 == 1)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4] = {0, 0, 0, 0};
		size_t k = n - i < 4 ? n - i : 4;
		for (size_t j = 0; j < k; j++)
			if ((v[j] = b64val(in[i + j])) < 0)
				return -1;
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 |
		             (unsigned)v[3];
		unsigned char bytes[3] = {(unsigned char)(w >> 16), (unsigned char)(w >> 8),
		                          (unsigned char)w};
		for (size_t j = 0; j + 1 < k; j++) {
			if (o >= size)
				return -1;
			out[o++] = bytes[j];
		}
		/* Reject non-canonical encodings: unused low bits must be zero. */
		if ((k == 2 && (v[1] & 15)) || (k == 3 && (v[2] & 3)))
			return -1;
	}
	return (int)o;
}

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
