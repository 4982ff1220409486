/* The verifiable change log (SPEC §12): GET /v1/log/checkpoint, /v1/log/proof/inclusion and
 * /v1/log/proof/consistency. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "encoding.h"
#include "internal.h"
#include "tlog.h"
#include "utf8.h"

/* A leaf index or tree size: decimal digits, below 2^63. */
static int parse_count(const char *v, uint64_t *out)
{
	if (!v || !*v || strlen(v) > 19 || strspn(v, "0123456789") != strlen(v))
		return -1;
	errno = 0;
	unsigned long long x = strtoull(v, NULL, 10);
	if (errno || x > INT64_MAX)
		return -1;
	*out = x;
	return 0;
}

int log_query_parse(const struct query_arg *args, size_t n, const char *const names[2],
                    uint64_t values[2], char *errbuf, size_t size)
{
	bool seen[2] = {false, false};
	for (size_t i = 0; i < n; i++) {
		const char *k = args[i].key, *v = args[i].value;
		int which = strcmp(k, names[0]) == 0 ? 0 : strcmp(k, names[1]) == 0 ? 1 : -1;
		if (which < 0) {
			snprintf(errbuf, size,
			         "unknown query parameter %.*s; this proof takes %s and %s",
			         utf8_cut(k, 40), k, names[0], names[1]);
			return -1;
		}
		if (seen[which]) {
			snprintf(errbuf, size, "query parameter %s is repeated", k);
			return -1;
		}
		seen[which] = true;
		if (parse_count(v, &values[which]) < 0) {
			snprintf(errbuf, size,
			         "%s must be a whole number of entries from 0 up, got \"%.*s\"", k,
			         v ? utf8_cut(v, 40) : 0, v ? v : "");
			return -1;
		}
	}
	for (int i = 0; i < 2; i++)
		if (!seen[i]) {
			snprintf(
			    errbuf, size,
			    "query parameter %s is missing; this proof takes %s and %s (the size "
			    "of a checkpoint, GET /v1/log/checkpoint)",
			    names[i], names[0], names[1]);
			return -1;
		}
	return 0;
}

static json_t *hash_json(const struct merkle_hash *h)
{
	char b64[64];
	base64_std_encode(h->b, MERKLE_HASH_LEN, b64, sizeof(b64));
	return json_string(b64);
}

static json_t *path_json(const struct merkle_hash *path, size_t len)
{
	json_t *a = json_array();
	for (size_t i = 0; i < len; i++)
		json_array_append_new(a, hash_json(&path[i]));
	return a;
}

/* Answers a failed read of the log; returns true when `st` was one. */
static bool failed(struct request *req, enum tlog_status st, PGresult *res)
{
	if (st == TLOG_OK)
		return false;
	if (st == TLOG_DB_ERROR) {
		problem_db(req, res);
	} else {
		fprintf(stderr,
		        "soilshare: the log's stored tree lacks a node (%s); run `soilshare "
		        "log verify`\n",
		        req->path);
		problem(req, 500, "internal", "Internal Server Error",
		        "the log cannot give this proof at the moment (request id %s)",
		        req->request_id);
	}
	return true;
}

/* Parses the two parameters of a proof and reads the tree's size; false when it answered. */
static bool proof_args(struct request *req, const char *const names[2], uint64_t values[2],
                       uint64_t *tree_size)
{
	struct query_arg args[4];
	int n = req_query_args(req, args, sizeof(args) / sizeof(args[0]));
	char err[256];
	if (n < 0) {
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters; this proof takes %s and %s", names[0],
		        names[1]);
		return false;
	}
	if (log_query_parse(args, (size_t)n, names, values, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return false;
	}
	/* Proofs read the primary: a standby may not have the nodes of the newest checkpoint. */
	db_prefer_standby(false);
	PGresult *res = NULL;
	return !failed(req, tlog_size(tree_size, &res), res);
}

void handle_log_checkpoint(struct request *req)
{
	db_prefer_standby(false);
	/* Number what has finished and append it (the feed thread does both every 100 ms), so
	 * that the checkpoint covers every change committed before this request, and so every
	 * change a client has been served. */
	PGresult *seq = db_exec("feed_sequence", 0, NULL);
	PQclear(seq);
	char err[512];
	tlog_append(err, sizeof(err));
	char *note;
	size_t len;
	PGresult *res = NULL;
	if (failed(req, tlog_checkpoint(&note, &len, &res), res))
		return;
	if (!note) {
		problem(req, 503, "log-unavailable", "Service Unavailable",
		        "the log has no signed checkpoint yet: its servers sign checkpoints with "
		        "the key their operator gives with --log-key (README, \"Verifiable "
		        "log\"); ask the operator to configure it");
		return;
	}
	respond_owned(req, 200, "text/plain; charset=utf-8", note, len, "Cache-Control: no-store");
}

static const char *const inclusion_names[] = {"seq", "size"};
static const char *const consistency_names[] = {"from", "to"};

void handle_log_inclusion(struct request *req)
{
	uint64_t v[2], tree;
	if (!proof_args(req, inclusion_names, v, &tree))
		return;
	uint64_t seq = v[0], size = v[1];
	if (size == 0 || size > tree) {
		problem(req, 400, "bad-request", "Bad Request",
		        "size must be a tree size from 1 to the log's size, %" PRIu64
		        " now: take it from a checkpoint (GET /v1/log/checkpoint)",
		        tree);
		return;
	}
	if (seq >= size) {
		problem(req, 400, "bad-request", "Bad Request",
		        "seq must be below size (%" PRIu64 "): the tree of %" PRIu64
		        " entries holds seq 0 to %" PRIu64,
		        size, size, size - 1);
		return;
	}
	struct merkle_hash leaf, path[MERKLE_MAX_PATH];
	size_t len;
	PGresult *res = NULL;
	if (failed(req, tlog_inclusion(seq, size, &leaf, path, &len, &res), res))
		return;
	json_t *body = json_pack("{sIsIsoso}", "seq", (json_int_t)seq, "size", (json_int_t)size,
	                         "leaf_hash", hash_json(&leaf), "path", path_json(path, len));
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

void handle_log_consistency(struct request *req)
{
	uint64_t v[2], tree;
	if (!proof_args(req, consistency_names, v, &tree))
		return;
	uint64_t from = v[0], to = v[1];
	if (to > tree) {
		problem(req, 400, "bad-request", "Bad Request",
		        "to must be at most the log's size, %" PRIu64
		        " now: take it from a checkpoint (GET /v1/log/checkpoint)",
		        tree);
		return;
	}
	if (from == 0 || from > to) {
		problem(req, 400, "bad-request", "Bad Request",
		        "from must be a tree size from 1 to `to` (%" PRIu64
		        "): the size of the checkpoint you kept; every tree is consistent with the "
		        "empty one",
		        to);
		return;
	}
	struct merkle_hash path[MERKLE_MAX_PATH];
	size_t len;
	PGresult *res = NULL;
	if (failed(req, tlog_consistency(from, to, path, &len, &res), res))
		return;
	json_t *body = json_pack("{sIsIso}", "from", (json_int_t)from, "to", (json_int_t)to, "path",
	                         path_json(path, len));
	respond_json(req, 200, body, NULL);
	json_decref(body);
}
