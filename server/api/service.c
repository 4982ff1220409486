/* Service and reference endpoints: health, readiness, metrics, OpenAPI, me, catalogue, lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "db.h"
#include "embedded.h"
#include "feed.h"
#include "internal.h"
#include "metrics.h"
#include "strbuf.h"
#include "webhooks.h"

static const char sql_schema_version[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
static const char sql_catalogue[] =
    "SELECT dataset, count(*) FILTER (WHERE deleted_at IS NULL), rfc3339(max(updated_at)) "
    "FROM records GROUP BY dataset";
static const char sql_districts[] =
    "SELECT json_build_object('items', coalesce(json_agg(json_build_object('code', code, "
    "'name_zh', name_zh, 'name_en', name_en, 'gb2260', gb2260) ORDER BY code), '[]'))::text "
    "FROM districts";
static const char sql_agencies[] =
    "SELECT json_build_object('items', coalesce(json_agg(json_build_object('code', code, "
    "'name_zh', name_zh, 'name_en', name_en, 'role', role) ORDER BY code), '[]'))::text "
    "FROM agencies";

/* Open findings per rule, zeros included, for /metrics. */
static const char sql_open_findings[] =
    "SELECT r.rule, count(f.id) FROM rules r "
    "LEFT JOIN findings f ON f.rule = r.rule AND f.status = 'open' GROUP BY r.rule ORDER BY r.rule";

/* Pending webhook deliveries per subscription, zeros included, for /metrics. */
static const char sql_webhook_backlog[] =
    "SELECT s.id, s.status, count(d.seq) FROM webhook_subscriptions s "
    "LEFT JOIN webhook_deliveries d ON d.subscription_id = s.id AND d.status = 'pending' "
    "GROUP BY s.id, s.status ORDER BY s.id";

static const struct db_stmt statements[] = {
    {"schema_version", sql_schema_version},
    {"metrics_open_findings", sql_open_findings},
    {"metrics_webhook_backlog", sql_webhook_backlog},
    {"catalogue", sql_catalogue},
    {"districts_json", sql_districts},
    {"agencies_json", sql_agencies},
};

void service_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

void handle_healthz(struct request *req)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	respond(req, 200, "application/json", ok, sizeof(ok) - 1, NULL);
}

void handle_readyz(struct request *req)
{
	PGresult *res = db_exec("schema_version", 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (res)
			PQclear(res);
		problem_ex(req, 503, "unavailable", "Service Unavailable", NULL, "Retry-After: 2",
		           "the database is not reachable");
		return;
	}
	int version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (version != db_schema_target()) {
		problem_ex(req, 503, "unavailable", "Service Unavailable", NULL, "Retry-After: 5",
		           "the database schema is at version %d, this server needs %d; run the "
		           "migrate command",
		           version, db_schema_target());
		return;
	}
	json_t *body = json_pack("{s:s, s:i}", "status", "ready", "schema_version", version);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

void handle_metrics(struct request *req)
{
	struct strbuf sb;
	strbuf_init(&sb, 16384);
	metrics_write(&sb);
	feed_metrics(&sb);
	/* From the database; left out while it is away (the rest still answers). */
	PGresult *res = db_exec("metrics_open_findings", 0, NULL);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
		strbuf_adds(&sb, "# HELP soilshare_findings_open Open findings, by rule.\n"
		                 "# TYPE soilshare_findings_open gauge\n");
		for (int i = 0; i < PQntuples(res); i++)
			strbuf_addf(&sb, "soilshare_findings_open{rule=\"%s\"} %s\n",
			            PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	}
	PQclear(res);
	webhooks_metrics(&sb);
	res = db_exec("metrics_webhook_backlog", 0, NULL);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
		strbuf_adds(&sb,
		            "# HELP soilshare_webhook_backlog Webhook deliveries waiting to be "
		            "delivered, by subscription.\n"
		            "# TYPE soilshare_webhook_backlog gauge\n");
		for (int i = 0; i < PQntuples(res); i++)
			strbuf_addf(&sb,
			            "soilshare_webhook_backlog{subscription=\"%s\",status=\"%s\"} "
			            "%s\n",
			            PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			            PQgetvalue(res, i, 2));
	}
	PQclear(res);
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	respond_owned(req, 200, "text/plain; version=0.0.4", text, len, NULL);
}

void handle_me(struct request *req)
{
	json_t *can = json_array();
	for (size_t i = 0; i < datasets_count; i++)
		if (authz_may_publish(datasets[i], who_of(req)))
			json_array_append_new(can, json_string(datasets[i]->name));
	const struct identity *who = who_of(req);
	json_t *body = json_pack("{s:s, s:o, s:s, s:o}", "agency", who->agency, "district",
	                         who->district[0] ? json_string(who->district) : json_null(),
	                         "key_id", who->key_id, "can_write", can);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

void handle_datasets(struct request *req)
{
	PGresult *res = db_exec("catalogue", 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		problem_db(req, res);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < datasets_count; i++) {
		const struct dataset *ds = datasets[i];
		json_t *pubs = json_array();
		for (const char *const *p = ds->publishers; *p; p++)
			json_array_append_new(pubs, json_string(*p));
		json_int_t count = 0;
		json_t *last = json_null();
		for (int r = 0; r < PQntuples(res); r++)
			if (strcmp(PQgetvalue(res, r, 0), ds->name) == 0) {
				count = atoll(PQgetvalue(res, r, 1));
				if (!PQgetisnull(res, r, 2)) {
					json_decref(last);
					last = json_string(PQgetvalue(res, r, 2));
				}
			}
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o, s:I, s:o}", "name",
		                                       ds->name, "title_zh", ds->title_zh,
		                                       "title_en", ds->title_en, "publishers", pubs,
		                                       "count", count, "last_changed_at", last));
	}
	PQclear(res);
	json_t *body = json_pack("{s:o}", "items", items);
	respond_json(req, 200, body, NULL);
	json_decref(body);
}

static void reference_list(struct request *req, const char *stmt)
{
	PGresult *res = db_exec(stmt, 0, NULL);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		problem_db(req, res);
		return;
	}
	respond_pgresult(req, 200, res, NULL);
}

void handle_districts(struct request *req)
{
	reference_list(req, "districts_json");
}

void handle_agencies(struct request *req)
{
	reference_list(req, "agencies_json");
}
