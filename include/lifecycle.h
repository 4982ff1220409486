/* The plot lifecycle state machine of SPEC §4. Pure. */
#ifndef SOILSHARE_LIFECYCLE_H
#define SOILSHARE_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

extern const char *const lifecycle_states[]; /* NULL-terminated */
extern const size_t lifecycle_state_count;

bool lifecycle_is_state(const char *s);
/* Whether a plot may go from `from` to `to`; staying in a state is always allowed. */
bool lifecycle_allowed(const char *from, const char *to);
/* Whether a status puts a plot in the 风险管控和修复名录 (listed, under_control,
 * effect_evaluation). */
bool lifecycle_in_directory(const char *s);
/* Whether a status comes after the plot was cleared or delisted (cleared, delisted,
 * post_management, closed). */
bool lifecycle_after_clearance(const char *s);
/* Fills `out` with up to `max` states reachable from `from` in one step; returns how many. */
size_t lifecycle_next(const char *from, const char **out, size_t max);

#endif
