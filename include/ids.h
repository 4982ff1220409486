/* Identifiers: hex encoding and random request ids. */
#ifndef SOILSHARE_IDS_H
#define SOILSHARE_IDS_H

#include <stddef.h>

/* Writes `n` bytes as 2n lower-case hex digits and a NUL; `out` holds 2n + 1 bytes. */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* A random UUID (version 4) in its 36-character lower-case form, for request ids.
 * Drawn from a per-thread generator seeded once from the kernel: cheap, unique in
 * practice, and not for secrets. `out` holds 37 bytes. */
void request_id_new(char out[37]);

#endif
