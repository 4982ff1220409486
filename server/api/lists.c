/* Keyset lists of records: GET /v1/{dataset} and the 风险管控和修复名录, GET /v1/directory. */
#include "api.h"
#include "db.h"
#include "internal.h"
#include "listpage.h"

#define DOC "record_json(r.data, r.publisher, r.version, r.created_at, r.updated_at)"

#define RECORDS                                                                                    \
	"SELECT " DOC ", r.id FROM records r "                                                     \
	"WHERE r.dataset = $1 AND r.deleted_at IS NULL AND r.id > $2 "
static const char sql_list[] = RECORDS LIST_FILTERS;
static const char sql_list_bbox[] = RECORDS LIST_FILTERS_BBOX;
/* records_page() runs the same query without filters on a plan made once per connection
 * (sql/0023): planned at every call, as PostgreSQL chose to, it cost a quarter more. */
static const char sql_list_plain[] = "SELECT doc, id FROM records_page($1, $2, $3)";

#define DIRECTORY                                                                                  \
	"SELECT " DIRECTORY_ITEM ", r.id FROM records r "                                          \
	"WHERE r.dataset = $1 AND r.deleted_at IS NULL AND r.id > $2 " DIRECTORY_WHERE
static const char sql_directory[] = DIRECTORY LIST_FILTERS;
static const char sql_directory_bbox[] = DIRECTORY LIST_FILTERS_BBOX;

static const struct db_stmt statements[] = {
    {"rec_list", sql_list},
    {"rec_list_bbox", sql_list_bbox},
    {"rec_list_plain", sql_list_plain},
    {"rec_directory", sql_directory},
    {"rec_directory_bbox", sql_directory_bbox},
};

void lists_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

void handle_list(struct request *req)
{
	const struct dataset *ds = dataset_find(req->match.dataset);
	const struct page_shape shape = {
	    .member = "items", .ds = ds, .geojson = dataset_geometry(ds) != NULL};
	const struct list_source src = {.filters = ds,
	                                .stmt = "rec_list",
	                                .stmt_bbox = "rec_list_bbox",
	                                .stmt_plain = "rec_list_plain",
	                                .dataset = ds->name};
	list_serve(req, &src, &shape);
}

static const char *const directory_states[] = {"listed", "under_control", "effect_evaluation",
                                               NULL};
static const struct field directory_fields[] = {
    {.name = "status", .type = FT_ENUM, .values = directory_states, .filter = true},
    {.name = "geometry", .type = FT_AREA},
};
static const char *const directory_columns[] = {
    "id",      "name",        "district",   "address",
    "status",  "listed_on",   "pollutants", "responsible_party",
    "area_m2", "planned_use", "land_class", "updated_at",
    NULL,
};
const struct dataset directory_filters = {
    .name = "directory",
    .title_zh = "风险管控和修复名录",
    .title_en = "Directory of plots under risk control and remediation",
    .fields = directory_fields,
    .n_fields = sizeof(directory_fields) / sizeof(directory_fields[0]),
};

void handle_directory(struct request *req)
{
	static const struct page_shape shape = {
	    .member = "items", .csv_columns = directory_columns, .geojson = true};
	static const struct list_source src = {.filters = &directory_filters,
	                                       .stmt = "rec_directory",
	                                       .stmt_bbox = "rec_directory_bbox",
	                                       .dataset = "plots"};
	list_serve(req, &src, &shape);
}
