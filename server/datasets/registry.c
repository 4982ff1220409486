/* The dataset descriptors: every dataset the service serves, declared once. */
#include <string.h>

#include "datasets.h"
#include "lifecycle.h"

static const char *const ecology_and_district[] = {"ecology", "district", NULL};
static const char *const planning_only[] = {"planning", NULL};

static const char *const land_classes[] = {"I", "II", NULL};
static const char *const obligations[] = {"hazard_check", "self_monitoring", "annual_report", NULL};

static const struct field plot_fields[] = {
    {.name = "name", .type = FT_STRING, .required = true, .max_len = 200},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "address", .type = FT_STRING, .max_len = 500},
    {.name = "area_m2", .type = FT_NUMBER, .min = 0},
    {.name = "geometry", .type = FT_AREA},
    {.name = "former_industry", .type = FT_STRING, .max_len = 200},
    {.name = "responsible_party", .type = FT_STRING, .max_len = 200},
    {.name = "current_use", .type = FT_LAND_USE, .filter = true},
    {.name = "planned_use", .type = FT_LAND_USE, .filter = true},
    {.name = "status",
     .type = FT_ENUM,
     .required = true,
     .values = lifecycle_states,
     .filter = true},
    {.name = "pollutants", .type = FT_POLLUTANTS},
    {.name = "preliminary_survey_on", .type = FT_DATE},
    {.name = "detailed_survey_on", .type = FT_DATE},
    {.name = "risk_assessment_on", .type = FT_DATE},
    {.name = "listed_on", .type = FT_DATE},
};

/* GB 36600 class from planned_use, computed by derived_fields() in SQL. */
static const struct field plot_derived[] = {
    {.name = "land_class", .type = FT_ENUM, .values = land_classes, .filter = true},
};

static const struct field unit_fields[] = {
    {.name = "name", .type = FT_STRING, .required = true, .max_len = 200},
    {.name = "industry_code", .type = FT_INDUSTRY, .required = true, .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "address", .type = FT_STRING, .max_len = 500},
    {.name = "location", .type = FT_POINT},
    {.name = "listed_year",
     .type = FT_INTEGER,
     .required = true,
     .min = 2000,
     .max = 2100,
     .filter = true},
    {.name = "obligations", .type = FT_DATES, .values = obligations},
};

static const struct field land_use_change_fields[] = {
    {.name = "plot_id",
     .type = FT_KEY,
     .links_to = "plots",
     .link_must_exist = true,
     .filter = true},
    {.name = "parcel", .type = FT_STRING, .max_len = 500},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "from_use", .type = FT_LAND_USE, .filter = true},
    {.name = "to_use", .type = FT_LAND_USE, .required = true, .filter = true},
    {.name = "approved_on", .type = FT_DATE, .required = true},
    {.name = "geometry", .type = FT_AREA},
};

#define FIELDS(a) .fields = a, .n_fields = sizeof(a) / sizeof(a[0])

static const struct dataset plots = {
    .name = "plots",
    .title_zh = "地块（污染状况）",
    .title_en = "Plots and their contamination status",
    .publishers = ecology_and_district,
    .shared_with_district = true,
    FIELDS(plot_fields),
    .id_type = FT_KEY,
    .id_type_note = "the plot code, e.g. 110105-2023-0012",
    .has_lifecycle = true,
    .derived = plot_derived,
    .n_derived = sizeof(plot_derived) / sizeof(plot_derived[0]),
};

static const struct dataset supervised_units = {
    .name = "supervised-units",
    .title_zh = "土壤污染重点监管单位",
    .title_en = "Key supervised units for soil pollution",
    .publishers = ecology_and_district,
    .shared_with_district = true,
    FIELDS(unit_fields),
    .id_type = FT_USCC,
    .id_type_note = "the unit's unified social credit code",
};

static const struct dataset land_use_changes = {
    .name = "land-use-changes",
    .title_zh = "建设用地用途变更",
    .title_en = "Changes of use of construction land",
    .publishers = planning_only,
    FIELDS(land_use_change_fields),
    .id_type = FT_KEY,
    .id_type_note = "the approval document number",
};

const struct dataset *const datasets[] = {&plots, &supervised_units, &land_use_changes};
const size_t datasets_count = sizeof(datasets) / sizeof(datasets[0]);

const struct dataset *dataset_find(const char *name)
{
	for (size_t i = 0; i < datasets_count; i++)
		if (strcmp(datasets[i]->name, name) == 0)
			return datasets[i];
	return NULL;
}

bool dataset_exists(const char *name)
{
	return dataset_find(name) != NULL;
}

const struct field *dataset_field(const struct dataset *ds, const char *name)
{
	for (size_t i = 0; i < ds->n_fields; i++)
		if (strcmp(ds->fields[i].name, name) == 0)
			return &ds->fields[i];
	return NULL;
}

const struct field *dataset_filter_field(const struct dataset *ds, const char *name)
{
	const struct field *f = dataset_field(ds, name);
	if (f)
		return f->filter ? f : NULL;
	for (size_t i = 0; i < ds->n_derived; i++)
		if (strcmp(ds->derived[i].name, name) == 0)
			return ds->derived[i].filter ? &ds->derived[i] : NULL;
	return NULL;
}

bool dataset_publisher(const struct dataset *ds, const char *agency)
{
	for (const char *const *p = ds->publishers; *p; p++)
		if (strcmp(*p, agency) == 0)
			return true;
	return false;
}

bool field_is_server_owned(const struct dataset *ds, const char *name)
{
	static const char *const owned[] = {"publisher", "version", "created_at", "updated_at"};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (strcmp(owned[i], name) == 0)
			return true;
	for (size_t i = 0; i < ds->n_derived; i++)
		if (strcmp(ds->derived[i].name, name) == 0)
			return true;
	return false;
}
