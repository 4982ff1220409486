/* What the files of the verifiable log share among themselves, and nobody else. */
#ifndef SOILSHARE_TLOG_INTERNAL_H
#define SOILSHARE_TLOG_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "merkle.h"
#include "note.h"
#include "strbuf.h"

/* Looks up stored nodes in one statement: out[i] and have[i] for ids[i] (have false: the
 * tree has no such node). 0, or -1 with *failed as tlog_status's TLOG_DB_ERROR. */
int tlog_fetch_nodes(const struct merkle_node_id *ids, size_t n, struct merkle_hash *out,
                     bool *have, PGresult **failed);

/* The canonical bytes of a feed entry given as JSON text (into `out`, emptied first) and
 * their leaf hash; -1 with a message. */
int tlog_entry_leaf(const char *json, size_t len, struct strbuf *out, struct merkle_hash *leaf,
                    char *errbuf, size_t size);

/* 32 bytes from 64 hex digits; -1 when the text is not that. */
int tlog_hex_hash(const char *hex, struct merkle_hash *out);

/* `soilshare log verify` on the database of this process's db_configure(). */
int tlog_verify(const struct note_key *pinned, bool quiet);

#endif
