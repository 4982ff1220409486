/* Reference corrections take effect without a restart (SPEC §5): `soilshare reference load`
 * changes a GB 36600 value, adds a pollutant and reclassifies a 用地用海 code while a server
 * runs; stored samples and plots are evaluated again in that transaction (new versions, feed
 * entries, findings), and the running server validates with the new codes. On a database of
 * the test's own, since it changes reference data. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "refcsv.h"
#include "scratchdb.h"
#include "spawn.h"

static char url[128];
static char *ecology;

static void fini(void)
{
	server_kill();
	scratch_db_drop();
}

static struct resp *send(const char *method, const char *path, const char *body)
{
	char *target = strfmt("%s%s", url, path);
	struct resp *r = call_url(method, target, ecology, body, NULL);
	free(target);
	return r;
}

/* Writes `text` to a temporary file and runs `soilshare reference load` on it. */
static void reference_load(const char *text)
{
	char path[] = "/tmp/soilshare-reference-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	char *cmd = strfmt("\"%s\" reference load %s >/dev/null", need_env("SOILSHARE_BIN"), path);
	int rc = system(cmd);
	unlink(path);
	cr_assert_eq(rc, 0, "%s failed", cmd);
	free(cmd);
}

/* One CSV line of a row of the reference file, with `column` set to `value`. */
static char *csv_line(json_t *row, const char *const *columns, const char *column,
                      const char *value)
{
	char *line = strdup("");
	for (const char *const *c = columns; *c; c++) {
		const char *v =
		    strcmp(*c, column) == 0 ? value : json_string_value(json_object_get(row, *c));
		char *next = strfmt("%s%s\"%s\"", line, c == columns ? "" : ",", v);
		free(line);
		line = next;
	}
	return line;
}

static const char *const gb36600_columns[] = {"table",
                                              "no",
                                              "code",
                                              "name_zh",
                                              "cas",
                                              "screening_class_i",
                                              "screening_class_ii",
                                              "intervention_class_i",
                                              "intervention_class_ii",
                                              "unit",
                                              "sources",
                                              "note",
                                              NULL};
#define GB36600_HEADER                                                                             \
	"table,no,code,name_zh,cas,screening_class_i,screening_class_ii,intervention_class_i,"     \
	"intervention_class_ii,unit,sources,note\n"

Test(reference_reload, corrections_apply_to_stored_records_without_a_restart, .timeout = 120,
     .fini = fini)
{
	scratch_db_create();
	server_spawn(url, sizeof(url), NULL);
	pid_t server = spawned_server;
	ecology = create_key("ecology", NULL, NULL);
	char *water = create_key("water", NULL, NULL);
	setenv("SOILSHARE_KEY_WATER", water, 1); /* the feed helpers read with it */
	free(water);

	/* A plot planned for housing, its sample below the As screening value of class I. */
	json_t *gb36600 = reference_csv("gb36600-2018.csv");
	json_t *as = reference_row(gb36600, "code", "As", NULL, NULL);
	double screening = reference_number(as, "screening_class_i");
	struct resp *r = send("PUT", "/v1/plots/110105-2024-0001",
	                      "{\"name\":\"原化工厂\",\"district\":\"110105\",\"status\":"
	                      "\"suspected\",\"planned_use\":\"0701\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	char *body = strfmt("{\"plot_id\":\"110105-2024-0001\",\"district\":\"110105\","
	                    "\"sampled_on\":\"2024-05-06\",\"results\":[{\"pollutant\":\"As\","
	                    "\"value\":%g,\"unit\":\"mg/kg\"}]}",
	                    screening * 0.9);
	r = send("PUT", "/v1/soil-samples/S-1", body);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_eq(json_array_size(json_object_get(r->json, "exceedances")), 0);
	resp_free(r);
	char *cursor = feed_latest(url);

	/* The bureau corrects the value to half of what it was. */
	char *half = strfmt("%g", screening / 2);
	char *line = csv_line(as, gb36600_columns, "screening_class_i", half);
	char *file = strfmt(GB36600_HEADER "%s\n", line);
	reference_load(file);

	r = send("GET", "/v1/soil-samples/S-1", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2,
	             "a new version: %s", r->body);
	json_t *e = json_array_get(json_object_get(r->json, "exceedances"), 0);
	cr_assert_not_null(e, "the stored sample now exceeds: %s", r->body);
	cr_assert(fabs(json_number_value(json_object_get(e, "limit")) - screening / 2) < 1e-9);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "publisher")), "ecology",
	                 "the sample stays its publisher's");
	resp_free(r);
	json_t *changes = feed_since(url, cursor, "soil-samples,findings", 10, NULL);
	bool sample_logged = false, finding_logged = false;
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c)
	{
		const char *ds = json_string_value(json_object_get(c, "dataset"));
		sample_logged |= !strcmp(ds, "soil-samples") &&
		                 json_integer_value(json_object_get(c, "version")) == 2;
		finding_logged |= !strcmp(ds, "findings");
	}
	cr_assert(sample_logged, "the new version is in the feed");
	cr_assert(finding_logged, "so is the finding it opened");
	r = send("GET", "/v1/findings?status=open&rule=sample-exceeds-screening", NULL);
	cr_assert_eq(json_array_size(json_object_get(r->json, "items")), 1, "%s", r->body);
	resp_free(r);

	/* A pollutant added as data: the running server accepts it within a second. */
	const char *sample2 = "{\"plot_id\":\"110105-2024-0001\",\"district\":\"110105\","
	                      "\"sampled_on\":\"2024-05-06\",\"results\":[{\"pollutant\":"
	                      "\"fluoranthene\",\"value\":3,\"unit\":\"mg/kg\"}]}";
	r = send("PUT", "/v1/soil-samples/S-2", sample2);
	assert_problem(r, 422, "/problems/validation");
	resp_free(r);
	reference_load(GB36600_HEADER "2,41,fluoranthene,荧蒽,206-44-0,1,2,10,20,mg/kg,local,\n");
	long status = 0;
	for (int tries = 0; tries < 40 && status != 201; tries++) {
		r = send("PUT", "/v1/soil-samples/S-2", sample2);
		status = r->status;
		resp_free(r);
		if (status != 201)
			usleep(50 * 1000);
	}
	cr_assert_eq(status, 201, "the new code is accepted within two seconds");
	bool listed = false; /* the document is rebuilt right after the reload */
	for (int tries = 0; tries < 40 && !listed; tries++) {
		r = send("GET", "/openapi.json", NULL);
		json_t *served = json_object_get(
		    json_object_get(
		        json_object_get(json_object_get(r->json, "components"), "schemas"),
		        "PollutantCode"),
		    "enum");
		json_array_foreach(served, i, c) listed |=
		    !strcmp(json_string_value(c), "fluoranthene");
		resp_free(r);
		if (!listed)
			usleep(50 * 1000);
	}
	cr_assert(listed, "the OpenAPI document served lists the new code");

	/* A 用地用海 code reclassified: the plot's land class follows, with a new version. */
	r = send("PUT", "/v1/plots/110105-2024-0002",
	         "{\"name\":\"留白地块\",\"district\":\"110105\",\"status\":\"suspected\","
	         "\"planned_use\":\"16\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	const char *before = json_string_value(json_object_get(r->json, "land_class"));
	cr_assert_not_null(before);
	bool one = strcmp(before, "I") == 0;
	resp_free(r);
	json_t *codes = reference_csv("land-use-yongdi-yonghai.csv");
	json_t *row = reference_row(codes, "code", "16", NULL, NULL);
	static const char *const use_columns[] = {
	    "code", "name_zh", "gb36600_class", "sensitive", "gb50137_equivalent", "sources",
	    "note", NULL};
	char *use_line = csv_line(row, use_columns, "gb36600_class", one ? "II" : "I");
	char *use_file = strfmt("code,name_zh,gb36600_class,sensitive,gb50137_equivalent,sources,"
	                        "note\n%s\n",
	                        use_line);
	reference_load(use_file);
	r = send("GET", "/v1/plots/110105-2024-0002", NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r->json, "land_class")),
	                 one ? "II" : "I", "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(r->json, "version")), 2);
	resp_free(r);

	cr_assert_eq(kill(server, 0), 0, "the same server ran throughout");
	server_terminate();
	json_decref(codes);
	json_decref(changes);
	json_decref(gb36600);
	free(use_file);
	free(use_line);
	free(file);
	free(line);
	free(half);
	free(cursor);
	free(body);
	free(ecology);
}
