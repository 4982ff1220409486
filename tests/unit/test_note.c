/* Unit tests of signed notes, note keys and checkpoints (server/tlog/note.c), with the test
 * vectors of the Go sumdb/note package, whose formats C2SP's signed-note writes down. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "note.h"

static const char vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char text[] = "If you think cryptography is the answer to your problem,\n"
                           "then you don't know what your problem is.\n";
static const char signed_note[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

Test(note, keys_read_and_write_as_go_writes_them)
{
	struct note_key v, s;
	char err[256], out[NOTE_KEY_TEXT_MAX];
	cr_assert_eq(note_key_parse(vkey, &v, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(v.name, "PeterNeumann");
	cr_assert_eq(v.id, 0xc74f20a3u);
	cr_assert_not(v.has_private);
	cr_assert_eq(note_key_parse(skey, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert(s.has_private);
	cr_assert_eq(memcmp(s.pub, v.pub, 32), 0, "the signer key gives the verifier's key");
	cr_assert_eq(note_verifier_key(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, vkey);
	cr_assert_eq(note_signer_key(&s, out, sizeof(out)), 0);
	cr_assert_str_eq(out, skey);
	cr_assert_eq(note_signer_key(&v, out, sizeof(out)), -1, "no private key to write");
	char padded[256];
	snprintf(padded, sizeof(padded), "  %s\n", vkey);
	cr_assert_eq(note_key_parse(padded, &v, err, sizeof(err)), 0, "white space around");
}

Test(note, altered_keys_are_refused)
{
	struct note_key k;
	char err[256], bad[256];
	/* Every character changed, and every cut short, fails. */
	for (size_t i = 0; i < strlen(vkey); i++) {
		snprintf(bad, sizeof(bad), "%s", vkey);
		bad[i] = (char)(bad[i] == 'A' ? 'B' : bad[i] + 1);
		cr_assert_eq(note_key_parse(bad, &k, err, sizeof(err)), -1, "%s", bad);
		snprintf(bad, sizeof(bad), "%.*s", (int)i, vkey);
		cr_assert_eq(note_key_parse(bad, &k, err, sizeof(err)), -1, "%s", bad);
	}
	cr_assert_eq(note_key_parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
	                            "LDE4izWy10TWBADKEY==",
	                            &k, err, sizeof(err)),
	             -1, "a key of the wrong length");
	cr_assert_eq(note_key_parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
	                            "LDE4izWy10TW",
	                            &k, err, sizeof(err)),
	             -1, "an unknown algorithm");
	cr_assert_eq(note_key_parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
	                            "LDE4izWy10TW",
	                            &k, err, sizeof(err)),
	             -1);
	cr_assert(strstr(err, "should be c74f20a3"), "the message names the right id: %s", err);
}

Test(note, signs_as_go_signs)
{
	struct note_key s, v;
	char err[256];
	cr_assert_eq(note_key_parse(skey, &s, err, sizeof(err)), 0);
	cr_assert_eq(note_key_parse(vkey, &v, err, sizeof(err)), 0);
	size_t len;
	char *note = note_sign(&s, text, strlen(text), &len);
	cr_assert_not_null(note);
	cr_assert_eq(len, strlen(signed_note));
	cr_assert_eq(memcmp(note, signed_note, len), 0, "got:\n%.*s", (int)len, note);
	size_t tlen = 0;
	cr_assert_eq(note_verify(&v, note, len, &tlen, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tlen, strlen(text));
	/* A changed text, or a signature of another key of the same name, fails. */
	note[3] ^= 1;
	cr_assert_eq(note_verify(&v, note, len, &tlen, err, sizeof(err)), -1);
	cr_assert(strstr(err, "does not verify"), "%s", err);
	note[3] ^= 1;
	uint8_t seed[32];
	memset(seed, 7, sizeof(seed));
	struct note_key other;
	cr_assert_eq(note_key_from_seed("PeterNeumann", seed, &other), 0);
	cr_assert_eq(note_verify(&other, note, len, &tlen, err, sizeof(err)), -1);
	cr_assert(strstr(err, "no signature by the key PeterNeumann+"), "%s", err);
	free(note);
	cr_assert_null(note_sign(&s, "no newline", 10, &len));
	cr_assert_null(note_sign(&v, text, strlen(text), &len), "a verifier key cannot sign");
	cr_assert_eq(note_verify(&v, text, strlen(text), &tlen, err, sizeof(err)), -1);
}

Test(note, names)
{
	cr_assert(note_name_valid("soilshare.example.gov.cn/log"));
	cr_assert_not(note_name_valid(""));
	cr_assert_not(note_name_valid("a b"));
	cr_assert_not(note_name_valid("a+b"));
	cr_assert_not(note_name_valid("土壤"));
	uint8_t seed[32] = {0};
	struct note_key k;
	cr_assert_eq(note_key_from_seed("bad name", seed, &k), -1);
}

Test(note, checkpoints)
{
	struct merkle_hash root, back;
	for (int i = 0; i < 32; i++)
		root.b[i] = (uint8_t)(i * 7);
	char buf[256], origin[64];
	int n = checkpoint_text("soilshare.test/log", 1234, &root, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	cr_assert_str_eq(
	    buf, "soilshare.test/log\n1234\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=\n");
	uint64_t size;
	cr_assert_eq(checkpoint_parse(buf, (size_t)n, origin, sizeof(origin), &size, &back), 0);
	cr_assert_str_eq(origin, "soilshare.test/log");
	cr_assert_eq(size, 1234);
	cr_assert(merkle_hash_equal(&root, &back));
	static const char *const bad[] = {
	    "o\n01\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=\n",
	    "o\n1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0t=\n",
	    "o\n-1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=\n",
	    "\n1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=\n",
	    "o\n1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=",
	};
	const char *ok = "o\n1\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tk=\nextension line\n";
	cr_assert_eq(checkpoint_parse(ok, strlen(ok), origin, sizeof(origin), &size, &back), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(
		    checkpoint_parse(bad[i], strlen(bad[i]), origin, sizeof(origin), &size, &back),
		    -1, "%s", bad[i]);
}
