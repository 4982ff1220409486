/* Generic record handlers for every dataset of the registry: list, get, put, patch, delete. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "csvrows.h"
#include "datasets.h"
#include "db.h"
#include "http.h"
#include "jsonutil.h"
#include "lifecycle.h"
#include "listquery.h"
#include "strbuf.h"
#include "utf8.h"

/* The common filters of a list over `records r` (list_serve's parameters $3 to $7): any-of
 * districts, updated since, any-of publishers, the dataset's field filters as a JSON object
 * of any-of arrays. */
#define LIST_FILTERS                                                                               \
	"AND ($3::text[] IS NULL OR r.district = ANY ($3::text[])) "                               \
	"AND ($4::timestamptz IS NULL OR r.updated_at >= $4::timestamptz) "                        \
	"AND ($5::text[] IS NULL OR r.publisher = ANY ($5::text[])) "                              \
	"AND ($6::jsonb IS NULL OR NOT EXISTS (SELECT 1 FROM jsonb_each($6::jsonb) f (k, v) "      \
	"     WHERE NOT coalesce(f.v ? (r.data ->> f.k), false))) "                                \
	"ORDER BY r.id LIMIT $7"

#define DOC "record_json(r.data, r.publisher, r.version, r.created_at, r.updated_at)"

static const char sql_get[] = "SELECT " DOC ", r.version FROM records r "
                              "WHERE r.dataset = $1 AND r.id = $2 AND r.deleted_at IS NULL";

static const char sql_lock[] = "SELECT r.version, r.publisher, r.district, r.data::text, "
                               "r.deleted_at IS NOT NULL FROM records r "
                               "WHERE r.dataset = $1 AND r.id = $2 FOR UPDATE";

static const char sql_exists[] = "SELECT 1 FROM records WHERE dataset = $1 AND id = $2 "
                                 "AND deleted_at IS NULL FOR SHARE";

/* Inserts or replaces the records of CTE `input` (id, district, data) unless their content
 * is unchanged, as publisher `pub`, and logs each change with key `key` and request `rid`
 * (SQL parameters); CTE `up` holds the records that changed. */
#define UPSERT_INPUT(pub, key, rid)                                                                \
	"up AS (INSERT INTO records AS r (dataset, id, data, district, publisher, version, "       \
	"  created_at, updated_at, geom) "                                                         \
	" SELECT $1, input.id, input.data, input.district, " pub ", 1, now(), now(), "             \
	"  CASE WHEN input.data ?| '{geometry,location}' THEN checked_geometry(coalesce("          \
	"   input.data -> 'geometry', input.data -> 'location')) END FROM input "                  \
	" ON CONFLICT (dataset, id) DO UPDATE SET data = EXCLUDED.data, "                          \
	"  district = EXCLUDED.district, publisher = EXCLUDED.publisher, "                         \
	"  version = r.version + 1, updated_at = now(), geom = EXCLUDED.geom, deleted_at = NULL, " \
	"  created_at = CASE WHEN r.deleted_at IS NULL THEN r.created_at ELSE now() END "          \
	" WHERE r.deleted_at IS NOT NULL OR r.data IS DISTINCT FROM EXCLUDED.data "                \
	" RETURNING r.*), "                                                                        \
	"logged AS (INSERT INTO changes (dataset, id, op, version, publisher, key_id, "            \
	"  request_id, changed_at, record, record_created_at) "                                    \
	" SELECT r.dataset, r.id, 'upsert', r.version, r.publisher, " key ", " rid ", "            \
	"  r.updated_at, r.data, r.created_at FROM up r) "

/* One record; returns it as served, or no row when nothing changed. */
static const char sql_upsert[] =
    "WITH input AS (SELECT $2 AS id, $4 AS district, $3::jsonb || derived_fields($1, $3::jsonb) "
    " AS data), " UPSERT_INPUT("$5", "$6", "$7") "SELECT " DOC ", r.version FROM up r";

static const char sql_delete[] =
    "WITH d AS (UPDATE records SET deleted_at = now(), updated_at = now(), "
    "  version = version + 1, publisher = $3 "
    " WHERE dataset = $1 AND id = $2 AND deleted_at IS NULL RETURNING dataset, id, version) "
    "INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id, record) "
    "SELECT dataset, id, 'delete', version, $3, $4, $5, NULL FROM d";

static const char sql_links[] =
    "SELECT dataset, id FROM records WHERE data ->> $2 = $1 AND deleted_at IS NULL "
    "ORDER BY dataset, id LIMIT 21";

static const char sql_list[] =
    "SELECT " DOC ", r.id FROM records r "
    "WHERE r.dataset = $1 AND r.deleted_at IS NULL AND r.id > $2 " LIST_FILTERS;

/* The 风险管控和修复名录: listed plots and those under control or in effect evaluation, with
 * the date of their last transition to listed (else their own listed_on). */
static const char sql_directory[] =
    "SELECT json_build_object('id', r.id, 'name', r.data ->> 'name', 'district', r.district, "
    " 'address', r.data ->> 'address', 'status', r.data ->> 'status', "
    " 'listed_on', coalesce(t.listed_on::text, r.data ->> 'listed_on'), "
    " 'pollutants', coalesce(r.data -> 'pollutants', '[]'), "
    " 'responsible_party', r.data ->> 'responsible_party', 'area_m2', r.data -> 'area_m2', "
    " 'planned_use', r.data ->> 'planned_use', 'land_class', r.data ->> 'land_class', "
    " 'updated_at', rfc3339(r.updated_at))::text, r.id "
    "FROM records r LEFT JOIN LATERAL ("
    " SELECT (c.changed_at AT TIME ZONE 'Asia/Shanghai')::date AS listed_on "
    "   FROM changes c JOIN changes prev ON prev.dataset = c.dataset AND prev.id = c.id "
    "    AND prev.version = c.version - 1 AND prev.op = 'upsert' "
    "  WHERE c.dataset = r.dataset AND c.id = r.id AND c.record ->> 'status' = 'listed' "
    "    AND prev.record ->> 'status' <> 'listed' "
    "  ORDER BY c.version DESC LIMIT 1) t ON true "
    "WHERE r.dataset = $1 AND r.deleted_at IS NULL AND r.id > $2 "
    "AND r.data ->> 'status' IN ('listed', 'under_control', 'effect_evaluation') " LIST_FILTERS;

/* Bulk: the stored state of many records, locked in id order. */
static const char sql_lock_many[] =
    "SELECT id, publisher, district, data ->> 'status', deleted_at IS NOT NULL FROM records "
    "WHERE dataset = $1 AND id = ANY ($2::text[]) ORDER BY id FOR UPDATE";

static const char sql_exist_many[] = "SELECT id FROM records WHERE dataset = $1 "
                                     "AND id = ANY ($2::text[]) AND deleted_at IS NULL FOR SHARE";

/* Indexes (0-based) and reasons of the invalid geometries of a batch ($1: array of
 * geometries or nulls, one per record). */
static const char sql_geom_check[] =
    "SELECT (g.i - 1)::int, ST_IsValidReason(ST_GeomFromGeoJSON(g.doc::text)) "
    "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS g (doc, i) "
    "WHERE jsonb_typeof(g.doc) = 'object' AND NOT ST_IsValid(ST_GeomFromGeoJSON(g.doc::text))";

/* Many records: $2 is [{"id", "district", "data"}]; returns how many changed and their ids. */
static const char sql_upsert_many[] =
    "WITH input AS (SELECT x.id, x.district, x.data || derived_fields($1, x.data) AS data "
    " FROM jsonb_to_recordset($2::jsonb) AS x (id text, district text, data jsonb)), " UPSERT_INPUT(
        "$3", "$4", "$5") "SELECT count(*), coalesce(array_agg(id), '{}') FROM up";

/* The cross-agency rules, checked in the transaction of every write (SPEC §5). */
static const char sql_rules[] = "SELECT rules_evaluate($1, $2::text[], $3, $4)";

static const struct db_stmt statements[] = {
    {"rules_evaluate", sql_rules},
    {"rec_lock_many", sql_lock_many},
    {"rec_exist_many", sql_exist_many},
    {"rec_geom_check", sql_geom_check},
    {"rec_upsert_many", sql_upsert_many},
    {"rec_directory", sql_directory},
    {"rec_get", sql_get},
    {"rec_lock", sql_lock},
    {"rec_exists", sql_exists},
    {"rec_upsert", sql_upsert},
    {"rec_delete", sql_delete},
    {"rec_links", sql_links},
    {"rec_list", sql_list},
};

void records_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

static const struct dataset *req_dataset(struct request *req)
{
	return dataset_find(req->match.dataset);
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

static bool content_type_is(struct request *req, const char *a, const char *b)
{
	const char *ct = req_header(req, "Content-Type");
	if (!ct)
		return false;
	size_t n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return (strlen(a) == n && strncasecmp(ct, a, n) == 0) ||
	       (b && strlen(b) == n && strncasecmp(ct, b, n) == 0);
}

static void validation_problem(struct request *req, const struct verrors *errs)
{
	json_t *list = json_array();
	for (size_t i = 0; i < errs->n; i++)
		json_array_append_new(list,
		                      json_pack("{s:s, s:s}", "pointer", errs->items[i].pointer,
		                                "message", errs->items[i].message));
	json_t *extra = json_pack("{s:o}", "errors", list);
	problem_ex(req, 422, "validation", "Unprocessable Content", extra, NULL,
	           "the record is not valid: %zu problem(s)%s; see errors", errs->n + errs->dropped,
	           errs->dropped ? ", not all listed" : "");
}

void handle_get(struct request *req)
{
	const struct dataset *ds = req_dataset(req);
	const char *params[] = {ds->name, req->match.id};
	PGresult *res = db_exec("rec_get", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		problem(req, 404, "not-found", "Not Found", "%s has no record with id \"%s\"",
		        ds->name, req->match.id);
		return;
	}
	char etag[32], hdr[48];
	etag_of(PQgetvalue(res, 0, 1), etag, sizeof(etag));
	snprintf(hdr, sizeof(hdr), "ETag: %s", etag);
	const char *inm = req_header(req, "If-None-Match");
	if (inm && etag_listed(inm, etag)) {
		PQclear(res);
		respond(req, 304, NULL, "", 0, hdr);
		return;
	}
	respond_pgresult(req, 200, res, hdr);
}

/* The stored state of a record, read under a row lock. */
struct stored {
	bool exists; /* a live record (not deleted) */
	char version[16];
	char publisher[32];
	char district[8];
	json_t *data;
};

static int lock_record(struct request *req, const struct dataset *ds, struct stored *st)
{
	memset(st, 0, sizeof(*st));
	const char *params[] = {ds->name, req->match.id};
	PGresult *res = db_exec("rec_lock", 2, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return -1;
	}
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 4), "f") == 0) {
		st->exists = true;
		snprintf(st->version, sizeof(st->version), "%s", PQgetvalue(res, 0, 0));
		snprintf(st->publisher, sizeof(st->publisher), "%s", PQgetvalue(res, 0, 1));
		snprintf(st->district, sizeof(st->district), "%s", PQgetvalue(res, 0, 2));
		st->data = json_loads(PQgetvalue(res, 0, 3), 0, NULL);
	}
	PQclear(res);
	return 0;
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

/* The status change rule of the plot lifecycle; false after answering 409. */
static bool transition_allowed(struct request *req, const struct stored *st, json_t *data)
{
	const char *from = json_string_value(json_object_get(st->data, "status"));
	const char *to = json_string_value(json_object_get(data, "status"));
	if (!from || !to || lifecycle_allowed(from, to))
		return true;
	const char *next[8];
	size_t n = lifecycle_next(from, next, 8);
	json_t *allowed = json_array();
	struct strbuf list;
	strbuf_init(&list, 64);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(allowed, json_string(next[i]));
		strbuf_addf(&list, "%s%s", i ? ", " : "", next[i]);
	}
	problem_ex(req, 409, "invalid-transition", "Conflict",
	           json_pack("{s:o, s:s, s:s}", "allowed", allowed, "from", from, "to", to), NULL,
	           "a plot cannot go from %s to %s; from %s it may go to: %s", from, to, from,
	           n ? list.buf : "(no further state)");
	strbuf_release(&list);
	return false;
}

/* Linked records named in the body must exist; false after answering 422. */
static int links_exist(struct request *req, const struct dataset *ds, json_t *data)
{
	struct verrors errs = {0};
	for (size_t i = 0; i < ds->n_fields; i++) {
		const struct field *f = &ds->fields[i];
		const char *target = json_string_value(json_object_get(data, f->name));
		if (!f->links_to || !f->link_must_exist || !target)
			continue;
		const char *params[] = {f->links_to, target};
		PGresult *res = db_exec("rec_exists", 2, params);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			problem_db(req, res);
			return -1;
		}
		char ptr[80];
		snprintf(ptr, sizeof(ptr), "/%s", f->name);
		if (PQntuples(res) == 0)
			verrors_add(&errs, ptr,
			            "%s has no record \"%.*s\"; publish it first or leave %s out",
			            f->links_to, utf8_cut(target, 80), target, f->name);
		PQclear(res);
	}
	if (errs.n) {
		validation_problem(req, &errs);
		return -1;
	}
	return 0;
}

/* Checks the cross-agency rules that the written records can affect (SPEC §5), in the
 * write's transaction; answers and returns -1 when the database fails. */
static int evaluate_rules(struct request *req, const struct dataset *ds, const char *ids)
{
	const char *params[] = {ds->name, ids, req->who.key_id, req->request_id};
	PGresult *res = db_exec("rules_evaluate", 4, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* A one-element PostgreSQL text[] literal. */
static char *one_id_array(struct request *req, const char *id)
{
	return arena_printf(&req->arena, "{\"%s\"}", id);
}

/* Validates, authorises and stores a record; the transaction is open. */
static void store(struct request *req, const struct dataset *ds, const struct stored *st,
                  json_t *body)
{
	struct verrors errs = {0};
	json_t *data = record_validate(ds, &g_refdata, body, req->match.id, "", &errs);
	if (!data) {
		validation_problem(req, &errs);
		return;
	}
	record_derive(ds, &g_refdata, data);
	char msg[256];
	const char *district = json_string_value(json_object_get(data, "district"));
	if (!authz_can_write(ds, &req->who, st->exists ? st->publisher : NULL,
	                     st->exists ? st->district : NULL, district, msg, sizeof(msg))) {
		problem(req, 403, "forbidden", "Forbidden", "%s", msg);
		goto out;
	}
	if (ds->has_lifecycle && st->exists && !transition_allowed(req, st, data))
		goto out;
	if (links_exist(req, ds, data) < 0)
		goto out;

	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	const char *params[] = {
	    ds->name,        req->match.id,  text, district, identity_publisher(&req->who),
	    req->who.key_id, req->request_id};
	PGresult *res = db_exec("rec_upsert", 7, params);
	free(text);
	if (res && PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    strcmp(db_sqlstate(res), "SSG01") == 0) {
		const char *field = json_object_get(data, "geometry") ? "/geometry" : "/location";
		verrors_add(&errs, field, "the geometry is not valid: %s",
		            PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		PQclear(res);
		validation_problem(req, &errs);
		goto out;
	}
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		goto out;
	}
	if (PQntuples(res) == 1 && evaluate_rules(req, ds, one_id_array(req, req->match.id)) < 0) {
		PQclear(res);
		goto out;
	}
	if (PQntuples(res) == 0) { /* unchanged: answer with the stored record */
		PQclear(res);
		const char *gp[] = {ds->name, req->match.id};
		res = db_exec("rec_get", 2, gp);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
			problem_db(req, res);
			goto out;
		}
	}
	if (db_commit() < 0) {
		PQclear(res);
		problem_db(req, NULL);
		goto out;
	}
	char etag[32];
	etag_of(PQgetvalue(res, 0, 1), etag, sizeof(etag));
	bool created = !st->exists;
	struct strbuf hdr;
	strbuf_init(&hdr, 128);
	strbuf_addf(&hdr, "ETag: %s", etag);
	if (created) {
		strbuf_addf(&hdr, "\nLocation: /v1/%s/", ds->name);
		strbuf_add_urlencoded(&hdr, req->match.id);
	}
	respond_pgresult(req, created ? 201 : 200, res, hdr.buf);
	strbuf_release(&hdr);
out:
	json_decref(data);
}

static json_t *parse_body(struct request *req)
{
	char err[256];
	json_t *body =
	    json_parse_strict(req->body ? req->body : "", req->body_len, err, sizeof(err));
	if (!body)
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
	return body;
}

static bool may_publish_or_403(struct request *req, const struct dataset *ds)
{
	if (authz_may_publish(ds, &req->who))
		return true;
	struct strbuf who;
	strbuf_init(&who, 64);
	for (const char *const *p = ds->publishers; *p; p++)
		strbuf_addf(&who, "%s%s", p == ds->publishers ? "" : ", ", *p);
	problem(req, 403, "forbidden", "Forbidden",
	        "agency %s may read %s but not write it; its publishers are: %s", req->who.agency,
	        ds->name, who.buf);
	strbuf_release(&who);
	return false;
}

static void write_request(struct request *req, bool is_put)
{
	const struct dataset *ds = req_dataset(req);
	if (!may_publish_or_403(req, ds))
		return;
	if (is_put ? !content_type_is(req, "application/json", NULL)
	           : !content_type_is(req, "application/merge-patch+json", "application/json")) {
		problem(req, 415, "unsupported-media-type", "Unsupported Media Type",
		        "send the body as %s",
		        is_put ? "Content-Type: application/json"
		               : "Content-Type: application/merge-patch+json");
		return;
	}
	json_t *body = parse_body(req);
	if (!body)
		return;
	if (!is_put && !json_is_object(body)) {
		json_decref(body);
		problem(req, 422, "validation", "Unprocessable Content",
		        "a merge patch for a record must be a JSON object");
		return;
	}
	struct stored st;
	if (db_begin() < 0) {
		json_decref(body);
		problem_db(req, NULL);
		return;
	}
	if (lock_record(req, ds, &st) < 0)
		goto out;
	if (!preconditions_hold(req, &st, is_put))
		goto out;
	if (is_put) {
		store(req, ds, &st, body);
	} else if (!st.exists) {
		problem(req, 404, "not-found", "Not Found",
		        "%s has no record with id \"%s\"; create it with PUT", ds->name,
		        req->match.id);
	} else {
		/* Patch the publisher's fields only: server-owned ones are not data. */
		json_t *target = json_deep_copy(st.data);
		for (size_t i = 0; i < ds->n_derived; i++)
			json_object_del(target, ds->derived[i].name);
		json_t *merged = json_merge_patch(target, body);
		json_decref(target);
		store(req, ds, &st, merged);
		json_decref(merged);
	}
out:
	db_rollback();
	json_decref(st.data);
	json_decref(body);
}

void handle_put(struct request *req)
{
	write_request(req, true);
}

void handle_patch(struct request *req)
{
	write_request(req, false);
}

/* Records of other datasets that name this one; 409 lists them. */
static int refuse_if_linked(struct request *req, const struct dataset *ds)
{
	/* One query per link field name: every dataset's plot_id is the same column. */
	json_t *found = json_array(), *fields = json_object();
	for (size_t d = 0; d < datasets_count; d++)
		for (size_t i = 0; i < datasets[d]->n_fields; i++) {
			const struct field *f = &datasets[d]->fields[i];
			if (f->links_to && strcmp(f->links_to, ds->name) == 0)
				json_object_set_new(fields, f->name, json_true());
		}
	const char *name;
	json_t *unused;
	json_object_foreach(fields, name, unused)
	{
		const char *params[] = {req->match.id, name};
		PGresult *res = db_exec("rec_links", 2, params);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			json_decref(fields);
			json_decref(found);
			problem_db(req, res);
			return -1;
		}
		for (int r = 0; r < PQntuples(res); r++)
			json_array_append_new(found, json_pack("{s:s, s:s}", "dataset",
			                                       PQgetvalue(res, r, 0), "id",
			                                       PQgetvalue(res, r, 1)));
		PQclear(res);
	}
	json_decref(fields);
	if (json_array_size(found) == 0) {
		json_decref(found);
		return 0;
	}
	struct strbuf names;
	strbuf_init(&names, 128);
	for (size_t k = 0; k < json_array_size(found) && k < 5; k++) {
		json_t *it = json_array_get(found, k);
		strbuf_addf(&names, "%s%s/%s", k ? ", " : "",
		            json_string_value(json_object_get(it, "dataset")),
		            json_string_value(json_object_get(it, "id")));
	}
	problem_ex(req, 409, "conflict", "Conflict", json_pack("{s:o}", "records", found), NULL,
	           "%s/%s cannot be deleted while other records link to it: %s%s; change or "
	           "delete those first",
	           ds->name, req->match.id, names.buf, json_array_size(found) > 5 ? ", ..." : "");
	strbuf_release(&names);
	return -1;
}

void handle_delete(struct request *req)
{
	const struct dataset *ds = req_dataset(req);
	if (!may_publish_or_403(req, ds))
		return;
	struct stored st;
	if (db_begin() < 0) {
		problem_db(req, NULL);
		return;
	}
	if (lock_record(req, ds, &st) < 0)
		goto out;
	if (!st.exists) {
		problem(req, 404, "not-found", "Not Found", "%s has no record with id \"%s\"",
		        ds->name, req->match.id);
		goto out;
	}
	char msg[256];
	if (!authz_can_write(ds, &req->who, st.publisher, st.district, NULL, msg, sizeof(msg))) {
		problem(req, 403, "forbidden", "Forbidden", "%s", msg);
		goto out;
	}
	if (!preconditions_hold(req, &st, false) || refuse_if_linked(req, ds) < 0)
		goto out;
	const char *params[] = {ds->name, req->match.id, identity_publisher(&req->who),
	                        req->who.key_id, req->request_id};
	PGresult *res = db_exec("rec_delete", 5, params);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		problem_db(req, res);
		goto out;
	}
	PQclear(res);
	if (evaluate_rules(req, ds, one_id_array(req, req->match.id)) < 0)
		goto out;
	if (db_commit() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	respond(req, 204, NULL, "", 0, NULL);
out:
	db_rollback();
	json_decref(st.data);
}

struct arg_collect {
	struct request *req;
	struct query_arg items[LIST_MAX_ARGS + 1];
	size_t n;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct arg_collect *c = cls;
	if (c->n == LIST_MAX_ARGS + 1)
		return MHD_NO;
	c->items[c->n].key = key;
	c->items[c->n].value = value;
	c->n++;
	return MHD_YES;
}

/* Answers a list: parses the query against `filters`, runs `stmt` (parameters: dataset,
 * after id, districts, updated_since, publishers, field filters, limit + 1; columns: the
 * item's JSON text and its id) and writes the page with its cursor and Link header. */
void list_serve(struct request *req, const struct dataset *filters, const char *stmt,
                const char *dataset, const char *const *csv_columns)
{
	struct arg_collect args = {.req = req};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
	struct list_query q;
	char err[512];
	if (list_query_parse(filters, &g_refdata, args.items, args.n, &q, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", q.limit + 1);
	const char *params[] = {dataset,     q.after_id, q.district, q.updated_since,
	                        q.publisher, q.fields,   limit};
	PGresult *res = db_exec(stmt, 7, params);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		list_query_release(&q);
		problem_db(req, res);
		return;
	}
	int rows = PQntuples(res);
	bool more = rows > q.limit;
	if (more)
		rows = q.limit;
	struct strbuf body, link;
	size_t hint = 32;
	for (int i = 0; i < rows; i++)
		hint += (size_t)PQgetlength(res, i, 0) + 1;
	strbuf_init(&body, hint + CURSOR_MAX);
	strbuf_init(&link, 0);
	if (req->want_csv) {
		const struct dataset *ds = csv_columns ? NULL : dataset_find(dataset);
		if (csv_columns)
			csv_write_columns(csv_columns, &body);
		else
			csv_write_header(ds, &body);
		for (int i = 0; i < rows; i++) {
			json_t *item = json_loads(PQgetvalue(res, i, 0), 0, NULL);
			if (csv_columns)
				csv_write_json_row(csv_columns, item, &body);
			else
				csv_write_record(ds, item, &body);
			json_decref(item);
		}
	} else {
		strbuf_adds(&body, "{\"items\":[");
		for (int i = 0; i < rows; i++) {
			if (i)
				strbuf_addc(&body, ',');
			strbuf_add(&body, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
		}
		strbuf_addc(&body, ']');
	}
	char cursor[CURSOR_MAX];
	if (more && cursor_encode(q.filter_hash, PQgetvalue(res, rows - 1, 1), cursor,
	                          sizeof(cursor)) == 0) {
		if (!req->want_csv)
			strbuf_addf(&body, ",\"next_cursor\":\"%s\"", cursor);
		strbuf_addf(&link, "Link: <%s?limit=%d&cursor=%s%s>; rel=\"next\"", req->path,
		            q.limit, cursor, q.link_query);
	}
	if (!req->want_csv)
		strbuf_addc(&body, '}');
	PQclear(res);
	list_query_release(&q);
	size_t len;
	char *text = strbuf_detach(&body, &len);
	respond_owned(req, 200, req->want_csv ? "text/csv; charset=utf-8" : "application/json",
	              text, len, link.len ? link.buf : NULL);
	strbuf_release(&link);
}

void handle_list(struct request *req)
{
	const struct dataset *ds = req_dataset(req);
	list_serve(req, ds, "rec_list", ds->name, NULL);
}

static const char *const directory_states[] = {"listed", "under_control", "effect_evaluation",
                                               NULL};
static const struct field directory_fields[] = {
    {.name = "status", .type = FT_ENUM, .values = directory_states, .filter = true},
};
static const char *const directory_columns[] = {
    "id",      "name",        "district",   "address",
    "status",  "listed_on",   "pollutants", "responsible_party",
    "area_m2", "planned_use", "land_class", "updated_at",
    NULL,
};
/* The filters the directory takes, described as a dataset for the query parser. */
static const struct dataset directory_filters = {
    .name = "directory",
    .fields = directory_fields,
    .n_fields = sizeof(directory_fields) / sizeof(directory_fields[0]),
};

void handle_directory(struct request *req)
{
	list_serve(req, &directory_filters, "rec_directory", "plots", directory_columns);
}

/* Bulk upsert (POST /v1/{dataset}): every record valid, or nothing written. */

#define BULK_MAX_RECORDS 10000

struct bulk {
	struct request *req;
	const struct dataset *ds;
	json_t *records; /* the body's records */
	json_t **valid;  /* validated data per index, NULL where invalid */
	bool *stored;    /* a live record with this id exists */
	size_t n;
	json_t *errors; /* [{index, id, pointer, message}] */
	json_t *ids;    /* id -> index */
	bool single;    /* the body was one object: pointers are relative to it */
};

static void bulk_error(struct bulk *b, size_t index, const char *pointer, const char *message)
{
	const char *id =
	    json_string_value(json_object_get(json_array_get(b->records, index), "id"));
	json_array_append_new(b->errors,
	                      json_pack("{s:I, s:o, s:s, s:s}", "index", (json_int_t)index, "id",
	                                id ? json_string(id) : json_null(), "pointer", pointer,
	                                "message", message));
}

static void bulk_errorf(struct bulk *b, size_t index, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bulk_errorf(struct bulk *b, size_t index, const char *field, const char *fmt, ...)
{
	char msg[512], ptr[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (b->single)
		snprintf(ptr, sizeof(ptr), "%s%s", field ? "/" : "", field ? field : "");
	else
		snprintf(ptr, sizeof(ptr), "/%zu%s%s", index, field ? "/" : "", field ? field : "");
	bulk_error(b, index, ptr, msg);
}

/* A PostgreSQL text[] literal of strings, every element quoted. */
static void pg_array_add(struct strbuf *sb, const char *s, bool first)
{
	strbuf_adds(sb, first ? "\"" : ",\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '"');
}

static json_t *bulk_parse(struct request *req, const struct dataset *ds, bool *single)
{
	char err[512];
	if (content_type_is(req, "text/csv", NULL)) {
		json_t *rows = csv_parse_records(ds, req->body ? req->body : "", req->body_len, err,
		                                 sizeof(err));
		if (!rows)
			problem(req, 400, "bad-request", "Bad Request",
			        "the CSV body is not usable: %s", err);
		return rows;
	}
	if (!content_type_is(req, "application/json", NULL)) {
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
		problem(req, 422, "validation", "Unprocessable Content",
		        "the body must be a JSON array of records, or one record object");
		return NULL;
	}
	return body;
}

/* Validates every record on its own; fills b->valid and b->errors. */
static void bulk_validate(struct bulk *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct verrors errs = {0};
		char prefix[24] = "";
		if (!b->single)
			snprintf(prefix, sizeof(prefix), "/%zu", i);
		json_t *rec = json_array_get(b->records, i);
		b->valid[i] = record_validate(b->ds, &g_refdata, rec, NULL, prefix, &errs);
		if (b->valid[i])
			record_derive(b->ds, &g_refdata, b->valid[i]);
		for (size_t e = 0; e < errs.n; e++)
			bulk_error(b, i, errs.items[e].pointer, errs.items[e].message);
		if (!b->valid[i])
			continue;
		const char *id = json_string_value(json_object_get(b->valid[i], "id"));
		json_t *seen = json_object_get(b->ids, id);
		if (seen) {
			bulk_errorf(b, i, "id",
			            "id \"%s\" appears twice in the request (also at index %lld)",
			            id, (long long)json_integer_value(seen));
			json_decref(b->valid[i]);
			b->valid[i] = NULL;
			continue;
		}
		json_object_set_new(b->ids, id, json_integer((json_int_t)i));
	}
}

/* Checks authorisation, lifecycle and links against the stored records (locked). */
static int bulk_check_stored(struct bulk *b)
{
	struct strbuf ids;
	strbuf_init(&ids, 64 * b->n + 2);
	strbuf_addc(&ids, '{');
	bool first = true;
	for (size_t i = 0; i < b->n; i++)
		if (b->valid[i]) {
			pg_array_add(&ids, json_string_value(json_object_get(b->valid[i], "id")),
			             first);
			first = false;
		}
	strbuf_addc(&ids, '}');
	const char *params[] = {b->ds->name, ids.buf};
	PGresult *res = db_exec("rec_lock_many", 2, params);
	strbuf_release(&ids);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(b->req, res);
		return -1;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		size_t i =
		    (size_t)json_integer_value(json_object_get(b->ids, PQgetvalue(res, r, 0)));
		bool deleted = strcmp(PQgetvalue(res, r, 4), "t") == 0;
		json_t *data = b->valid[i];
		if (!data || deleted)
			continue;
		b->stored[i] = true;
		char msg[256];
		const char *district = json_string_value(json_object_get(data, "district"));
		if (!authz_can_write(b->ds, &b->req->who, PQgetvalue(res, r, 1),
		                     PQgetvalue(res, r, 2), district, msg, sizeof(msg))) {
			bulk_errorf(b, i, NULL, "%s", msg);
			continue;
		}
		const char *from = PQgetisnull(res, r, 3) ? NULL : PQgetvalue(res, r, 3);
		const char *to = json_string_value(json_object_get(data, "status"));
		if (b->ds->has_lifecycle && from && to && !lifecycle_allowed(from, to)) {
			const char *next[8];
			size_t n = lifecycle_next(from, next, 8);
			struct strbuf list;
			strbuf_init(&list, 64);
			for (size_t k = 0; k < n; k++)
				strbuf_addf(&list, "%s%s", k ? ", " : "", next[k]);
			bulk_errorf(b, i, "status",
			            "a plot cannot go from %s to %s; from %s it may go to: %s",
			            from, to, from, n ? list.buf : "(no further state)");
			strbuf_release(&list);
		}
	}
	PQclear(res);
	/* New records: the district scope still applies. */
	for (size_t i = 0; i < b->n; i++) {
		json_t *data = b->valid[i];
		if (!data || b->stored[i])
			continue;
		char msg[256];
		const char *district = json_string_value(json_object_get(data, "district"));
		if (!authz_can_write(b->ds, &b->req->who, NULL, NULL, district, msg, sizeof(msg)))
			bulk_errorf(b, i, "district", "%s", msg);
	}
	/* Links that must exist. */
	for (size_t f = 0; f < b->ds->n_fields; f++) {
		const struct field *fd = &b->ds->fields[f];
		if (!fd->links_to || !fd->link_must_exist)
			continue;
		struct strbuf targets;
		strbuf_init(&targets, 256);
		strbuf_addc(&targets, '{');
		bool any = false;
		for (size_t i = 0; i < b->n; i++) {
			const char *t =
			    b->valid[i] ? json_string_value(json_object_get(b->valid[i], fd->name))
			                : NULL;
			if (t) {
				pg_array_add(&targets, t, !any);
				any = true;
			}
		}
		strbuf_addc(&targets, '}');
		if (!any) {
			strbuf_release(&targets);
			continue;
		}
		const char *lp[] = {fd->links_to, targets.buf};
		res = db_exec("rec_exist_many", 2, lp);
		strbuf_release(&targets);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			problem_db(b->req, res);
			return -1;
		}
		json_t *found = json_object();
		for (int r = 0; r < PQntuples(res); r++)
			json_object_set_new(found, PQgetvalue(res, r, 0), json_true());
		PQclear(res);
		for (size_t i = 0; i < b->n; i++) {
			const char *t =
			    b->valid[i] ? json_string_value(json_object_get(b->valid[i], fd->name))
			                : NULL;
			if (t && !json_object_get(found, t))
				bulk_errorf(
				    b, i, fd->name,
				    "%s has no record \"%.*s\"; publish it first or leave %s out",
				    fd->links_to, utf8_cut(t, 80), t, fd->name);
		}
		json_decref(found);
	}
	return 0;
}

static int bulk_check_geometry(struct bulk *b)
{
	json_t *geoms = json_array();
	bool any = false;
	for (size_t i = 0; i < b->n; i++) {
		json_t *g = NULL;
		if (b->valid[i]) {
			g = json_object_get(b->valid[i], "geometry");
			if (!g)
				g = json_object_get(b->valid[i], "location");
		}
		any = any || g;
		json_array_append(geoms, g ? g : json_null());
	}
	if (!any) {
		json_decref(geoms);
		return 0;
	}
	char *text = json_dumps(geoms, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(geoms);
	const char *params[] = {text};
	PGresult *res = db_exec("rec_geom_check", 1, params);
	free(text);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(b->req, res);
		return -1;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		size_t i = (size_t)atoi(PQgetvalue(res, r, 0));
		const char *field =
		    json_object_get(b->valid[i], "geometry") ? "geometry" : "location";
		bulk_errorf(b, i, field, "the geometry is not valid: %s", PQgetvalue(res, r, 1));
	}
	PQclear(res);
	return 0;
}

static void bulk_release(struct bulk *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->valid ? b->valid[i] : NULL);
	free(b->valid);
	free(b->stored);
	json_decref(b->records);
	json_decref(b->errors);
	json_decref(b->ids);
}

void handle_bulk(struct request *req)
{
	const struct dataset *ds = req_dataset(req);
	if (!may_publish_or_403(req, ds))
		return;
	struct bulk b = {.req = req, .ds = ds};
	b.records = bulk_parse(req, ds, &b.single);
	if (!b.records)
		return;
	b.n = json_array_size(b.records);
	if (b.n > BULK_MAX_RECORDS) {
		json_decref(b.records);
		problem(req, 413, "payload-too-large", "Payload Too Large",
		        "a bulk request holds at most %d records (this one has %zu); send them in "
		        "several requests",
		        BULK_MAX_RECORDS, b.n);
		return;
	}
	b.valid = calloc(b.n ? b.n : 1, sizeof(*b.valid));
	b.stored = calloc(b.n ? b.n : 1, sizeof(*b.stored));
	b.errors = json_array();
	b.ids = json_object();
	bulk_validate(&b);
	if (db_begin() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	if (b.n && (bulk_check_stored(&b) < 0 || bulk_check_geometry(&b) < 0))
		goto out;
	if (json_array_size(b.errors)) {
		size_t bad = json_array_size(b.errors);
		json_t *extra = json_pack("{s:O}", "errors", b.errors);
		problem_ex(req, 422, "validation", "Unprocessable Content", extra, NULL,
		           "%zu problem(s) in the records; nothing was written; see errors", bad);
		goto out;
	}
	size_t created = 0, changed = 0;
	if (b.n) {
		json_t *input = json_array();
		for (size_t i = 0; i < b.n; i++) {
			json_t *data = b.valid[i];
			if (!b.stored[i])
				created++;
			json_array_append_new(
			    input,
			    json_pack("{s:O, s:O, s:O}", "id", json_object_get(data, "id"),
			              "district", json_object_get(data, "district"), "data", data));
		}
		char *text = json_dumps(input, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_decref(input);
		const char *params[] = {ds->name, text, identity_publisher(&req->who),
		                        req->who.key_id, req->request_id};
		PGresult *res = db_exec("rec_upsert_many", 5, params);
		free(text);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			problem_db(req, res);
			goto out;
		}
		changed = (size_t)atol(PQgetvalue(res, 0, 0));
		char *changed_ids = arena_strdup(&req->arena, PQgetvalue(res, 0, 1));
		PQclear(res);
		if (changed && evaluate_rules(req, ds, changed_ids) < 0)
			goto out;
	}
	if (db_commit() < 0) {
		problem_db(req, NULL);
		goto out;
	}
	json_t *counts =
	    json_pack("{s:I, s:I, s:I}", "created", (json_int_t)created, "updated",
	              (json_int_t)(changed - created), "unchanged", (json_int_t)(b.n - changed));
	respond_json(req, 200, counts, NULL);
	json_decref(counts);
out:
	db_rollback();
	bulk_release(&b);
}
