/* Valid record bodies of every dataset, for the end-to-end tests. */
#ifndef SOILSHARE_TEST_SAMPLES_H
#define SOILSHARE_TEST_SAMPLES_H

/* A valid body (malloc'd JSON text) for `dataset` in `district`; `plot_id` and
 * `farmland_unit_id` name existing records where the dataset links to them. */
char *sample_body(const char *dataset, const char *district, const char *plot_id,
                  const char *farmland_unit_id);
/* A fresh id valid for the dataset (a USCC where the key is one). */
char *sample_id(const char *dataset, const char *district);
/* The agency that publishes the dataset in the tests. */
const char *sample_publisher(const char *dataset);
/* Creates a plot / farmland unit in `district` and returns its id. */
char *make_plot(const char *district, const char *status, const char *planned_use);
char *make_farmland_unit(const char *district, const char *klass);

#endif
