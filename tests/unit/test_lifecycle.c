/* Unit tests of the plot lifecycle state machine (SPEC §4), server/datasets/lifecycle.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "lifecycle.h"

/* The arrows of SPEC §4, written out independently of the implementation:
 *   suspected -> preliminary_survey -> cleared | exceeds_screening;
 *   exceeds_screening -> detailed_survey -> risk_assessment -> cleared | listed;
 *   listed -> under_control -> effect_evaluation -> under_control | delisted;
 *   cleared | delisted -> post_management -> closed;
 *   exceeds_screening -> risk_assessment, detailed_survey -> cleared (stages merged);
 *   cleared | delisted | post_management | closed -> preliminary_survey (a survey again). */
static const char *const spec_arrows[][2] = {
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
    {"exceeds_screening", "risk_assessment"},
    {"detailed_survey", "cleared"},
    {"cleared", "preliminary_survey"},
    {"delisted", "preliminary_survey"},
    {"post_management", "preliminary_survey"},
    {"closed", "preliminary_survey"},
};
#define N_ARROWS (sizeof(spec_arrows) / sizeof(spec_arrows[0]))

static const char *const spec_states[] = {
    "suspected",         "preliminary_survey", "cleared",         "exceeds_screening",
    "detailed_survey",   "risk_assessment",    "listed",          "under_control",
    "effect_evaluation", "delisted",           "post_management", "closed",
};
#define N_STATES (sizeof(spec_states) / sizeof(spec_states[0]))

static bool spec_allows(const char *from, const char *to)
{
	for (size_t i = 0; i < N_ARROWS; i++)
		if (strcmp(spec_arrows[i][0], from) == 0 && strcmp(spec_arrows[i][1], to) == 0)
			return true;
	return false;
}

Test(lifecycle, states_are_the_spec_states)
{
	cr_assert_eq(lifecycle_state_count, N_STATES, "12 states, got %zu", lifecycle_state_count);
	for (size_t i = 0; i < N_STATES; i++)
		cr_assert(lifecycle_is_state(spec_states[i]), "%s is a state", spec_states[i]);
	cr_assert_null(lifecycle_states[lifecycle_state_count], "the list is NULL-terminated");
	cr_assert_not(lifecycle_is_state("demolished"), "demolished is no state");
	cr_assert_not(lifecycle_is_state("Listed"), "states are lower-case");
	cr_assert_not(lifecycle_is_state(""), "empty is no state");
}

Test(lifecycle, every_spec_arrow_allowed)
{
	for (size_t i = 0; i < N_ARROWS; i++)
		cr_assert(lifecycle_allowed(spec_arrows[i][0], spec_arrows[i][1]),
		          "SPEC §4 allows %s -> %s", spec_arrows[i][0], spec_arrows[i][1]);
}

Test(lifecycle, staying_in_a_state_allowed)
{
	for (size_t i = 0; i < N_STATES; i++)
		cr_assert(lifecycle_allowed(spec_states[i], spec_states[i]), "%s -> %s (no change)",
		          spec_states[i], spec_states[i]);
}

Test(lifecycle, named_forbidden_transitions)
{
	cr_assert_not(lifecycle_allowed("suspected", "listed"),
	              "suspected -> listed skips surveys");
	cr_assert_not(lifecycle_allowed("closed", "suspected"), "closed is final");
	cr_assert_not(lifecycle_allowed("listed", "cleared"), "listed must go under control first");
	cr_assert_not(lifecycle_allowed("preliminary_survey", "suspected"), "no way back");
	cr_assert_not(lifecycle_allowed("under_control", "delisted"),
	              "delisting needs an evaluation");
	cr_assert_not(lifecycle_allowed("cleared", "closed"), "post_management comes first");
	cr_assert_not(lifecycle_allowed("listed", "bogus"), "unknown target state");
}

Test(lifecycle, exactly_the_spec_arrows_over_all_pairs)
{
	int allowed = 0;
	for (size_t i = 0; i < N_STATES; i++)
		for (size_t j = 0; j < N_STATES; j++) {
			if (i == j)
				continue;
			bool want = spec_allows(spec_states[i], spec_states[j]);
			bool got = lifecycle_allowed(spec_states[i], spec_states[j]);
			cr_assert_eq(got, want, "%s -> %s: expected %s", spec_states[i],
			             spec_states[j], want ? "allowed" : "forbidden");
			allowed += got;
		}
	cr_assert_eq(allowed, (int)N_ARROWS, "%d transitions allowed, SPEC has %zu", allowed,
	             N_ARROWS);
}

static void expect_next(const char *from, const char *const *want, size_t n_want)
{
	const char *out[16];
	size_t n = lifecycle_next(from, out, 16);
	cr_assert_eq(n, n_want, "%s has %zu next states, got %zu", from, n_want, n);
	for (size_t i = 0; i < n_want; i++) {
		bool found = false;
		for (size_t j = 0; j < n; j++)
			found = found || strcmp(out[j], want[i]) == 0;
		cr_assert(found, "%s -> %s missing from lifecycle_next", from, want[i]);
	}
}

Test(lifecycle, next_lists)
{
	expect_next("suspected", (const char *[]){"preliminary_survey"}, 1);
	expect_next("preliminary_survey", (const char *[]){"cleared", "exceeds_screening"}, 2);
	expect_next("risk_assessment", (const char *[]){"cleared", "listed"}, 2);
	expect_next("effect_evaluation", (const char *[]){"under_control", "delisted"}, 2);
	expect_next("exceeds_screening", (const char *[]){"detailed_survey", "risk_assessment"}, 2);
	expect_next("detailed_survey", (const char *[]){"risk_assessment", "cleared"}, 2);
	expect_next("cleared", (const char *[]){"post_management", "preliminary_survey"}, 2);
	expect_next("delisted", (const char *[]){"post_management", "preliminary_survey"}, 2);
	expect_next("post_management", (const char *[]){"closed", "preliminary_survey"}, 2);
	expect_next("closed", (const char *[]){"preliminary_survey"}, 1);
	expect_next("bogus", NULL, 0);
}

Test(lifecycle, next_respects_max)
{
	const char *out[2] = {"sentinel", "sentinel"};
	size_t n = lifecycle_next("preliminary_survey", out, 1);
	cr_assert_eq(n, 1, "at most 1 state written, got %zu", n);
	cr_assert_str_eq(out[1], "sentinel", "nothing written past max");
	n = lifecycle_next("preliminary_survey", out, 0);
	cr_assert_eq(n, 0, "max 0 writes nothing, got %zu", n);
}

Test(lifecycle, next_agrees_with_allowed)
{
	for (size_t i = 0; i < N_STATES; i++) {
		const char *out[16];
		size_t n = lifecycle_next(spec_states[i], out, 16);
		for (size_t j = 0; j < n; j++) {
			cr_assert(lifecycle_allowed(spec_states[i], out[j]),
			          "%s -> %s listed but not allowed", spec_states[i], out[j]);
			cr_assert_str_neq(out[j], spec_states[i], "a state does not list itself");
		}
	}
}

Test(lifecycle, directory_and_clearance_states)
{
	const char *in_directory[] = {"listed", "under_control", "effect_evaluation"};
	const char *after_clearance[] = {"cleared", "delisted", "post_management", "closed"};
	for (size_t i = 0; i < N_STATES; i++) {
		bool dir = false, clr = false;
		for (size_t k = 0; k < 3; k++)
			dir = dir || strcmp(spec_states[i], in_directory[k]) == 0;
		for (size_t k = 0; k < 4; k++)
			clr = clr || strcmp(spec_states[i], after_clearance[k]) == 0;
		cr_assert_eq(lifecycle_in_directory(spec_states[i]), dir, "%s", spec_states[i]);
		cr_assert_eq(lifecycle_after_clearance(spec_states[i]), clr, "%s", spec_states[i]);
	}
	cr_assert_not(lifecycle_in_directory(NULL));
	cr_assert_not(lifecycle_after_clearance(NULL));
}
