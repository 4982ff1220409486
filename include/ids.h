/* Random request ids. */
#ifndef SOILSHARE_IDS_H
#define SOILSHARE_IDS_H

/* A random UUID (version 4) in its 36-character lower-case form, for request ids.
 * Drawn from a per-thread generator seeded once from the kernel: cheap, unique in
 * practice, and not for secrets. `out` holds 37 bytes. */
void request_id_new(char out[37]);

#endif
