/* Bulk upsert, POST /v1/{dataset}: a JSON array (or one object) or CSV of records through the
 * write pipeline in one transaction; every record valid, or nothing written. */
#include <string.h>

#include "api.h"
#include "csvio.h"
#include "db.h"
#include "jsonutil.h"
#include "write.h"

#define BULK_MAX_RECORDS 10000

/* The records of the body as a JSON array; NULL after answering. `single` tells that the
 * body was one object, to which error pointers are then relative. */
static json_t *bulk_parse(struct request *req, const struct dataset *ds, bool *single)
{
	char err[512];
	if (req_content_type_is(req, "text/csv")) {
		json_t *rows = csv_parse_records(ds, req->body ? req->body : "", req->body_len, err,
		                                 sizeof(err));
		if (!rows)
			problem(req, 400, "bad-request", "Bad Request",
			        "the CSV body is not usable: %s", err);
		return rows;
	}
	if (!req_content_type_is(req, "application/json")) {
		problem(req, 415, "unsupported-media-type", "Unsupported Media Type",
		        "send a JSON array of records (Content-Type: application/json) or CSV with "
		        "a header row (Content-Type: text/csv)");
		return NULL;
	}
	json_t *body =
	    json_parse_strict(req->body ? req->body : "", req->body_len, err, sizeof(err));
	if (!body) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return NULL;
	}
	if (json_is_object(body)) {
		*single = true;
		json_t *one = json_array();
		json_array_append_new(one, body);
		return one;
	}
	if (!json_is_array(body)) {
		json_decref(body);
		problem_ex(
		    req, 422, "validation", "Unprocessable Content",
		    json_pack("{s:[{s:s, s:s}]}", "errors", "pointer", "", "message",
		              "expected a JSON array of record objects, or one record object"),
		    NULL, "the body must be a JSON array of records, or one record object");
		return NULL;
	}
	return body;
}

void handle_bulk(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	if (!write_may_publish(req, ds))
		return;
	bool single = false;
	json_t *records = bulk_parse(req, ds, &single);
	if (!records)
		return;
	size_t n = json_array_size(records);
	if (n > BULK_MAX_RECORDS) {
		json_decref(records);
		problem(req, 413, "payload-too-large", "Payload Too Large",
		        "a bulk request holds at most %d records (this one has %zu); send them in "
		        "several requests",
		        BULK_MAX_RECORDS, n);
		return;
	}
	struct write_batch b;
	write_batch_init(&b, req, ds, records, NULL);
	json_decref(records);
	b.relative = single;
	if (db_begin() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	if (write_lock(&b) < 0 || write_apply(&b) < 0)
		goto out;
	if (db_commit() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	if (b.changed)
		db_analyze_after_bulk();
	json_t *counts = json_pack("{s:I, s:I, s:I}", "created", (json_int_t)b.created, "updated",
	                           (json_int_t)(b.changed - b.created), "unchanged",
	                           (json_int_t)(n - b.changed));
	respond_json(req, 200, counts, NULL);
	json_decref(counts);
out:
	db_rollback();
	write_batch_release(&b);
}
