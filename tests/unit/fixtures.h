/* Shared fixtures of the unit tests: a hand-built reference data set. */
#ifndef SOILSHARE_TEST_FIXTURES_H
#define SOILSHARE_TEST_FIXTURES_H

#include "refdata.h"

/* Districts 110101, 110102, 110105, 110108; retired 110103 -> 110101 and
 * 110104 -> 110102 (2010); GB 50137 prefixes R, A33, A, M, G1-C, G and 用地用海 codes
 * 0701, 080403, 1001, 0103 (not construction land); pollutants As, Cd, Pb, benzene, Cr,
 * tph_c10_c40. */
void fixture_refdata(struct refdata *r);

#endif
