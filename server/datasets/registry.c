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
    {.name = "cleared_on", .type = FT_DATE},
};

/* Derived by derive_plot(): the GB 36600 class of the planned use, and the class the plot was
 * cleared for. */
static const struct field plot_derived[] = {
    {.name = "land_class", .type = FT_ENUM, .values = land_classes, .filter = true},
    {.name = "cleared_for", .type = FT_ENUM, .values = land_classes, .filter = true},
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

static const char *const housing_only[] = {"housing", NULL};
static const char *const economy_only[] = {"economy", NULL};
static const char *const agri_forestry[] = {"agriculture", "forestry", NULL};
static const char *const sample_publishers[] = {"ecology", "agriculture", "forestry", NULL};
static const char *const supply_modes[] = {"allocation", "grant", NULL};
static const char *const transfer_actions[] = {"recovery", "transfer", NULL};
/* paddy 水田, cropland 其他耕地, orchard 园地, grassland 草地, forest 林地 (no GB 15618 values). */
static const char *const farmland_types[] = {"paddy",     "cropland", "orchard",
                                             "grassland", "forest",   NULL};
static const char *const farmland_classes[] = {"priority_protection", "safe_use", "strict_control",
                                               NULL};
static const char *const result_units[] = {"mg/kg", "μg/kg", NULL};
static const char *const sample_links[] = {"plot_id", "farmland_unit_id", "supervised_unit_uscc",
                                           NULL};
static const char *const exceedance_levels[] = {"screening", "intervention", NULL};

static const struct field planning_permit_fields[] = {
    {.name = "project", .type = FT_STRING, .required = true, .max_len = 200},
    {.name = "plot_id",
     .type = FT_KEY,
     .links_to = "plots",
     .link_must_exist = true,
     .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "land_use", .type = FT_LAND_USE, .required = true, .filter = true},
    {.name = "issued_on", .type = FT_DATE, .required = true},
    {.name = "geometry", .type = FT_AREA},
};

static const struct field land_supply_fields[] = {
    {.name = "year",
     .type = FT_INTEGER,
     .required = true,
     .min = 2000,
     .max = 2100,
     .filter = true},
    {.name = "plot_id",
     .type = FT_KEY,
     .links_to = "plots",
     .link_must_exist = true,
     .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "planned_use", .type = FT_LAND_USE, .required = true, .filter = true},
    {.name = "area_m2", .type = FT_NUMBER, .min = 0},
    {.name = "supply_mode",
     .type = FT_ENUM,
     .required = true,
     .values = supply_modes,
     .filter = true},
    {.name = "quarter", .type = FT_INTEGER, .min = 1, .max = 4, .filter = true},
    {.name = "geometry", .type = FT_AREA},
};

/* A transfer may name a plot that has no record yet: that is what the rules flag. */
static const struct field land_right_transfer_fields[] = {
    {.name = "plot_id", .type = FT_KEY, .required = true, .links_to = "plots", .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "holder_uscc", .type = FT_USCC},
    {.name = "action",
     .type = FT_ENUM,
     .required = true,
     .values = transfer_actions,
     .filter = true},
    {.name = "planned_on", .type = FT_DATE},
};

static const struct field construction_permit_fields[] = {
    {.name = "project", .type = FT_STRING, .required = true, .max_len = 200},
    {.name = "plot_id",
     .type = FT_KEY,
     .links_to = "plots",
     .link_must_exist = true,
     .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "issued_on", .type = FT_DATE, .required = true},
    {.name = "start_on", .type = FT_DATE},
    {.name = "is_remediation_project", .type = FT_BOOLEAN, .filter = true},
    {.name = "geometry", .type = FT_AREA},
};

static const struct field closed_enterprise_fields[] = {
    {.name = "name", .type = FT_STRING, .required = true, .max_len = 200},
    {.name = "industry_code", .type = FT_INDUSTRY, .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "address", .type = FT_STRING, .max_len = 500},
    {.name = "closed_on", .type = FT_DATE, .required = true},
    {.name = "plot_id", .type = FT_KEY, .links_to = "plots", .filter = true},
};

static const struct field farmland_unit_fields[] = {
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "township", .type = FT_STRING, .max_len = 100},
    {.name = "area_mu", .type = FT_NUMBER, .min = 0},
    {.name = "land_type",
     .type = FT_ENUM,
     .required = true,
     .values = farmland_types,
     .filter = true},
    {.name = "class",
     .type = FT_ENUM,
     .required = true,
     .values = farmland_classes,
     .filter = true},
    {.name = "measures", .type = FT_STRING, .max_len = 2000},
};

static const struct field agri_input_fields[] = {
    {.name = "period", .type = FT_MONTH, .required = true, .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "entity_uscc", .type = FT_USCC, .filter = true},
    {.name = "pesticide_kg", .type = FT_NUMBER, .min = 0},
    {.name = "fertilizer_kg", .type = FT_NUMBER, .min = 0},
    {.name = "film_kg", .type = FT_NUMBER, .min = 0},
    {.name = "packaging_recovered_kg", .type = FT_NUMBER, .min = 0},
    {.name = "film_recovered_kg", .type = FT_NUMBER, .min = 0},
};

static const struct field soil_sample_fields[] = {
    {.name = "plot_id",
     .type = FT_KEY,
     .links_to = "plots",
     .link_must_exist = true,
     .filter = true},
    {.name = "farmland_unit_id",
     .type = FT_KEY,
     .links_to = "farmland-units",
     .link_must_exist = true,
     .filter = true},
    /* Monitoring at or around a key supervised unit (tasks 3 and 17). */
    {.name = "supervised_unit_uscc",
     .type = FT_USCC,
     .links_to = "supervised-units",
     .link_must_exist = true,
     .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "location", .type = FT_POINT},
    {.name = "sampled_on", .type = FT_DATE, .required = true},
    {.name = "depth_m", .type = FT_NUMBER, .min = 0},
    /* GB 15618 values depend on the soil's pH. */
    {.name = "ph", .type = FT_NUMBER, .min = 0, .max = 14, .required_with = "farmland_unit_id"},
    {.name = "results", .type = FT_RESULTS, .required = true, .values = result_units},
};

/* Computed by sample_derived() in SQL. */
static const struct field sample_derived[] = {
    {.name = "exceedances", .type = FT_ENUM, .values = exceedance_levels},
    {.name = "unassessed", .type = FT_POLLUTANTS},
};

static const struct field effect_survey_fields[] = {
    {.name = "year",
     .type = FT_INTEGER,
     .required = true,
     .min = 2000,
     .max = 2100,
     .filter = true},
    {.name = "district", .type = FT_DISTRICT, .required = true, .filter = true},
    {.name = "scope", .type = FT_STRING, .required = true, .max_len = 500},
    {.name = "indicators", .type = FT_OBJECT},
};

#define FIELDS(a) .fields = a, .n_fields = sizeof(a) / sizeof(a[0])

/* A plot's derived fields (SPEC §4). `land_class` follows from its planned use (GB 36600
 * class I or II, null when the use is unknown or not construction land). `cleared_for` is
 * the land class the plot had when it last entered cleared or delisted, and `cleared_on`
 * the day it did; both stay while the plot is cleared, delisted, in post-management or
 * closed, and cleared_for is null otherwise or when no such transition is known (a plot
 * imported already cleared keeps the cleared_on it was given). */
static void derive_plot(const struct derive_ctx *c, json_t *data)
{
	const char *use = json_string_value(json_object_get(data, "planned_use"));
	const char *cls = use ? refdata_land_class(c->ref, use) : NULL;
	json_object_set_new(data, "land_class", cls ? json_string(cls) : json_null());

	const char *to = json_string_value(json_object_get(data, "status"));
	const char *from = json_string_value(json_object_get(c->prior, "status"));
	json_t *was_for = json_object_get(c->prior, "cleared_for");
	json_t *was_on = json_object_get(c->prior, "cleared_on");
	if (!lifecycle_after_clearance(to)) {
		json_object_set_new(data, "cleared_for", json_null());
		return;
	}
	bool entering =
	    from && strcmp(from, to) != 0 && (!strcmp(to, "cleared") || !strcmp(to, "delisted"));
	if (entering) {
		json_object_set_new(data, "cleared_for", cls ? json_string(cls) : json_null());
		json_object_set_new(data, "cleared_on", json_string(c->today));
	} else if (lifecycle_after_clearance(from) && json_is_string(was_for)) {
		json_object_set(data, "cleared_for", was_for);
		if (json_is_string(was_on))
			json_object_set(data, "cleared_on", was_on);
	} else {
		json_object_set_new(data, "cleared_for", json_null());
		if (!json_object_get(data, "cleared_on") && lifecycle_after_clearance(from) &&
		    json_is_string(was_on))
			json_object_set(data, "cleared_on", was_on);
	}
}

static const char *const plot_prior_fields[] = {"status", "cleared_for", "cleared_on", NULL};

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
    .derive = derive_plot,
    .prior_fields = plot_prior_fields,
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

static const struct dataset planning_permits = {
    .name = "planning-permits",
    .title_zh = "建设工程规划许可",
    .title_en = "Construction project planning permits",
    .publishers = planning_only,
    FIELDS(planning_permit_fields),
    .id_type = FT_KEY,
    .id_type_note = "the permit number",
};

static const struct dataset land_supply_plans = {
    .name = "land-supply-plans",
    .title_zh = "年度供地计划",
    .title_en = "Annual land supply plan items",
    .publishers = planning_only,
    FIELDS(land_supply_fields),
    .id_type = FT_KEY,
    .id_type_note = "the plan item number",
};

static const struct dataset land_right_transfers = {
    .name = "land-right-transfers",
    .title_zh = "重点工业用地使用权收回及转让计划",
    .title_en = "Recovery and transfer plans of key industrial land rights",
    .publishers = planning_only,
    FIELDS(land_right_transfer_fields),
    .id_type = FT_KEY,
    .id_type_note = "the plan item number",
};

static const struct dataset construction_permits = {
    .name = "construction-permits",
    .title_zh = "建筑工程施工许可",
    .title_en = "Construction works permits",
    .publishers = housing_only,
    FIELDS(construction_permit_fields),
    .id_type = FT_KEY,
    .id_type_note = "the permit number",
};

static const struct dataset closed_enterprises = {
    .name = "closed-enterprises",
    .title_zh = "关停退出企业",
    .title_en = "Closed and relocated enterprises",
    .publishers = economy_only,
    FIELDS(closed_enterprise_fields),
    .id_type = FT_USCC,
    .id_type_note = "the enterprise's unified social credit code",
};

static const struct dataset farmland_units = {
    .name = "farmland-units",
    .title_zh = "农用地分类管理",
    .title_en = "Farmland units and their protection class",
    .publishers = agri_forestry,
    FIELDS(farmland_unit_fields),
    .id_type = FT_KEY,
    .id_type_note = "the unit code",
};

static const struct dataset agri_inputs = {
    .name = "agri-inputs",
    .title_zh = "农业投入品使用及回收",
    .title_en = "Agricultural inputs used and recovered",
    .publishers = agri_forestry,
    FIELDS(agri_input_fields),
    .id_type = FT_KEY,
    .id_type_note = "the ledger entry id",
};

static const struct dataset soil_samples = {
    .name = "soil-samples",
    .title_zh = "土壤环境监测数据",
    .title_en = "Soil monitoring samples",
    .publishers = sample_publishers,
    FIELDS(soil_sample_fields),
    .id_type = FT_KEY,
    .id_type_note = "the sample id",
    .exactly_one_of = sample_links,
    .derived = sample_derived,
    .n_derived = sizeof(sample_derived) / sizeof(sample_derived[0]),
};

static const struct dataset effect_surveys = {
    .name = "effect-surveys",
    .title_zh = "综合防治效果调查",
    .title_en = "Surveys of the effect of prevention and control",
    .publishers = agri_forestry,
    FIELDS(effect_survey_fields),
    .id_type = FT_KEY,
    .id_type_note = "the survey id",
};

const struct dataset *const datasets[] = {
    &plots,
    &supervised_units,
    &land_use_changes,
    &planning_permits,
    &land_supply_plans,
    &land_right_transfers,
    &construction_permits,
    &closed_enterprises,
    &farmland_units,
    &agri_inputs,
    &soil_samples,
    &effect_surveys,
};
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

const struct field *dataset_geometry(const struct dataset *ds)
{
	for (size_t i = 0; ds && i < ds->n_fields; i++)
		if (ds->fields[i].type == FT_AREA || ds->fields[i].type == FT_POINT)
			return &ds->fields[i];
	return NULL;
}
