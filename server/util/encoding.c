/* Byte encodings and a small hash: hex, base64 (standard and URL alphabets), FNV-1a. Pure. */
#include <stdbool.h>
#include <string.h>

#include "encoding.h"

static const char hex_digits[] = "0123456789abcdef";

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

uint32_t fnv1a32(const void *data, size_t len, uint32_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 with the alphabet `a`; `pad`: '=' to a multiple of four characters. */
static int encode64(const char *a, bool pad, const unsigned char *in, size_t n, char *out,
                    size_t size)
{
	size_t need = pad ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3;
	if (need + 1 > size)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = a[(v >> 6) & 63];
		else if (pad)
			out[o++] = '=';
		if (i + 2 < n)
			out[o++] = a[v & 63];
		else if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return (int)o;
}

static int b64val(const char *a, char c)
{
	const char *p = c ? strchr(a, c) : NULL;
	return p ? (int)(p - a) : -1;
}

static int decode64(const char *a, const char *in, size_t n, unsigned char *out, size_t size)
{
	if (n % 4 == 1)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4] = {0, 0, 0, 0};
		size_t k = n - i < 4 ? n - i : 4;
		for (size_t j = 0; j < k; j++)
			if ((v[j] = b64val(a, in[i + j])) < 0)
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

int base64url_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
	return encode64(b64url, false, in, n, out, size);
}

int base64url_decode(const char *in, size_t n, unsigned char *out, size_t size)
{
	return decode64(b64url, in, n, out, size);
}

int base64_std_encode(const unsigned char *in, size_t n, char *out, size_t size)
{
	return encode64(b64std, true, in, n, out, size);
}

int base64_std_decode(const char *in, size_t n, unsigned char *out, size_t size)
{
	if (n % 4 != 0)
		return -1;
	/* The padding stands for the bytes a last group lacks: drop it, then decode. */
	size_t body = n;
	if (body > 0 && in[body - 1] == '=')
		body--;
	if (body > 0 && in[body - 1] == '=')
		body--;
	if (n - body > 0 && body % 4 == 0)
		return -1;
	return decode64(b64std, in, body, out, size);
}
