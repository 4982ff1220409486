/* The public 风险管控和修复名录 (SPEC §10), no key: GET /public/directory and its changes
 * between two dates, limited per client address. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "db.h"
#include "internal.h"
#include "listpage.h"
#include "ratelimit.h"

#define PUBLIC_DIRECTORY                                                                           \
	"SELECT public_plot(r.id, r.district, r.data)::text, r.id FROM records r "                 \
	"WHERE r.dataset = $1 AND r.deleted_at IS NULL AND r.id > $2 "                             \
	"AND plot_in_directory(r.data ->> 'status') "
static const char sql_public_directory[] = PUBLIC_DIRECTORY LIST_FILTERS;
static const char sql_public_directory_bbox[] = PUBLIC_DIRECTORY LIST_FILTERS_BBOX;

static const char sql_public_changes[] =
    "SELECT public_directory_changes($1::date, $2::date)::text";

static const struct db_stmt statements[] = {
    {"public_directory", sql_public_directory},
    {"public_directory_bbox", sql_public_directory_bbox},
    {"public_changes", sql_public_changes},
};

void public_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

static struct ratelimit limit;

void public_configure(const struct config *cfg)
{
	ratelimit_init(&limit, cfg->public_rate_per_sec, cfg->public_rate_burst);
}

bool public_allowed(struct request *req)
{
	char address[64];
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double wait;
	if (ratelimit_allow(&limit, req_client_address(req, address, sizeof(address)),
	                    (double)ts.tv_sec + ts.tv_nsec / 1e9, &wait))
		return true;
	answer_rate_limited(req, wait,
	                    "this address sent more requests than the public pages allow",
	                    ", or use the API with an agency key");
	return false;
}

/* What the list parser needs to know of (a geometry: bbox), and the columns of its CSV. */
static const struct field public_fields[] = {{.name = "geometry", .type = FT_AREA}};
static const struct dataset public_filters = {
    .name = "public directory", .fields = public_fields, .n_fields = 1};
static const char *const public_columns[] = {
    "id",         "name",          "district", "district_zh", "address",   "area_m2",
    "pollutants", "pollutants_zh", "status",   "status_zh",   "listed_on", "geometry",
    NULL,
};

void handle_public_directory(struct request *req)
{
	static const char *const only[] = {"limit", "cursor", "district", "bbox", "f", "bom", NULL};
	static const struct list_source src = {.filters = &public_filters,
	                                       .stmt = "public_directory",
	                                       .stmt_bbox = "public_directory_bbox",
	                                       .dataset = "plots",
	                                       .only = only};
	static const struct page_shape shape = {
	    .member = "items", .csv_columns = public_columns, .geojson = true, .bom = true};
	if (public_allowed(req))
		list_serve(req, &src, &shape);
}

void handle_public_directory_changes(struct request *req)
{
	if (!public_allowed(req))
		return;
	struct query_arg args[8];
	int n = req_query_args(req, args, 8);
	const char *from = NULL, *to = NULL;
	for (int i = 0; i < n; i++) {
		const char **dst = strcmp(args[i].key, "from") == 0 ? &from
		                   : strcmp(args[i].key, "to") == 0 ? &to
		                                                    : NULL;
		if (!dst || *dst) {
			problem(
			    req, 400, "bad-request", "Bad Request",
			    "%s query parameter %.40s; the changes of the 名录 take from and to, "
			    "once each",
			    dst ? "a repeated" : "an unknown", args[i].key);
			return;
		}
		*dst = args[i].value ? args[i].value : "";
	}
	if (n < 0 || !from || !to || !date_valid(from) || !date_valid(to)) {
		problem(req, 400, "bad-request", "Bad Request",
		        "give from=YYYY-MM-DD and to=YYYY-MM-DD, Beijing dates, both included");
		return;
	}
	if (strcmp(from, to) > 0) {
		problem(req, 400, "bad-request", "Bad Request",
		        "from (%s) is after to (%s); give the earlier date first", from, to);
		return;
	}
	const char *params[] = {from, to};
	PGresult *res = db_exec("public_changes", 2, params);
	if (db_ok(req, res, PGRES_TUPLES_OK))
		respond_pgresult(req, 200, res, NULL);
}
