/* The Merkle tree of the verifiable change log (RFC 9162 §2.1): hashing, the roots of ranges,
 * inclusion and consistency proofs and their verification, and the right edge of a growing
 * tree. Pure: hashes come from the caller through a lookup function.
 *
 * A node is a complete subtree: node (level, index) covers the leaves
 * [index << level, (index + 1) << level); level 0 holds the leaf hashes. Once all its leaves
 * exist a node never changes, so a store keeps each node once and a proof reads O(log n) of
 * them. */
#ifndef SOILSHARE_MERKLE_H
#define SOILSHARE_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN 32
/* Levels of a tree of at most 2^63 leaves, and the longest path of either proof. */
#define MERKLE_MAX_LEVELS 64
#define MERKLE_MAX_PATH   128

struct merkle_hash {
	uint8_t b[MERKLE_HASH_LEN];
};

struct merkle_node_id {
	unsigned level;
	uint64_t index;
};

/* SHA-256(0x00 ‖ data): the hash of a leaf. */
void merkle_leaf_hash(const void *data, size_t len, struct merkle_hash *out);
/* SHA-256(0x01 ‖ left ‖ right): the hash of an interior node. */
void merkle_node_hash(const struct merkle_hash *left, const struct merkle_hash *right,
                      struct merkle_hash *out);
/* SHA-256 of nothing: the root of the empty tree. */
void merkle_empty_root(struct merkle_hash *out);
bool merkle_hash_equal(const struct merkle_hash *a, const struct merkle_hash *b);

/* Looks a stored node up: 0, or -1 when it is not there. */
typedef int (*merkle_get_fn)(void *ctx, unsigned level, uint64_t index, struct merkle_hash *out);

/* The root of the tree of the first `size` leaves (the empty root for 0). */
int merkle_root(uint64_t size, merkle_get_fn get, void *ctx, struct merkle_hash *out);
/* RFC 9162 §2.1.3.1: the inclusion path of leaf `index` in the tree of `size` leaves, leaf
 * side first, into `path` (MERKLE_MAX_PATH entries); its length in `*len`. -1 when
 * index >= size or a node is missing. */
int merkle_inclusion_path(uint64_t index, uint64_t size, merkle_get_fn get, void *ctx,
                          struct merkle_hash *path, size_t *len);
/* RFC 9162 §2.1.4.1: the consistency path from the tree of `from` leaves to that of `to`;
 * -1 unless 0 < from <= to, or when a node is missing. Empty when from == to. */
int merkle_consistency_path(uint64_t from, uint64_t to, merkle_get_fn get, void *ctx,
                            struct merkle_hash *path, size_t *len);

/* RFC 9162 §2.1.3.2: whether `path` proves `leaf` is leaf `index` of the tree of `size`
 * leaves whose root is `root`. */
bool merkle_verify_inclusion(uint64_t index, uint64_t size, const struct merkle_hash *leaf,
                             const struct merkle_hash *path, size_t len,
                             const struct merkle_hash *root);
/* RFC 9162 §2.1.4.2: whether `path` proves the tree of `from` leaves with root `from_root`
 * is the beginning of the tree of `to` leaves with root `to_root`. */
bool merkle_verify_consistency(uint64_t from, uint64_t to, const struct merkle_hash *from_root,
                               const struct merkle_hash *to_root, const struct merkle_hash *path,
                               size_t len);

/* The right edge of a tree: for each bit l set in `size`, the node of level l that the
 * tree's last complete subtree of that size is. What appending a leaf needs, and all the
 * root needs. */
struct merkle_frontier {
	uint64_t size;
	struct merkle_hash node[MERKLE_MAX_LEVELS]; /* node[l] holds a value iff bit l of size */
};

/* The nodes of the frontier of a tree of `size` leaves, largest first; returns how many. */
size_t merkle_frontier_ids(uint64_t size, struct merkle_node_id ids[MERKLE_MAX_LEVELS]);
/* The frontier of the tree of `size` leaves, from stored nodes: 0 or -1. */
int merkle_frontier_load(struct merkle_frontier *f, uint64_t size, merkle_get_fn get, void *ctx);
/* Receives each node a leaf completes, the leaf itself first. */
typedef void (*merkle_emit_fn)(void *ctx, unsigned level, uint64_t index,
                               const struct merkle_hash *hash);
/* Appends leaf `leaf` (its hash) as leaf number f->size; `emit` (may be NULL) gets the new
 * nodes. -1 when the tree is full. */
int merkle_frontier_append(struct merkle_frontier *f, const struct merkle_hash *leaf,
                           merkle_emit_fn emit, void *ctx);
void merkle_frontier_root(const struct merkle_frontier *f, struct merkle_hash *out);

#endif
