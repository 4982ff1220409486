/* Unit tests of hex encoding and request ids in server/util/ids.c. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "ids.h"

Test(ids, hex_encode_is_lower_case_and_terminated)
{
	const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	char out[2 * sizeof(in) + 2];
	memset(out, 'x', sizeof(out));
	hex_encode(in, sizeof(in), out);
	cr_assert_str_eq(out, "00017f80abff");
	hex_encode(in, 0, out);
	cr_assert_str_eq(out, "", "no bytes give an empty string");
}

static void assert_uuid4(const char *s)
{
	cr_assert_eq(strlen(s), 36, "\"%s\" is not 36 characters", s);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			cr_assert_eq(s[i], '-', "\"%s\": no dash at %d", s, i);
		else
			cr_assert(strchr("0123456789abcdef", s[i]) && s[i],
			          "\"%s\": not lower-case hex at %d", s, i);
	}
	cr_assert_eq(s[14], '4', "\"%s\" is not version 4", s);
	cr_assert(strchr("89ab", s[19]), "\"%s\" has not the RFC 4122 variant", s);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

Test(ids, request_ids_are_version_4_uuids_and_distinct)
{
	enum { N = 20000 };
	char(*ids)[37] = malloc(N * sizeof(*ids));
	cr_assert_not_null(ids);
	for (int i = 0; i < N; i++) {
		request_id_new(ids[i]);
		assert_uuid4(ids[i]);
	}
	qsort(ids, N, sizeof(*ids), cmp);
	for (int i = 1; i < N; i++)
		cr_assert_str_neq(ids[i - 1], ids[i], "the id %s came twice", ids[i]);
	free(ids);
}

static void *draw(void *arg)
{
	request_id_new(arg);
	return NULL;
}

Test(ids, threads_draw_different_ids)
{
	char a[37], b[37];
	pthread_t ta, tb;
	cr_assert_eq(pthread_create(&ta, NULL, draw, a), 0);
	cr_assert_eq(pthread_create(&tb, NULL, draw, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_uuid4(a);
	assert_uuid4(b);
	cr_assert_str_neq(a, b, "two threads were seeded alike");
}
