/* What the files of the database layer share among themselves, and nobody else. */
#ifndef SOILSHARE_DB_INTERNAL_H
#define SOILSHARE_DB_INTERNAL_H

#include <libpq-fe.h>

/* A new connection to the primary with every registered statement prepared; NULL when the
 * database cannot be reached. Blocking. */
PGconn *db_connect_prepared(void);

#endif
