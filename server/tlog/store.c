/* The verifiable log in the database: appending the change feed to the tree, signing
 * checkpoints, and reading proofs from the stored nodes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canon.h"
#include "db.h"
#include "encoding.h"
#include "internal.h"
#include "strbuf.h"
#include "tlog.h"

/* How far the tree is behind the feed, and whether its size has a checkpoint. */
static const char sql_lag[] = "SELECT s.size, f.last_pos, (SELECT max(size) FROM log_checkpoints) "
                              "FROM log_state s, feed_state f";
/* One appender at a time, over every server. A batch of TLOG_BATCH entries takes about a
 * second; the server's statement timeout is for requests, and the appender's transaction
 * gets a minute, so that a busy database slows the log down rather than stopping it. */
static const char sql_lock[] = "SELECT pg_advisory_xact_lock(7438203)";
static const char sql_timeout[] = "SELECT set_config('statement_timeout', '60s', true)";
static const char sql_state[] =
    "SELECT s.size, s.verifier_key, c.size, encode(c.root, 'hex') FROM log_state s "
    "LEFT JOIN LATERAL (SELECT size, root FROM log_checkpoints ORDER BY size DESC LIMIT 1) c "
    "ON true";
/* Stored nodes by (level, index), in the order asked, NULL for one not stored. */
static const char sql_nodes[] =
    "SELECT encode(n.hash, 'hex') FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY "
    "AS w(level, idx, o) LEFT JOIN log_nodes n ON n.level = w.level AND n.idx = w.idx "
    "ORDER BY w.o";
/* Entries with seq in [$1, $2), in feed order: their seq and the entry as the feed serves it. */
static const char sql_entries[] =
    "SELECT c.pos - 1, change_entry(c)::text FROM changes c WHERE c.pos > $1 AND c.pos <= $2 "
    "ORDER BY c.pos";
/* New nodes: their levels, indexes and hashes (in hex), as three arrays. */
static const char sql_insert_nodes[] =
    "INSERT INTO log_nodes (level, idx, hash) SELECT l, i, decode(h, 'hex') "
    "FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS t(l, i, h)";
static const char sql_set_size[] = "UPDATE log_state SET size = $1";
static const char sql_set_key[] =
    "UPDATE log_state SET verifier_key = $1 WHERE verifier_key IS NULL";
static const char sql_add_checkpoint[] =
    "INSERT INTO log_checkpoints (size, root, note) VALUES ($1, decode($2, 'hex'), $3) "
    "ON CONFLICT (size) DO NOTHING";
static const char sql_size[] = "SELECT size FROM log_state";
static const char sql_checkpoint[] = "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1";

static const struct db_stmt statements[] = {
    {"log_lag", sql_lag},
    {"log_lock", sql_lock},
    {"log_timeout", sql_timeout},
    {"log_state", sql_state},
    {"log_nodes", sql_nodes},
    {"log_entries", sql_entries},
    {"log_insert_nodes", sql_insert_nodes},
    {"log_set_size", sql_set_size},
    {"log_set_key", sql_set_key},
    {"log_add_checkpoint", sql_add_checkpoint},
    {"log_size", sql_size},
    {"log_checkpoint", sql_checkpoint},
};

static struct note_key signer;
static bool have_signer;
static char signer_vkey[NOTE_KEY_TEXT_MAX];

void tlog_configure(const struct note_key *key)
{
	have_signer = key != NULL;
	if (key) {
		signer = *key;
		if (note_verifier_key(&signer, signer_vkey, sizeof(signer_vkey)) < 0)
			have_signer = false;
	}
}

void tlog_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

int tlog_hex_hash(const char *hex, struct merkle_hash *out)
{
	if (strlen(hex) != 2 * MERKLE_HASH_LEN)
		return -1;
	for (size_t i = 0; i < MERKLE_HASH_LEN; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out->b[i] = (uint8_t)v;
	}
	return 0;
}

static void hash_hex(const struct merkle_hash *h, char out[2 * MERKLE_HASH_LEN + 1])
{
	hex_encode(h->b, MERKLE_HASH_LEN, out);
}

int tlog_entry_leaf(const char *json, size_t len, struct strbuf *out, struct merkle_hash *leaf,
                    char *errbuf, size_t size)
{
	out->len = 0;
	out->buf[0] = '\0';
	if (canon_text(json, len, out, errbuf, size) < 0)
		return -1;
	merkle_leaf_hash(out->buf, out->len, leaf);
	return 0;
}

static bool tuples_ok(PGresult *res, PGresult **failed)
{
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
		return true;
	*failed = res;
	return false;
}

int tlog_fetch_nodes(const struct merkle_node_id *ids, size_t n, struct merkle_hash *out,
                     bool *have, PGresult **failed)
{
	struct strbuf levels, indexes;
	strbuf_init(&levels, 16 + 4 * n);
	strbuf_init(&indexes, 16 + 12 * n);
	strbuf_addc(&levels, '{');
	strbuf_addc(&indexes, '{');
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&levels, "%s%u", i ? "," : "", ids[i].level);
		strbuf_addf(&indexes, "%s%" PRIu64, i ? "," : "", ids[i].index);
	}
	strbuf_addc(&levels, '}');
	strbuf_addc(&indexes, '}');
	const char *params[] = {levels.buf, indexes.buf};
	PGresult *res = db_exec("log_nodes", 2, params);
	strbuf_release(&levels);
	strbuf_release(&indexes);
	if (!tuples_ok(res, failed))
		return -1;
	if ((size_t)PQntuples(res) != n) {
		*failed = res;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		have[i] = !PQgetisnull(res, (int)i, 0) &&
		          tlog_hex_hash(PQgetvalue(res, (int)i, 0), &out[i]) == 0;
	PQclear(res);
	return 0;
}

/* The nodes a proof reads, gathered by running it once with zero hashes, then fetched and
 * handed out when it runs again. */
#define MAX_PROOF_NODES 512

struct node_set {
	size_t n;
	bool missing;
	struct merkle_node_id id[MAX_PROOF_NODES];
	struct merkle_hash hash[MAX_PROOF_NODES];
	bool have[MAX_PROOF_NODES];
};

static int find(struct node_set *s, unsigned level, uint64_t index)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->id[i].level == level && s->id[i].index == index)
			return (int)i;
	return -1;
}

static int gather(void *ctx, unsigned level, uint64_t index, struct merkle_hash *out)
{
	struct node_set *s = ctx;
	memset(out, 0, sizeof(*out));
	if (find(s, level, index) >= 0)
		return 0;
	if (s->n == MAX_PROOF_NODES)
		return -1;
	s->id[s->n].level = level;
	s->id[s->n].index = index;
	s->n++;
	return 0;
}

static int hand_out(void *ctx, unsigned level, uint64_t index, struct merkle_hash *out)
{
	struct node_set *s = ctx;
	int i = find(s, level, index);
	if (i < 0 || !s->have[i]) {
		s->missing = true;
		return -1;
	}
	*out = s->hash[i];
	return 0;
}

static enum tlog_status fetch_set(struct node_set *s, PGresult **failed)
{
	if (tlog_fetch_nodes(s->id, s->n, s->hash, s->have, failed) < 0)
		return TLOG_DB_ERROR;
	return TLOG_OK;
}

enum tlog_status tlog_size(uint64_t *size, PGresult **failed)
{
	PGresult *res = db_exec("log_size", 0, NULL);
	if (!tuples_ok(res, failed))
		return TLOG_DB_ERROR;
	*size = PQntuples(res) == 1 ? strtoull(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return TLOG_OK;
}

enum tlog_status tlog_checkpoint(char **note, size_t *len, PGresult **failed)
{
	*note = NULL;
	PGresult *res = db_exec("log_checkpoint", 0, NULL);
	if (!tuples_ok(res, failed))
		return TLOG_DB_ERROR;
	if (PQntuples(res) == 1) {
		*len = (size_t)PQgetlength(res, 0, 0);
		*note = malloc(*len + 1);
		if (*note)
			memcpy(*note, PQgetvalue(res, 0, 0), *len + 1);
	}
	PQclear(res);
	return TLOG_OK;
}

enum tlog_status tlog_inclusion(uint64_t seq, uint64_t size, struct merkle_hash *leaf,
                                struct merkle_hash *path, size_t *len, PGresult **failed)
{
	struct node_set *s = calloc(1, sizeof(*s));
	if (!s) {
		*failed = NULL;
		return TLOG_DB_ERROR;
	}
	enum tlog_status st = TLOG_BROKEN;
	gather(s, 0, seq, leaf);
	if (merkle_inclusion_path(seq, size, gather, s, path, len) < 0)
		goto out;
	if ((st = fetch_set(s, failed)) != TLOG_OK)
		goto out;
	st = hand_out(s, 0, seq, leaf) == 0 &&
	             merkle_inclusion_path(seq, size, hand_out, s, path, len) == 0
	         ? TLOG_OK
	         : TLOG_BROKEN;
out:
	free(s);
	return st;
}

enum tlog_status tlog_consistency(uint64_t from, uint64_t to, struct merkle_hash *path, size_t *len,
                                  PGresult **failed)
{
	struct node_set *s = calloc(1, sizeof(*s));
	if (!s) {
		*failed = NULL;
		return TLOG_DB_ERROR;
	}
	enum tlog_status st = TLOG_BROKEN;
	if (merkle_consistency_path(from, to, gather, s, path, len) < 0)
		goto out;
	if ((st = fetch_set(s, failed)) != TLOG_OK)
		goto out;
	st = merkle_consistency_path(from, to, hand_out, s, path, len) == 0 ? TLOG_OK : TLOG_BROKEN;
out:
	free(s);
	return st;
}

/* The root of the stored tree's first `n` entries: 0, or -1 when a node is missing or the
 * database cannot be read. */
static int stored_root(uint64_t n, struct merkle_hash *root)
{
	struct node_set *s = calloc(1, sizeof(*s));
	PGresult *failed = NULL;
	int rc = -1;
	if (s && merkle_root(n, gather, s, root) == 0 && fetch_set(s, &failed) == TLOG_OK)
		rc = merkle_root(n, hand_out, s, root);
	PQclear(failed);
	free(s);
	return rc;
}

/* What one batch appends: the new nodes as the insert statement takes them. */
struct batch {
	struct strbuf levels, indexes, hashes;
	size_t nodes;
};

static void collect(void *ctx, unsigned level, uint64_t index, const struct merkle_hash *h)
{
	struct batch *b = ctx;
	char hex[2 * MERKLE_HASH_LEN + 1];
	hash_hex(h, hex);
	strbuf_addf(&b->levels, "%s%u", b->nodes ? "," : "", level);
	strbuf_addf(&b->indexes, "%s%" PRIu64, b->nodes ? "," : "", index);
	if (b->nodes)
		strbuf_addc(&b->hashes, ',');
	strbuf_add(&b->hashes, hex, 2 * MERKLE_HASH_LEN);
	b->nodes++;
}

static int exec_ok(const char *stmt, int n, const char *const *params, char *errbuf, size_t size)
{
	PGresult *res = db_exec(stmt, n, params);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(errbuf, size, "%s failed: %s", stmt,
		         res ? PQresultErrorMessage(res) : "the database cannot be reached");
	PQclear(res);
	return ok ? 0 : -1;
}

/* Signs the checkpoint of the tree `f` inside the batch's transaction. */
static int sign_checkpoint(const struct merkle_frontier *f, const char *log_key, char *errbuf,
                           size_t size)
{
	if (log_key && strcmp(log_key, signer_vkey) != 0) {
		snprintf(errbuf, size,
		         "not signing: this server's log key (%s) is not the key of the log's "
		         "checkpoints (%s); give every server the same --log-key file",
		         signer_vkey, log_key);
		return -1;
	}
	struct merkle_hash root;
	char body[NOTE_NAME_MAX + 128], size_text[24], root_hex[2 * MERKLE_HASH_LEN + 1];
	merkle_frontier_root(f, &root);
	int n = checkpoint_text(signer.name, f->size, &root, body, sizeof(body));
	size_t len;
	char *note = n < 0 ? NULL : note_sign(&signer, body, (size_t)n, &len);
	if (!note) {
		snprintf(errbuf, size, "cannot sign a checkpoint");
		return -1;
	}
	snprintf(size_text, sizeof(size_text), "%" PRIu64, f->size);
	hash_hex(&root, root_hex);
	const char *params[] = {size_text, root_hex, note};
	const char *key_params[] = {signer_vkey};
	errbuf[0] = '\0';
	int rc = exec_ok("log_add_checkpoint", 3, params, errbuf, size);
	if (rc == 0 && !log_key)
		rc = exec_ok("log_set_key", 1, key_params, errbuf, size);
	free(note);
	return rc;
}

/* Reads the entries after the tree's end and appends their leaves to `f`; returns how many,
 * stopping early (with a message) at an entry that cannot be read. */
static long add_leaves(struct merkle_frontier *f, struct batch *b, char *errbuf, size_t size)
{
	char lo[24], hi[24];
	snprintf(lo, sizeof(lo), "%" PRIu64, f->size);
	snprintf(hi, sizeof(hi), "%" PRIu64, f->size + TLOG_BATCH);
	const char *params[] = {lo, hi};
	PGresult *res = db_exec("log_entries", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(errbuf, size, "cannot read the feed's entries: %s",
		         res ? PQresultErrorMessage(res) : "the database cannot be reached");
		PQclear(res);
		return -1;
	}
	struct strbuf canon;
	strbuf_init(&canon, 1024);
	long n = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		uint64_t seq = strtoull(PQgetvalue(res, i, 0), NULL, 10);
		struct merkle_hash leaf;
		char why[160];
		if (seq != f->size) {
			snprintf(errbuf, size,
			         "the feed has no entry %" PRIu64 " (next is %" PRIu64 ")", f->size,
			         seq);
			break;
		}
		if (tlog_entry_leaf(PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1), &canon,
		                    &leaf, why, sizeof(why)) < 0) {
			snprintf(errbuf, size, "entry %" PRIu64 " cannot be logged: %s", seq, why);
			break;
		}
		merkle_frontier_append(f, &leaf, collect, b);
		n++;
	}
	strbuf_release(&canon);
	PQclear(res);
	return n;
}

/* The frontier of the stored tree of `tree_size` entries; -1 with a message. */
static int load_frontier(struct merkle_frontier *f, uint64_t tree_size, char *errbuf, size_t size)
{
	struct merkle_node_id ids[MERKLE_MAX_LEVELS];
	struct merkle_hash hashes[MERKLE_MAX_LEVELS];
	bool have[MERKLE_MAX_LEVELS];
	size_t k = merkle_frontier_ids(tree_size, ids);
	PGresult *failed = NULL;
	if (tlog_fetch_nodes(ids, k, hashes, have, &failed) < 0) {
		snprintf(errbuf, size, "cannot read the tree's nodes: %s",
		         failed ? PQresultErrorMessage(failed) : "the database cannot be reached");
		PQclear(failed);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	f->size = tree_size;
	for (size_t i = 0; i < k; i++) {
		if (!have[i]) {
			snprintf(errbuf, size,
			         "the stored tree lacks node (%u, %" PRIu64
			         "); run `soilshare log verify`",
			         ids[i].level, ids[i].index);
			return -1;
		}
		f->node[ids[i].level] = hashes[i];
	}
	return 0;
}

/* One batch in one transaction: check the stored tree against its latest checkpoint,
 * append, sign. Returns the entries appended; a message in errbuf when something stopped
 * it (the batch is still committed when only signing or a later entry failed). */
static long append_batch(char *errbuf, size_t size)
{
	if (db_begin() < 0) {
		snprintf(errbuf, size, "the database cannot be reached");
		return 0;
	}
	long n = 0;
	bool committed = false;
	struct batch b = {.nodes = 0};
	strbuf_init(&b.levels, 64);
	strbuf_init(&b.indexes, 64);
	strbuf_init(&b.hashes, 64);
	strbuf_addc(&b.levels, '{');
	strbuf_addc(&b.indexes, '{');
	strbuf_addc(&b.hashes, '{');
	char why[512] = "";
	PGresult *st = NULL;
	if (exec_ok("log_timeout", 0, NULL, errbuf, size) < 0 ||
	    exec_ok("log_lock", 0, NULL, errbuf, size) < 0)
		goto out;
	st = db_exec("log_state", 0, NULL);
	if (!st || PQresultStatus(st) != PGRES_TUPLES_OK || PQntuples(st) != 1) {
		snprintf(errbuf, size, "cannot read the log's state");
		goto out;
	}
	uint64_t tree_size = strtoull(PQgetvalue(st, 0, 0), NULL, 10);
	const char *log_key = PQgetisnull(st, 0, 1) ? NULL : PQgetvalue(st, 0, 1);
	bool signed_before = !PQgetisnull(st, 0, 2);
	uint64_t signed_size = signed_before ? strtoull(PQgetvalue(st, 0, 2), NULL, 10) : 0;
	struct merkle_frontier f;
	if (load_frontier(&f, tree_size, errbuf, size) < 0)
		goto out;
	/* The stored tree must still be the one its latest checkpoint signed. */
	if (signed_before) {
		struct merkle_hash root, signed_root;
		bool read = true;
		if (signed_size == tree_size)
			merkle_frontier_root(&f, &root);
		else
			read = stored_root(signed_size, &root) == 0;
		if (!read || tlog_hex_hash(PQgetvalue(st, 0, 3), &signed_root) < 0 ||
		    !merkle_hash_equal(&root, &signed_root)) {
			snprintf(errbuf, size,
			         "not appending: the stored tree's first %" PRIu64
			         " entries do not have the root their checkpoint signed; run "
			         "`soilshare log verify`",
			         signed_size);
			goto out;
		}
	}
	long added = add_leaves(&f, &b, why, sizeof(why));
	if (added < 0) {
		snprintf(errbuf, size, "%s", why);
		goto out;
	}
	if (added > 0) {
		char size_text[24];
		snprintf(size_text, sizeof(size_text), "%" PRIu64, f.size);
		strbuf_addc(&b.levels, '}');
		strbuf_addc(&b.indexes, '}');
		strbuf_addc(&b.hashes, '}');
		const char *params[] = {b.levels.buf, b.indexes.buf, b.hashes.buf};
		const char *size_params[] = {size_text};
		if (exec_ok("log_insert_nodes", 3, params, errbuf, size) < 0 ||
		    exec_ok("log_set_size", 1, size_params, errbuf, size) < 0)
			goto out;
	}
	if (have_signer && (!signed_before || signed_size != f.size) &&
	    sign_checkpoint(&f, log_key, errbuf, size) < 0 && !strstr(errbuf, "not signing"))
		goto out;
	if (db_commit() < 0) {
		snprintf(errbuf, size, "the log's transaction did not commit");
		goto out;
	}
	committed = true;
	n = added;
	if (why[0] && !errbuf[0])
		snprintf(errbuf, size, "%s", why);
out:
	if (!committed)
		db_rollback();
	PQclear(st);
	strbuf_release(&b.levels);
	strbuf_release(&b.indexes);
	strbuf_release(&b.hashes);
	return n;
}

long tlog_append(char *errbuf, size_t size)
{
	long total = 0;
	errbuf[0] = '\0';
	for (;;) {
		PGresult *res = db_exec("log_lag", 0, NULL);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
			snprintf(errbuf, size, "cannot read the log's state: %s",
			         res ? PQresultErrorMessage(res)
			             : "the database cannot be reached");
			PQclear(res);
			return total;
		}
		uint64_t tree = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
		uint64_t fed = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
		bool unsigned_size =
		    have_signer &&
		    (PQgetisnull(res, 0, 2) || strtoull(PQgetvalue(res, 0, 2), NULL, 10) != tree);
		PQclear(res);
		if (fed <= tree && !unsigned_size)
			return total;
		long n = append_batch(errbuf, size);
		total += n;
		if (errbuf[0] || n < TLOG_BATCH)
			return total;
	}
}

void tlog_tick(void)
{
	/* A problem that persists is reported when it first appears, then once a minute. */
	static char last[512];
	static time_t last_at;
	char err[512];
	tlog_append(err, sizeof(err));
	time_t now = time(NULL);
	if (!err[0]) {
		last[0] = '\0';
		return;
	}
	if (strcmp(err, last) != 0 || now - last_at >= 60) {
		fprintf(stderr, "soilshare: verifiable log: %s\n", err);
		snprintf(last, sizeof(last), "%s", err);
		last_at = now;
	}
}
