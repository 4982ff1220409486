/* Unit tests of UTF-8 repair in server/util/utf8.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "utf8.h"

static void sanitized(const char *in, size_t size, const char *want)
{
	char out[64];
	memset(out, 'x', sizeof(out));
	utf8_sanitize(in, out, size);
	cr_assert_str_eq(out, want, "utf8_sanitize(\"%s\", %zu)", in, size);
	cr_assert(utf8_valid(out, strlen(out)), "the output is UTF-8");
}

Test(utf8, sanitize_keeps_valid_text)
{
	sanitized("plain ascii", 64, "plain ascii");
	sanitized("北京 110105", 64, "北京 110105");
	sanitized("", 64, "");
}

Test(utf8, sanitize_replaces_each_bad_byte)
{
	sanitized("a\xFF"
	          "b",
	          64,
	          "a\xEF\xBF\xBD"
	          "b");
	/* A character cut off by an earlier truncation: two bytes of 京. */
	sanitized("id \xE4\xBA", 64, "id \xEF\xBF\xBD\xEF\xBF\xBD");
	/* Overlong encoding of '/' and a surrogate are no characters either. */
	sanitized("\xC0\xAF", 64, "\xEF\xBF\xBD\xEF\xBF\xBD");
	sanitized("\xED\xA0\x80", 64, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

Test(utf8, sanitize_never_splits_a_character_to_fit)
{
	sanitized("ab京", 5, "ab");
	sanitized("ab京", 6, "ab京");
	sanitized("a\xFF", 4, "a");
	sanitized("abc", 1, "");
}
