/* Byte encodings and a small hash: hex, base64 (standard and URL alphabets), FNV-1a. Pure. */
#ifndef SOILSHARE_ENCODING_H
#define SOILSHARE_ENCODING_H

#include <stddef.h>
#include <stdint.h>

/* Writes `n` bytes as 2n lower-case hex digits and a NUL; `out` holds 2n + 1 bytes. */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* base64url without padding (RFC 4648 §5); return the output length or -1 when `out` is
 * too small or, on decoding, the text is not canonical base64url. */
int base64url_encode(const unsigned char *in, size_t n, char *out, size_t size);
int base64url_decode(const char *in, size_t n, unsigned char *out, size_t size);
/* base64 with the standard alphabet and '=' padding (RFC 4648 §4), the same way. */
int base64_std_encode(const unsigned char *in, size_t n, char *out, size_t size);
int base64_std_decode(const char *in, size_t n, unsigned char *out, size_t size);

/* FNV-1a, for fingerprints of canonical filter text (not for anything secret). */
uint32_t fnv1a32(const void *data, size_t len, uint32_t h);
#define FNV1A32_INIT 2166136261u

#endif
