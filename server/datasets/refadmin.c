/* The reference admin command: `soilshare reference load FILE...` adds or corrects rows of the
 * reference tables from files in the format of sql/reference/. The database re-evaluates
 * what depends on them in the same transaction and tells every server (SPEC §5). */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "refdata.h"
#include "strbuf.h"

/* The reference files by their header row; the header names the columns of the input. */
static const struct ref_file {
	const char *kind;
	const char *header;
} files[] = {
    {"gb36600", "table,no,code,name_zh,cas,screening_class_i,screening_class_ii,"
                "intervention_class_i,intervention_class_ii,unit,sources,note"},
    {"gb15618", "table,code,name_zh,land_type,value_kind,ph_le_5_5,ph_5_5_6_5,ph_6_5_7_5,"
                "ph_gt_7_5,unit,sources,note"},
    {"land-use-yongdi-yonghai",
     "code,name_zh,gb36600_class,sensitive,gb50137_equivalent,sources,note"},
    {"land-use-classes", "code_prefix,name_zh,name_en,gb36600_class,sensitive,note"},
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf b;
	strbuf_init(&b, 16384);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.buf;
}

static bool exec_ok(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "reference: %s", PQerrorMessage(c));
	PQclear(res);
	return ok;
}

/* Copies one file into a fresh reference_input table and loads it; prints what changed. */
static int load_file(PGconn *c, const char *path)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		fprintf(stderr, "reference: cannot read %s\n", path);
		return -1;
	}
	const char *body = text;
	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
		body += 3;
		len -= 3;
	}
	size_t line = strcspn(body, "\r\n");
	const struct ref_file *kind = NULL;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strlen(files[i].header) == line && memcmp(files[i].header, body, line) == 0)
			kind = &files[i];
	if (!kind) {
		fprintf(stderr,
		        "reference: %s: the header row is not that of a reference file; expected "
		        "one of:\n",
		        path);
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			fprintf(stderr, "  %s\n", files[i].header);
		free(text);
		return -1;
	}
	struct strbuf sql;
	strbuf_init(&sql, 512);
	strbuf_addf(&sql, "CREATE TEMP TABLE reference_input (\"");
	for (const char *p = kind->header; *p; p++) {
		if (*p == ',')
			strbuf_addf(&sql, "\" text, \"");
		else
			strbuf_add(&sql, p, 1);
	}
	strbuf_addf(&sql, "\" text)");
	bool ok = exec_ok(c, "DROP TABLE IF EXISTS reference_input") && exec_ok(c, sql.buf);
	strbuf_release(&sql);
	if (ok) {
		PGresult *res =
		    PQexec(c, "COPY reference_input FROM STDIN WITH (FORMAT csv, HEADER MATCH)");
		ok = PQresultStatus(res) == PGRES_COPY_IN;
		PQclear(res);
		if (ok)
			ok = PQputCopyData(c, body, (int)len) == 1 && PQputCopyEnd(c, NULL) == 1;
		res = PQgetResult(c);
		if (!ok || PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "reference: %s: %s", path, PQerrorMessage(c));
			ok = false;
		}
		PQclear(res);
		while ((res = PQgetResult(c)) != NULL)
			PQclear(res);
	}
	free(text);
	if (!ok)
		return -1;

	const char *params[] = {kind->kind};
	PGresult *res =
	    PQexecParams(c, "SELECT reference_load($1)::text", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "reference: %s: %s", path, PQerrorMessage(c));
		PQclear(res);
		return -1;
	}
	json_t *r = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	json_t *re = json_object_get(r, "reevaluated");
	printf("%s (%s): %lld row(s): %lld added, %lld changed, %lld unchanged\n", path, kind->kind,
	       json_integer_value(json_object_get(r, "rows")),
	       json_integer_value(json_object_get(r, "inserted")),
	       json_integer_value(json_object_get(r, "updated")),
	       json_integer_value(json_object_get(r, "unchanged")));
	if (json_object_size(re))
		printf("  re-evaluated: %lld plots and %lld samples changed; open findings %lld -> "
		       "%lld\n",
		       json_integer_value(json_object_get(re, "plots")),
		       json_integer_value(json_object_get(re, "samples")),
		       json_integer_value(json_object_get(re, "open_findings_before")),
		       json_integer_value(json_object_get(re, "open_findings_after")));
	json_decref(r);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: soilshare reference load [--dry-run] FILE...\n"
	        "  Adds or corrects reference rows from files in the format of sql/reference/\n"
	        "  (gb36600-2018.csv, gb15618-2018.csv, land-use-yongdi-yonghai.csv,\n"
	        "  land-use-classes.csv; a file may hold only the rows to change). Stored samples\n"
	        "  and plots are evaluated again in the same transaction; running servers use the\n"
	        "  new values within a second. --dry-run prints what would change and keeps\n"
	        "  nothing.\n");
}

int reference_command(const char *database_url, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "load") != 0) {
		usage();
		return 2;
	}
	bool dry = false;
	int first = 1;
	if (strcmp(argv[1], "--dry-run") == 0) {
		dry = true;
		first = 2;
	}
	if (first >= argc) {
		usage();
		return 2;
	}
	char err[512];
	PGconn *c = db_connect(database_url, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "soilshare: cannot connect to the database: %s\n", err);
		return 1;
	}
	int rc = exec_ok(c, "BEGIN") ? 0 : 1;
	for (int i = first; i < argc && rc == 0; i++)
		if (load_file(c, argv[i]) < 0)
			rc = 1;
	if (rc == 0 && !dry)
		rc = exec_ok(c, "COMMIT") ? 0 : 1;
	else
		exec_ok(c, "ROLLBACK");
	if (rc == 0 && dry)
		printf("dry run: nothing was changed\n");
	else if (rc != 0)
		fprintf(stderr, "reference: nothing was changed\n");
	PQfinish(c);
	return rc;
}
