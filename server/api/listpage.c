/* The list-page writer and keyset lists over the dataset registry's filters. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "csvio.h"
#include "csvrows.h"
#include "db.h"
#include "listpage.h"
#include "listquery.h"
#include "strbuf.h"

void page_respond(struct request *req, const PGresult *res, int rows,
                  const struct page_shape *shape, const char *next, const char *link)
{
	struct strbuf body;
	size_t hint = 64 + (next ? strlen(next) : 0);
	for (int i = 0; i < rows; i++)
		hint += (size_t)PQgetlength(res, i, 0) + 1;
	strbuf_init(&body, hint);
	if (req->want_csv) {
		if (shape->csv_columns)
			csv_write_columns(shape->csv_columns, &body);
		else
			csv_write_header(shape->ds, &body);
		for (int i = 0; i < rows; i++) {
			json_t *item = json_loads(PQgetvalue(res, i, 0), 0, NULL);
			if (shape->csv_columns)
				csv_write_json_row(shape->csv_columns, item, &body);
			else
				csv_write_record(shape->ds, item, &body);
			json_decref(item);
		}
	} else {
		strbuf_addf(&body, "{\"%s\":[", shape->member);
		for (int i = 0; i < rows; i++) {
			if (i)
				strbuf_addc(&body, ',');
			strbuf_add(&body, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
		}
		strbuf_addc(&body, ']');
		if (next)
			strbuf_addf(&body, ",\"next_cursor\":\"%s\"", next);
		strbuf_addc(&body, '}');
	}
	char *hdr = link ? arena_printf(&req->arena, "Link: <%s>; rel=\"next\"", link) : NULL;
	size_t len;
	char *text = strbuf_detach(&body, &len);
	respond_owned(req, 200, req->want_csv ? "text/csv; charset=utf-8" : "application/json",
	              text, len, hdr);
}

void list_serve(struct request *req, const struct dataset *filters, const char *stmt,
                const char *dataset, const struct page_shape *shape)
{
	struct query_arg args[LIST_MAX_ARGS];
	int n = req_query_args(req, args, LIST_MAX_ARGS);
	if (n < 0) {
		problem(req, 400, "bad-request", "Bad Request",
		        "too many query parameters (at most %d)", LIST_MAX_ARGS);
		return;
	}
	struct list_query q;
	char err[512];
	if (list_query_parse(filters, &g_refdata, args, (size_t)n, &q, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", q.limit + 1);
	const char *params[] = {dataset,     q.after_id, q.district, q.updated_since,
	                        q.publisher, q.fields,   limit};
	PGresult *res = db_exec(stmt, 7, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK)) {
		list_query_release(&q);
		return;
	}
	int rows = PQntuples(res);
	bool more = rows > q.limit;
	if (more)
		rows = q.limit;
	char cursor[CURSOR_MAX];
	const char *next = NULL, *link = NULL;
	if (more && cursor_encode(q.filter_hash, PQgetvalue(res, rows - 1, 1), cursor,
	                          sizeof(cursor)) == 0) {
		next = cursor;
		link = arena_printf(&req->arena, "%s?limit=%d&cursor=%s%s", req->path, q.limit,
		                    cursor, q.link_query);
	}
	page_respond(req, res, rows, shape, next, link);
	PQclear(res);
	list_query_release(&q);
}
