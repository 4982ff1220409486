/* The verifiable change log (SPEC §12) in the database: every change-feed entry a leaf of a
 * Merkle tree in feed order (leaf `seq` = feed position - 1), the tree's nodes stored so that
 * a proof reads O(log n) of them, and a signed checkpoint after each batch of appended
 * entries; and the `soilshare log` commands.
 *
 * The leaf of an entry is SHA-256(0x00 ‖ canonical JSON (canon.h) of change_entry(c), the
 * object {seq, dataset, id, op, version, publisher, changed_at, record} the feed serves).
 * Statements run on the calling thread's connection (db.h). */
#ifndef SOILSHARE_TLOG_H
#define SOILSHARE_TLOG_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"
#include "note.h"

/* Entries appended, and checkpoints signed, per transaction at most. */
#define TLOG_BATCH 10000

/* The key this server signs checkpoints with (NULL: it appends but does not sign). Before
 * threads start. */
void tlog_configure(const struct note_key *signer);
void tlog_register_statements(void);

/* Appends the changes that have a feed position and no leaf yet, in batches of TLOG_BATCH
 * (one transaction each), and signs a checkpoint after each batch; under an advisory lock,
 * so servers may call it at once. Returns the number of entries appended; `errbuf` holds a
 * message (else "") when something stopped it: the database away, the stored tree not
 * matching its latest checkpoint, an entry that cannot be read, or this server's key not
 * being the log's (it then appends without signing). */
long tlog_append(char *errbuf, size_t size);

/* tlog_append for the feed thread, after each run of feed_sequence(): reports a problem on
 * stderr when it appears, and once a minute while it lasts. */
void tlog_tick(void);

enum tlog_status {
	TLOG_OK,
	TLOG_DB_ERROR, /* `*failed` holds the result, or NULL when the database is away */
	TLOG_BROKEN,   /* the stored tree lacks a node it should have */
};

/* The number of entries in the tree. */
enum tlog_status tlog_size(uint64_t *size, PGresult **failed);
/* The newest signed checkpoint (malloc'd note, its length in *len), or *note NULL when the
 * log has none yet. */
enum tlog_status tlog_checkpoint(char **note, size_t *len, PGresult **failed);
/* The hash of leaf `seq` and its inclusion path in the tree of `size` entries
 * (seq < size <= tlog_size). */
enum tlog_status tlog_inclusion(uint64_t seq, uint64_t size, struct merkle_hash *leaf,
                                struct merkle_hash *path, size_t *len, PGresult **failed);
/* The consistency path between the trees of `from` and `to` entries (0 < from <= to). */
enum tlog_status tlog_consistency(uint64_t from, uint64_t to, struct merkle_hash *path, size_t *len,
                                  PGresult **failed);

/* Reads a signer key file (its first line: PRIVATE+KEY+...); -1 with a message. */
int tlog_key_load(const char *path, struct note_key *k, char *errbuf, size_t size);

/* `soilshare log keygen|key|verify ...`; the exit status. */
int log_command(int argc, char **argv);

#endif
