/* libFuzzer target: csv_parse_records on arbitrary bytes, with the plots descriptor,
 * plus a write of every parsed record (the parsed objects must be writable). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "csvio.h"
#include "datasets.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dataset *ds = dataset_find("plots");
	if (!ds)
		abort();
	char err[512];
	json_t *records = csv_parse_records(ds, (const char *)data, size, err, sizeof(err));
	if (!records)
		return 0;
	if (!json_is_array(records) || json_array_size(records) > CSV_MAX_RECORDS + 1)
		abort();
	struct strbuf out;
	strbuf_init(&out, 0);
	csv_write_header(ds, &out);
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r)
	{
		csv_write_record(ds, r, &out);
	}
	strbuf_release(&out);
	json_decref(records);
	return 0;
}
