/* The plot lifecycle (SPEC §4): which status may follow which. */
#include "lifecycle.h"

#include <string.h>

const char *const lifecycle_states[] = {
    "suspected",
    "preliminary_survey",
    "cleared",
    "exceeds_screening",
    "detailed_survey",
    "risk_assessment",
    "listed",
    "under_control",
    "effect_evaluation",
    "delisted",
    "post_management",
    "closed",
    NULL,
};
const size_t lifecycle_state_count = sizeof(lifecycle_states) / sizeof(lifecycle_states[0]) - 1;

static const struct {
	const char *from;
	const char *to;
} arrows[] = {
    {"suspected", "preliminary_survey"},
    {"preliminary_survey", "cleared"},
    {"preliminary_survey", "exceeds_screening"},
    {"exceeds_screening", "detailed_survey"},
    {"detailed_survey", "risk_assessment"},
    {"risk_assessment", "cleared"},
    {"risk_assessment", "listed"},
    {"listed", "under_control"},
    {"under_control", "effect_evaluation"},
    {"effect_evaluation", "under_control"},
    {"effect_evaluation", "delisted"},
    {"cleared", "post_management"},
    {"delisted", "post_management"},
    {"post_management", "closed"},
    /* Stages merged in practice. */
    {"exceeds_screening", "risk_assessment"},
    {"detailed_survey", "cleared"},
    /* A survey again, e.g. before a more sensitive use (Soil Pollution Law art. 59). */
    {"cleared", "preliminary_survey"},
    {"delisted", "preliminary_survey"},
    {"post_management", "preliminary_survey"},
    {"closed", "preliminary_survey"},
};

bool lifecycle_is_state(const char *s)
{
	for (size_t i = 0; i < lifecycle_state_count; i++)
		if (strcmp(s, lifecycle_states[i]) == 0)
			return true;
	return false;
}

bool lifecycle_allowed(const char *from, const char *to)
{
	if (strcmp(from, to) == 0)
		return true;
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]); i++)
		if (strcmp(arrows[i].from, from) == 0 && strcmp(arrows[i].to, to) == 0)
			return true;
	return false;
}

bool lifecycle_in_directory(const char *s)
{
	return s && (strcmp(s, "listed") == 0 || strcmp(s, "under_control") == 0 ||
	             strcmp(s, "effect_evaluation") == 0);
}

bool lifecycle_after_clearance(const char *s)
{
	return s && (strcmp(s, "cleared") == 0 || strcmp(s, "delisted") == 0 ||
	             strcmp(s, "post_management") == 0 || strcmp(s, "closed") == 0);
}

size_t lifecycle_next(const char *from, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(arrows) / sizeof(arrows[0]) && n < max; i++)
		if (strcmp(arrows[i].from, from) == 0)
			out[n++] = arrows[i].to;
	return n;
}
