/* What the files of the HTTP layer share among themselves, and nobody else. */
#ifndef SOILSHARE_HTTP_INTERNAL_H
#define SOILSHARE_HTTP_INTERNAL_H

#include "http.h"

/* The service's http_hooks_in_use, set once by http_start(). */
extern const struct http_hooks *http_hooks_in_use;

#endif
