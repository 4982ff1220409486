/* One record of any dataset: GET, PUT, PATCH and DELETE /v1/{dataset}/{id}. Writes are a
 * batch of one through the write pipeline; what is single-record here is HTTP: ETags,
 * preconditions, 201 or 200, Location. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"
#include "internal.h"
#include "jsonutil.h"
#include "listpage.h"
#include "strbuf.h"
#include "write.h"

#define DOC "record_json(r.data, r.publisher, r.version, r.created_at, r.updated_at)"

/* The record as served, and its version. */
static const char sql_get[] = "SELECT " DOC ", r.version FROM records r "
                              "WHERE r.dataset = $1 AND r.id = $2 AND r.deleted_at IS NULL";

static const struct db_stmt statements[] = {
    {"rec_get", sql_get},
};

void record_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

/* Whether an If-Match / If-None-Match list names `etag` (or is "*"). */
static bool etag_listed(const char *header, const char *etag)
{
	const char *p = header;
	size_t elen = strlen(etag);
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == elen && memcmp(p, etag, len) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static void etag_of(const char *version, char *buf, size_t size)
{
	snprintf(buf, size, "\"%s\"", version);
}

/* The lookup's result checked: NULL after answering (404 when there is no record). */
static PGresult *found(struct request *req, const struct dataset *ds, PGresult *res)
{
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		problem(req, 404, "not-found", "Not Found", "%s has no record with id \"%s\"",
		        ds->name, req->match.id);
		return NULL;
	}
	return res;
}

/* The stored record as served and its version; NULL after answering (404 when there is none). */
static PGresult *fetch(struct request *req, const struct dataset *ds)
{
	const char *params[] = {ds->name, req->match.id};
	return found(req, ds, db_exec("rec_get", 2, params));
}

/* f=json|geojson on one record, over what Accept asked; false after answering. */
static bool record_format(struct request *req, const struct dataset *ds)
{
	const char *f = req_query(req, "f");
	if (f && strcmp(f, "json") && strcmp(f, "geojson")) {
		problem(req, 400, "bad-request", "Bad Request", "f takes json or geojson");
		return false;
	}
	if (f)
		req->want_geojson = f[0] == 'g';
	if (req->want_geojson && !dataset_geometry(ds)) {
		problem(req, 406, "not-acceptable", "Not Acceptable",
		        "%s records have no geometry to serve as GeoJSON; ask for application/json",
		        ds->name);
		return false;
	}
	return true;
}

/* Answers a GET with the record `res` (taken over). */
static void answer_get(struct request *req, PGresult *res)
{
	char etag[32], hdr[48];
	etag_of(PQgetvalue(res, 0, 1), etag, sizeof(etag));
	snprintf(hdr, sizeof(hdr), "ETag: %s", etag);
	const char *inm = req_header(req, "If-None-Match");
	if (inm && etag_listed(inm, etag)) {
		PQclear(res);
		respond(req, 304, NULL, "", 0, hdr);
		return;
	}
	if (req->want_geojson) {
		char *feature = geojson_feature(PQgetvalue(res, 0, 0));
		PQclear(res);
		if (!feature) {
			problem(req, 500, "internal", "Internal Server Error",
			        "the record could not be written as GeoJSON");
			return;
		}
		respond_owned(req, 200, "application/geo+json", feature, strlen(feature), hdr);
		return;
	}
	respond_pgresult(req, 200, res, hdr);
}

/* A GET's lookup travels through a database lane while its connection is suspended; the
 * worker serves its other connections meanwhile, and answers this one when resumed. */
static void lookup_done(void *arg, PGresult *res)
{
	struct request *req = arg;
	call_of(req)->lookup = res;
	http_resume(req);
}

/* A lookup that came back after the request ended without its answer (a shutdown). */
static void lookup_release(void *arg)
{
	struct call *c = arg;
	PQclear(c->lookup);
	c->lookup = NULL;
}

static void get_resumed(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	struct call *c = call_of(req);
	PGresult *res;
	if (c->lookup_queued) {
		res = found(req, ds, c->lookup);
		c->lookup = NULL;
	} else {
		res = fetch(req, ds);
	}
	if (res)
		answer_get(req, res);
}

void handle_get(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	if (!record_format(req, ds))
		return;
	if (db_async_enabled()) {
		struct call *c = call_of(req);
		req->cleanup = lookup_release;
		req->cleanup_arg = c;
		/* Suspended before it is queued: a lane may resume it at once. */
		http_suspend(req, get_resumed);
		const char *params[] = {ds->name, req->match.id};
		c->lookup_queued = db_async_exec("rec_get", 2, params, lookup_done, req) == 0;
		if (!c->lookup_queued)
			http_resume(req); /* the lanes are stopping: looked up on this thread */
		return;
	}
	PGresult *res = fetch(req, ds);
	if (res)
		answer_get(req, res);
}

/* If-Match / If-None-Match on a write; returns false after answering 412. */
static bool preconditions_hold(struct request *req, const struct stored *st, bool is_put)
{
	const char *im = req_header(req, "If-Match");
	if (im) {
		char etag[32];
		etag_of(st->version, etag, sizeof(etag));
		if (!st->exists || !etag_listed(im, etag)) {
			problem(req, 412, "precondition-failed", "Precondition Failed",
			        st->exists
			            ? "the record has changed since you read it (it is now at "
			              "version %s); fetch it again and reapply your change"
			            : "the record does not exist%s",
			        st->exists ? st->version : "");
			return false;
		}
	}
	const char *inm = req_header(req, "If-None-Match");
	if (is_put && inm && strcmp(inm, "*") == 0 && st->exists) {
		problem(
		    req, 412, "precondition-failed", "Precondition Failed",
		    "the record already exists (version %s) and If-None-Match: * asked to create "
		    "it only",
		    st->version);
		return false;
	}
	return true;
}

/* The body of a PUT or PATCH, parsed; NULL after answering 415 or 400. */
static json_t *write_body(struct request *req, bool is_put)
{
	bool ok = req_content_type_is(req, "application/json") ||
	          (!is_put && req_content_type_is(req, "application/merge-patch+json"));
	if (!ok) {
		problem(req, 415, "unsupported-media-type", "Unsupported Media Type",
		        "send the body as %s",
		        is_put ? "Content-Type: application/json"
		               : "Content-Type: application/merge-patch+json");
		return NULL;
	}
	char err[256];
	json_t *body =
	    json_parse_strict(req->body ? req->body : "", req->body_len, err, sizeof(err));
	if (!body)
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
	return body;
}

/* A merge patch applied to the stored record's own fields (server-owned ones are not
 * data); steals `patch`. */
static json_t *patched(const struct dataset *ds, const struct stored *st, json_t *patch)
{
	json_t *target = json_deep_copy(st->data);
	for (size_t i = 0; i < ds->n_derived; i++)
		json_object_del(target, ds->derived[i].name);
	json_t *merged = json_merge_patch(target, patch);
	json_decref(target);
	json_decref(patch);
	return merged;
}

/* Answers a stored write: the record as served, 201 with Location when it is new. */
static void answer_written(struct request *req, const struct dataset *ds, bool created)
{
	PGresult *res = fetch(req, ds);
	if (!res)
		return;
	if (db_commit() < 0) {
		PQclear(res);
		problem_db(req, NULL);
		return;
	}
	struct strbuf hdr;
	strbuf_init(&hdr, 128);
	strbuf_addf(&hdr, "ETag: \"%s\"", PQgetvalue(res, 0, 1));
	if (created) {
		strbuf_addf(&hdr, "\nLocation: /v1/%s/", ds->name);
		strbuf_add_urlencoded(&hdr, req->match.id);
	}
	respond_pgresult(req, created ? 201 : 200, res, hdr.buf);
	strbuf_release(&hdr);
}

static void write_one(struct request *req, bool is_put)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	if (!write_may_publish(req, ds))
		return;
	json_t *body = write_body(req, is_put);
	if (!body)
		return;
	if (!is_put && !json_is_object(body)) {
		json_decref(body);
		problem(req, 422, "validation", "Unprocessable Content",
		        "a merge patch for a record must be a JSON object");
		return;
	}
	json_t *one = json_array();
	json_array_append_new(one, body);
	struct write_batch b;
	write_batch_init(&b, req, ds, one, req->match.id);
	json_decref(one);
	b.want_data = !is_put;
	if (db_begin() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	if (write_lock(&b) < 0 || !preconditions_hold(req, &b.stored[0], is_put))
		goto out;
	if (!is_put) {
		if (!b.stored[0].exists) {
			problem(req, 404, "not-found", "Not Found",
			        "%s has no record with id \"%s\"; create it with PUT", ds->name,
			        req->match.id);
			goto out;
		}
		json_array_set_new(
		    b.records, 0,
		    patched(ds, &b.stored[0], json_incref(json_array_get(b.records, 0))));
	}
	if (write_apply(&b) < 0)
		goto out;
	answer_written(req, ds, b.created > 0);
out:
	db_rollback();
	write_batch_release(&b);
}

void handle_put(struct request *req)
{
	write_one(req, true);
}

void handle_patch(struct request *req)
{
	write_one(req, false);
}

void handle_delete(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	if (!write_may_publish(req, ds))
		return;
	json_t *none = json_array();
	json_array_append_new(none, json_object());
	struct write_batch b;
	write_batch_init(&b, req, ds, none, req->match.id);
	json_decref(none);
	if (db_begin() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	if (write_lock(&b) < 0)
		goto out;
	if (!b.stored[0].exists) {
		problem(req, 404, "not-found", "Not Found", "%s has no record with id \"%s\"",
		        ds->name, req->match.id);
		goto out;
	}
	if (!write_may_delete(&b) || !preconditions_hold(req, &b.stored[0], false) ||
	    write_delete(&b) < 0)
		goto out;
	if (db_commit() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	respond(req, 204, NULL, "", 0, NULL);
out:
	db_rollback();
	write_batch_release(&b);
}
