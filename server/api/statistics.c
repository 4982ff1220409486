/* GET /v1/statistics: the plan's figures per district and for the city on a day (SPEC §10). */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "datasets.h"
#include "db.h"
#include "internal.h"
#include "utf8.h"

/* $1: the as_of date, or NULL for today in Beijing. Column 0: the statistics document
 * (sql/0011-statistics.sql), or NULL when the date is after today; column 1: today. The
 * database's clock decides what "today" is, since it stamps the changes counted. */
static const char sql_statistics[] =
    "SELECT CASE WHEN d.as_of <= d.today THEN statistics_json(d.as_of)::text END, "
    "d.today::text "
    "FROM (SELECT coalesce($1::date, beijing_today()) AS as_of, beijing_today() AS today) d";

static const struct db_stmt statements[] = {
    {"statistics", sql_statistics},
};

void statistics_register_statements(void)
{
	db_register(statements, sizeof(statements) / sizeof(statements[0]));
}

int statistics_query_parse(const struct query_arg *args, size_t n, char as_of[11], char *errbuf,
                           size_t size)
{
	as_of[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *k = args[i].key, *v = args[i].value;
		if (strcmp(k, "as_of") != 0) {
			snprintf(errbuf, size,
			         "unknown query parameter %.*s; statistics take only as_of (a "
			         "date, YYYY-MM-DD)",
			         utf8_cut(k, 40), k);
			return -1;
		}
		if (as_of[0]) {
			snprintf(errbuf, size, "query parameter as_of is repeated");
			return -1;
		}
		if (!v || !date_valid(v)) {
			snprintf(errbuf, size,
			         "as_of must be a Beijing calendar date YYYY-MM-DD, got \"%.*s\"",
			         v ? utf8_cut(v, 40) : 0, v ? v : "");
			return -1;
		}
		memcpy(as_of, v, 11);
	}
	return 0;
}

void handle_statistics(struct request *req)
{
	struct query_arg args[4];
	int n = req_query_args(req, args, sizeof(args) / sizeof(args[0]));
	char as_of[11], err[256];
	if (n < 0) {
		problem(
		    req, 400, "bad-request", "Bad Request",
		    "too many query parameters; statistics take only as_of (a date, YYYY-MM-DD)");
		return;
	}
	if (statistics_query_parse(args, (size_t)n, as_of, err, sizeof(err)) < 0) {
		problem(req, 400, "bad-request", "Bad Request", "%s", err);
		return;
	}
	const char *params[] = {as_of[0] ? as_of : NULL};
	PGresult *res = db_exec("statistics", 1, params);
	if (!db_ok(req, res, PGRES_TUPLES_OK))
		return;
	if (PQgetisnull(res, 0, 0)) {
		problem(req, 400, "bad-request", "Bad Request",
		        "as_of %s is after today (%s in Beijing); statistics describe a day that "
		        "has begun",
		        as_of, PQgetvalue(res, 0, 1));
		PQclear(res);
		return;
	}
	respond_pgresult(req, 200, res, NULL);
}
