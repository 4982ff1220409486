/* The write pipeline of every record write, single or bulk: locks, checks, upsert, rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "db.h"
#include "lifecycle.h"
#include "strbuf.h"
#include "utf8.h"
#include "write.h"

/* Lists go to SQL as JSON arrays, unpacked in the statement (ids, link targets). */
#define JSON_LIST(n) "ARRAY (SELECT jsonb_array_elements_text(" n "::jsonb))"

/* The stored versions of the records named in $2, locked in id order; the data only when
 * $3 asks for it (a merge patch), and the fields of $4 that derive hooks read. */
static const char sql_lock[] =
    "SELECT id, publisher, district, version, coalesce(data ->> 'status', ''), "
    " CASE WHEN $3::boolean THEN data::text END, deleted_at IS NOT NULL, "
    " (SELECT jsonb_object_agg(k, data -> k) FROM jsonb_array_elements_text($4::jsonb) k "
    "   WHERE data ? k)::text "
    "FROM records WHERE dataset = $1 AND id = ANY (" JSON_LIST("$2") ") "
                                                                     "ORDER BY id FOR UPDATE";

/* Which of the ids in $2 name a live record of dataset $1 (kept while the write runs). */
static const char sql_exist[] = "SELECT id FROM records WHERE dataset = $1 "
                                "AND id = ANY (" JSON_LIST("$2") ") AND deleted_at IS NULL "
                                                                 "FOR SHARE";

/* Indexes (0-based) and reasons of the invalid geometries of a batch ($1: array of
 * geometries or nulls, one per record). */
static const char sql_geom_check[] =
    "SELECT (g.i - 1)::int, ST_IsValidReason(ST_GeomFromGeoJSON(g.doc::text)) "
    "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS g (doc, i) "
    "WHERE jsonb_typeof(g.doc) = 'object' AND NOT ST_IsValid(ST_GeomFromGeoJSON(g.doc::text))";

/* Inserts or replaces the records of $2 ([{"id", "district", "data"}]) unless their content
 * is unchanged, as publisher $3, and logs each change with key $4 and request $5; returns
 * how many changed and their ids. */
static const char sql_upsert[] =
    "WITH input AS (SELECT x.id, x.district, x.data || derived_fields($1, x.data) AS data "
    " FROM jsonb_to_recordset($2::jsonb) AS x (id text, district text, data jsonb)), "
    "up AS (INSERT INTO records AS r (dataset, id, data, district, publisher, version, "
    "  created_at, updated_at, geom) "
    " SELECT $1, input.id, input.data, input.district, $3, 1, now(), now(), "
    "  CASE WHEN input.data ?| '{geometry,location}' THEN checked_geometry(coalesce("
    "   input.data -> 'geometry', input.data -> 'location')) END FROM input "
    " ON CONFLICT (dataset, id) DO UPDATE SET data = EXCLUDED.data, "
    "  district = EXCLUDED.district, publisher = EXCLUDED.publisher, "
    "  version = r.version + 1, updated_at = now(), geom = EXCLUDED.geom, deleted_at = NULL, "
    "  created_at = CASE WHEN r.deleted_at IS NULL THEN r.created_at ELSE now() END "
    " WHERE r.deleted_at IS NOT NULL OR r.data IS DISTINCT FROM EXCLUDED.data "
    " RETURNING r.*), "
    "logged AS (INSERT INTO changes (dataset, id, op, version, publisher, key_id, "
    "  request_id, changed_at, record, record_created_at) "
    " SELECT r.dataset, r.id, 'upsert', r.version, r.publisher, $4, $5, "
    "  r.updated_at, r.data, r.created_at FROM up r) "
    "SELECT count(*), coalesce(jsonb_agg(id), '[]')::text FROM up";

static const char sql_delete[] =
    "WITH d AS (UPDATE records SET deleted_at = now(), updated_at = now(), "
    "  version = version + 1, publisher = $3 "
    " WHERE dataset = $1 AND id = $2 AND deleted_at IS NULL RETURNING dataset, id, version) "
    "INSERT INTO changes (dataset, id, op, version, publisher, key_id, request_id, record) "
    "SELECT dataset, id, 'delete', version, $3, $4, $5, NULL FROM d";

/* Live records whose field $2 names record $1 (up to 21, to name a few in a 409). */
static const char sql_links[] =
    "SELECT dataset, id FROM records WHERE data ->> $2 = $1 AND deleted_at IS NULL "
    "ORDER BY dataset, id LIMIT 21";

/* The cross-agency rules over the records in $2, in the write's transaction (SPEC §5). */
static const char sql_rules[] = "SELECT rules_evaluate($1, " JSON_LIST("$2") ", $3, $4)";

static const struct db_stmt statements[] = {
    {"write_lock", sql_lock},
    {"write_exist", sql_exist},
    {"write_geom_check", sql_geom_check},
    {"write_upsert", sql_upsert},
    {"write_delete", sql_delete},
    {"write_links", sql_links},
    {"rules_evaluate", sql_rules},
};

void write_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

bool write_may_publish(struct request *req, const struct dataset *ds)
{
	if (authz_may_publish(ds, who_of(req)))
		return true;
	struct strbuf who;
	strbuf_init(&who, 64);
	for (const char *const *p = ds->publishers; *p; p++)
		strbuf_addf(&who, "%s%s", p == ds->publishers ? "" : ", ", *p);
	problem(req, 403, "forbidden", "Forbidden",
	        "agency %s may read %s but not write it; its publishers are: %s",
	        who_of(req)->agency, ds->name, who.buf);
	strbuf_release(&who);
	return false;
}

void write_batch_init(struct write_batch *b, struct request *req, const struct dataset *ds,
                      json_t *records, const char *path_id)
{
	memset(b, 0, sizeof(*b));
	b->req = req;
	b->ds = ds;
	b->records = json_incref(records);
	b->n = json_array_size(records);
	b->path_id = path_id;
	b->relative = path_id != NULL;
	size_t slots = b->n ? b->n : 1;
	b->stored = calloc(slots, sizeof(*b->stored));
	b->valid = calloc(slots, sizeof(*b->valid));
	if (!b->stored || !b->valid)
		abort(); /* as the arena does: a request cannot go on without memory */
	b->errors = json_array();
	b->ids = json_object();
}

void write_batch_release(struct write_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->valid[i]);
		json_decref(b->stored[i].data);
		json_decref(b->stored[i].prior);
	}
	free(b->valid);
	free(b->stored);
	json_decref(b->records);
	json_decref(b->errors);
	json_decref(b->ids);
	memset(b, 0, sizeof(*b));
}

/* The id a record is written under: the path's, or its body's. */
static const char *record_id(const struct write_batch *b, size_t i)
{
	if (b->path_id)
		return b->path_id;
	return json_string_value(json_object_get(json_array_get(b->records, i), "id"));
}

/* Records that record i is refused, at a pointer relative to the body. */
static void refuse_at(struct write_batch *b, size_t i, enum write_refusal kind, const char *pointer,
                      const char *message)
{
	const char *id = record_id(b, i);
	json_array_append_new(b->errors, json_pack("{s:I, s:o, s:s, s:s}", "index", (json_int_t)i,
	                                           "id", id ? json_string(id) : json_null(),
	                                           "pointer", pointer, "message", message));
	if (kind > b->refusal) {
		b->refusal = kind;
		snprintf(b->refusal_message, sizeof(b->refusal_message), "%s", message);
	}
}

/* The same for a field of record i (NULL: the record as a whole). */
static void refuse(struct write_batch *b, size_t i, enum write_refusal kind, const char *field,
                   const char *message)
{
	char ptr[160];
	if (b->relative)
		snprintf(ptr, sizeof(ptr), "%s%.120s", field ? "/" : "", field ? field : "");
	else
		snprintf(ptr, sizeof(ptr), "/%zu%s%.120s", i, field ? "/" : "", field ? field : "");
	refuse_at(b, i, kind, ptr, message);
}

static void refusef(struct write_batch *b, size_t i, enum write_refusal kind, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void refusef(struct write_batch *b, size_t i, enum write_refusal kind, const char *field,
                    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	refuse(b, i, kind, field, msg);
}

/* The text of a JSON array of strings, for a statement parameter (free() it). */
static char *json_list_text(json_t *list)
{
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}

int write_lock(struct write_batch *b)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < b->n; i++) {
		const char *id = record_id(b, i);
		if (id && !json_object_get(b->ids, id)) {
			json_object_set_new(b->ids, id, json_integer((json_int_t)i));
			json_array_append_new(ids, json_string(id));
		}
	}
	if (json_array_size(ids) == 0) {
		json_decref(ids);
		return 0;
	}
	char *text = json_list_text(ids);
	json_t *fields = json_array();
	for (const char *const *f = b->ds->prior_fields; f && *f; f++)
		json_array_append_new(fields, json_string(*f));
	char *prior = json_list_text(fields);
	const char *params[] = {b->ds->name, text, b->want_data ? "true" : "false", prior};
	PGresult *res = db_exec("write_lock", 4, params);
	free(text);
	free(prior);
	if (!db_ok(b->req, res, PGRES_TUPLES_OK))
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		json_t *at = json_object_get(b->ids, PQgetvalue(res, r, 0));
		if (!at)
			continue;
		struct stored *st = &b->stored[json_integer_value(at)];
		st->deleted = strcmp(PQgetvalue(res, r, 6), "t") == 0;
		st->exists = !st->deleted;
		snprintf(st->publisher, sizeof(st->publisher), "%s", PQgetvalue(res, r, 1));
		snprintf(st->district, sizeof(st->district), "%s", PQgetvalue(res, r, 2));
		snprintf(st->version, sizeof(st->version), "%s", PQgetvalue(res, r, 3));
		snprintf(st->status, sizeof(st->status), "%s", PQgetvalue(res, r, 4));
		if (!PQgetisnull(res, r, 5))
			st->data = json_loads(PQgetvalue(res, r, 5), 0, NULL);
		if (!PQgetisnull(res, r, 7) && st->exists)
			st->prior = json_loads(PQgetvalue(res, r, 7), 0, NULL);
	}
	PQclear(res);
	return 0;
}

/* Beijing's calendar date (UTC+8, no daylight saving). */
static void beijing_today(char out[11])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Validates each record on its own, derives its fields, and refuses an id given twice. */
static void check_each(struct write_batch *b)
{
	char today[11];
	beijing_today(today);
	json_t *seen = json_object();
	const struct refdata *ref = refdata_hold();
	for (size_t i = 0; i < b->n; i++) {
		struct verrors errs = {0};
		char prefix[24] = "";
		if (!b->relative)
			snprintf(prefix, sizeof(prefix), "/%zu", i);
		json_t *rec = json_array_get(b->records, i);
		json_t *data = record_validate(b->ds, ref, rec, b->path_id, prefix, &errs);
		for (size_t e = 0; e < errs.n; e++)
			refuse_at(b, i, WRITE_INVALID, errs.items[e].pointer,
			          errs.items[e].message);
		if (errs.dropped)
			refusef(b, i, WRITE_INVALID, NULL, "%zu further problem(s) not listed",
			        errs.dropped);
		if (!data)
			continue;
		const struct derive_ctx ctx = {
		    .ref = ref, .prior = b->stored[i].prior, .today = today};
		record_derive(b->ds, &ctx, data);
		const char *id = json_string_value(json_object_get(data, "id"));
		json_t *first = json_object_get(seen, id);
		if (first) {
			refusef(b, i, WRITE_INVALID, "id",
			        "id \"%s\" appears twice in the request (also at index %lld)", id,
			        (long long)json_integer_value(first));
			json_decref(data);
			continue;
		}
		json_object_set_new(seen, id, json_integer((json_int_t)i));
		b->valid[i] = data;
	}
	refdata_release();
	json_decref(seen);
}

/* The message of a status change the lifecycle refuses, naming the allowed ones. */
static void transition_message(const char *from, const char *to, char *buf, size_t size)
{
	const char *next[8];
	size_t n = lifecycle_next(from, next, 8);
	struct strbuf list;
	strbuf_init(&list, 64);
	for (size_t k = 0; k < n; k++)
		strbuf_addf(&list, "%s%s", k ? ", " : "", next[k]);
	snprintf(buf, size, "a plot cannot go from %s to %s; from %s it may go to: %s", from, to,
	         from, n ? list.buf : "(no further state)");
	strbuf_release(&list);
}

/* Whether `who` holds the ecology bureau's key, which the 名录's rules set apart. */
static bool ecology(const struct identity *who)
{
	return strcmp(who->agency, "ecology") == 0;
}

/* A status change the lifecycle refuses: 409 for a single record. */
static void refuse_transition(struct write_batch *b, size_t i, const char *from, const char *to)
{
	char text[512];
	transition_message(from, to, text, sizeof(text));
	bool first = b->refusal < WRITE_CONFLICT;
	refuse(b, i, WRITE_CONFLICT, "status", text);
	if (first && b->refusal == WRITE_CONFLICT) {
		snprintf(b->from, sizeof(b->from), "%s", from);
		snprintf(b->to, sizeof(b->to), "%s", to);
	}
}

/* The lifecycle and the 名录's authority over a record's status (SPEC §3, §4). A deleted id
 * written again is a status change from its last status, unless ecology writes it, so
 * that delete-and-create cannot skip the lifecycle. */
static void check_status(struct write_batch *b, size_t i, const char *to)
{
	const struct stored *st = &b->stored[i];
	const struct identity *who = who_of(b->req);
	const char *last = st->status[0] ? st->status : NULL;
	const char *from = st->exists || (st->deleted && !ecology(who)) ? last : NULL;
	char msg[512];
	if (!to)
		return;
	if ((!st->exists && !authz_can_set_status(who, NULL, to, msg, sizeof(msg))) ||
	    !authz_can_set_status(who, from, to, msg, sizeof(msg))) {
		refuse(b, i, WRITE_FORBIDDEN, "status", msg);
		return;
	}
	if (from && !lifecycle_allowed(from, to))
		refuse_transition(b, i, from, to);
}

/* Who may write each record, and which status changes the lifecycle allows. */
static void check_authority(struct write_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_t *data = b->valid[i];
		if (!data)
			continue;
		const struct stored *st = &b->stored[i];
		char msg[256];
		const char *district = json_string_value(json_object_get(data, "district"));
		if (!authz_can_write(b->ds, who_of(b->req), st->exists ? st->publisher : NULL,
		                     st->exists ? st->district : NULL, district, msg,
		                     sizeof(msg))) {
			refuse(b, i, WRITE_FORBIDDEN, st->exists ? NULL : "district", msg);
			continue;
		}
		if (b->ds->has_lifecycle)
			check_status(b, i, json_string_value(json_object_get(data, "status")));
	}
}

/* Linked records a field says must exist (a planning permit's plot_id). */
static int check_links(struct write_batch *b)
{
	for (size_t f = 0; f < b->ds->n_fields; f++) {
		const struct field *fd = &b->ds->fields[f];
		if (!fd->links_to || !fd->link_must_exist)
			continue;
		json_t *targets = json_array();
		for (size_t i = 0; i < b->n; i++) {
			const char *t = json_string_value(json_object_get(b->valid[i], fd->name));
			if (t)
				json_array_append_new(targets, json_string(t));
		}
		if (json_array_size(targets) == 0) {
			json_decref(targets);
			continue;
		}
		char *text = json_list_text(targets);
		const char *params[] = {fd->links_to, text};
		PGresult *res = db_exec("write_exist", 2, params);
		free(text);
		if (!db_ok(b->req, res, PGRES_TUPLES_OK))
			return -1;
		json_t *found = json_object();
		for (int r = 0; r < PQntuples(res); r++)
			json_object_set_new(found, PQgetvalue(res, r, 0), json_true());
		PQclear(res);
		for (size_t i = 0; i < b->n; i++) {
			const char *t = json_string_value(json_object_get(b->valid[i], fd->name));
			if (t && !json_object_get(found, t))
				refusef(
				    b, i, WRITE_INVALID, fd->name,
				    "%s has no record \"%.*s\"; publish it first or leave %s out",
				    fd->links_to, utf8_cut(t, 80), t, fd->name);
		}
		json_decref(found);
	}
	return 0;
}

/* Geometries PostGIS finds invalid (self-intersections and the like). */
static int check_geometry(struct write_batch *b)
{
	json_t *geoms = json_array();
	bool any = false;
	for (size_t i = 0; i < b->n; i++) {
		json_t *g = json_object_get(b->valid[i], "geometry");
		if (!g)
			g = json_object_get(b->valid[i], "location");
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
	PGresult *res = db_exec("write_geom_check", 1, params);
	free(text);
	if (!db_ok(b->req, res, PGRES_TUPLES_OK))
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		size_t i = (size_t)atoi(PQgetvalue(res, r, 0));
		if (i >= b->n)
			continue;
		const char *field =
		    json_object_get(b->valid[i], "geometry") ? "geometry" : "location";
		refusef(b, i, WRITE_INVALID, field, "the geometry is not valid: %s",
		        PQgetvalue(res, r, 1));
	}
	PQclear(res);
	return 0;
}

int write_check(struct write_batch *b)
{
	check_each(b);
	check_authority(b);
	if (check_links(b) < 0 || check_geometry(b) < 0)
		return -1;
	return 0;
}

/* Runs the rules over the records of `ids` (a JSON array's text). */
static int evaluate_rules(struct write_batch *b, const char *ids)
{
	const char *params[] = {b->ds->name, ids, who_of(b->req)->key_id, b->req->request_id};
	PGresult *res = db_exec("rules_evaluate", 4, params);
	if (!db_ok(b->req, res, PGRES_TUPLES_OK))
		return -1;
	PQclear(res);
	return 0;
}

int write_store(struct write_batch *b)
{
	if (b->n == 0)
		return 0;
	json_t *input = json_array();
	for (size_t i = 0; i < b->n; i++) {
		json_t *data = b->valid[i];
		if (!data)
			continue;
		if (!b->stored[i].exists)
			b->created++;
		json_array_append_new(
		    input, json_pack("{s:O, s:O, s:O}", "id", json_object_get(data, "id"),
		                     "district", json_object_get(data, "district"), "data", data));
	}
	char *text = json_dumps(input, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(input);
	const struct identity *who = who_of(b->req);
	const char *params[] = {b->ds->name, text, identity_publisher(who), who->key_id,
	                        b->req->request_id};
	PGresult *res = db_exec("write_upsert", 5, params);
	free(text);
	if (!db_ok(b->req, res, PGRES_TUPLES_OK))
		return -1;
	b->changed = (size_t)atol(PQgetvalue(res, 0, 0));
	char *changed_ids = arena_strdup(&b->req->arena, PQgetvalue(res, 0, 1));
	PQclear(res);
	return b->changed ? evaluate_rules(b, changed_ids) : 0;
}

int write_apply(struct write_batch *b)
{
	if (write_check(b) < 0)
		return -1;
	if (b->refusal != WRITE_OK) {
		write_refuse(b);
		return -1;
	}
	return write_store(b);
}

void write_refuse(struct write_batch *b)
{
	struct request *req = b->req;
	size_t bad = json_array_size(b->errors);
	if (!b->relative || !b->path_id) {
		json_t *extra = json_pack("{s:O}", "errors", b->errors);
		problem_ex(req, 422, "validation", "Unprocessable Content", extra, NULL,
		           "%zu problem(s) in the records; nothing was written; see errors", bad);
		return;
	}
	if (b->refusal == WRITE_FORBIDDEN) {
		problem(req, 403, "forbidden", "Forbidden", "%s", b->refusal_message);
		return;
	}
	if (b->refusal == WRITE_CONFLICT) {
		const char *next[8];
		size_t n = lifecycle_next(b->from, next, 8);
		json_t *allowed = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(allowed, json_string(next[i]));
		problem_ex(
		    req, 409, "invalid-transition", "Conflict",
		    json_pack("{s:o, s:s, s:s}", "allowed", allowed, "from", b->from, "to", b->to),
		    NULL, "%s", b->refusal_message);
		return;
	}
	json_t *list = json_array();
	size_t i;
	json_t *err;
	json_array_foreach(b->errors, i, err)
	{
		json_array_append_new(list, json_pack("{s:O, s:O}", "pointer",
		                                      json_object_get(err, "pointer"), "message",
		                                      json_object_get(err, "message")));
	}
	problem_ex(req, 422, "validation", "Unprocessable Content",
	           json_pack("{s:o}", "errors", list), NULL,
	           "the record is not valid: %zu problem(s); see errors", bad);
}

bool write_may_delete(struct write_batch *b)
{
	const struct stored *st = &b->stored[0];
	char msg[512];
	if (authz_can_write(b->ds, who_of(b->req), st->publisher, st->district, NULL, msg,
	                    sizeof(msg)) &&
	    (!b->ds->has_lifecycle ||
	     authz_can_delete_status(who_of(b->req), st->status[0] ? st->status : NULL, msg,
	                             sizeof(msg))))
		return true;
	problem(b->req, 403, "forbidden", "Forbidden", "%s", msg);
	return false;
}

/* Records of other datasets that name this one; 409 lists them. */
static int refuse_if_linked(struct write_batch *b)
{
	/* One query per link field name: every dataset's plot_id is the same column. */
	json_t *found = json_array(), *fields = json_object();
	for (size_t d = 0; d < datasets_count; d++)
		for (size_t i = 0; i < datasets[d]->n_fields; i++) {
			const struct field *f = &datasets[d]->fields[i];
			if (f->links_to && strcmp(f->links_to, b->ds->name) == 0)
				json_object_set_new(fields, f->name, json_true());
		}
	const char *name;
	json_t *unused;
	json_object_foreach(fields, name, unused)
	{
		const char *params[] = {b->path_id, name};
		PGresult *res = db_exec("write_links", 2, params);
		if (!db_ok(b->req, res, PGRES_TUPLES_OK)) {
			json_decref(fields);
			json_decref(found);
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
	problem_ex(b->req, 409, "conflict", "Conflict", json_pack("{s:o}", "records", found), NULL,
	           "%s/%s cannot be deleted while other records link to it: %s%s; change or "
	           "delete those first",
	           b->ds->name, b->path_id, names.buf, json_array_size(found) > 5 ? ", ..." : "");
	strbuf_release(&names);
	return -1;
}

int write_delete(struct write_batch *b)
{
	if (refuse_if_linked(b) < 0)
		return -1;
	const struct identity *who = who_of(b->req);
	const char *params[] = {b->ds->name, b->path_id, identity_publisher(who), who->key_id,
	                        b->req->request_id};
	PGresult *res = db_exec("write_delete", 5, params);
	if (!db_ok(b->req, res, PGRES_COMMAND_OK))
		return -1;
	PQclear(res);
	json_t *ids = json_array();
	json_array_append_new(ids, json_string(b->path_id));
	char *text = json_list_text(ids);
	int rc = evaluate_rules(b, text);
	free(text);
	return rc;
}
