/* The dataset registry: one descriptor per dataset, served by generic handlers. */
#ifndef SOILSHARE_DATASETS_H
#define SOILSHARE_DATASETS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "refdata.h"

enum field_type {
	FT_STRING,     /* text, max_len characters */
	FT_KEY,        /* a natural key (SPEC §2 charset), e.g. a plot_id link */
	FT_DISTRICT,   /* a code of the districts list */
	FT_USCC,       /* 统一社会信用代码, GB 32100 check digit */
	FT_DATE,       /* YYYY-MM-DD */
	FT_NUMBER,     /* JSON number >= min */
	FT_INTEGER,    /* JSON integer in [min, max] */
	FT_ENUM,       /* one of `values` */
	FT_LAND_USE,   /* GB 50137 code under a known prefix */
	FT_INDUSTRY,   /* GB/T 4754 code with its letter, e.g. C2614 */
	FT_POLLUTANTS, /* array of distinct pollutant codes */
	FT_AREA,       /* GeoJSON Polygon or MultiPolygon in Beijing */
	FT_POINT,      /* GeoJSON Point in Beijing */
	FT_DATES,      /* object whose keys are `values`, each a date or null */
	FT_BOOLEAN,    /* true or false; absent means false */
	FT_MONTH,      /* YYYY-MM */
	FT_RESULTS,    /* array of {pollutant, value, unit}; units are `values` */
	FT_OBJECT,     /* any JSON object */
};

struct field {
	const char *name;
	enum field_type type;
	bool required;
	double min, max;           /* FT_NUMBER, FT_INTEGER */
	size_t max_len;            /* FT_STRING */
	const char *const *values; /* FT_ENUM, FT_DATES: NULL-terminated */
	const char *links_to;      /* FT_KEY: dataset whose record it names */
	bool link_must_exist;      /* FT_KEY: 422 when the linked record is absent */
	bool filter;               /* usable as a list filter */
	const char *required_with; /* required when this other field is present */
};

/* What a derive hook sees besides the record it completes. */
struct derive_ctx {
	const struct refdata *ref;
	/* The stored version's fields named by the descriptor's prior_fields, or NULL for a
	 * record created (or created again after a deletion). */
	const json_t *prior;
	const char *today; /* Beijing's date, YYYY-MM-DD */
};

/* Who may write: agency codes; "district" means district keys, own district only. */
struct dataset {
	const char *name; /* URL name, e.g. "supervised-units" */
	const char *title_zh;
	const char *title_en;
	const char *const *publishers; /* NULL-terminated */
	/* Datasets that ecology and a district share (SPEC §3): either may change the
	 * other's records of that district. */
	bool shared_with_district;
	const struct field *fields;
	size_t n_fields;
	const char *id_type_note; /* what the natural key is, for messages */
	enum field_type id_type;  /* FT_KEY or FT_USCC */
	bool has_lifecycle;       /* `status` follows the plot state machine */
	/* Fields of which a record names exactly one (NULL-terminated), or NULL. */
	const char *const *exactly_one_of;
	const struct field *derived; /* server-derived fields (filterable, never written) */
	size_t n_derived;
	/* Sets the derived fields that C computes on validated data (NULL: none); the rest
	 * (a sample's exceedances) PostgreSQL derives on writing. */
	void (*derive)(const struct derive_ctx *ctx, json_t *data);
	/* Fields of the stored version the hook reads (NULL-terminated), or NULL. */
	const char *const *prior_fields;
};

extern const struct dataset *const datasets[];
extern const size_t datasets_count;

const struct dataset *dataset_find(const char *name);
bool dataset_exists(const char *name);
const struct field *dataset_field(const struct dataset *ds, const char *name);
/* The dataset's geometry field (`geometry` or `location`), or NULL when it has none. */
const struct field *dataset_geometry(const struct dataset *ds);

/* A field usable as a list filter, derived fields included; NULL when none. */
const struct field *dataset_filter_field(const struct dataset *ds, const char *name);
bool dataset_publisher(const struct dataset *ds, const char *agency);
/* Server-owned fields every record carries (ignored in write bodies). */
bool field_is_server_owned(const struct dataset *ds, const char *name);

/* Validation (pure). Errors carry a JSON pointer and a message. */
struct verror {
	char pointer[128];
	char message[256];
};

struct verrors {
	struct verror items[64];
	size_t n;
	size_t dropped; /* errors beyond the capacity */
};

void verrors_add(struct verrors *e, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks a write body against the descriptor. `path_id` is the id from the URL
 * (or NULL in bulk, where the body's id is required). On success returns a new
 * JSON object holding only the dataset's own fields, nulls dropped, with `id` set;
 * on failure returns NULL with at least one error in `errs`. `prefix` is prepended
 * to every pointer ("" for a single record, "/17" in bulk). */
json_t *record_validate(const struct dataset *ds, const struct refdata *ref, json_t *body,
                        const char *path_id, const char *prefix, struct verrors *errs);

/* Adds the fields the server derives in C to validated data: the descriptor's `derive`. */
void record_derive(const struct dataset *ds, const struct derive_ctx *ctx, json_t *data);

bool key_valid(const char *s);
bool uscc_valid(const char *s);
bool date_valid(const char *s);
bool month_valid(const char *s);
bool industry_code_valid(const char *s);
bool land_use_syntax_valid(const char *s);
/* Checks a GeoJSON geometry's shape and extent; returns NULL or a message. */
const char *geojson_check(json_t *g, bool point, char *buf, size_t size);

#endif
