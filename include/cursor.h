/* Opaque keyset cursors for list pages: the last id and a fingerprint of the filters. Pure. */
#ifndef SOILSHARE_CURSOR_H
#define SOILSHARE_CURSOR_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length limit, including NUL: room for a 64-character key of 3-byte UTF-8
 * characters (192 bytes) behind the 12-byte header, base64url-encoded. */
#define CURSOR_MAX 384

/* Encodes into `out` (size >= CURSOR_MAX); returns 0, or -1 when the id is too long. */
int cursor_encode(uint32_t filter_hash, const char *last_id, char *out, size_t size);
/* Decodes; returns 0, or -1 for anything that is not a cursor this service made.
 * `last_id` receives a NUL-terminated id (size >= CURSOR_MAX). */
int cursor_decode(const char *cursor, uint32_t *filter_hash, char *last_id, size_t size);

/* FNV-1a, for fingerprints of canonical filter text. */
uint32_t fnv1a32(const void *data, size_t len, uint32_t h);
#define FNV1A32_INIT 2166136261u

/* base64url without padding; return the output length or -1. */
int base64url_encode(const unsigned char *in, size_t n, char *out, size_t size);
int base64url_decode(const char *in, size_t n, unsigned char *out, size_t size);

#endif
