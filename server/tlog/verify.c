/* `soilshare log verify`: recomputes the whole stored tree from the change-feed entries and
 * checks it against the stored nodes and every stored checkpoint. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "internal.h"
#include "tlog.h"

#define CHUNK        10000
#define MAX_REPORTED 10

static const char sql_verify_state[] = "SELECT size, verifier_key FROM log_state";
static const char sql_verify_checkpoints[] =
    "SELECT size, encode(root, 'hex'), note FROM log_checkpoints WHERE size <= $1 "
    "ORDER BY size";
static const char sql_verify_count[] = "SELECT count(*) FROM log_nodes";
/* The change at a seq, to name it in a report. */
static const char sql_verify_change[] =
    "SELECT dataset || '/' || id || ' version ' || version || ' (' || op || ')' FROM changes "
    "WHERE pos = $1 + 1";

static const struct db_stmt statements[] = {
    {"log_verify_state", sql_verify_state},
    {"log_verify_checkpoints", sql_verify_checkpoints},
    {"log_verify_count", sql_verify_count},
    {"log_verify_change", sql_verify_change},
};

struct run {
	unsigned long problems;
	uint64_t first_bad; /* the first seq found wrong, or UINT64_MAX */
	/* the nodes one chunk completes, computed from the stored leaves */
	struct merkle_node_id *ids;
	struct merkle_hash *computed, *stored;
	bool *have;
	size_t n, cap;
};

static void report(struct run *r, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct run *r, uint64_t seq, const char *fmt, ...)
{
	if (seq < r->first_bad)
		r->first_bad = seq;
	if (r->problems++ >= MAX_REPORTED)
		return;
	va_list ap;
	va_start(ap, fmt);
	printf("log verify: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static void keep(void *ctx, unsigned level, uint64_t index, const struct merkle_hash *h)
{
	struct run *r = ctx;
	if (level == 0)
		return; /* leaves are checked against the entries */
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 4096;
		r->ids = realloc(r->ids, r->cap * sizeof(*r->ids));
		r->computed = realloc(r->computed, r->cap * sizeof(*r->computed));
		r->stored = realloc(r->stored, r->cap * sizeof(*r->stored));
		r->have = realloc(r->have, r->cap * sizeof(*r->have));
		if (!r->ids || !r->computed || !r->stored || !r->have) {
			fprintf(stderr, "log verify: out of memory\n");
			exit(1);
		}
	}
	r->ids[r->n].level = level;
	r->ids[r->n].index = index;
	r->computed[r->n] = *h;
	r->n++;
}

static void name_change(uint64_t seq, char *out, size_t size)
{
	char s[24];
	snprintf(s, sizeof(s), "%" PRIu64, seq);
	const char *params[] = {s};
	PGresult *res = db_exec("log_verify_change", 1, params);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	else
		snprintf(out, size, "a change no longer in the feed");
	PQclear(res);
}

struct checkpoint_row {
	uint64_t size;
	struct merkle_hash root;
	const char *note;
};

/* Checks a stored checkpoint at the point where the recomputed tree reaches its size. */
static void check_checkpoint(struct run *r, const struct checkpoint_row *c,
                             const struct merkle_frontier *f, const struct note_key *key)
{
	struct merkle_hash root;
	merkle_frontier_root(f, &root);
	if (!merkle_hash_equal(&root, &c->root))
		report(r, c->size ? c->size - 1 : 0,
		       "the checkpoint of size %" PRIu64
		       " does not hold the root of the first %" PRIu64
		       " entries: the tree was changed after it was signed",
		       c->size, c->size);
	size_t text_len;
	char err[256], origin[NOTE_NAME_MAX + 1];
	uint64_t size;
	struct merkle_hash note_root;
	if (note_verify(key, c->note, strlen(c->note), &text_len, err, sizeof(err)) < 0)
		report(r, c->size ? c->size - 1 : 0, "the checkpoint of size %" PRIu64 ": %s",
		       c->size, err);
	else if (checkpoint_parse(c->note, text_len, origin, sizeof(origin), &size, &note_root) <
	             0 ||
	         size != c->size || !merkle_hash_equal(&note_root, &c->root) ||
	         strcmp(origin, key->name) != 0)
		report(r, c->size ? c->size - 1 : 0,
		       "the checkpoint of size %" PRIu64
		       " signs another origin, size or root than the one stored beside it",
		       c->size);
}

/* Recomputes the leaves [lo, hi) from their entries and compares them with the stored ones;
 * grows the tree from the stored leaves, collecting the interior nodes it completes. */
static int verify_chunk(struct run *r, struct merkle_frontier *f, uint64_t lo, uint64_t hi,
                        const struct checkpoint_row *cps, size_t ncp, size_t *next_cp,
                        const struct note_key *key)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%" PRIu64, lo);
	snprintf(b, sizeof(b), "%" PRIu64, hi);
	const char *params[] = {a, b};
	PGresult *res = db_exec("log_entries", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "log verify: cannot read the entries: %s",
		        res ? PQresultErrorMessage(res) : "the database cannot be reached\n");
		PQclear(res);
		return -1;
	}
	size_t count = (size_t)(hi - lo);
	struct merkle_node_id *ids = malloc(count * sizeof(*ids));
	struct merkle_hash *stored = malloc(count * sizeof(*stored));
	bool *have = malloc(count * sizeof(*have));
	PGresult *failed = NULL;
	for (size_t i = 0; i < count; i++) {
		ids[i].level = 0;
		ids[i].index = lo + i;
	}
	if (!ids || !stored || !have || tlog_fetch_nodes(ids, count, stored, have, &failed) < 0) {
		fprintf(stderr, "log verify: cannot read the stored leaves\n");
		PQclear(failed);
		PQclear(res);
		free(ids);
		free(stored);
		free(have);
		return -1;
	}
	struct strbuf canon;
	strbuf_init(&canon, 1024);
	int row = 0, rows = PQntuples(res);
	for (uint64_t seq = lo; seq < hi; seq++) {
		size_t i = (size_t)(seq - lo);
		char what[256];
		if (row >= rows || strtoull(PQgetvalue(res, row, 0), NULL, 10) != seq) {
			report(r, seq,
			       "seq %" PRIu64 ": the log holds it but no change has this feed "
			       "position any more (a logged change was deleted or renumbered)",
			       seq);
		} else {
			struct merkle_hash leaf;
			char why[160];
			if (tlog_entry_leaf(PQgetvalue(res, row, 1),
			                    (size_t)PQgetlength(res, row, 1), &canon, &leaf, why,
			                    sizeof(why)) < 0) {
				report(r, seq, "seq %" PRIu64 ": the entry cannot be read: %s", seq,
				       why);
			} else if (have[i] && !merkle_hash_equal(&leaf, &stored[i])) {
				name_change(seq, what, sizeof(what));
				report(r, seq,
				       "seq %" PRIu64 " (%s): the entry is not the one the log "
				       "stored: it was changed after it was logged",
				       seq, what);
			}
			row++;
		}
		if (!have[i]) {
			report(r, seq, "seq %" PRIu64 ": the tree has no leaf for it", seq);
			merkle_frontier_append(f, &(struct merkle_hash){{0}}, keep, r);
		} else {
			merkle_frontier_append(f, &stored[i], keep, r);
		}
		while (*next_cp < ncp && cps[*next_cp].size == f->size)
			check_checkpoint(r, &cps[(*next_cp)++], f, key);
	}
	strbuf_release(&canon);
	PQclear(res);
	free(ids);
	free(stored);
	free(have);

	/* Every interior node this chunk completed must be stored as computed. */
	if (r->n && tlog_fetch_nodes(r->ids, r->n, r->stored, r->have, &failed) < 0) {
		fprintf(stderr, "log verify: cannot read the stored nodes\n");
		PQclear(failed);
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		uint64_t first = r->ids[i].index << r->ids[i].level;
		uint64_t last = ((r->ids[i].index + 1) << r->ids[i].level) - 1;
		if (!r->have[i])
			report(r, first,
			       "the tree has no node (level %u, index %" PRIu64
			       ") over seq %" PRIu64 "-%" PRIu64,
			       r->ids[i].level, r->ids[i].index, first, last);
		else if (!merkle_hash_equal(&r->stored[i], &r->computed[i]))
			report(r, first,
			       "the stored node (level %u, index %" PRIu64 ") over seq %" PRIu64
			       "-%" PRIu64 " is not the hash of the nodes below it: the stored "
			       "tree was changed",
			       r->ids[i].level, r->ids[i].index, first, last);
	}
	r->n = 0;
	return 0;
}

int tlog_verify(const struct note_key *pinned, bool quiet)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
	PGresult *st = db_exec("log_verify_state", 0, NULL);
	if (!st || PQresultStatus(st) != PGRES_TUPLES_OK || PQntuples(st) != 1) {
		fprintf(stderr, "log verify: cannot read the log's state: %s",
		        st ? PQresultErrorMessage(st) : "the database cannot be reached\n");
		PQclear(st);
		return 2;
	}
	uint64_t size = strtoull(PQgetvalue(st, 0, 0), NULL, 10);
	struct note_key key;
	char err[256];
	if (pinned) {
		key = *pinned;
	} else if (!PQgetisnull(st, 0, 1) &&
	           note_key_parse(PQgetvalue(st, 0, 1), &key, err, sizeof(err)) == 0) {
		if (!quiet)
			fprintf(stderr,
			        "log verify: checking signatures against the key recorded in the "
			        "database, %s; give --verifier-key to check against the key you "
			        "pinned\n",
			        PQgetvalue(st, 0, 1));
	} else {
		memset(&key, 0, sizeof(key));
		snprintf(key.name, sizeof(key.name), "(no key)");
	}
	PQclear(st);

	char size_text[24];
	snprintf(size_text, sizeof(size_text), "%" PRIu64, size);
	const char *params[] = {size_text};
	PGresult *cres = db_exec("log_verify_checkpoints", 1, params);
	if (!cres || PQresultStatus(cres) != PGRES_TUPLES_OK) {
		fprintf(stderr, "log verify: cannot read the checkpoints\n");
		PQclear(cres);
		return 2;
	}
	size_t ncp = (size_t)PQntuples(cres), next_cp = 0;
	struct checkpoint_row *cps = calloc(ncp ? ncp : 1, sizeof(*cps));
	if (!cps) {
		fprintf(stderr, "log verify: out of memory\n");
		PQclear(cres);
		return 2;
	}
	struct run r = {.first_bad = UINT64_MAX};
	for (size_t i = 0; i < ncp; i++) {
		cps[i].size = strtoull(PQgetvalue(cres, (int)i, 0), NULL, 10);
		if (tlog_hex_hash(PQgetvalue(cres, (int)i, 1), &cps[i].root) < 0)
			memset(&cps[i].root, 0, sizeof(cps[i].root));
		cps[i].note = PQgetvalue(cres, (int)i, 2);
	}
	struct merkle_frontier f = {.size = 0};
	while (next_cp < ncp && cps[next_cp].size == 0)
		check_checkpoint(&r, &cps[next_cp++], &f, &key);
	int rc = 0;
	for (uint64_t lo = 0; lo < size && rc == 0; lo += CHUNK)
		rc = verify_chunk(&r, &f, lo, lo + CHUNK < size ? lo + CHUNK : size, cps, ncp,
		                  &next_cp, &key);
	PGresult *count = db_exec("log_verify_count", 0, NULL);
	if (rc == 0 && count && PQresultStatus(count) == PGRES_TUPLES_OK) {
		uint64_t stored = strtoull(PQgetvalue(count, 0, 0), NULL, 10), want = 0;
		for (unsigned l = 0; l < MERKLE_MAX_LEVELS; l++)
			want += size >> l;
		if (stored != want)
			report(&r, size,
			       "the tree stores %" PRIu64 " nodes; %" PRIu64
			       " entries make %" PRIu64,
			       stored, size, want);
	}
	PQclear(count);
	PQclear(cres);
	free(cps);
	free(r.ids);
	free(r.computed);
	free(r.stored);
	free(r.have);
	if (rc < 0)
		return 2;
	if (r.problems) {
		printf("log verify: FAILED: %lu problem%s; the first at seq %" PRIu64 "\n",
		       r.problems, r.problems == 1 ? "" : "s", r.first_bad);
		return 1;
	}
	printf("log verify: %" PRIu64 " entries, their tree and %zu checkpoint%s match%s%s\n", size,
	       ncp, ncp == 1 ? "" : "s", ncp ? "; signed by " : "", ncp ? key.name : "");
	return 0;
}
