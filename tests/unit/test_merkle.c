/* Unit tests of the log's Merkle tree (server/tlog/merkle.c) against RFC 9162's definitions,
 * computed here directly from the leaves, and against published test vectors. */
#include <criterion/criterion.h>
#include <nettle/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merkle.h"

#define MAX_LEAVES 2100

/* A tree built the way the log builds it: leaves appended to a frontier, every node it
 * completes stored. */
struct store {
	uint64_t size;
	struct merkle_hash *node[MERKLE_MAX_LEVELS]; /* node[level][index] */
	size_t cap[MERKLE_MAX_LEVELS];
	unsigned gets; /* lookups made */
};

static void emit(void *ctx, unsigned level, uint64_t index, const struct merkle_hash *h)
{
	struct store *s = ctx;
	if (index >= s->cap[level]) {
		size_t cap = (size_t)index + 64;
		s->node[level] = realloc(s->node[level], cap * sizeof(struct merkle_hash));
		cr_assert_not_null(s->node[level]);
		s->cap[level] = cap;
	}
	s->node[level][index] = *h;
}

static int get(void *ctx, unsigned level, uint64_t index, struct merkle_hash *out)
{
	struct store *s = ctx;
	s->gets++;
	if (level >= MERKLE_MAX_LEVELS || ((index + 1) << level) > s->size)
		return -1;
	*out = s->node[level][index];
	return 0;
}

static void store_release(struct store *s)
{
	for (unsigned l = 0; l < MERKLE_MAX_LEVELS; l++)
		free(s->node[l]);
	memset(s, 0, sizeof(*s));
}

/* The leaf data of test trees: "leaf <i>". */
static size_t leaf_data(uint64_t i, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "leaf %llu", (unsigned long long)i);
}

static struct merkle_hash leaves[MAX_LEAVES];

static void make_leaves(void)
{
	for (uint64_t i = 0; i < MAX_LEAVES; i++) {
		char buf[32];
		merkle_leaf_hash(buf, leaf_data(i, buf, sizeof(buf)), &leaves[i]);
	}
}

static void build(struct store *s, struct merkle_frontier *f, uint64_t n)
{
	memset(s, 0, sizeof(*s));
	memset(f, 0, sizeof(*f));
	for (uint64_t i = 0; i < n; i++) {
		cr_assert_eq(merkle_frontier_append(f, &leaves[i], emit, s), 0);
		s->size = f->size;
	}
}

/* RFC 9162 §2.1.1, straight from the definition: MTH(D[start:end]). */
static void mth(uint64_t start, uint64_t end, struct merkle_hash *out)
{
	uint64_t n = end - start;
	if (n == 0) {
		merkle_empty_root(out);
		return;
	}
	if (n == 1) {
		*out = leaves[start];
		return;
	}
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	struct merkle_hash l, r;
	mth(start, start + k, &l);
	mth(start + k, end, &r);
	merkle_node_hash(&l, &r, out);
}

/* §2.1.3.1: PATH(m, D[start:end]), from the definition. */
static void ref_path(uint64_t m, uint64_t start, uint64_t end, struct merkle_hash *p, size_t *n)
{
	if (end - start <= 1)
		return;
	uint64_t k = 1;
	while (k * 2 < end - start)
		k *= 2;
	if (m < k) {
		ref_path(m, start, start + k, p, n);
		mth(start + k, end, &p[(*n)++]);
	} else {
		ref_path(m - k, start + k, end, p, n);
		mth(start, start + k, &p[(*n)++]);
	}
}

/* §2.1.4.1: SUBPROOF(m, D[start:end], b), from the definition. */
static void ref_subproof(uint64_t m, uint64_t start, uint64_t end, bool b, struct merkle_hash *p,
                         size_t *n)
{
	if (m == end - start) {
		if (!b)
			mth(start, end, &p[(*n)++]);
		return;
	}
	uint64_t k = 1;
	while (k * 2 < end - start)
		k *= 2;
	if (m <= k) {
		ref_subproof(m, start, start + k, b, p, n);
		mth(start + k, end, &p[(*n)++]);
	} else {
		ref_subproof(m - k, start + k, end, false, p, n);
		mth(start, start + k, &p[(*n)++]);
	}
}

static void flip(struct merkle_hash *h)
{
	h->b[7] ^= 0x10;
}

Test(merkle, hashes_are_rfc9162s)
{
	/* The empty root, and the leaf hashes of "" and "L123456", as RFC 6962
	 * implementations test them. */
	struct merkle_hash h;
	char hex[65];
	merkle_empty_root(&h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h.b[i]);
	cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	merkle_leaf_hash("", 0, &h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h.b[i]);
	cr_assert_str_eq(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	merkle_leaf_hash("L123456", 7, &h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h.b[i]);
	cr_assert_str_eq(hex, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
}

Test(merkle, every_tree_up_to_64_leaves, .init = make_leaves)
{
	for (uint64_t n = 1; n <= 64; n++) {
		struct store s;
		struct merkle_frontier f;
		build(&s, &f, n);
		struct merkle_hash want, got;
		mth(0, n, &want);
		merkle_frontier_root(&f, &got);
		cr_assert(merkle_hash_equal(&want, &got), "frontier root of %llu leaves",
		          (unsigned long long)n);
		cr_assert_eq(merkle_root(n, get, &s, &got), 0);
		cr_assert(merkle_hash_equal(&want, &got), "stored root of %llu leaves",
		          (unsigned long long)n);
		struct merkle_frontier loaded;
		cr_assert_eq(merkle_frontier_load(&loaded, n, get, &s), 0);
		merkle_frontier_root(&loaded, &got);
		cr_assert(merkle_hash_equal(&want, &got), "loaded frontier of %llu leaves",
		          (unsigned long long)n);
		for (uint64_t m = 0; m < n; m++) {
			struct merkle_hash path[MERKLE_MAX_PATH], ref[MERKLE_MAX_PATH];
			size_t len, rlen = 0;
			s.gets = 0;
			cr_assert_eq(merkle_inclusion_path(m, n, get, &s, path, &len), 0);
			ref_path(m, 0, n, ref, &rlen);
			cr_assert_eq(len, rlen, "path length of leaf %llu of %llu",
			             (unsigned long long)m, (unsigned long long)n);
			for (size_t i = 0; i < len; i++)
				cr_assert(merkle_hash_equal(&path[i], &ref[i]),
				          "path[%zu] of leaf %llu of %llu", i,
				          (unsigned long long)m, (unsigned long long)n);
			/* O(log n) stored nodes: at most two per level. */
			cr_assert_leq(s.gets, 2 * 7u, "%u lookups", s.gets);
			cr_assert(merkle_verify_inclusion(m, n, &leaves[m], path, len, &want),
			          "leaf %llu of %llu verifies", (unsigned long long)m,
			          (unsigned long long)n);
			/* Every change to the proof, the leaf or the index fails. (A size is
			 * bound to its root by the signed checkpoint, not by the proof.) */
			struct merkle_hash other = leaves[m];
			flip(&other);
			cr_assert_not(merkle_verify_inclusion(m, n, &other, path, len, &want));
			for (size_t i = 0; i < len; i++) {
				flip(&path[i]);
				cr_assert_not(
				    merkle_verify_inclusion(m, n, &leaves[m], path, len, &want));
				flip(&path[i]);
			}
			if (len > 0)
				cr_assert_not(merkle_verify_inclusion(m, n, &leaves[m], path,
				                                      len - 1, &want));
			if ((m ^ 1) < n)
				cr_assert_not(merkle_verify_inclusion(m ^ 1, n, &leaves[m], path,
				                                      len, &want));
		}
		store_release(&s);
	}
}

static void check_consistency(struct store *s, uint64_t m, uint64_t n)
{
	struct merkle_hash path[MERKLE_MAX_PATH], ref[MERKLE_MAX_PATH], rm, rn;
	size_t len, rlen = 0;
	cr_assert_eq(merkle_consistency_path(m, n, get, s, path, &len), 0, "path %llu -> %llu",
	             (unsigned long long)m, (unsigned long long)n);
	if (m < n)
		ref_subproof(m, 0, n, true, ref, &rlen);
	cr_assert_eq(len, rlen, "consistency %llu -> %llu: length", (unsigned long long)m,
	             (unsigned long long)n);
	for (size_t i = 0; i < len; i++)
		cr_assert(merkle_hash_equal(&path[i], &ref[i]), "consistency %llu -> %llu: [%zu]",
		          (unsigned long long)m, (unsigned long long)n, i);
	mth(0, m, &rm);
	mth(0, n, &rn);
	cr_assert(merkle_verify_consistency(m, n, &rm, &rn, path, len),
	          "consistency %llu -> %llu verifies", (unsigned long long)m,
	          (unsigned long long)n);
	struct merkle_hash bad = rm;
	flip(&bad);
	cr_assert_not(merkle_verify_consistency(m, n, &bad, &rn, path, len));
	bad = rn;
	flip(&bad);
	cr_assert_not(merkle_verify_consistency(m, n, &rm, &bad, path, len));
	for (size_t i = 0; i < len; i++) {
		flip(&path[i]);
		cr_assert_not(merkle_verify_consistency(m, n, &rm, &rn, path, len),
		              "consistency %llu -> %llu with path[%zu] changed",
		              (unsigned long long)m, (unsigned long long)n, i);
		flip(&path[i]);
	}
	if (m < n) {
		cr_assert_not(merkle_verify_consistency(m, n, &rm, &rn, path, len - 1));
	}
	/* A tree whose first m leaves differ is not consistent with this one. */
	if (m < n) {
		struct merkle_hash saved = leaves[m - 1];
		flip(&leaves[m - 1]);
		struct merkle_hash other;
		mth(0, m, &other);
		leaves[m - 1] = saved;
		cr_assert_not(merkle_verify_consistency(m, n, &other, &rn, path, len));
	}
}

Test(merkle, consistency_of_every_pair_up_to_64, .init = make_leaves)
{
	struct store s;
	struct merkle_frontier f;
	build(&s, &f, 64);
	for (uint64_t n = 1; n <= 64; n++)
		for (uint64_t m = 1; m <= n; m++)
			check_consistency(&s, m, n);
	store_release(&s);
}

Test(merkle, consistency_of_random_pairs, .init = make_leaves)
{
	struct store s;
	struct merkle_frontier f;
	build(&s, &f, MAX_LEAVES);
	srand(16);
	for (int i = 0; i < 300; i++) {
		uint64_t n = 1 + (uint64_t)rand() % MAX_LEAVES;
		uint64_t m = 1 + (uint64_t)rand() % n;
		check_consistency(&s, m, n);
		struct merkle_hash path[MERKLE_MAX_PATH], root;
		size_t len;
		uint64_t leaf = (uint64_t)rand() % n;
		mth(0, n, &root);
		cr_assert_eq(merkle_inclusion_path(leaf, n, get, &s, path, &len), 0);
		cr_assert(merkle_verify_inclusion(leaf, n, &leaves[leaf], path, len, &root));
	}
	store_release(&s);
}

Test(merkle, bad_arguments, .init = make_leaves)
{
	struct store s;
	struct merkle_frontier f;
	build(&s, &f, 10);
	struct merkle_hash path[MERKLE_MAX_PATH], root;
	size_t len;
	cr_assert_eq(merkle_inclusion_path(10, 10, get, &s, path, &len), -1);
	cr_assert_eq(merkle_inclusion_path(0, 11, get, &s, path, &len), -1, "a missing node");
	cr_assert_eq(merkle_consistency_path(0, 10, get, &s, path, &len), -1);
	cr_assert_eq(merkle_consistency_path(11, 10, get, &s, path, &len), -1);
	cr_assert_eq(merkle_consistency_path(5, 11, get, &s, path, &len), -1);
	mth(0, 10, &root);
	cr_assert_not(merkle_verify_inclusion(10, 10, &leaves[0], path, 0, &root));
	cr_assert_not(merkle_verify_consistency(0, 10, &root, &root, path, 0));
	cr_assert_not(merkle_verify_consistency(10, 5, &root, &root, path, 0));
	cr_assert(merkle_verify_consistency(10, 10, &root, &root, path, 0));
	cr_assert_not(merkle_verify_consistency(10, 10, &root, &root, path, 1));
	cr_assert_eq(merkle_root(0, get, &s, &root), 0);
	struct merkle_hash empty;
	merkle_empty_root(&empty);
	cr_assert(merkle_hash_equal(&root, &empty));
	store_release(&s);
}

/* The nodes a proof reads, as transparency-dev/merkle's proof tests list them for a tree of
 * 7 leaves (a..g at level 0; g, h, i at level 1; k at level 2). */
struct recorded {
	struct merkle_node_id ids[64];
	size_t n;
};

static int record(void *ctx, unsigned level, uint64_t index, struct merkle_hash *out)
{
	struct recorded *r = ctx;
	r->ids[r->n].level = level;
	r->ids[r->n].index = index;
	r->n++;
	memset(out, 0, sizeof(*out));
	return 0;
}

static bool read_node(const struct recorded *r, unsigned level, uint64_t index)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ids[i].level == level && r->ids[i].index == index)
			return true;
	return false;
}

Test(merkle, proofs_read_the_nodes_the_reference_names)
{
	static const struct {
		uint64_t size, index;
		size_t n;
		struct merkle_node_id ids[8];
	} cases[] = {
	    {2, 0, 1, {{0, 1}}},
	    {3, 1, 2, {{0, 0}, {0, 2}}},
	    {7, 0, 4, {{0, 1}, {1, 1}, {0, 6}, {1, 2}}},
	    {7, 3, 4, {{0, 2}, {1, 0}, {0, 6}, {1, 2}}},
	    {7, 4, 3, {{0, 5}, {0, 6}, {2, 0}}},
	    {7, 6, 2, {{1, 2}, {2, 0}}},
	    {15, 10, 5, {{0, 11}, {1, 4}, {0, 14}, {1, 6}, {3, 0}}},
	    {95, 81, 8, {{0, 80}, {1, 41}, {2, 21}, {0, 94}, {1, 46}, {2, 22}, {4, 4}, {6, 0}}},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct recorded r = {.n = 0};
		struct merkle_hash path[MERKLE_MAX_PATH];
		size_t len;
		cr_assert_eq(
		    merkle_inclusion_path(cases[c].index, cases[c].size, record, &r, path, &len),
		    0);
		cr_assert_eq(r.n, cases[c].n, "size %llu leaf %llu reads %zu nodes",
		             (unsigned long long)cases[c].size, (unsigned long long)cases[c].index,
		             r.n);
		for (size_t i = 0; i < cases[c].n; i++)
			cr_assert(read_node(&r, cases[c].ids[i].level, cases[c].ids[i].index),
			          "size %llu leaf %llu reads node (%u, %llu)",
			          (unsigned long long)cases[c].size,
			          (unsigned long long)cases[c].index, cases[c].ids[i].level,
			          (unsigned long long)cases[c].ids[i].index);
	}
}

static void b64(const char *text, struct merkle_hash *out)
{
	struct base64_decode_ctx ctx;
	size_t n = sizeof(out->b);
	base64_decode_init(&ctx);
	cr_assert(base64_decode_update(&ctx, &n, out->b, strlen(text), text) &&
	          base64_decode_final(&ctx) && n == 32);
}

/* The RFC 6962 reference leaves and the vectors derived from them, as published in the
 * test data of transparency-dev/merkle (testdata/inclusion, testdata/consistency). */
Test(merkle, published_vectors)
{
	static const char *const data[] = {"",
	                                   "\x00",
	                                   "\x10",
	                                   "\x20\x21",
	                                   "\x30\x31",
	                                   "\x40\x41\x42\x43",
	                                   "\x50\x51\x52\x53\x54\x55\x56\x57",
	                                   "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c"
	                                   "\x6d\x6e\x6f"};
	static const size_t lens[] = {0, 1, 1, 2, 2, 4, 8, 16};
	static const char *const roots[] = {
	    NULL,
	    "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
	    "+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=",
	    "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc=",
	    NULL,
	    "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=",
	    "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=",
	    "3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=",
	    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
	};
	struct store s;
	struct merkle_frontier f;
	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < 8; i++) {
		struct merkle_hash leaf, want, got;
		merkle_leaf_hash(data[i], lens[i], &leaf);
		merkle_frontier_append(&f, &leaf, emit, &s);
		s.size = f.size;
		if (!roots[i + 1])
			continue;
		b64(roots[i + 1], &want);
		merkle_frontier_root(&f, &got);
		cr_assert(merkle_hash_equal(&want, &got), "root of %zu leaves", i + 1);
	}

	static const struct {
		uint64_t index, size;
		const char *leaf, *path[3];
		size_t len;
	} inclusion[] = {
	    {0,
	     8,
	     "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
	     {"lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
	      "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="},
	     3},
	    {5,
	     8,
	     "QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg=",
	     {"vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
	      "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
	      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
	     3},
	    {2,
	     3,
	     "ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c=",
	     {"+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU="},
	     1},
	};
	for (size_t c = 0; c < sizeof(inclusion) / sizeof(inclusion[0]); c++) {
		struct merkle_hash leaf, root, want[3], path[MERKLE_MAX_PATH];
		size_t len;
		b64(inclusion[c].leaf, &leaf);
		b64(roots[inclusion[c].size], &root);
		for (size_t i = 0; i < inclusion[c].len; i++)
			b64(inclusion[c].path[i], &want[i]);
		cr_assert(merkle_verify_inclusion(inclusion[c].index, inclusion[c].size, &leaf,
		                                  want, inclusion[c].len, &root));
		cr_assert_eq(merkle_inclusion_path(inclusion[c].index, inclusion[c].size, get, &s,
		                                   path, &len),
		             0);
		cr_assert_eq(len, inclusion[c].len);
		for (size_t i = 0; i < len; i++)
			cr_assert(merkle_hash_equal(&path[i], &want[i]), "inclusion case %zu [%zu]",
			          c, i);
	}

	static const struct {
		uint64_t from, to;
		const char *path[3];
		size_t len;
	} consistency[] = {
	    {1,
	     8,
	     {"lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
	      "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	      "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="},
	     3},
	    {6,
	     8,
	     {"DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
	      "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
	      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
	     3},
	    {2,
	     5,
	     {"Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
	      "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="},
	     2},
	    {6,
	     7,
	     {"DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
	      "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
	      "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
	     3},
	};
	for (size_t c = 0; c < sizeof(consistency) / sizeof(consistency[0]); c++) {
		struct merkle_hash r1, r2, want[3], path[MERKLE_MAX_PATH];
		size_t len;
		b64(roots[consistency[c].from], &r1);
		b64(roots[consistency[c].to], &r2);
		for (size_t i = 0; i < consistency[c].len; i++)
			b64(consistency[c].path[i], &want[i]);
		cr_assert(merkle_verify_consistency(consistency[c].from, consistency[c].to, &r1,
		                                    &r2, want, consistency[c].len),
		          "consistency case %zu", c);
		cr_assert_eq(merkle_consistency_path(consistency[c].from, consistency[c].to, get,
		                                     &s, path, &len),
		             0);
		cr_assert_eq(len, consistency[c].len);
		for (size_t i = 0; i < len; i++)
			cr_assert(merkle_hash_equal(&path[i], &want[i]),
			          "consistency case %zu [%zu]", c, i);
		cr_assert_not(merkle_verify_consistency(consistency[c].from, consistency[c].to, &r2,
		                                        &r1, want, consistency[c].len),
		              "swapped roots");
	}
	store_release(&s);
}
