/* libFuzzer target: list_query_parse. The input is a dataset name on the first line (empty
 * for the derived lists, which take only limit and cursor), then a query string, which is
 * split and percent-decoded as libmicrohttpd does. */
#include <string.h>

#include "cursor.h"
#include "datasets.h"
#include "encoding.h"
#include "listquery.h"
#include "support.h"

static const char *arg(const struct fuzz_args *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].key, key) == 0)
			return a->items[i].value;
	return NULL;
}

static bool same_text(const char *x, const char *y)
{
	return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* The any-of values as the parser writes them: a JSON array of one or more strings. */
static void check_array_literal(const char *s)
{
	if (!s)
		return;
	json_error_t err;
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &err);
	FUZZ_CHECK(json_is_array(j) && json_array_size(j) >= 1);
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v)
	{
		FUZZ_CHECK(json_is_string(v));
	}
	json_decref(j);
	FUZZ_CHECK(fuzz_utf8_string(s));
}

/* The field filters as JSON: {"field": ["a", ...]} with filterable fields only. */
static void check_fields(const struct dataset *ds, const char *fields)
{
	if (!fields)
		return;
	FUZZ_CHECK(ds != NULL);
	json_error_t err;
	json_t *j = json_loads(fields, JSON_REJECT_DUPLICATES, &err);
	FUZZ_CHECK(json_is_object(j) && json_object_size(j) > 0);
	const char *key;
	json_t *values;
	json_object_foreach(j, key, values)
	{
		FUZZ_CHECK(dataset_filter_field(ds, key) != NULL);
		FUZZ_CHECK(json_is_array(values) && json_array_size(values) >= 1 &&
		           json_array_size(values) <= LIST_MAX_VALUES);
		size_t i;
		json_t *v;
		json_array_foreach(values, i, v)
		{
			FUZZ_CHECK(json_is_string(v) && json_string_length(v) > 0);
		}
	}
	json_decref(j);
}

/* The link query holds the filters only, canonically: parsing it again gives it back. */
static void check_link_query(const struct dataset *ds, const struct list_query *q)
{
	char *text = strdup(q->link_query);
	FUZZ_CHECK(text != NULL);
	struct fuzz_args a;
	fuzz_split_query(text, &a);
	struct list_query again;
	char err[512];
	FUZZ_CHECK(list_query_parse(ds, fuzz_refdata(), a.items, a.n, &again, err, sizeof(err)) ==
	           0);
	FUZZ_CHECK(strcmp(again.link_query, q->link_query) == 0);
	FUZZ_CHECK(again.filter_hash == q->filter_hash);
	FUZZ_CHECK(same_text(again.district, q->district));
	FUZZ_CHECK(same_text(again.publisher, q->publisher));
	FUZZ_CHECK(same_text(again.fields, q->fields));
	FUZZ_CHECK(same_text(again.updated_since, q->updated_since));
	FUZZ_CHECK(again.limit == LIST_LIMIT_DEFAULT && again.after_id[0] == '\0');
	list_query_release(&again);
	free(text);
}

/* The link's filter arguments: its "&k=v" pieces but f= and bom=, which say how a page is
 * written and do not bind the cursor (malloc'd). */
static char *filters_of(const char *link)
{
	char *out = malloc(strlen(link) + 1);
	FUZZ_CHECK(out != NULL);
	size_t n = 0;
	for (const char *p = link; *p;) {
		size_t len = 1 + strcspn(p + 1, "&");
		if (strncmp(p, "&f=", 3) != 0 && strncmp(p, "&bom=", 5) != 0) {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	return out;
}

static void check_parsed(const struct dataset *ds, const struct fuzz_args *a, struct list_query *q)
{
	FUZZ_CHECK(q->limit >= 1 && q->limit <= LIST_LIMIT_MAX);
	FUZZ_CHECK(q->link_query != NULL);
	char *filters = filters_of(q->link_query);
	FUZZ_CHECK(q->filter_hash == fnv1a32(filters, strlen(filters), FNV1A32_INIT));
	if (!ds)
		FUZZ_CHECK(!q->district && !q->publisher && !q->fields && !q->updated_since &&
		           filters[0] == '\0');
	free(filters);
	check_array_literal(q->district);
	check_array_literal(q->publisher);
	check_fields(ds, q->fields);
	if (q->updated_since)
		FUZZ_CHECK(rfc3339_valid(q->updated_since) && !strchr(q->updated_since, ' '));
	/* Every text goes to PostgreSQL, which refuses bytes that are not UTF-8. */
	FUZZ_CHECK(fuzz_utf8_string(q->after_id));
	const char *cursor = arg(a, "cursor");
	if (cursor) {
		char again[CURSOR_MAX];
		FUZZ_CHECK(q->after_id[0] != '\0');
		FUZZ_CHECK(cursor_encode(q->filter_hash, q->after_id, again, sizeof(again)) == 0);
		FUZZ_CHECK(strcmp(again, cursor) == 0);
	} else {
		FUZZ_CHECK(q->after_id[0] == '\0');
	}
	check_link_query(ds, q);
}

/* The dataset the first line names; another name stands for one of them all the same. */
static const struct dataset *pick_dataset(const char *name)
{
	if (!name[0])
		return NULL;
	const struct dataset *ds = dataset_find(name);
	return ds ? ds : datasets[fnv1a32(name, strlen(name), FNV1A32_INIT) % datasets_count];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	char *query = strchr(text, '\n');
	if (query)
		*query++ = '\0';
	const struct dataset *ds = pick_dataset(text);
	char none[1] = "";
	struct fuzz_args a;
	fuzz_split_query(query ? query : none, &a);

	struct list_query q;
	char err[512];
	memset(err, 0, sizeof(err));
	if (list_query_parse(ds, fuzz_refdata(), a.items, a.n, &q, err, sizeof(err)) == 0) {
		check_parsed(ds, &a, &q);
		list_query_release(&q);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(!q.district && !q.publisher && !q.fields && !q.link_query);
		/* The message goes into a JSON problem body, which holds only UTF-8. */
		if (a.utf8)
			FUZZ_CHECK(fuzz_utf8_string(err));
	}
	free(text);
	return 0;
}
