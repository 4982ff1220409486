/* GET /v1/findings: what the cross-agency rules found, open and resolved (SPEC §5). */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "db.h"
#include "internal.h"
#include "listpage.h"
#include "listquery.h"

/* The list query's field filters ($6) are status, rule, plot_id and agency; agency
 * matches any of a finding's agencies. */
static const char sql_findings[] =
    "SELECT finding_doc(f)::text, f.id FROM findings f "
    "WHERE $1::text IS NOT NULL AND f.id > $2 "
    "AND ($3::jsonb IS NULL OR f.district = ANY (ARRAY (SELECT jsonb_array_elements_text("
    "     $3::jsonb)))) "
    "AND ($4::timestamptz IS NULL OR f.updated_at >= $4::timestamptz) "
    "AND ($5::jsonb IS NULL OR $5::jsonb ? 'soilshare') "
    "AND ($6::jsonb IS NULL OR NOT EXISTS (SELECT 1 FROM jsonb_each($6::jsonb) x (k, v) "
    "     WHERE NOT CASE x.k "
    "       WHEN 'agency' THEN f.agencies ?| ARRAY (SELECT jsonb_array_elements_text(x.v)) "
    "       WHEN 'status' THEN x.v ? f.status "
    "       WHEN 'rule' THEN x.v ? f.rule "
    "       WHEN 'plot_id' THEN coalesce(x.v ? f.plot_id, false) "
    "       ELSE false END)) "
    "ORDER BY f.id LIMIT $7";

static const struct db_stmt statements[] = {
    {"findings_list", sql_findings},
};

void findings_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

static const char *const finding_states[] = {"open", "resolved", NULL};
static const struct field finding_filters[] = {
    {.name = "status", .type = FT_ENUM, .values = finding_states, .filter = true},
    {.name = "rule", .type = FT_STRING, .filter = true},
    {.name = "agency", .type = FT_STRING, .filter = true},
    {.name = "plot_id", .type = FT_KEY, .filter = true},
};
static const struct dataset findings_filters = {
    .name = "findings",
    .fields = finding_filters,
    .n_fields = sizeof(finding_filters) / sizeof(finding_filters[0]),
};
static const char *const finding_columns[] = {
    "id",      "rule", "severity", "status",   "message_zh", "message_en",  "district",
    "plot_id", "link", "records",  "agencies", "opened_at",  "resolved_at", NULL,
};

void handle_findings(struct request *req)
{
	static const struct page_shape shape = {.member = "items", .csv_columns = finding_columns};
	const char *rules = req_query(req, "rule");
	struct slice names[LIST_MAX_VALUES];
	int n = rules ? comma_split(rules, names, LIST_MAX_VALUES) : 0;
	for (int i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(names[i].len < 63 ? names[i].len : 63),
		         names[i].p);
		bool known = refdata_rule_known(refdata_hold(), name);
		refdata_release();
		if (!known) {
			problem(
			    req, 400, "bad-request", "Bad Request",
			    "rule \"%.60s\" is not one of the rules; see the findings section of "
			    "/openapi.json",
			    name);
			return;
		}
	}
	static const struct list_source src = {
	    .filters = &findings_filters, .stmt = "findings_list", .dataset = "findings"};
	list_serve(req, &src, &shape);
}
