/* Unit tests of keyset cursors, base64url and FNV-1a in server/datasets/cursor.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "encoding.h"

static void round_trip(uint32_t hash, const char *id)
{
	char enc[CURSOR_MAX], dec[CURSOR_MAX];
	int rc = cursor_encode(hash, id, enc, sizeof(enc));
	cr_assert_eq(rc, 0, "cursor_encode failed for id \"%s\" (%zu bytes)", id, strlen(id));
	cr_assert_lt(strlen(enc), CURSOR_MAX, "encoded cursor fits CURSOR_MAX");
	for (const char *c = enc; *c; c++)
		cr_assert(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *c),
		    "cursor %s has a character outside base64url", enc);
	uint32_t h = 0;
	memset(dec, 'x', sizeof(dec));
	rc = cursor_decode(enc, &h, dec, sizeof(dec));
	cr_assert_eq(rc, 0, "cursor_decode rejected its own cursor %s for id \"%s\"", enc, id);
	cr_assert_eq(h, hash, "filter hash %08x came back as %08x", hash, h);
	cr_assert_str_eq(dec, id, "id came back changed");
}

/* Encodes arbitrary plain text as a cursor would look. */
static void encode_plain(const char *plain, char *out, size_t size)
{
	int n = base64url_encode((const unsigned char *)plain, strlen(plain), out, size);
	cr_assert_geq(n, 0, "fixture encoding failed");
}

Test(cursor, round_trip_ascii)
{
	round_trip(0xdeadbeefu, "110105-2023-0012");
	round_trip(0, "a");
	round_trip(0xffffffffu, "91110000100000000R");
	round_trip(FNV1A32_INIT, "id:with:colons");
}

Test(cursor, round_trip_chinese)
{
	round_trip(0x01234567u, "京规自〔2024〕0012号");
	round_trip(0x89abcdefu, "朝阳地块(一期)");
}

Test(cursor, round_trip_longest_ascii_key)
{
	char id[65];
	memset(id, 'z', 64);
	id[64] = '\0';
	round_trip(0x12345678u, id);
}

Test(cursor, round_trip_longest_chinese_key)
{
	/* A natural key may be 64 Chinese characters (SPEC §2): 192 bytes of UTF-8. The
	 * list handler has to be able to hand out a cursor after such an id. */
	char id[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(id, "地");
	round_trip(0x12345678u, id);
}

Test(cursor, encode_rejects_overlong_id_and_small_buffer)
{
	char id[400], enc[CURSOR_MAX];
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	cr_assert_eq(cursor_encode(1, id, enc, sizeof(enc)), -1, "a 399-byte id is too long");
	char small[8];
	cr_assert_eq(cursor_encode(1, "abc", small, sizeof(small)), -1,
	             "an 8-byte buffer cannot hold a cursor");
}

Test(cursor, tampered_cursor_rejected)
{
	char enc[CURSOR_MAX], dec[CURSOR_MAX];
	uint32_t h;
	cr_assert_eq(cursor_encode(0xcafef00du, "110105-2023-0012", enc, sizeof(enc)), 0, "encode");
	char t[CURSOR_MAX];

	/* First character changed: "c1:" is no longer the prefix. */
	strcpy(t, enc);
	t[0] = t[0] == 'A' ? 'B' : 'A';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "changed first char: %s", t);

	/* A hash character turned into a non-hex byte ('c1:ca' -> 'c1:c~'). */
	encode_plain("c1:cafef0~d:110105-2023-0012", t, sizeof(t));
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "non-hex hash: %s", t);

	/* Truncated by one character (leaves a length of 1 mod 4 or cuts the id). */
	strcpy(t, enc);
	size_t len = strlen(t);
	for (size_t cut = 1; cut <= 4; cut++) {
		t[len - cut] = '\0';
		uint32_t hh = 0;
		char d2[CURSOR_MAX] = "";
		int rc = cursor_decode(t, &hh, d2, sizeof(d2));
		cr_assert(rc == -1 || strcmp(d2, "110105-2023-0012") != 0,
		          "a truncated cursor must not decode to the original id");
	}

	/* Standard base64 characters and padding are not base64url. */
	strcpy(t, enc);
	strcat(t, "=");
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "padding '=': %s", t);
	strcpy(t, enc);
	t[4] = '+';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "'+' is not base64url: %s", t);
	strcpy(t, enc);
	t[4] = '/';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "'/' is not base64url: %s", t);
	strcpy(t, enc);
	t[4] = ' ';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "a space: %s", t);
}

Test(cursor, wrong_prefix_and_layout)
{
	static const char *const bad[] = {
	    "c2:0000abcd:x",    /* another version */
	    "C1:0000abcd:x",    /* upper-case prefix */
	    "c1:0000ABCD:x",    /* upper-case hex: not what cursor_encode writes */
	    "c1:0000abc:x",     /* 7 hex digits */
	    "c1:0000abcdx:",    /* separator misplaced */
	    "c1:0000abcd:",     /* no id */
	    "c1-0000abcd-x",    /* wrong separators */
	    "110105-2023-0012", /* a raw id */
	    "c1:0000abcd",      /* no separator before the id */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char t[CURSOR_MAX], dec[CURSOR_MAX];
		uint32_t h;
		encode_plain(bad[i], t, sizeof(t));
		cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "plain \"%s\" accepted",
		             bad[i]);
	}
	/* The accepted layout itself, as a control. */
	char t[CURSOR_MAX], dec[CURSOR_MAX];
	uint32_t h = 0;
	encode_plain("c1:0000abcd:x", t, sizeof(t));
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), 0, "the canonical layout decodes");
	cr_assert_eq(h, 0xabcdu, "hash parsed");
	cr_assert_str_eq(dec, "x", "id parsed");
}

Test(cursor, embedded_nul_rejected)
{
	static const unsigned char plain[] = "c1:0000abcd:a\0b";
	char t[CURSOR_MAX], dec[CURSOR_MAX];
	uint32_t h;
	cr_assert_geq(base64url_encode(plain, sizeof(plain) - 1, t, sizeof(t)), 0, "fixture");
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1,
	             "an id with a NUL byte is rejected");
}

Test(cursor, non_canonical_base64url_rejected)
{
	/* "c1:0000abcd:ab" is 14 bytes: the last group has 3 characters whose last one
	 * carries 2 unused low bits. Setting one of them decodes to the same bytes in a
	 * lenient decoder; this one must refuse. */
	char t[CURSOR_MAX], dec[CURSOR_MAX];
	uint32_t h;
	encode_plain("c1:0000abcd:ab", t, sizeof(t));
	size_t len = strlen(t);
	cr_assert_eq(len % 4, 3, "fixture: a 3-character last group");
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), 0, "the canonical form decodes");
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t v = (size_t)(strchr(alphabet, t[len - 1]) - alphabet);
	cr_assert_eq(v & 3, 0, "fixture: canonical low bits are zero");
	t[len - 1] = alphabet[v | 1];
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "non-canonical %s accepted", t);
}

Test(cursor, too_long_and_empty)
{
	char t[CURSOR_MAX + 10], dec[CURSOR_MAX];
	uint32_t h;
	cr_assert_eq(cursor_decode("", &h, dec, sizeof(dec)), -1, "an empty cursor is rejected");
	memset(t, 'A', CURSOR_MAX);
	t[CURSOR_MAX] = '\0';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1,
	             "a %d-character cursor is too long", CURSOR_MAX);
	memset(t, 'A', sizeof(t) - 1);
	t[sizeof(t) - 1] = '\0';
	cr_assert_eq(cursor_decode(t, &h, dec, sizeof(dec)), -1, "an overlong cursor is rejected");
	cr_assert_eq(cursor_decode("YzE", &h, dec, sizeof(dec)), -1, "\"c1\" alone is rejected");
}

Test(cursor, decode_respects_id_buffer)
{
	char enc[CURSOR_MAX], dec[8];
	uint32_t h;
	cr_assert_eq(cursor_encode(7, "0123456789", enc, sizeof(enc)), 0, "encode");
	cr_assert_eq(cursor_decode(enc, &h, dec, sizeof(dec)), -1,
	             "a 10-byte id does not fit an 8-byte buffer");
}

/* ---------------------------------------------------------------- base64url */

static void enc_vector(const char *in, const char *want)
{
	char out[64];
	int n = base64url_encode((const unsigned char *)in, strlen(in), out, sizeof(out));
	cr_assert_eq(n, (int)strlen(want), "length of encoding of \"%s\"", in);
	cr_assert_str_eq(out, want, "encoding of \"%s\"", in);
	unsigned char back[64];
	n = base64url_decode(want, strlen(want), back, sizeof(back));
	cr_assert_eq(n, (int)strlen(in), "decoded length of \"%s\"", want);
	cr_assert(memcmp(back, in, strlen(in)) == 0, "decoding of \"%s\"", want);
}

Test(base64url, rfc4648_vectors)
{
	/* RFC 4648 §10, without the padding. */
	enc_vector("", "");
	enc_vector("f", "Zg");
	enc_vector("fo", "Zm8");
	enc_vector("foo", "Zm9v");
	enc_vector("foob", "Zm9vYg");
	enc_vector("fooba", "Zm9vYmE");
	enc_vector("foobar", "Zm9vYmFy");
}

Test(base64url, url_safe_alphabet)
{
	/* 0xfb 0xff 0xbf is "+/+/" in standard base64. */
	static const unsigned char in[] = {0xfb, 0xff, 0xbf};
	char out[16];
	cr_assert_eq(base64url_encode(in, 3, out, sizeof(out)), 4, "4 characters");
	cr_assert_str_eq(out, "-_-_", "'-' and '_' replace '+' and '/'");
	unsigned char back[8];
	cr_assert_eq(base64url_decode("-_-_", 4, back, sizeof(back)), 3, "3 bytes");
	cr_assert(memcmp(back, in, 3) == 0, "bytes round trip");
	static const unsigned char in2[] = {0xfb, 0xff};
	cr_assert_eq(base64url_encode(in2, 2, out, sizeof(out)), 3, "3 characters");
	cr_assert_str_eq(out, "-_8", "two bytes");
}

Test(base64url, decode_rejects_bad_input)
{
	unsigned char out[64];
	cr_assert_eq(base64url_decode("Z", 1, out, sizeof(out)), -1, "a lone character");
	cr_assert_eq(base64url_decode("Zg==", 4, out, sizeof(out)), -1, "padding");
	cr_assert_eq(base64url_decode("Zm9/", 4, out, sizeof(out)), -1, "'/'");
	cr_assert_eq(base64url_decode("Zm9+", 4, out, sizeof(out)), -1, "'+'");
	cr_assert_eq(base64url_decode("Zm 9", 4, out, sizeof(out)), -1, "a space");
	cr_assert_eq(base64url_decode("Zh", 2, out, sizeof(out)), -1, "non-canonical 'Zh' for 'f'");
	cr_assert_eq(base64url_decode("Zm9", 3, out, sizeof(out)), -1,
	             "non-canonical 'Zm9' for 'fo'");
	cr_assert_eq(base64url_decode("Zm8", 3, out, sizeof(out)), 2, "'Zm8' is 'fo'");
	cr_assert_eq(base64url_decode("QUJ", 3, out, sizeof(out)), -1, "non-canonical 'QUJ'");
	cr_assert_eq(base64url_decode("QUI", 3, out, sizeof(out)), 2, "canonical 'QUI' is 'AB'");
	cr_assert(memcmp(out, "AB", 2) == 0, "'QUI' decodes to AB");
}

Test(base64url, buffer_limits)
{
	char out[8];
	cr_assert_eq(base64url_encode((const unsigned char *)"foo", 3, out, 4), -1,
	             "4 characters and a NUL need 5 bytes");
	cr_assert_eq(base64url_encode((const unsigned char *)"foo", 3, out, 5), 4,
	             "5 bytes suffice");
	unsigned char bin[2];
	cr_assert_eq(base64url_decode("Zm9vYmFy", 8, bin, sizeof(bin)), -1,
	             "6 bytes do not fit a 2-byte buffer");
}

/* ---------------------------------------------------------------- fnv1a32 */

Test(fnv1a32, known_values)
{
	cr_assert_eq(fnv1a32("", 0, FNV1A32_INIT), 0x811c9dc5u, "empty input is the offset basis");
	cr_assert_eq(fnv1a32("a", 1, FNV1A32_INIT), 0xe40c292cu, "FNV-1a 32 of \"a\"");
	cr_assert_eq(fnv1a32("foobar", 6, FNV1A32_INIT), 0xbf9cf968u, "FNV-1a 32 of \"foobar\"");
	uint32_t h = fnv1a32("foo", 3, FNV1A32_INIT);
	cr_assert_eq(fnv1a32("bar", 3, h), 0xbf9cf968u, "hashing can continue from a value");
}

Test(cursor, id_not_utf8_rejected)
{
	/* The service makes cursors from record ids, which are UTF-8; the id of a forged one
	 * would reach PostgreSQL, which refuses other bytes (a 500 once). */
	char enc[CURSOR_MAX], id[CURSOR_MAX];
	uint32_t h;
	encode_plain("c1:811c9dc5:\xff", enc, sizeof(enc));
	cr_assert_eq(cursor_decode(enc, &h, id, sizeof(id)), -1, "byte 0xFF");
	encode_plain("c1:811c9dc5:P-1\xe4\xba", enc, sizeof(enc));
	cr_assert_eq(cursor_decode(enc, &h, id, sizeof(id)), -1, "a character cut short");
	encode_plain("c1:811c9dc5:\xed\xa0\x80", enc, sizeof(enc));
	cr_assert_eq(cursor_decode(enc, &h, id, sizeof(id)), -1, "a UTF-16 surrogate");
}

Test(cursor, resume_tells_foreign_from_other_filters)
{
	char cursor[CURSOR_MAX], id[CURSOR_MAX];
	cr_assert_eq(cursor_encode(0x1234abcd, "110105-2023-0012", cursor, sizeof(cursor)), 0);
	cr_assert_eq(cursor_resume(cursor, 0x1234abcd, id, sizeof(id)), 0);
	cr_assert_str_eq(id, "110105-2023-0012");
	cr_assert_eq(cursor_resume(cursor, 0x1234abce, id, sizeof(id)), CURSOR_OTHER_FILTERS);
	cr_assert_eq(cursor_resume("not-a-cursor", 0x1234abcd, id, sizeof(id)), CURSOR_FOREIGN);
}

Test(encoding, base64_standard)
{
	char out[64];
	unsigned char back[64];
	static const struct {
		const char *in, *out;
	} cases[] = {{"", ""},
	             {"f", "Zg=="},
	             {"fo", "Zm8="},
	             {"foo", "Zm9v"},
	             {"foob", "Zm9vYg=="},
	             {"fooba", "Zm9vYmE="},
	             {"\xfb\xff", "+/8="}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in);
		cr_assert_eq(
		    base64_std_encode((const unsigned char *)cases[i].in, n, out, sizeof(out)),
		    (int)strlen(cases[i].out));
		cr_assert_str_eq(out, cases[i].out);
		cr_assert_eq(base64_std_decode(out, strlen(out), back, sizeof(back)), (int)n);
		cr_assert_eq(memcmp(back, cases[i].in, n), 0);
	}
	static const char *const bad[] = {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v=", "-_8="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(base64_std_decode(bad[i], strlen(bad[i]), back, sizeof(back)), -1,
		             "%s", bad[i]);
}
