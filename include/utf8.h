/* UTF-8 decoding for validating untrusted text. Pure. */
#ifndef SOILSHARE_UTF8_H
#define SOILSHARE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes the code point at `s` (`n` bytes left) into *cp; returns its length in bytes, or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut off). */
size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp);

/* Whether s[0..n) is UTF-8 throughout. */
bool utf8_valid(const char *s, size_t n);

/* The length of `s` cut to at most `max` bytes without splitting a character, for a
 * "%.*s" that quotes untrusted text in a message. */
int utf8_cut(const char *s, size_t max);

/* Copies `s` to `out` (`size` bytes with the NUL) as UTF-8: each byte that begins no
 * valid character becomes U+FFFD, and a character that would not fit is left out. */
void utf8_sanitize(const char *s, char *out, size_t size);

#endif
