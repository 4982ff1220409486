/* Geography of query strings: the bbox parameter (SPEC §6). Pure. */
#ifndef SOILSHARE_GEO_H
#define SOILSHARE_GEO_H

#include <stdbool.h>
#include <stddef.h>

/* Parses "minlon,minlat,maxlon,maxlat" (decimal degrees, WGS 84 / CGCS2000; six numbers with
 * heights are taken too, the heights ignored) into out[4] = {minlon, minlat, maxlon, maxlat}.
 * Refuses what is not four (or six) finite numbers, a corner beyond ±180/±90, and a box
 * whose minimum exceeds its maximum; returns -1 with a message for a 400 in errbuf. */
int bbox_parse(const char *s, double out[4], char *errbuf, size_t size);
/* The same for a box in a CRS of either axis order: with `lat_first` (EPSG:4490, whose axes
 * are latitude then longitude) the text is "minlat,minlon,maxlat,maxlon" (or with heights
 * "minlat,minlon,minh,maxlat,maxlon,maxh"); `out` is always {minlon, minlat, maxlon, maxlat}. */
int bbox_parse_axes(const char *s, bool lat_first, double out[4], char *errbuf, size_t size);

/* The box as a PostgreSQL float8[] literal "{minlon,minlat,maxlon,maxlat}" (17 significant
 * digits, so nothing is lost); `size` of at least 128 bytes is enough. */
void bbox_sql_array(const double box[4], char *out, size_t size);

#endif
