/* libFuzzer target: csv_parse_records on arbitrary bytes, for plots or, when the input
 * starts with "#<dataset>\n", for that dataset. Every parsed record must be writable, and
 * a record that validates must come back the same from its own CSV row. */
#include <string.h>

#include "csvio.h"
#include "cursor.h"
#include "datasets.h"
#include "encoding.h"
#include "strbuf.h"
#include "support.h"

/* Writes the validated record as CSV, reads it back and validates it again. */
static void round_trip(const struct dataset *ds, json_t *valid)
{
	struct strbuf out;
	strbuf_init(&out, 0);
	csv_write_header(ds, &out);
	csv_write_record(ds, valid, &out);
	char err[512];
	json_t *back = csv_parse_records(ds, out.buf, out.len, err, sizeof(err));
	if (!back)
		fprintf(stderr, "the CSV of a valid record does not parse: %s\n%s", err, out.buf);
	FUZZ_CHECK(back != NULL && json_array_size(back) == 1);
	struct verrors errs = {0};
	json_t *again =
	    record_validate(ds, fuzz_refdata(), json_array_get(back, 0), NULL, "", &errs);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(fuzz_json_close(again, valid));
	json_decref(again);
	json_decref(back);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dataset *ds = dataset_find("plots");
	FUZZ_CHECK(ds != NULL);
	const char *buf = (const char *)data;
	const uint8_t *nl = size > 1 && data[0] == '#' ? memchr(data, '\n', size) : NULL;
	if (nl) {
		char *name = fuzz_cstring(data + 1, (size_t)(nl - data) - 1);
		const struct dataset *named = dataset_find(name);
		ds = named ? named
		           : datasets[fnv1a32(name, strlen(name), FNV1A32_INIT) % datasets_count];
		free(name);
		buf = (const char *)nl + 1;
		size -= (size_t)(nl - data) + 1;
	}

	char err[512];
	err[0] = 'x';
	json_t *records = csv_parse_records(ds, buf, size, err, sizeof(err));
	if (!records) {
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		FUZZ_CHECK(fuzz_utf8_string(err));
		return 0;
	}
	FUZZ_CHECK(json_is_array(records) && json_array_size(records) <= CSV_MAX_RECORDS + 1);
	struct strbuf out;
	strbuf_init(&out, 0);
	csv_write_header(ds, &out);
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r)
	{
		FUZZ_CHECK(json_is_object(r));
		csv_write_record(ds, r, &out);
		struct verrors errs = {0};
		json_t *valid = record_validate(ds, fuzz_refdata(), r, NULL, "", &errs);
		if (valid)
			round_trip(ds, valid);
		json_decref(valid);
	}
	strbuf_release(&out);
	json_decref(records);
	return 0;
}
