/* Unit tests of the change feed's query parsing and cursors. */
#include <criterion/criterion.h>
#include <string.h>

#include "feed.h"
#include "utf8.h"

static int parse(struct feed_query *q, const char *k1, const char *v1, const char *k2,
                 const char *v2, char *err)
{
	struct query_arg args[2] = {{k1, v1}, {k2, v2}};
	size_t n = k1 ? (k2 ? 2 : 1) : 0;
	return feed_query_parse(args, n, q, err, 256);
}

Test(feed_query, defaults)
{
	struct feed_query q;
	char err[256];
	cr_assert_eq(parse(&q, NULL, NULL, NULL, NULL, err), 0);
	cr_assert_eq(q.limit, 1000);
	cr_assert_eq(q.wait, 0);
	cr_assert_not(q.has_cursor);
	cr_assert_null(q.datasets);
	feed_query_release(&q);
}

Test(feed_query, datasets_become_a_json_array)
{
	struct feed_query q;
	char err[256];
	cr_assert_eq(parse(&q, "datasets", "plots,soil-samples", NULL, NULL, err), 0, "%s", err);
	cr_assert_str_eq(q.datasets, "[\"plots\",\"soil-samples\"]");
	feed_query_release(&q);
	cr_assert_eq(parse(&q, "datasets", "plots,,x", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "datasets", "nope", NULL, NULL, err), -1);
	cr_assert(strstr(err, "nope"), "%s", err);
}

Test(feed_query, limits_and_wait)
{
	struct feed_query q;
	char err[256];
	cr_assert_eq(parse(&q, "limit", "1", "wait", "60", err), 0);
	cr_assert_eq(q.limit, 1);
	cr_assert_eq(q.wait, 60);
	cr_assert_eq(parse(&q, "limit", "0", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "limit", "1001", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "wait", "-1", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "wait", "61", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "wait", "1.5", NULL, NULL, err), -1);
	cr_assert_eq(parse(&q, "limit", "5", "limit", "6", err), -1);
	cr_assert(strstr(err, "repeated"), "%s", err);
	cr_assert_eq(parse(&q, "since", "1", NULL, NULL, err), -1);
	cr_assert(strstr(err, "cursor, datasets, limit, wait and bom"), "%s", err);
}

Test(feed_query, cursors)
{
	char c[96];
	cr_assert_eq(feed_cursor_encode(123456789012LL, 1764300000, c, sizeof(c)), 0);
	int64_t pos, t;
	cr_assert_eq(feed_cursor_decode(c, &pos, &t), 0);
	cr_assert_eq(pos, 123456789012LL);
	cr_assert_eq(t, 1764300000);
	struct feed_query q;
	char err[256];
	cr_assert_eq(parse(&q, "cursor", c, NULL, NULL, err), 0);
	cr_assert(q.has_cursor);
	cr_assert_eq(q.after_pos, 123456789012LL);
	cr_assert_str_eq(q.cursor_text, c);
	cr_assert_eq(parse(&q, "cursor", "latest", NULL, NULL, err), 0);
	cr_assert(q.latest);
	cr_assert_eq(feed_cursor_decode("Zjk6MTox", &pos, &t), -1, "f9: prefix");
	cr_assert_eq(feed_cursor_decode("ZjE6LTE6MQ", &pos, &t), -1, "negative position");
	/* "f1:12:17" followed by zero bytes: a valid cursor's text, then more. */
	cr_assert_eq(feed_cursor_decode(
	                 "ZjE6MTI6MTcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAx", &pos, &t),
	             -1, "zero bytes inside");
	cr_assert_eq(feed_cursor_decode("ZjE6MTp4", &pos, &t), -1, "junk time");
	cr_assert_eq(feed_cursor_decode("", &pos, &t), -1);
	cr_assert_eq(parse(&q, "cursor", "!!!", NULL, NULL, err), -1);
}

/* A message quotes the client's text cut short, and never inside a character. */
Test(feed_query, messages_quote_long_text_whole_characters)
{
	struct feed_query q;
	char err[256], many[128] = "";
	for (int i = 0; i < 20; i++)
		strcat(many, "京"); /* 60 bytes */
	cr_assert_eq(parse(&q, "datasets", many, NULL, NULL, err), -1);
	cr_assert(utf8_valid(err, strlen(err)), "not UTF-8: %s", err);
	cr_assert(strstr(err, "京京京京京京京京京京京京京\""), "cut at 39 bytes: %s", err);
	cr_assert_eq(parse(&q, many, "1", NULL, NULL, err), -1);
	cr_assert(utf8_valid(err, strlen(err)), "not UTF-8: %s", err);
	cr_assert(strstr(err, "unknown query parameter 京"), "%s", err);
}
