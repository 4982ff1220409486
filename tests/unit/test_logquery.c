/* Unit tests of the query parameters of the log's proofs (log_query_parse in server/api/log.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "api.h"

static const char *const inclusion[] = {"seq", "size"};

static int parse(const struct query_arg *args, size_t n, uint64_t v[2], char *err, size_t size)
{
	return log_query_parse(args, n, inclusion, v, err, size);
}

Test(logquery, takes_both_in_either_order)
{
	uint64_t v[2];
	char err[256];
	struct query_arg a[] = {{"size", "10"}, {"seq", "3"}};
	cr_assert_eq(parse(a, 2, v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v[0], 3);
	cr_assert_eq(v[1], 10);
	struct query_arg big[] = {{"seq", "0"}, {"size", "9223372036854775807"}};
	cr_assert_eq(parse(big, 2, v, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(v[1], 9223372036854775807ULL);
}

Test(logquery, refuses_what_is_not_two_whole_numbers)
{
	uint64_t v[2];
	char err[256];
	static const struct {
		struct query_arg a[3];
		size_t n;
		const char *says;
	} cases[] = {
	    {{{"seq", "1"}}, 1, "size is missing"},
	    {{{"size", "1"}}, 1, "seq is missing"},
	    {{{"seq", "1"}, {"size", "2"}, {"from", "1"}}, 3, "unknown query parameter from"},
	    {{{"seq", "1"}, {"seq", "1"}, {"size", "2"}}, 3, "seq is repeated"},
	    {{{"seq", "-1"}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", "+1"}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", "1.0"}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", " 1"}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", ""}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", NULL}, {"size", "2"}}, 2, "whole number"},
	    {{{"seq", "1"}, {"size", "9223372036854775808"}}, 2, "whole number"},
	    {{{"seq", "1"}, {"size", "99999999999999999999"}}, 2, "whole number"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(parse(cases[i].a, cases[i].n, v, err, sizeof(err)), -1, "case %zu", i);
		cr_assert(strstr(err, cases[i].says), "case %zu: %s", i, err);
	}
}
