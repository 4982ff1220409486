/* Signed notes and the log's checkpoints in the C2SP formats (signed-note, tlog-checkpoint),
 * with Ed25519 keys written as the Go sumdb/note package writes them. Pure.
 *
 * A key has a name (the log's origin, e.g. "soilshare.example.gov.cn/log") and an id, the
 * first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), big-endian. Its texts:
 *   verifier key  <name>+<id as 8 hex digits>+<base64(0x01 ‖ 32-byte public key)>
 *   signer key    PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ 32-byte private seed)>
 * A signed note is its text (lines each ending in "\n"), an empty line, then signature
 * lines "— <name> <base64(id ‖ 64-byte Ed25519 signature of the text)>\n". */
#ifndef SOILSHARE_NOTE_H
#define SOILSHARE_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define NOTE_NAME_MAX 128
/* Room for a verifier or signer key text and its NUL. */
#define NOTE_KEY_TEXT_MAX (NOTE_NAME_MAX + 80)

struct note_key {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t pub[32];
	uint8_t seed[32]; /* the private key: only when has_private */
	bool has_private;
};

/* A name notes allow: 1..NOTE_NAME_MAX bytes of UTF-8, no space, control character or '+'. */
bool note_name_valid(const char *name);
/* The key of `name` with this private seed (32 random bytes). -1 for a bad name. */
int note_key_from_seed(const char *name, const uint8_t seed[32], struct note_key *k);
/* The texts of a key; -1 when `size` is too small (or no private key for a signer key). */
int note_verifier_key(const struct note_key *k, char *out, size_t size);
int note_signer_key(const struct note_key *k, char *out, size_t size);
/* Reads a verifier or a signer key text (surrounding white space ignored); -1 with a message
 * saying what is wrong. A signer key gives the public key too. */
int note_key_parse(const char *text, struct note_key *k, char *errbuf, size_t size);

/* Signs `text` (it must end in "\n"); returns the signed note (malloc'd, NUL-terminated, its
 * length in *len) or NULL. */
char *note_sign(const struct note_key *k, const char *text, size_t text_len, size_t *len);
/* Checks that `note` carries a valid signature by `k`; sets *text_len to the length of the
 * signed text. -1 with a message otherwise. */
int note_verify(const struct note_key *k, const char *note, size_t len, size_t *text_len,
                char *errbuf, size_t size);

/* A checkpoint's text: "<origin>\n<size>\n<base64 root>\n". Returns its length or -1. */
int checkpoint_text(const char *origin, uint64_t size, const struct merkle_hash *root, char *out,
                    size_t out_size);
/* Reads a checkpoint's text (extension lines after the root are allowed and ignored). */
int checkpoint_parse(const char *text, size_t len, char *origin, size_t origin_size,
                     uint64_t *tree_size, struct merkle_hash *root);

#endif
