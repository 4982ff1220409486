/* Unit tests of the growable buffer (server/util/strbuf.c) and the arena (server/util/arena.c). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- strbuf */

Test(strbuf, init_is_empty_and_terminated)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	cr_assert_not_null(sb.buf, "buf is never NULL after init");
	cr_assert_eq(sb.len, 0, "empty");
	cr_assert_eq(sb.buf[0], '\0', "terminated");
	cr_assert_geq(sb.cap, 1, "room for the NUL");
	strbuf_release(&sb);
	strbuf_init(&sb, 1000);
	cr_assert_geq(sb.cap, 1001, "the hint is honoured, cap %zu", sb.cap);
	strbuf_release(&sb);
}

Test(strbuf, growth)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	for (int i = 0; i < 100000; i++) {
		strbuf_addc(&sb, (char)('a' + i % 26));
		cr_assert_lt(sb.len, sb.cap, "len %zu < cap %zu", sb.len, sb.cap);
	}
	cr_assert_eq(sb.len, 100000, "length after 100000 characters");
	cr_assert_eq(strlen(sb.buf), 100000, "NUL-terminated at len");
	for (int i = 0; i < 100000; i++)
		cr_assert_eq(sb.buf[i], 'a' + i % 26, "byte %d kept across reallocations", i);
	strbuf_adds(&sb, "end");
	cr_assert_str_eq(sb.buf + 100000, "end", "adds appends");
	strbuf_release(&sb);
	cr_assert_null(sb.buf, "release clears");
	cr_assert_eq(sb.len, 0, "release clears len");
}

Test(strbuf, add_binary)
{
	struct strbuf sb;
	strbuf_init(&sb, 4);
	strbuf_add(&sb, "a\0b", 3);
	cr_assert_eq(sb.len, 3, "embedded NUL counted");
	cr_assert(memcmp(sb.buf, "a\0b\0", 4) == 0, "bytes and terminator");
	strbuf_add(&sb, "", 0);
	cr_assert_eq(sb.len, 3, "adding nothing changes nothing");
	strbuf_release(&sb);
}

Test(strbuf, addf)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_addf(&sb, "%s-%d", "plots", 42);
	cr_assert_str_eq(sb.buf, "plots-42", "formatted");
	strbuf_addf(&sb, "%s", "");
	cr_assert_eq(sb.len, 8, "an empty format result adds nothing");
	strbuf_addf(&sb, "|%0500d|", 7);
	cr_assert_eq(sb.len, 8 + 502, "a long result grows the buffer, len %zu", sb.len);
	cr_assert_eq(sb.buf[8 + 500], '7', "last digit in place");
	cr_assert_eq(sb.buf[sb.len], '\0', "terminated");
	strbuf_addf(&sb, "%s", "地块");
	cr_assert_str_eq(sb.buf + 510, "地块", "UTF-8 appended as bytes");
	strbuf_release(&sb);
}

Test(strbuf, urlencode)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_add_urlencoded(&sb, "地块 a&b=c/d?e#f+g%h~i-j_k.l");
	cr_assert_str_eq(sb.buf, "%E5%9C%B0%E5%9D%97%20a%26b%3Dc%2Fd%3Fe%23f%2Bg%25h~i-j_k.l",
	                 "Chinese and reserved characters are percent-encoded");
	strbuf_release(&sb);

	strbuf_init(&sb, 0);
	strbuf_add_urlencoded(&sb, "京规自〔2024〕0012号");
	cr_assert_str_eq(sb.buf, "%E4%BA%AC%E8%A7%84%E8%87%AA%E3%80%942024%E3%80%950012%E5%8F%B7",
	                 "an approval number as a path segment");
	strbuf_release(&sb);

	strbuf_init(&sb, 0);
	strbuf_add_urlencoded(&sb, "ABCxyz019-_.~");
	cr_assert_str_eq(sb.buf, "ABCxyz019-_.~", "unreserved characters stay");
	strbuf_add_urlencoded(&sb, "");
	cr_assert_eq(sb.len, 13, "empty adds nothing");
	strbuf_release(&sb);

	strbuf_init(&sb, 0);
	strbuf_add_urlencoded(&sb, "\x01\x7f\xff,;:@!*'()[]");
	cr_assert_str_eq(sb.buf, "%01%7F%FF%2C%3B%3A%40%21%2A%27%28%29%5B%5D",
	                 "controls, high bytes and sub-delims, upper-case hex");
	strbuf_release(&sb);
}

Test(strbuf, detach)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_adds(&sb, "hello");
	size_t len = 0;
	char *p = strbuf_detach(&sb, &len);
	cr_assert_str_eq(p, "hello", "detached text");
	cr_assert_eq(len, 5, "detached length");
	cr_assert_null(sb.buf, "the strbuf no longer owns it");
	cr_assert_eq(sb.len, 0, "left empty");
	cr_assert_eq(sb.cap, 0, "left empty");
	free(p);
	strbuf_adds(&sb, "again");
	cr_assert_str_eq(sb.buf, "again", "usable after detach");
	p = strbuf_detach(&sb, NULL);
	cr_assert_str_eq(p, "again", "len may be NULL");
	free(p);
	strbuf_release(&sb);
}

/* ---------------------------------------------------------------- arena */

static bool aligned(const void *p)
{
	return (uintptr_t)p % _Alignof(max_align_t) == 0;
}

Test(arena, many_small_allocations)
{
	struct arena a;
	arena_init(&a);
	cr_assert_null(a.head, "a new arena holds nothing");
	enum { N = 20000 };
	unsigned char **ptrs = malloc(N * sizeof(*ptrs));
	size_t *sizes = malloc(N * sizeof(*sizes));
	for (size_t i = 0; i < N; i++) {
		sizes[i] = 1 + i % 97;
		ptrs[i] = arena_alloc(&a, sizes[i]);
		cr_assert_not_null(ptrs[i], "allocation %zu", i);
		cr_assert(aligned(ptrs[i]), "allocation %zu aligned for any type", i);
		memset(ptrs[i], (int)(i & 0xff), sizes[i]);
	}
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			cr_assert_eq(ptrs[i][j], (unsigned char)(i & 0xff),
			             "allocation %zu byte %zu overwritten by another allocation", i,
			             j);
	free(ptrs);
	free(sizes);
	arena_release(&a);
	cr_assert_null(a.head, "release empties the arena");
}

Test(arena, one_large_block)
{
	struct arena a;
	arena_init(&a);
	char *small1 = arena_alloc(&a, 16);
	memset(small1, 's', 16);
	size_t big_n = 1u << 20;
	char *big = arena_alloc(&a, big_n);
	cr_assert_not_null(big, "1 MiB block");
	cr_assert(aligned(big), "large block aligned");
	memset(big, 'B', big_n);
	char *small2 = arena_alloc(&a, 16);
	memset(small2, 't', 16);
	char *big2 = arena_alloc(&a, 5000);
	memset(big2, 'C', 5000);
	char *small3 = arena_alloc(&a, 100);
	memset(small3, 'u', 100);
	for (size_t i = 0; i < big_n; i++)
		if (big[i] != 'B')
			cr_assert_fail("large block byte %zu overwritten", i);
	for (size_t i = 0; i < 5000; i++)
		cr_assert_eq(big2[i], 'C', "second large block byte %zu overwritten", i);
	for (int i = 0; i < 16; i++) {
		cr_assert_eq(small1[i], 's', "first small block intact");
		cr_assert_eq(small2[i], 't', "second small block intact");
	}
	cr_assert_eq(small3[99], 'u', "third small block intact");
	arena_release(&a);
}

Test(arena, large_block_first)
{
	struct arena a;
	arena_init(&a);
	char *big = arena_alloc(&a, 10000);
	memset(big, 'x', 10000);
	char *s = arena_alloc(&a, 10);
	memset(s, 'y', 10);
	cr_assert(s + 10 <= big || s >= big + 10000, "small block outside the large one");
	cr_assert_eq(big[9999], 'x', "large block intact");
	arena_release(&a);
}

Test(arena, zero_size_allocations_are_distinct)
{
	struct arena a;
	arena_init(&a);
	void *p = arena_alloc(&a, 0), *q = arena_alloc(&a, 0);
	cr_assert_not_null(p, "zero bytes still gives a pointer");
	cr_assert_neq(p, q, "two allocations are distinct");
	arena_release(&a);
}

Test(arena, strings)
{
	struct arena a;
	arena_init(&a);
	const char *src = "朝阳区地块";
	char *d = arena_strdup(&a, src);
	cr_assert_str_eq(d, src, "strdup copies");
	cr_assert_neq(d, src, "strdup copies into the arena");
	char *n = arena_strndup(&a, "110105-2023-0012", 6);
	cr_assert_str_eq(n, "110105", "strndup cuts and terminates");
	char *e = arena_strdup(&a, "");
	cr_assert_str_eq(e, "", "empty string");
	char *f = arena_printf(&a, "%s/%d/%s", "plots", 17, "地块");
	cr_assert_str_eq(f, "plots/17/地块", "printf formats");
	char *long_f = arena_printf(&a, "%09000d", 1);
	cr_assert_eq(strlen(long_f), 9000, "a long printf result, len %zu", strlen(long_f));
	cr_assert_eq(long_f[8999], '1', "last digit");
	cr_assert_str_eq(d, src, "earlier strings intact");
	cr_assert_str_eq(f, "plots/17/地块", "earlier strings intact");
	arena_release(&a);
}
