/* The verifiable log over HTTP: the signed checkpoint (checked here and by openssl), the seq
 * of every change, inclusion and consistency proofs of real changes, and bad requests. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canon.h"
#include "encoding.h"
#include "harness.h"
#include "merkle.h"
#include "note.h"

struct checkpoint {
	uint64_t size;
	struct merkle_hash root;
	char *note;
	size_t text_len; /* the signed text: the first three lines */
};

static struct note_key pinned(void)
{
	struct note_key k;
	char err[256];
	cr_assert_eq(note_key_parse(need_env("SOILSHARE_VERIFIER_KEY"), &k, err, sizeof(err)), 0,
	             "%s", err);
	return k;
}

/* GET /v1/log/checkpoint, its signature checked against the pinned key. */
static struct checkpoint get_checkpoint(void)
{
	struct resp *r = call("GET", "/v1/log/checkpoint", key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "Content-Type"), "text/plain; charset=utf-8");
	struct note_key k = pinned();
	struct checkpoint c = {.note = strdup(r->body)};
	char err[256], origin[NOTE_NAME_MAX + 1];
	cr_assert_eq(note_verify(&k, r->body, r->len, &c.text_len, err, sizeof(err)), 0,
	             "the checkpoint's signature: %s\n%s", err, r->body);
	cr_assert_eq(
	    checkpoint_parse(r->body, c.text_len, origin, sizeof(origin), &c.size, &c.root), 0,
	    "%s", r->body);
	cr_assert_str_eq(origin, k.name, "the origin line is the log's name");
	resp_free(r);
	return c;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* openssl, knowing nothing of this code, checks the Ed25519 signature of the checkpoint's
 * text with the public key from the verifier key. */
Test(log, checkpoint_signature_verifies_with_openssl)
{
	struct checkpoint c = get_checkpoint();
	struct note_key k = pinned();
	char dir[] = "/tmp/soilshare-log-test.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char body[128], sig[128], pub[128], cmd[1024];
	snprintf(body, sizeof(body), "%s/body", dir);
	snprintf(sig, sizeof(sig), "%s/sig", dir);
	snprintf(pub, sizeof(pub), "%s/pub.der", dir);
	/* SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): a fixed prefix, then the key. */
	unsigned char der[44] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
	                         0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
	memcpy(der + 12, k.pub, 32);
	write_file(pub, der, sizeof(der));
	write_file(body, c.note, c.text_len);
	/* The signature line: "— <name> <base64 of key id and signature>". */
	const char *line = strstr(c.note + c.text_len, "\xe2\x80\x94 ");
	cr_assert_not_null(line);
	const char *b64 = strchr(line + 4, ' ') + 1;
	unsigned char raw[80];
	int n = base64_std_decode(b64, strcspn(b64, "\n"), raw, sizeof(raw));
	cr_assert_eq(n, 68, "4 bytes of key id and 64 of signature");
	write_file(sig, raw + 4, 64);
	snprintf(cmd, sizeof(cmd),
	         "openssl pkeyutl -verify -pubin -inkey %s -keyform DER -rawin -in %s -sigfile %s "
	         ">/dev/null 2>&1",
	         pub, body, sig);
	cr_assert_eq(system(cmd), 0, "openssl verifies the checkpoint's signature");
	/* One byte of the text changed: openssl refuses it. */
	char *changed = strdup(c.note);
	changed[c.text_len - 3] ^= 1;
	write_file(body, changed, c.text_len);
	cr_assert_neq(system(cmd), 0, "openssl refuses a changed checkpoint");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	free(changed);
	free(c.note);
}

static char *put_survey(const char *id, int year)
{
	char path[256], body[512];
	snprintf(path, sizeof(path), "/v1/effect-surveys/%s", id);
	/* Numbers and characters whose canonical form differs from how they are sent. (No
	 * -0.0 or 100.0 here: the sync test compares its mirror, where jq writes them as the
	 * integers -0 and 100, with the records of the same database.) */
	snprintf(body, sizeof(body),
	         "{\"year\":%d,\"district\":\"110109\",\"scope\":\"日志测试 \\u007f \\\\ "
	         "\\\"x\\\" \\u2028\",\"indicators\":{\"b\":1234.50,\"a\":1e-7,"
	         "\"\\ud83d\\ude00\":999999999999999,\"\\uffff\":[0.1,1e-21,-2.5e-3]}}",
	         year);
	struct resp *r = call("PUT", path, key_of("agriculture"), body, NULL);
	cr_assert(r->status == 200 || r->status == 201, "%s", r->body);
	resp_free(r);
	return strdup(path);
}

/* The change of record `id` in the feed after `cursor`. */
static json_t *change_of(const char *cursor, const char *id)
{
	json_t *all = feed_since(NULL, cursor, "effect-surveys", 1000, NULL);
	size_t i;
	json_t *c, *found = NULL;
	json_array_foreach(all, i, c) if (strcmp(json_string_value(json_object_get(c, "id")), id) ==
	                                  0) found = c;
	cr_assert_not_null(found, "the feed has the change of %s", id);
	json_incref(found);
	json_decref(all);
	return found;
}

static void b64_hash(json_t *v, struct merkle_hash *h)
{
	const char *s = json_string_value(v);
	cr_assert_not_null(s);
	cr_assert_eq(base64_std_decode(s, strlen(s), h->b, sizeof(h->b)), 32, "a hash: %s", s);
}

Test(log, every_change_is_proved_in_a_checkpoint)
{
	char *cursor = feed_latest(NULL);
	char *id = uniq("ES-LOG");
	free(put_survey(id, 2023));
	json_t *change = change_of(cursor, id);
	json_t *seqv = json_object_get(change, "seq");
	cr_assert(json_is_integer(seqv), "the change carries its seq");
	uint64_t seq = (uint64_t)json_integer_value(seqv);

	/* The leaf, computed here from the change as served. */
	struct strbuf canon;
	strbuf_init(&canon, 512);
	cr_assert_eq(canon_json(change, &canon), 0);
	struct merkle_hash leaf;
	merkle_leaf_hash(canon.buf, canon.len, &leaf);

	struct checkpoint c = get_checkpoint();
	cr_assert_gt(c.size, seq, "a checkpoint fetched after the feed covers its changes");
	char *path = strfmt("/v1/log/proof/inclusion?seq=%llu&size=%llu", (unsigned long long)seq,
	                    (unsigned long long)c.size);
	struct resp *r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "seq")), (json_int_t)seq);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "size")), (json_int_t)c.size);
	struct merkle_hash served_leaf, proof[MERKLE_MAX_PATH];
	b64_hash(json_object_get(r->json, "leaf_hash"), &served_leaf);
	cr_assert(merkle_hash_equal(&leaf, &served_leaf),
	          "the log's leaf is the hash of the change as served: %s", canon.buf);
	json_t *p = json_object_get(r->json, "path");
	size_t n = json_array_size(p);
	for (size_t i = 0; i < n; i++)
		b64_hash(json_array_get(p, i), &proof[i]);
	cr_assert(merkle_verify_inclusion(seq, c.size, &leaf, proof, n, &c.root),
	          "the proof leads to the signed root");
	resp_free(r);

	/* A record changed later: the checkpoint then is consistent with the one before. */
	free(put_survey(id, 2024));
	struct checkpoint later = get_checkpoint();
	cr_assert_gt(later.size, c.size);
	free(path);
	path = strfmt("/v1/log/proof/consistency?from=%llu&to=%llu", (unsigned long long)c.size,
	              (unsigned long long)later.size);
	r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	p = json_object_get(r->json, "path");
	n = json_array_size(p);
	for (size_t i = 0; i < n; i++)
		b64_hash(json_array_get(p, i), &proof[i]);
	cr_assert(merkle_verify_consistency(c.size, later.size, &c.root, &later.root, proof, n),
	          "the later checkpoint extends the earlier one");
	struct merkle_hash other = c.root;
	other.b[0] ^= 1;
	cr_assert_not(merkle_verify_consistency(c.size, later.size, &other, &later.root, proof, n));
	resp_free(r);
	/* From a size to itself: an empty path. */
	free(path);
	path = strfmt("/v1/log/proof/consistency?from=%llu&to=%llu", (unsigned long long)c.size,
	              (unsigned long long)c.size);
	r = call("GET", path, key_of("water"), NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "path")), 0);
	resp_free(r);
	strbuf_release(&canon);
	json_decref(change);
	free(path);
	free(c.note);
	free(later.note);
	free(id);
	free(cursor);
}

Test(log, bad_proof_requests_are_400)
{
	struct checkpoint c = get_checkpoint();
	unsigned long long size = (unsigned long long)c.size;
	char *bad[] = {
	    strfmt("/v1/log/proof/inclusion?seq=0"),
	    strfmt("/v1/log/proof/inclusion?size=%llu", size),
	    strfmt("/v1/log/proof/inclusion?seq=0&size=%llu&x=1", size),
	    strfmt("/v1/log/proof/inclusion?seq=0&seq=0&size=%llu", size),
	    strfmt("/v1/log/proof/inclusion?seq=-1&size=%llu", size),
	    strfmt("/v1/log/proof/inclusion?seq=1e3&size=%llu", size),
	    strfmt("/v1/log/proof/inclusion?seq=&size=%llu", size),
	    strfmt("/v1/log/proof/inclusion?seq=0&size=0"),
	    strfmt("/v1/log/proof/inclusion?seq=%llu&size=%llu", size, size),
	    strfmt("/v1/log/proof/inclusion?seq=0&size=%llu", size + 1000000000ULL),
	    strfmt("/v1/log/proof/inclusion?seq=0&size=99999999999999999999"),
	    strfmt("/v1/log/proof/consistency?from=0&to=%llu", size),
	    strfmt("/v1/log/proof/consistency?from=%llu&to=1", size + 1),
	    strfmt("/v1/log/proof/consistency?from=1&to=%llu", size + 1000000000ULL),
	    strfmt("/v1/log/proof/consistency?from=1"),
	    strfmt("/v1/log/proof/consistency?seq=1&size=2"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct resp *r = call("GET", bad[i], key_of("water"), NULL, NULL);
		assert_problem(r, 400, "/problems/bad-request");
		resp_free(r);
		free(bad[i]);
	}
	free(c.note);
}

Test(log, checkpoint_is_plain_text_and_needs_a_key)
{
	const char *json[] = {"Accept: application/json", NULL};
	struct resp *r = call("GET", "/v1/log/checkpoint", key_of("water"), NULL, json);
	assert_problem(r, 406, "/problems/not-acceptable");
	resp_free(r);
	const char *text[] = {"Accept: text/plain", NULL};
	r = call("GET", "/v1/log/checkpoint", key_of("water"), NULL, text);
	cr_assert_eq(r->status, 200);
	resp_free(r);
	r = call("GET", "/v1/log/checkpoint", NULL, NULL, NULL);
	assert_problem(r, 401, NULL);
	resp_free(r);
	r = call("POST", "/v1/log/checkpoint", key_of("water"), "{}", NULL);
	assert_problem(r, 405, NULL);
	resp_free(r);
}
