/* The Merkle tree of the verifiable change log: RFC 9162 §2.1 hashing, proofs and their
 * verification, and the right edge of a growing tree. */
#include <nettle/sha2.h>
#include <string.h>

#include "merkle.h"

static void hash_prefixed(uint8_t prefix, const void *a, size_t alen, const void *b, size_t blen,
                          struct merkle_hash *out)
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, 1, &prefix);
	sha256_update(&ctx, alen, a);
	if (blen)
		sha256_update(&ctx, blen, b);
	sha256_digest(&ctx, MERKLE_HASH_LEN, out->b);
}

void merkle_leaf_hash(const void *data, size_t len, struct merkle_hash *out)
{
	hash_prefixed(0x00, data, len, NULL, 0, out);
}

void merkle_node_hash(const struct merkle_hash *left, const struct merkle_hash *right,
                      struct merkle_hash *out)
{
	hash_prefixed(0x01, left->b, MERKLE_HASH_LEN, right->b, MERKLE_HASH_LEN, out);
}

void merkle_empty_root(struct merkle_hash *out)
{
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	sha256_digest(&ctx, MERKLE_HASH_LEN, out->b);
}

bool merkle_hash_equal(const struct merkle_hash *a, const struct merkle_hash *b)
{
	return memcmp(a->b, b->b, MERKLE_HASH_LEN) == 0;
}

static bool power_of_two(uint64_t n)
{
	return n && !(n & (n - 1));
}

/* The largest power of two below n (n >= 2): where RFC 9162 splits a tree of n leaves. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

static unsigned level_of(uint64_t power)
{
	unsigned l = 0;
	while ((UINT64_C(1) << l) < power)
		l++;
	return l;
}

/* MTH(D[start:end]) for a range of the RFC's recursion, whose `start` is a multiple of the
 * smallest power of two not below its length: a stored node, or a left node and the root of
 * the rest. */
static int range_root(uint64_t start, uint64_t end, merkle_get_fn get, void *ctx,
                      struct merkle_hash *out)
{
	uint64_t n = end - start;
	if (power_of_two(n)) {
		unsigned level = level_of(n);
		if (start & (n - 1))
			return -1;
		return get(ctx, level, start >> level, out);
	}
	uint64_t k = split_point(n);
	struct merkle_hash left, right;
	if (range_root(start, start + k, get, ctx, &left) < 0 ||
	    range_root(start + k, end, get, ctx, &right) < 0)
		return -1;
	merkle_node_hash(&left, &right, out);
	return 0;
}

int merkle_root(uint64_t size, merkle_get_fn get, void *ctx, struct merkle_hash *out)
{
	if (size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return range_root(0, size, get, ctx, out);
}

static int push(struct merkle_hash *path, size_t *len, const struct merkle_hash *h)
{
	if (*len >= MERKLE_MAX_PATH)
		return -1;
	path[(*len)++] = *h;
	return 0;
}

/* PATH(m, D[start:end]) */
static int inclusion(uint64_t m, uint64_t start, uint64_t end, merkle_get_fn get, void *ctx,
                     struct merkle_hash *path, size_t *len)
{
	if (end - start == 1)
		return 0;
	uint64_t k = split_point(end - start);
	struct merkle_hash h;
	int rc;
	if (m < k)
		rc = inclusion(m, start, start + k, get, ctx, path, len) < 0 ||
		     range_root(start + k, end, get, ctx, &h) < 0;
	else
		rc = inclusion(m - k, start + k, end, get, ctx, path, len) < 0 ||
		     range_root(start, start + k, get, ctx, &h) < 0;
	return rc ? -1 : push(path, len, &h);
}

int merkle_inclusion_path(uint64_t index, uint64_t size, merkle_get_fn get, void *ctx,
                          struct merkle_hash *path, size_t *len)
{
	*len = 0;
	if (index >= size)
		return -1;
	return inclusion(index, 0, size, get, ctx, path, len);
}

/* SUBPROOF(m, D[start:end], b) */
static int subproof(uint64_t m, uint64_t start, uint64_t end, bool b, merkle_get_fn get, void *ctx,
                    struct merkle_hash *path, size_t *len)
{
	uint64_t n = end - start;
	struct merkle_hash h;
	if (m == n) {
		if (b)
			return 0;
		return range_root(start, end, get, ctx, &h) < 0 ? -1 : push(path, len, &h);
	}
	uint64_t k = split_point(n);
	int rc;
	if (m <= k)
		rc = subproof(m, start, start + k, b, get, ctx, path, len) < 0 ||
		     range_root(start + k, end, get, ctx, &h) < 0;
	else
		rc = subproof(m - k, start + k, end, false, get, ctx, path, len) < 0 ||
		     range_root(start, start + k, get, ctx, &h) < 0;
	return rc ? -1 : push(path, len, &h);
}

int merkle_consistency_path(uint64_t from, uint64_t to, merkle_get_fn get, void *ctx,
                            struct merkle_hash *path, size_t *len)
{
	*len = 0;
	if (from == 0 || from > to)
		return -1;
	return subproof(from, 0, to, true, get, ctx, path, len);
}

/* "Right-shift both fn and sn equally until either LSB(fn) is set or fn is 0." */
static void shift_to_set_bit(uint64_t *fn, uint64_t *sn)
{
	while (!(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

bool merkle_verify_inclusion(uint64_t index, uint64_t size, const struct merkle_hash *leaf,
                             const struct merkle_hash *path, size_t len,
                             const struct merkle_hash *root)
{
	if (index >= size)
		return false;
	uint64_t fn = index, sn = size - 1;
	struct merkle_hash r = *leaf;
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(&path[i], &r, &r);
			if (!(fn & 1))
				shift_to_set_bit(&fn, &sn);
		} else {
			merkle_node_hash(&r, &path[i], &r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && merkle_hash_equal(&r, root);
}

bool merkle_verify_consistency(uint64_t from, uint64_t to, const struct merkle_hash *from_root,
                               const struct merkle_hash *to_root, const struct merkle_hash *path,
                               size_t len)
{
	if (from > to || from == 0)
		return false;
	if (from == to)
		return len == 0 && merkle_hash_equal(from_root, to_root);
	if (len == 0)
		return false;
	/* When `from` is a power of two its root is the first node of the path. */
	size_t i = 0;
	struct merkle_hash fr, sr;
	if (power_of_two(from)) {
		fr = sr = *from_root;
	} else {
		fr = sr = path[0];
		i = 1;
	}
	uint64_t fn = from - 1, sn = to - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(&path[i], &fr, &fr);
			merkle_node_hash(&path[i], &sr, &sr);
			if (!(fn & 1))
				shift_to_set_bit(&fn, &sn);
		} else {
			merkle_node_hash(&sr, &path[i], &sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && merkle_hash_equal(&fr, from_root) && merkle_hash_equal(&sr, to_root);
}

size_t merkle_frontier_ids(uint64_t size, struct merkle_node_id ids[MERKLE_MAX_LEVELS])
{
	size_t n = 0;
	for (int l = MERKLE_MAX_LEVELS - 1; l >= 0; l--)
		if (size >> l & 1) {
			ids[n].level = (unsigned)l;
			ids[n].index = (size >> l) - 1;
			n++;
		}
	return n;
}

int merkle_frontier_load(struct merkle_frontier *f, uint64_t size, merkle_get_fn get, void *ctx)
{
	struct merkle_node_id ids[MERKLE_MAX_LEVELS];
	size_t n = merkle_frontier_ids(size, ids);
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++)
		if (get(ctx, ids[i].level, ids[i].index, &f->node[ids[i].level]) < 0)
			return -1;
	f->size = size;
	return 0;
}

int merkle_frontier_append(struct merkle_frontier *f, const struct merkle_hash *leaf,
                           merkle_emit_fn emit, void *ctx)
{
	uint64_t index = f->size;
	if (index >> (MERKLE_MAX_LEVELS - 1))
		return -1;
	struct merkle_hash h = *leaf;
	if (emit)
		emit(ctx, 0, index, &h);
	/* Each set low bit of the old size is a left sibling waiting for this leaf's subtree. */
	unsigned l = 0;
	while (index >> l & 1) {
		merkle_node_hash(&f->node[l], &h, &h);
		l++;
		if (emit)
			emit(ctx, l, index >> l, &h);
	}
	f->node[l] = h;
	f->size++;
	return 0;
}

void merkle_frontier_root(const struct merkle_frontier *f, struct merkle_hash *out)
{
	if (f->size == 0) {
		merkle_empty_root(out);
		return;
	}
	bool have = false;
	for (unsigned l = 0; l < MERKLE_MAX_LEVELS; l++) {
		if (!(f->size >> l & 1))
			continue;
		if (have) {
			merkle_node_hash(&f->node[l], out, out);
		} else {
			*out = f->node[l];
			have = true;
		}
	}
}
