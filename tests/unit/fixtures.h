/* Shared fixtures of the unit tests: a hand-built reference data set. */
#ifndef SOILSHARE_TEST_FIXTURES_H
#define SOILSHARE_TEST_FIXTURES_H

#include "refdata.h"

/* Districts 110101, 110102, 110105, 110108; retired 110103 -> 110101 and
 * 110104 -> 110102 (2010); land-use prefixes R, A33, A, M, G1-C, G;
 * pollutants As, Cd, Pb, benzene. */
void fixture_refdata(struct refdata *r);

#endif
