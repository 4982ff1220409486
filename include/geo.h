/* Geography of query strings: the bbox parameter (SPEC §6). Pure. */
#ifndef SOILSHARE_GEO_H
#define SOILSHARE_GEO_H

#include <stddef.h>

/* Parses "minlon,minlat,maxlon,maxlat" (decimal degrees, WGS 84 / CGCS2000; six numbers with
 * heights are taken too, the heights ignored) into out[4] = {minlon, minlat, maxlon, maxlat}.
 * Refuses what is not four (or six) finite numbers, a corner beyond ±180/±90, and a box
 * whose minimum exceeds its maximum; returns -1 with a message for a 400 in errbuf. */
int bbox_parse(const char *s, double out[4], char *errbuf, size_t size);

/* The box as a PostgreSQL float8[] literal "{minlon,minlat,maxlon,maxlat}" (17 significant
 * digits, so nothing is lost); `size` of at least 128 bytes is enough. */
void bbox_sql_array(const double box[4], char *out, size_t size);

#endif
