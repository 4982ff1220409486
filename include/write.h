/* The one write pipeline: every record a request writes, one (PUT, PATCH) or many (bulk
 * POST), goes through the same checks in one place: validation and derived fields,
 * authorisation, the plot lifecycle, links and geometry; then the upsert and the rules. */
#ifndef SOILSHARE_WRITE_H
#define SOILSHARE_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "datasets.h"
#include "http.h"

/* The stored version of a record, read under a row lock. */
struct stored {
	bool exists; /* a live record (not deleted) */
	bool deleted;
	char version[16];
	char publisher[32];
	char district[8];
	char status[32]; /* "" when none */
	json_t *data;    /* only when the batch asked for it (want_data) */
	json_t *prior;   /* the fields the descriptor's derive hook reads (prior_fields) */
};

/* What kind of refusal a record met, in the order a single write reports them. */
enum write_refusal {
	WRITE_OK,
	WRITE_INVALID,   /* 422 */
	WRITE_CONFLICT,  /* 409: a status change the lifecycle does not allow */
	WRITE_FORBIDDEN, /* 403 */
};

struct write_batch {
	/* Set by write_batch_init(). */
	struct request *req;
	const struct dataset *ds;
	json_t *records; /* the bodies, a JSON array (the batch holds a reference) */
	size_t n;
	const char *path_id; /* one record named by the path (PUT, PATCH, DELETE), else NULL */
	bool relative;       /* pointers relative to the one record ("/district"), not to the
	                      * body's array ("/17/district") */
	bool want_data;      /* write_lock() also reads the stored records' data */
	/* Filled in by the steps. */
	struct stored *stored; /* per record: its stored version */
	json_t **valid;        /* per record: validated data with derived fields, or NULL */
	json_t *errors;        /* [{index, id, pointer, message}] over every record */
	json_t *ids;           /* id -> index of its first record */
	/* The gravest refusal and, for a single record's 403 or 409, what it said. */
	enum write_refusal refusal;
	char refusal_message[512];
	char from[32], to[32];
	size_t created, changed;
};

/* Whether `who` may write the dataset at all; false after answering 403. */
bool write_may_publish(struct request *req, const struct dataset *ds);

/* A batch over `records` (a JSON array; the batch takes a new reference). */
void write_batch_init(struct write_batch *b, struct request *req, const struct dataset *ds,
                      json_t *records, const char *path_id);
void write_batch_release(struct write_batch *b);

/* The steps, in a transaction the caller opened. Each returns -1 after answering when the
 * database fails, else 0; refusals of records are collected, not answered. */
/* Locks the stored versions of the records' ids. */
int write_lock(struct write_batch *b);
/* Validates every record, derives its fields, and checks it against the stored version:
 * authorisation, lifecycle, links, geometry. */
int write_check(struct write_batch *b);
/* Writes the valid records (unchanged ones keep their version) and runs the rules. */
int write_store(struct write_batch *b);

/* write_check(), then write_refuse() when a record is refused, else write_store(); -1
 * after answering. */
int write_apply(struct write_batch *b);

/* Answers the refusals of write_check(): for a single record 403, 409 or 422 with its
 * pointers, for a bulk 422 listing every bad record. */
void write_refuse(struct write_batch *b);

/* Deleting the one record of a batch, after write_lock(). write_may_delete() answers 403
 * and returns false when `who` may not; write_delete() refuses (409) a record others link
 * to, else deletes it and runs the rules; -1 after answering. */
bool write_may_delete(struct write_batch *b);
int write_delete(struct write_batch *b);

/* The statements of the pipeline. */
void write_register_statements(void);

#endif
