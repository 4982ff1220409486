/* bbox_parse: the bbox query parameter (SPEC §6). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "geo.h"

static int parse(const char *s, double box[4], char *err)
{
	return bbox_parse(s, box, err, 256);
}

Test(bbox_parse, four_or_six_numbers)
{
	double b[4];
	char err[256];
	cr_assert_eq(parse("116.2,39.8,116.6,40.1", b, err), 0, "%s", err);
	cr_assert(b[0] == 116.2 && b[1] == 39.8 && b[2] == 116.6 && b[3] == 40.1);
	cr_assert_eq(parse("-180,-90,180,90", b, err), 0, "the whole world");
	cr_assert_eq(parse("116,39.8,0,117,40,100", b, err), 0, "heights are ignored");
	cr_assert(b[0] == 116 && b[1] == 39.8 && b[2] == 117 && b[3] == 40);
	cr_assert_eq(parse("1e2,3.5E1,1.17e2,40", b, err), 0, "exponents");
	cr_assert_eq(parse("116,40,116,40", b, err), 0, "a point is a box");
}

Test(bbox_parse, malformed_boxes)
{
	static const char *const bad[] = {
	    "",
	    "116,39",
	    "116,39,117",
	    "116,39,117,40,1",
	    "1,2,3,4,5,6,7",
	    "116,,117,40",
	    "116, 39,117,40",
	    "0x10,39,117,40",
	    "inf,39,117,40",
	    "nan,39,117,40",
	    "116,39,117,40,",
	    ",116,39,117,40",
	    "116;39;117;40",
	    "1e400,39,117,40",
	    "116,39,117,4O",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double b[4];
		char err[256] = "";
		cr_assert_eq(parse(bad[i], b, err), -1, "\"%s\" was taken", bad[i]);
		cr_assert(strstr(err, "bbox"), "\"%s\": %s", bad[i], err);
	}
}

Test(bbox_parse, out_of_range_or_inverted)
{
	double b[4];
	char err[256];
	cr_assert_eq(parse("116,39,117,91", b, err), -1);
	cr_assert(strstr(err, "latitude"), "%s", err);
	cr_assert_eq(parse("-181,39,117,40", b, err), -1);
	cr_assert(strstr(err, "longitude"), "%s", err);
	cr_assert_eq(parse("39.8,116.2,40.1,116.6", b, err), -1, "latitude first");
	cr_assert_eq(parse("117,39,116,40", b, err), -1, "minimum above maximum");
	cr_assert(strstr(err, "minimum"), "%s", err);
}

/* bbox-crs EPSG:4490: latitude first in, longitude first out. */
Test(bbox_parse_axes, latitude_first)
{
	double b[4];
	char err[256];
	cr_assert_eq(bbox_parse_axes("39.8,116.2,40.1,116.6", true, b, err, sizeof(err)), 0, "%s",
	             err);
	cr_assert(b[0] == 116.2 && b[1] == 39.8 && b[2] == 116.6 && b[3] == 40.1,
	          "stored as minlon,minlat,maxlon,maxlat");
	cr_assert_eq(bbox_parse_axes("39.8,116.2,0,40.1,116.6,10", true, b, err, sizeof(err)), 0,
	             "with heights");
	cr_assert(b[0] == 116.2 && b[1] == 39.8 && b[2] == 116.6 && b[3] == 40.1);
	cr_assert_eq(bbox_parse_axes("116.2,39.8,116.6,40.1", false, b, err, sizeof(err)), 0,
	             "longitude first is bbox_parse");
	cr_assert(b[0] == 116.2 && b[1] == 39.8);
}

Test(bbox_parse_axes, latitude_first_errors_name_the_order)
{
	double b[4];
	char err[256];
	cr_assert_eq(bbox_parse_axes("116.2,39.8,116.6,40.1", true, b, err, sizeof(err)), -1,
	             "longitude first where latitude comes first: 116 is no latitude");
	cr_assert(strstr(err, "latitude") && strstr(err, "minlat,minlon,maxlat,maxlon"), "%s", err);
	cr_assert_eq(bbox_parse_axes("40.1,116.2,39.8,116.6", true, b, err, sizeof(err)), -1,
	             "minimum latitude above the maximum");
	cr_assert(strstr(err, "minimum") && strstr(err, "minlat,minlon"), "%s", err);
	cr_assert_eq(bbox_parse_axes("39.8,116.2,40.1", true, b, err, sizeof(err)), -1);
	cr_assert(strstr(err, "EPSG:4490"), "%s", err);
}

Test(bbox_sql_array, keeps_every_digit)
{
	double b[4] = {116.123456789012, 39.5, 117, 40.25};
	char out[128];
	bbox_sql_array(b, out, sizeof(out));
	double back[4];
	cr_assert_eq(sscanf(out, "{%lf,%lf,%lf,%lf}", &back[0], &back[1], &back[2], &back[3]), 4,
	             "%s", out);
	for (int i = 0; i < 4; i++)
		cr_assert(back[i] == b[i], "%s", out);
}
