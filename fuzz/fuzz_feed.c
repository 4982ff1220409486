/* libFuzzer target: the change feed's query (feed_query_parse) and its cursors. The input
 * is a query string, split and percent-decoded as libmicrohttpd does; its first 16 bytes
 * also make a position and a time to encode as a cursor. */
#include <string.h>

#include "datasets.h"
#include "feed.h"
#include "support.h"

static void check_parsed(const struct fuzz_args *a, const struct feed_query *q)
{
	FUZZ_CHECK(q->limit >= 1 && q->limit <= 1000);
	FUZZ_CHECK(q->wait >= 0 && q->wait <= FEED_WAIT_MAX);
	FUZZ_CHECK(!q->latest || q->has_cursor);
	FUZZ_CHECK(memchr(q->cursor_text, '\0', sizeof(q->cursor_text)));
	if (q->has_cursor && !q->latest) {
		FUZZ_CHECK(q->after_pos >= 0 && q->cursor_time >= 0);
		/* The cursor as given is kept whole, for the next page of an empty one. */
		const char *given = NULL;
		for (size_t i = 0; i < a->n; i++)
			if (strcmp(a->items[i].key, "cursor") == 0)
				given = a->items[i].value;
		FUZZ_CHECK(given && strcmp(q->cursor_text, given) == 0);
	}
	if (q->datasets) {
		/* ["name", ...]: known names only, so nothing else reaches the SQL. */
		json_t *list = json_loads(q->datasets, 0, NULL);
		FUZZ_CHECK(json_is_array(list) && json_array_size(list) >= 1);
		size_t i;
		json_t *name;
		json_array_foreach(list, i, name)
		{
			const char *s = json_string_value(name);
			FUZZ_CHECK(s && (dataset_exists(s) || strcmp(s, "findings") == 0));
		}
		json_decref(list);
	}
}

/* A cursor this feed makes decodes to what it was made from. */
static void cursor_round_trip(int64_t pos, int64_t time)
{
	char text[96];
	FUZZ_CHECK(feed_cursor_encode(pos, time, text, sizeof(text)) == 0);
	int64_t p, t;
	int rc = feed_cursor_decode(text, &p, &t);
	if (pos < 0 || time < 0) {
		FUZZ_CHECK(rc < 0);
		return;
	}
	FUZZ_CHECK(rc == 0 && p == pos && t == time);
}

/* A cursor that decodes names a position and a time that encode and decode again. */
static void cursor_decode_any(const char *text)
{
	int64_t p, t;
	if (feed_cursor_decode(text, &p, &t) < 0)
		return;
	FUZZ_CHECK(p >= 0 && t >= 0);
	cursor_round_trip(p, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	cursor_decode_any(text);
	struct fuzz_args a;
	fuzz_split_query(text, &a);
	struct feed_query q;
	char err[256];
	err[0] = '\0';
	if (feed_query_parse(a.items, a.n, &q, err, sizeof(err)) == 0) {
		check_parsed(&a, &q);
		feed_query_release(&q);
	} else {
		FUZZ_CHECK(err[0] != '\0' && q.datasets == NULL);
	}
	if (size >= 16) {
		int64_t pos, time;
		memcpy(&pos, data, sizeof(pos));
		memcpy(&time, data + 8, sizeof(time));
		cursor_round_trip(pos, time);
	}
	free(text);
	return 0;
}
