/* The service's endpoints: the route table, the handlers, the hooks that wire keys,
 * idempotency and the database into the HTTP layer, and what a request carries for them. */
#ifndef SOILSHARE_API_H
#define SOILSHARE_API_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "feed.h"
#include "http.h"
#include "listquery.h"

/* The service's part of a request (`req->app`), from the arena; set by the hooks before
 * any handler runs, so handlers may use call_of(req) without a check. */
struct call {
	struct identity who;
	bool authenticated;
	/* Idempotency-Key: the key claimed for this request, and its response to remember. */
	const char *idem_key;
	const char *idem_scope;
	bool idem_saved;
	unsigned idem_status;
	const char *idem_content_type, *idem_headers, *idem_body;
	/* A long-poll of the change feed: its query and when it gives up waiting. */
	struct feed_query *feed;
	double wait_deadline;
	double parked_at; /* when a long-poll first parked (feed_now()), or 0 */
	/* A record GET whose lookup went to a database lane: whether it was queued, and the
	 * result the lane handed back (NULL: the database is away). */
	bool lookup_queued;
	PGresult *lookup;
};

static inline struct call *call_of(struct request *req)
{
	return (struct call *)req->app;
}

static inline const struct identity *who_of(struct request *req)
{
	return &call_of(req)->who;
}

/* Keys, idempotency and the database, wired into the HTTP layer. */
extern const struct http_hooks api_hooks;

/* Replies from the database. Both take over `res`: it is cleared when sent or at once. */
/* Sends column 0 of row 0 as application/json without copying. */
void respond_pgresult(struct request *req, unsigned status, PGresult *res, const char *extra);
/* Answers a failed database call (`res` NULL: no answer at all): 503 with Retry-After when
 * the database is away or the statement met a timeout, lock or serialisation conflict; 500
 * otherwise, logged with its SQLSTATE. */
void problem_db(struct request *req, PGresult *res);
/* Whether a statement's result is what it should be; when not, answers with problem_db()
 * (taking over `res`) and returns false. */
bool db_ok(struct request *req, PGresult *res, ExecStatusType expected);

/* Idempotency-Key: begin answers a replay or a conflict (true); capture keeps the
 * response a request gives; finish stores it once the request's transaction is over. */
bool idempotency_begin(struct request *req);
void idempotency_capture(struct request *req, unsigned status, const char *content_type,
                         const char *body, size_t len, const char *extra);
void idempotency_finish(struct request *req);

/* The route table and its handlers. */
extern const struct route routes[];
extern const size_t routes_count;

void handle_healthz(struct request *req);
void handle_readyz(struct request *req);
void handle_metrics(struct request *req);
void handle_openapi(struct request *req);
/* The OpenAPI document with the pollutant and land-use enumerations of `r` (malloc'd, with
 * its length), or NULL. openapi_refresh() makes it the one served, from the reference data
 * held now: at start and whenever the reference data change. */
struct refdata;
char *openapi_document(const struct refdata *r, size_t *len);
int openapi_refresh(void);
void handle_me(struct request *req);
void handle_datasets(struct request *req);
void handle_districts(struct request *req);
void handle_agencies(struct request *req);
void handle_list(struct request *req);
void handle_directory(struct request *req);
void handle_bulk(struct request *req);
void handle_history(struct request *req);
void handle_changes(struct request *req);
void handle_findings(struct request *req);
void handle_statistics(struct request *req);
void handle_get(struct request *req);
void handle_put(struct request *req);
void handle_patch(struct request *req);
void handle_delete(struct request *req);
void handle_subscription_create(struct request *req);
void handle_subscription_list(struct request *req);
void handle_subscription_get(struct request *req);
void handle_subscription_delete(struct request *req);
void handle_subscription_rotate(struct request *req);
void handle_deliveries_list(struct request *req);
void handle_delivery_retry(struct request *req);
void handle_log_checkpoint(struct request *req);
void handle_log_inclusion(struct request *req);
void handle_log_consistency(struct request *req);
void handle_public_directory(struct request *req);
void handle_public_directory_changes(struct request *req);
void handle_public_page(struct request *req);
void handle_public_redirect(struct request *req);
void handle_public_asset(struct request *req);
void handle_dashboard_page(struct request *req);
void handle_dashboard_redirect(struct request *req);
void handle_dashboard_asset(struct request *req);
void handle_docs_page(struct request *req);
void handle_docs_asset(struct request *req);

/* OGC API – Features under /ogc (SPEC §6): Part 1 Core, GeoJSON and OpenAPI 3.0, and
 * Part 2 CRS. A collection is a dataset with a geometry, or the directory. */
void handle_ogc_landing(struct request *req);
void handle_ogc_conformance(struct request *req);
void handle_ogc_collections(struct request *req);
void handle_ogc_collection(struct request *req);
void handle_ogc_items(struct request *req);
void handle_ogc_item(struct request *req);
void handle_ogc_schema(struct request *req);
void handle_ogc_api(struct request *req);
void handle_ogc_api_html(struct request *req);

/* The i-th collection from 0 (NULL past the last), as a descriptor whose filter fields its
 * items take: each dataset with a geometry in the registry's order, then the directory. */
const struct dataset *ogc_collection(size_t i);
const struct dataset *ogc_collection_find(const char *id);

/* The coordinate reference systems the service takes and gives. */
enum ogc_crs {
	OGC_CRS84,    /* WGS 84 longitude-latitude, the default */
	OGC_EPSG4490, /* CGCS2000, latitude-longitude */
};
#define OGC_CRS84_URI    "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#define OGC_EPSG4490_URI "http://www.opengis.net/def/crs/EPSG/0/4490"
const char *ogc_crs_uri(enum ogc_crs crs);
/* Pure: a CRS as a client names it (its URI, or [OGC:CRS84], [EPSG:4490] with or without
 * the brackets); -1 for any other. */
int ogc_crs_parse(const char *s, enum ogc_crs *out);

/* Pure: datetime=, an RFC 3339 instant or an interval "start/end" whose open ends are ".."
 * (or empty). `start` and `end` receive the bounds, both included ("" for an open end; an
 * instant is both), with a '+' that arrived as a space restored; -1 with a message for a 400. */
int ogc_datetime_parse(const char *s, char start[40], char end[40], char *errbuf, size_t size);

/* The query of /ogc/collections/{collectionId}/items. */
struct ogc_items_query {
	int limit;
	bool json;        /* f=json: application/json, else application/geo+json (the same body) */
	enum ogc_crs crs; /* the coordinates' CRS in the response */
	/* bbox=, in longitude-latitude order whatever bbox-crs said, as a float8[] literal. */
	const char *bbox;
	char bbox_buf[128];
	char dt_start[40], dt_end[40]; /* datetime's bounds on updated_at, "" when open */
	char after_id[CURSOR_MAX];     /* from cursor=, "" on the first page */
	/* The collection's own filters (district, status, ...), as /v1 lists take them. */
	struct list_query filters;
	/* Every argument but limit, cursor and f, canonical ("&k=v..."), for links; and the
	 * fingerprint of those that choose records, which a cursor carries. */
	char *link_query;
	uint32_t filter_hash;
};

/* Pure: parses the items query for a collection whose filters `filters` describes; district
 * codes are checked in `ref`. -1 with a message for a 400 (an unknown or repeated parameter,
 * a value out of range, an unsupported CRS, a cursor of other filters). Strings are malloc'd:
 * ogc_items_query_release. */
int ogc_items_query_parse(const struct dataset *filters, const struct refdata *ref,
                          const struct query_arg *args, size_t n, struct ogc_items_query *q,
                          char *errbuf, size_t size);
void ogc_items_query_release(struct ogc_items_query *q);

/* Pure: the query of one feature, which takes crs and f only. */
int ogc_item_query_parse(const struct query_arg *args, size_t n, enum ogc_crs *crs, bool *json,
                         char *errbuf, size_t size);

/* Pure: swaps the first two numbers of every position of a GeoJSON geometry, in place:
 * longitude-latitude to latitude-longitude (EPSG:4490) and back. */
void ogc_geometry_swap_axes(json_t *geometry);

/* The OpenAPI 3.0 document of /ogc, with `base` (the URL of /ogc) as its server; and the
 * page that tells people how to connect. Both malloc'd, NULL when out of memory. */
char *ogc_openapi_document(const char *base, size_t *len);
char *ogc_api_page(const char *base, size_t *len);

/* The limits and settings of the public pages, before threads start. */
void public_configure(const struct config *cfg);
/* The access log's format (--log-format); each request's line is written as it completes. */
void access_log_configure(const struct config *cfg);
/* Makes the pages with their settings (the maps' tiles); returns -1 when it cannot. */
int pages_configure(const struct config *cfg);

/* Pure: the query of GET /v1/statistics. Sets `as_of` to the date asked for (YYYY-MM-DD), or
 * to "" for today; -1 with a message for a 400 on an unknown or repeated parameter or a date
 * that is not one. */
int statistics_query_parse(const struct query_arg *args, size_t n, char as_of[11], char *errbuf,
                           size_t size);

/* Pure: the two query parameters of a log proof, `names` (seq and size; from and to), each
 * a whole number below 2^63, into `values`; -1 with a message for a 400 on a missing,
 * unknown, repeated or malformed one. */
int log_query_parse(const struct query_arg *args, size_t n, const char *const names[2],
                    uint64_t values[2], char *errbuf, size_t size);

/* Every prepared statement of the endpoints, registered before threads start. */
void api_register_statements(void);

#endif
