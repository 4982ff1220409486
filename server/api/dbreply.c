/* Replies from the database: results handed to responses without copying, and failed
 * calls mapped from their SQLSTATE to a problem. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "db.h"

static void clear_result(void *cls)
{
	PQclear(cls);
}

void respond_pgresult(struct request *req, unsigned status, PGresult *res, const char *extra)
{
	const char *text = PQgetvalue(res, 0, 0);
	respond_borrowed(req, status, "application/json", text, (size_t)PQgetlength(res, 0, 0),
	                 clear_result, res, extra);
}

bool db_ok(struct request *req, PGresult *res, ExecStatusType expected)
{
	if (res && PQresultStatus(res) == expected)
		return true;
	problem_db(req, res);
	return false;
}

void problem_db(struct request *req, PGresult *res)
{
	const char *state = db_sqlstate(res);
	if (!res || db_unavailable()) {
		problem_ex(req, 503, "unavailable", "Service Unavailable", NULL, "Retry-After: 2",
		           "the database is not reachable at the moment; retry in a few seconds");
	} else if (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0 ||
	           strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		problem_ex(req, 503, "unavailable", "Service Unavailable", NULL, "Retry-After: 1",
		           "the request took too long or met a concurrent change; retry it");
	} else {
		fprintf(stderr, "soilshare: database error %s on %s: %s", state, req->path,
		        PQresultErrorMessage(res));
		problem(req, 500, "internal", "Internal Server Error",
		        "the server failed to answer this request (request id %s)",
		        req->request_id);
	}
	if (res)
		PQclear(res);
}
