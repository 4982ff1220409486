/* Unit tests of the dataset descriptors in server/datasets/registry.c. */
#include <criterion/criterion.h>

#include "datasets.h"

static bool needs_values(enum field_type t)
{
	return t == FT_ENUM || t == FT_DATES || t == FT_RESULTS;
}

static void check_fields(const struct dataset *ds, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		if (needs_values(f->type))
			cr_expect(f->values && f->values[0], "%s.%s names no values", ds->name,
			          f->name);
	}
}

/* Validation and the list filters read `values` of these types without checking it. */
Test(registry, every_enum_dates_and_results_field_names_its_values)
{
	for (size_t d = 0; d < datasets_count; d++) {
		const struct dataset *ds = datasets[d];
		check_fields(ds, ds->fields, ds->n_fields);
		check_fields(ds, ds->derived, ds->n_derived);
	}
}

Test(registry, ids_are_keys_or_usccs)
{
	for (size_t d = 0; d < datasets_count; d++) {
		const struct dataset *ds = datasets[d];
		cr_expect(ds->id_type == FT_KEY || ds->id_type == FT_USCC,
		          "%s: id_type is %d, not FT_KEY or FT_USCC", ds->name, (int)ds->id_type);
	}
}
