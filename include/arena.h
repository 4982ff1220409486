/* Per-request memory pool: many small allocations, freed together in one call. */
#ifndef SOILSHARE_ARENA_H
#define SOILSHARE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

/* An arena owns every block it hands out until arena_release(). Allocation
 * failure aborts the process: a request cannot continue without memory. */
struct arena {
	struct arena_chunk *head;
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
__attribute__((format(printf, 2, 3))) char *arena_printf(struct arena *a, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) char *arena_vprintf(struct arena *a, const char *fmt,
                                                          va_list ap);
void arena_release(struct arena *a);

#endif
