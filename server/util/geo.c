/* The bbox query parameter: four numbers, checked before they reach SQL. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"

/* One decimal number: digits with an optional sign, point and exponent; no spaces, hex,
 * inf or nan (strtod alone would take them). */
static bool plain_number(const char *s, size_t n)
{
	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
		      c == 'E'))
			return false;
	}
	return true;
}

int bbox_parse(const char *s, double out[4], char *errbuf, size_t size)
{
	return bbox_parse_axes(s, false, out, errbuf, size);
}

int bbox_parse_axes(const char *s, bool lat_first, double out[4], char *errbuf, size_t size)
{
	const char *usage =
	    lat_first ? "bbox with bbox-crs EPSG:4490 takes minlat,minlon,maxlat,maxlon in "
	                "decimal degrees (CGCS2000, latitude first), e.g. "
	                "bbox=39.8,116.2,40.1,116.6"
	              : "bbox takes minlon,minlat,maxlon,maxlat in decimal degrees (WGS 84 / "
	                "CGCS2000), e.g. bbox=116.2,39.8,116.6,40.1";
	const char *order =
	    lat_first ? "minlat,minlon,maxlat,maxlon" : "minlon,minlat,maxlon,maxlat";
	double v[6];
	int n = 0;
	const char *p = s;
	for (;;) {
		size_t len = strcspn(p, ",");
		if (n == 6 || !plain_number(p, len)) {
			snprintf(errbuf, size, "%s", usage);
			return -1;
		}
		char buf[48];
		memcpy(buf, p, len);
		buf[len] = '\0';
		char *end;
		errno = 0;
		v[n] = strtod(buf, &end);
		if (*end || errno || !isfinite(v[n])) {
			snprintf(errbuf, size, "%s", usage);
			return -1;
		}
		n++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (n != 4 && n != 6) {
		snprintf(errbuf, size, "%s (%d numbers given)", usage, n);
		return -1;
	}
	/* With heights: minlon,minlat,minh,maxlon,maxlat,maxh. */
	double box[4] = {v[0], v[1], n == 6 ? v[3] : v[2], n == 6 ? v[4] : v[3]};
	if (lat_first) {
		double swapped[4] = {box[1], box[0], box[3], box[2]};
		memcpy(box, swapped, sizeof(box));
	}
	for (int i = 0; i < 4; i++) {
		double limit = i % 2 ? 90 : 180;
		if (box[i] < -limit || box[i] > limit) {
			snprintf(errbuf, size,
			         "bbox corner %g is outside %s -%g to %g; give the corners in "
			         "this order: %s",
			         box[i], i % 2 ? "latitude" : "longitude", limit, limit, order);
			return -1;
		}
	}
	if (box[0] > box[2] || box[1] > box[3]) {
		snprintf(errbuf, size,
		         "bbox minimum exceeds its maximum; give %s (a box across the "
		         "antimeridian is not supported)",
		         order);
		return -1;
	}
	memcpy(out, box, sizeof(box));
	return 0;
}

void bbox_sql_array(const double box[4], char *out, size_t size)
{
	snprintf(out, size, "{%.17g,%.17g,%.17g,%.17g}", box[0], box[1], box[2], box[3]);
}
