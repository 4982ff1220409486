/* What the files of the endpoints share among themselves, and nobody else. */
#ifndef SOILSHARE_API_INTERNAL_H
#define SOILSHARE_API_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* Each file's prepared statements (api_register_statements() calls them all). */
void service_register_statements(void);
void record_register_statements(void);
void lists_register_statements(void);
void changes_register_statements(void);
void idempotency_register_statements(void);
void findings_register_statements(void);
void public_register_statements(void);
void statistics_register_statements(void);
void ogc_register_statements(void);
void subscriptions_register_statements(void);
void deliveries_register_statements(void);

/* Webhook subscriptions belong to the calling agency: its code, or "district:<code>" for a
 * district key (subscriptions.c). */
const char *subscription_owner(struct request *req);
/* 404 for a subscription id the caller does not own (or that does not exist). */
void subscription_not_found(struct request *req);

/* The per-address limit of the pages and data that need no key (public.c): false after
 * answering 429. */
bool public_allowed(struct request *req);

/* 429 with Retry-After: `why` the request waits, then `advice` (or ""). */
void answer_rate_limited(struct request *req, double wait, const char *why, const char *advice);

/* The URL of /ogc as the client reached it (ogc.c), from the arena; NULL after answering 400
 * when the Host header is not a host name. */
const char *ogc_base(struct request *req);
/* The collection of the path's {collectionId} (ogc.c); NULL after answering 404. */
struct dataset;
const struct dataset *ogc_collection_or_404(struct request *req);

/* The hooks of api_hooks (hooks.c). */
bool api_authenticate(struct request *req);
bool api_before(struct request *req);
void api_on_response(struct request *req, unsigned status, const char *content_type,
                     const char *body, size_t len, const char *extra);
void api_on_complete(struct request *req);

/* Writes the request's access-log line (accesslog.c). */
void access_log(struct request *req);

#endif
