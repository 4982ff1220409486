/* Unit tests of canonical JSON (server/tlog/canon.c) against RFC 8785: its examples, the
 * test files of its reference implementation (cyberphone/json-canonicalization, testdata/),
 * and the first 100,000 numbers of that implementation's published number test file. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

#include "canon.h"

static char *canon(const char *text)
{
	struct strbuf sb;
	strbuf_init(&sb, 64);
	char err[128];
	int rc = canon_text(text, strlen(text), &sb, err, sizeof(err));
	cr_assert_eq(rc, 0, "canon_text(%s): %s", text, err);
	return strbuf_detach(&sb, NULL);
}

static void expect(const char *in, const char *want)
{
	char *got = canon(in);
	cr_assert_str_eq(got, want);
	free(got);
}

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

static void number(uint64_t bits, const char *want)
{
	char got[32];
	cr_assert_eq(canon_number(from_bits(bits), got, sizeof(got)), 0);
	cr_assert_str_eq(got, want, "%016" PRIx64, bits);
}

Test(canon, numbers_of_rfc8785_appendix_b)
{
	number(UINT64_C(0x0000000000000000), "0");
	number(UINT64_C(0x8000000000000000), "0");
	number(UINT64_C(0x0000000000000001), "5e-324");
	number(UINT64_C(0x8000000000000001), "-5e-324");
	number(UINT64_C(0x7fefffffffffffff), "1.7976931348623157e+308");
	number(UINT64_C(0xffefffffffffffff), "-1.7976931348623157e+308");
	number(UINT64_C(0x4340000000000000), "9007199254740992");
	number(UINT64_C(0xc340000000000000), "-9007199254740992");
	number(UINT64_C(0x4430000000000000), "295147905179352830000");
	number(UINT64_C(0x44b52d02c7e14af5), "9.999999999999997e+22");
	number(UINT64_C(0x44b52d02c7e14af6), "1e+23");
	number(UINT64_C(0x44b52d02c7e14af7), "1.0000000000000001e+23");
	number(UINT64_C(0x444b1ae4d6e2ef4e), "999999999999999700000");
	number(UINT64_C(0x444b1ae4d6e2ef4f), "999999999999999900000");
	number(UINT64_C(0x444b1ae4d6e2ef50), "1e+21");
	number(UINT64_C(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7");
	number(UINT64_C(0x3eb0c6f7a0b5ed8d), "0.000001");
	number(UINT64_C(0x41b3de4355555553), "333333333.3333332");
	number(UINT64_C(0x41b3de4355555554), "333333333.33333325");
	number(UINT64_C(0x41b3de4355555555), "333333333.3333333");
	number(UINT64_C(0x41b3de4355555556), "333333333.3333334");
	number(UINT64_C(0x41b3de4355555557), "333333333.33333343");
	number(UINT64_C(0xbecbf647612f3696), "-0.0000033333333333333333");
	number(UINT64_C(0x43143ff3c1cb0959), "1424953923781206.2");
	char out[32];
	cr_assert_eq(canon_number(from_bits(UINT64_C(0x7fffffffffffffff)), out, sizeof(out)), -1);
	cr_assert_eq(canon_number(from_bits(UINT64_C(0x7ff0000000000000)), out, sizeof(out)), -1);
}

Test(canon, numbers_as_the_feed_carries_them)
{
	expect("[0.1, 12.30, 1e21, 1e-7, 100, 1e17, -0, 0.000001, 40.0, 116.391234567]",
	       "[0.1,12.3,1e+21,1e-7,100,100000000000000000,0,0.000001,40,116.391234567]");
	/* jsonb writes numbers in plain decimal, however long. */
	expect("[123456789012345678, 0.000000000000000000000000001, "
	       "1000000000000000000000000000000]",
	       "[123456789012345680,1e-27,1e+30]");
}

/* The reference implementation's test files, input and expected output. */
Test(canon, reference_test_files)
{
	expect("[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]",
	       "[56,{\"1\":[],\"10\":null,\"d\":true}]");
	expect("{\n  \"peach\": \"This sorting order\",\n  \"p\u00e9ch\u00e9\": \"is wrong "
	       "according to French\",\n  \"p\u00eache\": \"but canonicalization MUST\",\n  "
	       "\"sin\":   \"ignore locale\"\n}",
	       "{\"peach\":\"This sorting order\",\"p\u00e9ch\u00e9\":\"is wrong according to "
	       "French\",\"p\u00eache\":\"but canonicalization MUST\",\"sin\":\"ignore locale\"}");
	expect("{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  "
	       "\"\": \"empty\",\n  \"a\": { },\n  \"111\": [ {\"e\": \"yes\",\"E\": \"no\" } "
	       "],\n  \"A\": { }\n}",
	       "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":"
	       "[{\"E\":\"no\",\"e\":\"yes\"}],\"A\":{},\"a\":{}}");
	expect("{\n  \"Unnormalized Unicode\":\"A\\u030a\"\n}",
	       "{\"Unnormalized Unicode\":\"A\xcc\x8a\"}");
	expect("{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, "
	       "0.000000000000000000000000001],\n  \"string\": "
	       "\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": "
	       "[null, true, false]\n}",
	       "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,"
	       "1e-27],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	expect("{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n  \"\\u000a\": "
	       "\"Newline\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  "
	       "\"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With "
	       "Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  "
	       "\"</script>\": \"Browser Challenge\"\n}",
	       "{\"\\n\":\"Newline\",\"\\r\":\"Carriage Return\",\"1\":\"One\",\"</script>\":"
	       "\"Browser Challenge\",\"\xc2\x80\":\"Control\x7f\",\"\xc3\xb6\":\"Latin Small "
	       "Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x82\":"
	       "\"Smiley\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

Test(canon, escapes_only_what_rfc8785_escapes)
{
	expect("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\" \\\\ / \\u007f \\u2028\"",
	       "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\" \\\\ / \x7f \xe2\x80\xa8\"");
	/* U+FFFF sorts after U+1F600 as UTF-16 code units (0xFFFF > 0xD83D). */
	expect("{\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"a\":3}",
	       "{\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xbf\xbf\":1}");
	struct strbuf sb;
	strbuf_init(&sb, 16);
	char err[128];
	cr_assert_eq(canon_text("{\"a\":", 5, &sb, err, sizeof(err)), -1);
	cr_assert_eq(canon_text("[1e400]", 7, &sb, err, sizeof(err)), -1);
	strbuf_release(&sb);
}

/* The number test file of the reference implementation is a fixed sequence of doubles
 * (testdata/README.md there): these first ones, then 2000 numbers counting up from the
 * smallest normal double, then the doubles read from a chain of SHA-256 digests. Each line
 * is "<bits in hex>,<canonical text>\n"; the file's SHA-256 is published for its first
 * 1,000, 10,000 and 100,000 lines. */
static const uint64_t fixed[] = {
    UINT64_C(0x0000000000000000), UINT64_C(0x8000000000000000), UINT64_C(0x0000000000000001),
    UINT64_C(0x8000000000000001), UINT64_C(0xC46696695DBD1CC3), UINT64_C(0xC43211EDE4974A35),
    UINT64_C(0xC3FCE97CA0F21056), UINT64_C(0xC3C7213080C1A6AC), UINT64_C(0xC39280F39A348556),
    UINT64_C(0xC35D9B1F5D20D557), UINT64_C(0xC327AF4C4A80AAAC), UINT64_C(0xC2F2F2A36ECD5556),
    UINT64_C(0xC2BE51057E155558), UINT64_C(0xC28840D131AAAAAC), UINT64_C(0xC253670DC1555557),
    UINT64_C(0xC21F0B4935555557), UINT64_C(0xC1E8D5D42AAAAAAC), UINT64_C(0xC1B3DE4355555556),
    UINT64_C(0xC17FCA0555555556), UINT64_C(0xC1496E6AAAAAAAAB), UINT64_C(0xC114585555555555),
    UINT64_C(0xC0E046AAAAAAAAAB), UINT64_C(0xC0AA0AAAAAAAAAAA), UINT64_C(0xC074D55555555555),
    UINT64_C(0xC040AAAAAAAAAAAB), UINT64_C(0xC00AAAAAAAAAAAAB), UINT64_C(0xBFD5555555555555),
    UINT64_C(0xBFA1111111111111), UINT64_C(0xBF6B4E81B4E81B4F), UINT64_C(0xBF35D867C3ECE2A5),
    UINT64_C(0xBF0179EC9CBD821E), UINT64_C(0xBECBF647612F3696), UINT64_C(0xBE965E9F80F29212),
    UINT64_C(0xBE61E54C672874DB), UINT64_C(0xBE2CA213D840BAF8), UINT64_C(0xBDF6E80FE033C8C6),
    UINT64_C(0xBDC2533FE68FD3D2), UINT64_C(0xBD8D51FFD74C861C), UINT64_C(0xBD5774CCAC3D3817),
    UINT64_C(0xBD22C3D6F030F9AC), UINT64_C(0xBCEE0624B3818F79), UINT64_C(0xBCB804EA293472C7),
    UINT64_C(0xBC833721BA905BD3), UINT64_C(0xBC4EBE9C5DB3C61E), UINT64_C(0xBC18987D17C304E5),
    UINT64_C(0xBBE3AD30DFCF371D), UINT64_C(0xBBAF7B816618582F), UINT64_C(0xBB792F9AB81379BF),
    UINT64_C(0xBB442615600F9499), UINT64_C(0xBB101E77800C76E1), UINT64_C(0xBAD9CA58CCE0BE35),
    UINT64_C(0xBAA4A1E0A3E6FE90), UINT64_C(0xBA708180831F320D), UINT64_C(0xBA3A68CD9E985016),
    UINT64_C(0x446696695DBD1CC3), UINT64_C(0x443211EDE4974A35), UINT64_C(0x43FCE97CA0F21056),
    UINT64_C(0x43C7213080C1A6AC), UINT64_C(0x439280F39A348556), UINT64_C(0x435D9B1F5D20D557),
    UINT64_C(0x4327AF4C4A80AAAC), UINT64_C(0x42F2F2A36ECD5556), UINT64_C(0x42BE51057E155558),
    UINT64_C(0x428840D131AAAAAC), UINT64_C(0x4253670DC1555557), UINT64_C(0x421F0B4935555557),
    UINT64_C(0x41E8D5D42AAAAAAC), UINT64_C(0x41B3DE4355555556), UINT64_C(0x417FCA0555555556),
    UINT64_C(0x41496E6AAAAAAAAB), UINT64_C(0x4114585555555555), UINT64_C(0x40E046AAAAAAAAAB),
    UINT64_C(0x40AA0AAAAAAAAAAA), UINT64_C(0x4074D55555555555), UINT64_C(0x4040AAAAAAAAAAAB),
    UINT64_C(0x400AAAAAAAAAAAAB), UINT64_C(0x3FD5555555555555), UINT64_C(0x3FA1111111111111),
    UINT64_C(0x3F6B4E81B4E81B4F), UINT64_C(0x3F35D867C3ECE2A5), UINT64_C(0x3F0179EC9CBD821E),
    UINT64_C(0x3ECBF647612F3696), UINT64_C(0x3E965E9F80F29212), UINT64_C(0x3E61E54C672874DB),
    UINT64_C(0x3E2CA213D840BAF8), UINT64_C(0x3DF6E80FE033C8C6), UINT64_C(0x3DC2533FE68FD3D2),
    UINT64_C(0x3D8D51FFD74C861C), UINT64_C(0x3D5774CCAC3D3817), UINT64_C(0x3D22C3D6F030F9AC),
    UINT64_C(0x3CEE0624B3818F79), UINT64_C(0x3CB804EA293472C7), UINT64_C(0x3C833721BA905BD3),
    UINT64_C(0x3C4EBE9C5DB3C61E), UINT64_C(0x3C18987D17C304E5), UINT64_C(0x3BE3AD30DFCF371D),
    UINT64_C(0x3BAF7B816618582F), UINT64_C(0x3B792F9AB81379BF), UINT64_C(0x3B442615600F9499),
    UINT64_C(0x3B101E77800C76E1), UINT64_C(0x3AD9CA58CCE0BE35), UINT64_C(0x3AA4A1E0A3E6FE90),
    UINT64_C(0x3A708180831F320D), UINT64_C(0x3A3A68CD9E985016), UINT64_C(0x4024000000000000),
    UINT64_C(0x4014000000000000), UINT64_C(0x3FE0000000000000), UINT64_C(0x3FA999999999999A),
    UINT64_C(0x3F747AE147AE147B), UINT64_C(0x3F40624DD2F1A9FC), UINT64_C(0x3F0A36E2EB1C432D),
    UINT64_C(0x3ED4F8B588E368F1), UINT64_C(0x3EA0C6F7A0B5ED8D), UINT64_C(0x3E6AD7F29ABCAF48),
    UINT64_C(0x3E35798EE2308C3A), UINT64_C(0x3ED539223589FA95), UINT64_C(0x3ED4FF26CD5A7781),
    UINT64_C(0x3ED4F95A762283FF), UINT64_C(0x3ED4F8C60703520C), UINT64_C(0x3ED4F8B72F19CD0D),
    UINT64_C(0x3ED4F8B5B31C0C8D), UINT64_C(0x3ED4F8B58D1C461A), UINT64_C(0x3ED4F8B5894F7F0E),
    UINT64_C(0x3ED4F8B588EE37F3), UINT64_C(0x3ED4F8B588E47DA4), UINT64_C(0x3ED4F8B588E3849C),
    UINT64_C(0x3ED4F8B588E36BB5), UINT64_C(0x3ED4F8B588E36937), UINT64_C(0x3ED4F8B588E368F8),
    UINT64_C(0x3ED4F8B588E368F1), UINT64_C(0x3FF0000000000000), UINT64_C(0xBFF0000000000000),
    UINT64_C(0xBFEFFFFFFFFFFFFA), UINT64_C(0xBFEFFFFFFFFFFFFB), UINT64_C(0x3FEFFFFFFFFFFFFA),
    UINT64_C(0x3FEFFFFFFFFFFFFB), UINT64_C(0x3FEFFFFFFFFFFFFC), UINT64_C(0x3FEFFFFFFFFFFFFE),
    UINT64_C(0xBFEFFFFFFFFFFFFF), UINT64_C(0xBFEFFFFFFFFFFFFF), UINT64_C(0x3FEFFFFFFFFFFFFF),
    UINT64_C(0x3FEFFFFFFFFFFFFF), UINT64_C(0x3FD3333333333332), UINT64_C(0x3FD3333333333333),
    UINT64_C(0x3FD3333333333334), UINT64_C(0x0010000000000000), UINT64_C(0x000FFFFFFFFFFFFD),
    UINT64_C(0x000FFFFFFFFFFFFF), UINT64_C(0x7FEFFFFFFFFFFFFF), UINT64_C(0xFFEFFFFFFFFFFFFF),
    UINT64_C(0x4340000000000000), UINT64_C(0xC340000000000000), UINT64_C(0x4430000000000000),
    UINT64_C(0x44B52D02C7E14AF5), UINT64_C(0x44B52D02C7E14AF6), UINT64_C(0x44B52D02C7E14AF7),
    UINT64_C(0x444B1AE4D6E2EF4E), UINT64_C(0x444B1AE4D6E2EF4F), UINT64_C(0x444B1AE4D6E2EF50),
    UINT64_C(0x3EB0C6F7A0B5ED8C), UINT64_C(0x3EB0C6F7A0B5ED8D), UINT64_C(0x41B3DE4355555553),
    UINT64_C(0x41B3DE4355555554), UINT64_C(0x41B3DE4355555555), UINT64_C(0x41B3DE4355555556),
    UINT64_C(0x41B3DE4355555557), UINT64_C(0xBECBF647612F3696), UINT64_C(0x43143FF3C1CB0959),
};

struct numgen {
	size_t idx;
	uint8_t block[32];
	size_t used; /* bytes of block taken; 32: take a new digest */
};

static double next_number(struct numgen *g)
{
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	double f = 0;
	if (g->idx < nfixed) {
		f = from_bits(fixed[g->idx]);
	} else if (g->idx < nfixed + 2000) {
		f = from_bits(UINT64_C(0x0010000000000000) + (uint64_t)(g->idx - nfixed));
	} else {
		while (f == 0 || !isfinite(f)) {
			if (g->used == 32) {
				struct sha256_ctx ctx;
				sha256_init(&ctx);
				sha256_update(&ctx, 32, g->block);
				sha256_digest(&ctx, 32, g->block);
				g->used = 0;
			}
			uint64_t u = 0;
			for (int i = 7; i >= 0; i--)
				u = u << 8 | g->block[g->used + (size_t)i];
			g->used += 8;
			f = from_bits(u);
		}
	}
	g->idx++;
	return f;
}

Test(canon, reference_number_file, .timeout = 120)
{
	struct numgen g = {.idx = 0, .used = 32};
	memset(g.block, 0, sizeof(g.block));
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	static const struct {
		size_t lines;
		const char *sha256;
	} marks[] = {
	    {1000, "be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687"},
	    {10000, "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892"},
	    {100000, "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7"},
	};
	size_t mark = 0;
	for (size_t n = 1; n <= 100000; n++) {
		double f = next_number(&g);
		uint64_t bits;
		memcpy(&bits, &f, sizeof(bits));
		char line[64], num[32];
		cr_assert_eq(canon_number(f, num, sizeof(num)), 0);
		int len = snprintf(line, sizeof(line), "%" PRIx64 ",%s\n", bits, num);
		sha256_update(&ctx, (size_t)len, (const uint8_t *)line);
		if (n == marks[mark].lines) {
			struct sha256_ctx copy = ctx;
			uint8_t d[32];
			char hex[65];
			sha256_digest(&copy, 32, d);
			for (int i = 0; i < 32; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			cr_assert_str_eq(hex, marks[mark].sha256, "the first %zu lines", n);
			mark++;
		}
	}
}
