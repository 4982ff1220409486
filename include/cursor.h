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

/* The keyset position of a page's cursor for a query whose filters hash to `filter_hash`:
 * 0 with the id in `last_id`, CURSOR_FOREIGN for text this service did not make, or
 * CURSOR_OTHER_FILTERS for a cursor of a query with other filters. */
enum { CURSOR_FOREIGN = -1, CURSOR_OTHER_FILTERS = -2 };
int cursor_resume(const char *cursor, uint32_t filter_hash, char *last_id, size_t size);

#endif
