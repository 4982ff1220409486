/* The reference files of sql/reference/, read by the tests so that expected limits come from
 * the files, never from numbers typed in a test. */
#ifndef SOILSHARE_TEST_REFCSV_H
#define SOILSHARE_TEST_REFCSV_H

#include <jansson.h>

/* The rows of $SOILSHARE_ROOT/sql/reference/`name` as objects keyed by the header's names
 * (every value a string; RFC 4180 quoting). Fails the test when the file cannot be read. */
json_t *reference_csv(const char *name);

/* The row of `rows` whose column `column` equals `value` and, when `column2` is not NULL, whose
 * `column2` equals `value2`; NULL when none. */
json_t *reference_row(json_t *rows, const char *column, const char *value, const char *column2,
                      const char *value2);

/* A numeric column of a row. */
double reference_number(json_t *row, const char *column);

#endif
