/* UTF-8 decoding for validating untrusted text. */
#include "utf8.h"

#include <string.h>

size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = (s[0] & 0xE0) == 0xC0   ? 2
	             : (s[0] & 0xF0) == 0xE0 ? 3
	             : (s[0] & 0xF8) == 0xF0 ? 4
	                                     : 0;
	if (len == 0 || len > n)
		return 0;
	unsigned v = s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n > 0) {
		unsigned cp;
		size_t l = utf8_next(p, n, &cp);
		if (l == 0)
			return false;
		p += l;
		n -= l;
	}
	return true;
}

int utf8_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	/* s[n] is the first byte left out: when it continues a character, leave that out too. */
	if (s[n] != '\0')
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return (int)n;
}

void utf8_sanitize(const char *s, char *out, size_t size)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;
	if (size == 0)
		return;
	while (n > 0) {
		unsigned cp;
		size_t l = utf8_next(p, n, &cp);
		const char *from = l ? (const char *)p : replacement;
		size_t len = l ? l : sizeof(replacement) - 1;
		if (o + len >= size)
			break;
		memcpy(out + o, from, len);
		o += len;
		p += l ? l : 1;
		n -= l ? l : 1;
	}
	out[o] = '\0';
}
