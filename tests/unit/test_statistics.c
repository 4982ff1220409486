/* Unit tests of the query of GET /v1/statistics. */
#include <criterion/criterion.h>
#include <string.h>

#include "api.h"

static int parse(const char *k1, const char *v1, const char *k2, const char *v2, char as_of[11],
                 char *err)
{
	struct query_arg args[2] = {{k1, v1}, {k2, v2}};
	size_t n = k1 ? (k2 ? 2 : 1) : 0;
	return statistics_query_parse(args, n, as_of, err, 256);
}

Test(statistics_query, no_parameter_means_today)
{
	char as_of[11] = "x", err[256];
	cr_assert_eq(parse(NULL, NULL, NULL, NULL, as_of, err), 0);
	cr_assert_str_eq(as_of, "");
}

Test(statistics_query, as_of_is_a_calendar_date)
{
	char as_of[11], err[256];
	cr_assert_eq(parse("as_of", "2024-02-29", NULL, NULL, as_of, err), 0, "%s", err);
	cr_assert_str_eq(as_of, "2024-02-29");
	static const char *const bad[] = {
	    "2023-02-29", "2024-13-01", "2024-6-30", "2024-06-30T00:00", "20240630", "today", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse("as_of", bad[i], NULL, NULL, as_of, err), -1, "%s", bad[i]);
		cr_assert(strstr(err, "YYYY-MM-DD"), "%s", err);
	}
	cr_assert_eq(parse("as_of", NULL, NULL, NULL, as_of, err), -1);
}

Test(statistics_query, unknown_or_repeated_parameters)
{
	char as_of[11], err[256];
	cr_assert_eq(parse("district", "110105", NULL, NULL, as_of, err), -1);
	cr_assert(strstr(err, "unknown query parameter district"), "%s", err);
	cr_assert_eq(parse("as_of", "2024-06-30", "as_of", "2024-07-01", as_of, err), -1);
	cr_assert(strstr(err, "repeated"), "%s", err);
	cr_assert_eq(parse("as_of", "2024-06-30", "limit", "5", as_of, err), -1);
}
