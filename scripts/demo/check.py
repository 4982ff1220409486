#!/usr/bin/env python3
"""Validate the soilshare demo data: the twelve datasets' JSON files and EXPECTED.md.

Checks every record as the service would (required and unknown fields, types, enums, ranges,
district codes, USCC check digits, links between files, exactly one of plot_id and
farmland_unit_id on samples), the demo's own plausibility (dates 2021-2025, record districts
matching their plot's), then evaluates the SPEC §5 rules over the files and compares the result
with EXPECTED.md (which records open a finding, which are near misses, the sample exceedances).

Usage: python3 scripts/demo/check.py [DIR] [--today YYYY-MM-DD]
  DIR defaults to this script's directory; --today (default: the date in Beijing) is the day the
  90-day closed-enterprise rule is evaluated on.
Prints "ok" and exits 0, or lists the problems and exits 1. Standard library only.
"""
import datetime
import json
import math
import os
import re
import sys

DISTRICTS = {
    "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112",
    "110113", "110114", "110115", "110116", "110117", "110118", "110119", "110302",
}
RETIRED = {"110103", "110104", "110228", "110229"}
# Rough bounding boxes (lon_min, lon_max, lat_min, lat_max), a sanity check only: a point
# outside its district's box is certainly in the wrong place.
DISTRICT_BOX = {
    "110105": (116.35, 116.65, 39.80, 40.10), "110106": (116.05, 116.45, 39.76, 39.90),
    "110107": (116.10, 116.26, 39.88, 39.98), "110108": (116.03, 116.40, 39.89, 40.16),
    "110111": (115.42, 116.25, 39.48, 39.92), "110112": (116.55, 116.95, 39.60, 40.03),
    "110113": (116.40, 117.00, 40.00, 40.31), "110114": (115.95, 116.50, 40.03, 40.40),
    "110115": (116.20, 116.72, 39.43, 39.82), "110302": (116.46, 116.63, 39.71, 39.83),
}
EXTENT = (115.4, 117.6, 39.4, 41.1)
STATUSES = [
    "suspected", "preliminary_survey", "cleared", "exceeds_screening", "detailed_survey",
    "risk_assessment", "listed", "under_control", "effect_evaluation", "delisted",
    "post_management", "closed",
]
POLLUTANTS = {"As", "Cd", "Cr6", "Pb", "Hg", "Ni", "benzene", "vinyl_chloride", "Cr"}
LANDUSE_PREFIXES = ["G1-C", "A33", "A5", "A6", "R", "A", "B", "M", "W", "S", "U", "G"]
CLASS_I = ("R", "A33", "A5", "A6", "G1-C")
KEY_PUNCT = set("-_.〔〕()")
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATES = ["preliminary_survey_on", "detailed_survey_on", "risk_assessment_on", "listed_on"]

# Which survey dates a plot in a status must have / must not have.
# (required, forbidden); the others are optional.
P, D, R, L = DATES
DATE_RULES = {
    "suspected": ((), (P, D, R, L)),
    "preliminary_survey": ((), (D, R, L)),
    "cleared": ((P,), (L,)),
    "exceeds_screening": ((P,), (D, R, L)),
    "detailed_survey": ((P,), (R, L)),
    "risk_assessment": ((P, D), (L,)),
    "listed": ((P, D, R, L), ()),
    "under_control": ((P, D, R, L), ()),
    "effect_evaluation": ((P, D, R, L), ()),
    "delisted": ((P, D, R, L), ()),
    "post_management": ((P,), ()),
    "closed": ((P,), ()),
}

FIELDS = {
    "plots": {
        "required": {"id", "name", "district", "status"},
        "optional": {"address", "area_m2", "geometry", "former_industry", "responsible_party",
                     "current_use", "planned_use", "pollutants"} | set(DATES),
    },
    "supervised-units": {
        "required": {"id", "name", "industry_code", "district", "listed_year"},
        "optional": {"address", "location", "obligations"},
    },
    "land-use-changes": {
        "required": {"id", "district", "to_use", "approved_on"},
        "optional": {"plot_id", "parcel", "from_use", "geometry"},
    },
}

problems = []


def bad(where, msg):
    problems.append(f"{where}: {msg}")


def valid_date(s):
    if not isinstance(s, str) or not DATE_RE.match(s):
        return False
    y, m, d = map(int, s.split("-"))
    mdays = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30,
             31, 31, 30, 31, 30, 31]
    return 1 <= m <= 12 and 1 <= d <= mdays[m - 1]


def valid_key(s):
    return (isinstance(s, str) and 1 <= len(s) <= 64
            and all(c.isalpha() or c in "0123456789" or c in KEY_PUNCT for c in s))


def valid_landuse(s):
    if not isinstance(s, str) or not re.match(r"^[A-Z][0-9]{0,3}(-C)?$", s):
        return False
    return any(s.startswith(p) for p in LANDUSE_PREFIXES)


def land_class(code):
    return "I" if code and code.startswith(CLASS_I) else "II"


def uscc_ok(s):
    if not isinstance(s, str) or len(s) != 18 or any(c not in USCC_CHARS for c in s):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(s[:17], USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31] == s[17]


def in_extent(pos):
    return (isinstance(pos, list) and len(pos) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)
            and EXTENT[0] <= pos[0] <= EXTENT[1] and EXTENT[2] <= pos[1] <= EXTENT[3])


def in_box(pos, district):
    box = DISTRICT_BOX.get(district)
    return box is None or (box[0] <= pos[0] <= box[1] and box[2] <= pos[1] <= box[3])


def segments_cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on_seg(p, q, r):
        return (min(p[0], r[0]) <= q[0] <= max(p[0], r[0])
                and min(p[1], r[1]) <= q[1] <= max(p[1], r[1]))

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on_seg(a, c, b)) or (o2 == 0 and on_seg(a, d, b))
            or (o3 == 0 and on_seg(c, a, d)) or (o4 == 0 and on_seg(c, b, d)))


def ring_area_m2(ring):
    """Signed area (m², positive = counter-clockwise), local equirectangular projection."""
    lat0 = sum(p[1] for p in ring) / len(ring)
    kx, ky = 111320.0 * math.cos(math.radians(lat0)), 110574.0
    pts = [(p[0] * kx, p[1] * ky) for p in ring]
    return 0.5 * sum(pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1]
                     for i in range(len(pts) - 1))


def check_ring(where, ring, district, outer):
    if not isinstance(ring, list) or len(ring) < 4:
        bad(where, "ring needs >= 4 positions")
        return None
    for pos in ring:
        if not in_extent(pos):
            bad(where, f"position {pos} outside Beijing extent")
            return None
        if not in_box(pos, district):
            bad(where, f"position {pos} outside the rough box of district {district}")
    if ring[0] != ring[-1]:
        bad(where, "ring not closed")
        return None
    n = len(ring) - 1
    if len({tuple(p) for p in ring[:-1]}) != n:
        bad(where, "ring repeats a vertex")
    edges = [(ring[i], ring[i + 1]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # adjacent edges share a vertex
            if segments_cross(*edges[i], *edges[j]):
                bad(where, f"ring self-intersects (edges {i} and {j})")
    area = ring_area_m2(ring)
    if area == 0:
        bad(where, "ring has zero area")
    elif outer and area < 0:
        bad(where, "outer ring is clockwise (RFC 7946 wants counter-clockwise)")
    return abs(area)


def check_geometry(where, g, district):
    """Returns the area in m² (outer minus holes) or None."""
    if not isinstance(g, dict) or set(g) != {"type", "coordinates"}:
        bad(where, "geometry must be {type, coordinates}")
        return None
    if g["type"] == "Polygon":
        polys = [g["coordinates"]]
    elif g["type"] == "MultiPolygon":
        polys = g["coordinates"]
    else:
        bad(where, f"geometry type {g['type']!r} not Polygon/MultiPolygon")
        return None
    total = 0.0
    for poly in polys:
        if not isinstance(poly, list) or not poly:
            bad(where, "polygon without rings")
            return None
        for k, ring in enumerate(poly):
            a = check_ring(where, ring, district, outer=(k == 0))
            if a is None:
                return None
            total += a if k == 0 else -a
    return total


def check_common(ds, i, rec, seen):
    where = f"{ds}[{i}] {rec.get('id') if isinstance(rec, dict) else '?'}"
    if not isinstance(rec, dict):
        bad(where, "not an object")
        return where, False
    spec = FIELDS[ds]
    for f in spec["required"]:
        if rec.get(f) is None:
            bad(where, f"missing required field {f}")
    for f in rec:
        if f not in spec["required"] | spec["optional"]:
            bad(where, f"unknown field {f}")
    rid = rec.get("id")
    if ds != "supervised-units" and not valid_key(rid):
        bad(where, "id not a valid key (1-64 letters, digits, - _ . 〔 〕 ( ))")
    if rid in seen:
        bad(where, "duplicate id")
    seen.add(rid)
    d = rec.get("district")
    if d in RETIRED:
        bad(where, f"retired district code {d}")
    elif d not in DISTRICTS:
        bad(where, f"unknown district {d!r}")
    for f in ("name", "address", "former_industry", "responsible_party", "parcel"):
        v = rec.get(f)
        if v is not None:
            limit = 200 if f in ("name", "former_industry", "responsible_party") else 500
            if not isinstance(v, str) or not 1 <= len(v) <= limit:
                bad(where, f"{f} must be a string of 1-{limit} chars")
    return where, True


def check_plots(plots):
    seen = set()
    for i, r in enumerate(plots):
        where, ok = check_common("plots", i, r, seen)
        if not ok:
            continue
        rid, d = r.get("id"), r.get("district")
        m = re.match(r"^(\d{6})-(\d{4})-(\d{4})$", rid or "")
        if not m:
            bad(where, "plot code not DDDDDD-YYYY-NNNN")
        elif m.group(1) != d:
            bad(where, f"plot code district {m.group(1)} != district {d}")
        status = r.get("status")
        if status not in STATUSES:
            bad(where, f"status {status!r} not in enum")
            continue
        for f in ("current_use", "planned_use"):
            if r.get(f) is not None and not valid_landuse(r[f]):
                bad(where, f"{f} {r[f]!r} not a known GB 50137 code")
        pol = r.get("pollutants")
        if pol is not None:
            if not isinstance(pol, list) or len(set(pol)) != len(pol):
                bad(where, "pollutants must be an array of unique codes")
            else:
                for p in pol:
                    if p not in POLLUTANTS:
                        bad(where, f"unknown pollutant {p!r}")
        area = r.get("area_m2")
        if area is not None and (not isinstance(area, (int, float)) or isinstance(area, bool)
                                 or area < 0):
            bad(where, "area_m2 must be a number >= 0")
        present = []
        for f in DATES:
            v = r.get(f)
            if v is not None:
                if not valid_date(v):
                    bad(where, f"{f} {v!r} not a YYYY-MM-DD date")
                else:
                    present.append((f, v))
        for a, b in zip(present, present[1:]):
            if not a[1] < b[1] and not (b[0] == "listed_on" and a[0] == "risk_assessment_on"
                                         and a[1] == b[1]):
                bad(where, f"{a[0]} {a[1]} not before {b[0]} {b[1]}")
        if present and m and present[0][1][:4] < m.group(2):
            bad(where, f"first survey date {present[0][1]} before the plot code year")
        required, forbidden = DATE_RULES[status]
        for f in required:
            if r.get(f) is None:
                bad(where, f"status {status} but no {f}")
        for f in forbidden:
            if r.get(f) is not None:
                bad(where, f"status {status} but {f} is set")
        if r.get("geometry") is not None:
            ga = check_geometry(where, r["geometry"], d)
            if ga is not None and isinstance(area, (int, float)) and area > 0:
                if abs(ga - area) / area > 0.10:
                    bad(where, f"geometry area {ga:.0f} m2 far from area_m2 {area}")
    return {r.get("id"): r for r in plots if isinstance(r, dict)}


def check_units(units):
    seen = set()
    for i, r in enumerate(units):
        where, ok = check_common("supervised-units", i, r, seen)
        if not ok:
            continue
        rid, d = r.get("id"), r.get("district")
        if not uscc_ok(rid):
            bad(where, "id not a valid USCC (GB 32100 check digit)")
        elif rid[2:8] != d:
            bad(where, f"USCC region {rid[2:8]} != district {d}")
        ic = r.get("industry_code")
        if not isinstance(ic, str) or not re.match(r"^[A-T][0-9]{2,4}$", ic):
            bad(where, f"industry_code {ic!r} not GB/T 4754 with letter")
        y = r.get("listed_year")
        if not isinstance(y, int) or isinstance(y, bool) or not 2000 <= y <= 2100:
            bad(where, "listed_year must be an integer 2000-2100")
            y = None
        loc = r.get("location")
        if loc is not None:
            if (not isinstance(loc, dict) or loc.get("type") != "Point"
                    or set(loc) != {"type", "coordinates"} or not in_extent(loc["coordinates"])):
                bad(where, "location must be a GeoJSON Point inside Beijing's extent")
            elif not in_box(loc["coordinates"], d):
                bad(where, f"location outside the rough box of district {d}")
        ob = r.get("obligations")
        if ob is not None:
            keys = {"hazard_check", "self_monitoring", "annual_report"}
            if not isinstance(ob, dict) or not set(ob) <= keys:
                bad(where, f"obligations may only have keys {sorted(keys)}")
            else:
                for k, v in ob.items():
                    if v is None:
                        continue
                    if not valid_date(v):
                        bad(where, f"obligations.{k} {v!r} not a date")
                    elif y and int(v[:4]) < y:
                        bad(where, f"obligations.{k} {v} before listed_year {y}")


def check_changes(changes, plots):
    seen = set()
    triggers = 0
    for i, r in enumerate(changes):
        where, ok = check_common("land-use-changes", i, r, seen)
        if not ok:
            continue
        for f in ("from_use", "to_use"):
            if r.get(f) is not None and not valid_landuse(r[f]):
                bad(where, f"{f} {r[f]!r} not a known GB 50137 code")
        on = r.get("approved_on")
        if on is not None and not valid_date(on):
            bad(where, f"approved_on {on!r} not a date")
        pid = r.get("plot_id")
        if pid is not None:
            if not valid_key(pid):
                bad(where, "plot_id not a valid key")
            plot = plots.get(pid)
            if plot is None:
                bad(where, f"plot_id {pid} names no plot in plots.json")
            else:
                if plot.get("district") != r.get("district"):
                    bad(where, f"district {r.get('district')} != plot's {plot.get('district')}")
                if (land_class(r.get("to_use")) == "I" and plot.get("status")
                        not in ("cleared", "delisted", "post_management", "closed")):
                    triggers += 1
        if r.get("geometry") is not None:
            check_geometry(where, r["geometry"], r.get("district"))
    return triggers


# ---------------------------------------------------------------------------------------------
# The nine further datasets (/tmp/plan/fields3.md) and the SPEC §5 rules.

# GB 36600-2018 Table 1 subset (mg/kg): (screening I, screening II, intervention I, intervention II)
GB36600 = {
    "As": (20, 60, 120, 140), "Cd": (20, 65, 47, 172), "Cr6": (3.0, 5.7, 30, 78),
    "Pb": (400, 800, 800, 2500), "Hg": (8, 38, 33, 82), "Ni": (150, 900, 600, 2000),
    "benzene": (1, 4, 10, 40), "vinyl_chloride": (0.12, 0.43, 1.2, 4.3),
}
# GB 15618-2018 "other" farmland (mg/kg): screening by band, control by band
PH_BANDS = ["le5.5", "5.5-6.5", "6.5-7.5", "gt7.5"]
GB15618 = {
    "Cd": ((0.3, 0.3, 0.3, 0.6), (1.5, 2.0, 3.0, 4.0)),
    "Hg": ((1.3, 1.8, 2.4, 3.4), (2.0, 2.5, 4.0, 6.0)),
    "As": ((40, 40, 30, 25), (200, 150, 120, 100)),
    "Pb": ((70, 90, 120, 170), (400, 500, 700, 1000)),
    "Cr": ((150, 150, 200, 250), (800, 850, 1000, 1300)),
}
UNIT_FACTOR = {"mg/kg": 1.0, "μg/kg": 0.001}
CLEARED = {"cleared", "delisted", "post_management", "closed"}
IN_DIRECTORY = {"listed", "under_control", "effect_evaluation"}
UNSURVEYED = {"suspected", "preliminary_survey", "exceeds_screening", "detailed_survey",
              "risk_assessment"}
RULES = {  # rule -> severity
    "sensitive-use-before-clearance": "high", "construction-on-listed-plot": "high",
    "construction-without-survey": "medium", "transfer-without-survey": "medium",
    "closed-enterprise-unscreened": "medium", "sample-exceeds-screening": "medium",
    "sample-exceeds-intervention": "high", "farmland-class-mismatch": "medium",
}
DEMO_YEARS = (2021, 2025)  # plausible dates for the demo records of the nine datasets
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# Field specs: name -> (type, required, *args). Types:
#   key; str (min, max); district; date; month; landuse; int (lo, hi); num (lo, hi|None);
#   enum (values); bool; uscc; object; point; results; industry;
#   plot (must_exist); unit (farmland unit, must exist)
NEW = {
    "planning-permits": {
        "id": ("key", True), "project": ("str", True, 1, 200), "plot_id": ("plot", False, True),
        "district": ("district", True), "land_use": ("landuse", True), "issued_on": ("date", True),
    },
    "land-supply-plans": {
        "id": ("key", True), "year": ("int", True, 2000, 2100), "plot_id": ("plot", False, True),
        "district": ("district", True), "planned_use": ("landuse", True),
        "area_m2": ("num", False, 0, None), "supply_mode": ("enum", True, ("allocation", "grant")),
        "quarter": ("int", False, 1, 4),
    },
    "land-right-transfers": {
        "id": ("key", True), "plot_id": ("plot", True, False), "district": ("district", True),
        "holder_uscc": ("uscc", False), "action": ("enum", True, ("recovery", "transfer")),
        "planned_on": ("date", False),
    },
    "construction-permits": {
        "id": ("key", True), "project": ("str", True, 1, 200), "plot_id": ("plot", False, True),
        "district": ("district", True), "issued_on": ("date", True), "start_on": ("date", False),
        "is_remediation_project": ("bool", False),
    },
    "closed-enterprises": {
        "id": ("uscc", True), "name": ("str", True, 1, 200), "industry_code": ("industry", False),
        "district": ("district", True), "address": ("str", False, 1, 500),
        "closed_on": ("date", True), "plot_id": ("plot", False, False),
    },
    "farmland-units": {
        "id": ("key", True), "district": ("district", True), "township": ("str", False, 1, 100),
        "area_mu": ("num", False, 0, None),
        "land_type": ("enum", True, ("cropland", "orchard", "forest")),
        "class": ("enum", True, ("priority_protection", "safe_use", "strict_control")),
        "measures": ("str", False, 1, 2000),
    },
    "agri-inputs": {
        "id": ("key", True), "period": ("month", True), "district": ("district", True),
        "entity_uscc": ("uscc", False), "pesticide_kg": ("num", False, 0, None),
        "fertilizer_kg": ("num", False, 0, None), "film_kg": ("num", False, 0, None),
        "packaging_recovered_kg": ("num", False, 0, None),
        "film_recovered_kg": ("num", False, 0, None),
    },
    "soil-samples": {
        "id": ("key", True), "plot_id": ("plot", False, True), "farmland_unit_id": ("unit", False),
        "district": ("district", True), "location": ("point", False), "sampled_on": ("date", True),
        "depth_m": ("num", False, 0, None), "ph": ("num", False, 0, 14),
        "results": ("results", True),
    },
    "effect-surveys": {
        "id": ("key", True), "year": ("int", True, 2000, 2100), "district": ("district", True),
        "scope": ("str", True, 1, 500), "indicators": ("object", False),
    },
}
LOAD_ORDER = ["farmland-units", "planning-permits", "land-supply-plans", "land-right-transfers",
              "construction-permits", "closed-enterprises", "agri-inputs", "soil-samples",
              "effect-surveys"]
DEMO_COUNTS = {"planning-permits": 8, "land-supply-plans": 8, "land-right-transfers": 6,
               "construction-permits": 8, "closed-enterprises": 8, "farmland-units": 12,
               "agri-inputs": 12, "soil-samples": 24, "effect-surveys": 4}


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def plausible_year(y):
    return DEMO_YEARS[0] <= y <= DEMO_YEARS[1]


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def point_in_geometry(pt, g):
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return any(point_in_ring(pt, poly[0]) and not any(point_in_ring(pt, h) for h in poly[1:])
               for poly in polys)


def check_field(where, ds, f, spec, v, rec, plots, units):
    t, args = spec[0], spec[2:]
    d = rec.get("district")
    if t == "key":
        if not valid_key(v):
            bad(where, f"{f} not a valid key (1-64 letters, digits, - _ . 〔 〕 ( ))")
    elif t == "str":
        if not isinstance(v, str) or not args[0] <= len(v) <= args[1] or v != v.strip():
            bad(where, f"{f} must be a trimmed string of {args[0]}-{args[1]} chars")
    elif t == "district":
        pass  # check_new_common
    elif t == "date":
        if not valid_date(v):
            bad(where, f"{f} {v!r} not a YYYY-MM-DD date")
        elif not plausible_year(int(v[:4])):
            bad(where, f"{f} {v} outside the demo's {DEMO_YEARS[0]}-{DEMO_YEARS[1]}")
    elif t == "month":
        if not isinstance(v, str) or not MONTH_RE.match(v):
            bad(where, f"{f} {v!r} not a YYYY-MM month")
        elif not plausible_year(int(v[:4])):
            bad(where, f"{f} {v} outside the demo's {DEMO_YEARS[0]}-{DEMO_YEARS[1]}")
    elif t == "landuse":
        if not valid_landuse(v):
            bad(where, f"{f} {v!r} not a known GB 50137 code")
    elif t == "int":
        if not isinstance(v, int) or isinstance(v, bool) or not args[0] <= v <= args[1]:
            bad(where, f"{f} must be an integer {args[0]}-{args[1]}")
        elif f == "year" and not plausible_year(v):
            bad(where, f"year {v} outside the demo's {DEMO_YEARS[0]}-{DEMO_YEARS[1]}")
    elif t == "num":
        lo, hi = args
        if not is_num(v) or v < lo or (hi is not None and v > hi):
            bad(where, f"{f} must be a number >= {lo}" + (f" and <= {hi}" if hi is not None else ""))
    elif t == "enum":
        if v not in args[0]:
            bad(where, f"{f} {v!r} not one of {', '.join(args[0])}")
    elif t == "bool":
        if not isinstance(v, bool):
            bad(where, f"{f} must be true or false")
    elif t == "uscc":
        if not uscc_ok(v):
            bad(where, f"{f} {v!r} not a valid USCC (GB 32100 check digit)")
        elif v[2:8] != d:
            bad(where, f"{f} registered in {v[2:8]}, record district {d}")
    elif t == "industry":
        if not isinstance(v, str) or not re.match(r"^[A-T][0-9]{2,4}$", v):
            bad(where, f"{f} {v!r} not GB/T 4754 with letter")
    elif t == "object":
        if not isinstance(v, dict):
            bad(where, f"{f} must be a JSON object")
    elif t == "point":
        if (not isinstance(v, dict) or v.get("type") != "Point"
                or set(v) != {"type", "coordinates"} or not in_extent(v["coordinates"])):
            bad(where, f"{f} must be a GeoJSON Point inside Beijing's extent")
        elif not in_box(v["coordinates"], d):
            bad(where, f"{f} outside the rough box of district {d}")
        else:
            plot = plots.get(rec.get("plot_id"))
            if plot and plot.get("geometry") and not point_in_geometry(v["coordinates"],
                                                                       plot["geometry"]):
                bad(where, f"{f} not inside plot {plot['id']}'s geometry")
    elif t == "results":
        if not isinstance(v, list) or not 1 <= len(v) <= 200:
            bad(where, f"{f} must be a non-empty array of at most 200 results")
            return
        seen = set()
        for k, item in enumerate(v):
            w = f"{f}[{k}]"
            if not isinstance(item, dict) or set(item) != {"pollutant", "value", "unit"}:
                bad(where, f"{w} must have exactly pollutant, value, unit")
                continue
            if item["pollutant"] not in POLLUTANTS:
                bad(where, f"{w} unknown pollutant {item['pollutant']!r}")
            elif item["pollutant"] in seen:
                bad(where, f"{w} pollutant {item['pollutant']} twice")
            seen.add(item["pollutant"])
            if not is_num(item["value"]) or item["value"] < 0:
                bad(where, f"{w} value must be a number >= 0")
            if item["unit"] not in UNIT_FACTOR:
                bad(where, f"{w} unit {item['unit']!r} not mg/kg or μg/kg")
    elif t == "plot":
        must_exist = args[0]
        if not valid_key(v):
            bad(where, f"{f} not a valid key")
            return
        plot = plots.get(v)
        if plot is None:
            if must_exist:
                bad(where, f"{f} {v} names no plot in plots.json")
            elif not re.match(r"^\d{6}-20\d{2}-\d{4}$", v) or v[:6] != d:
                bad(where, f"{f} {v} (not recorded) should look like a plot code of district {d}")
        elif plot.get("district") != d:
            bad(where, f"district {d} != plot {v}'s {plot.get('district')}")
    elif t == "unit":
        u = units.get(v)
        if u is None:
            bad(where, f"{f} {v} names no unit in farmland-units.json")
        elif u.get("district") != d:
            bad(where, f"district {d} != farmland unit {v}'s {u.get('district')}")
    else:
        raise AssertionError(t)


def check_new(ds, records, plots, units):
    spec = NEW[ds]
    seen = set()
    for i, rec in enumerate(records):
        where = f"{ds}[{i}] {rec.get('id') if isinstance(rec, dict) else '?'}"
        if not isinstance(rec, dict):
            bad(where, "not an object")
            continue
        for f, fs in spec.items():
            if fs[1] and rec.get(f) is None:
                bad(where, f"missing required field {f}")
        for f in rec:
            if f not in spec:
                bad(where, f"unknown field {f} (server-owned and derived fields are not sent)")
        rid = rec.get("id")
        if rid in seen:
            bad(where, "duplicate id")
        seen.add(rid)
        d = rec.get("district")
        if d in RETIRED:
            bad(where, f"retired district code {d}")
        elif d not in DISTRICTS:
            bad(where, f"unknown district {d!r}")
        for f, v in rec.items():
            if f in spec and v is not None:
                check_field(where, ds, f, spec[f], v, rec, plots, units)
        # dataset-specific consistency
        if ds == "soil-samples":
            has_p, has_u = rec.get("plot_id") is not None, rec.get("farmland_unit_id") is not None
            if has_p == has_u:
                bad(where, "exactly one of plot_id and farmland_unit_id")
            table = GB36600 if has_p else GB15618
            for item in rec.get("results") or []:
                if isinstance(item, dict) and item.get("pollutant") in POLLUTANTS \
                        and item["pollutant"] not in table:
                    bad(where, f"pollutant {item['pollutant']} has no "
                               f"{'GB 36600' if has_p else 'GB 15618'} value (demo wants evaluable)")
            if has_u and rec.get("ph") is None:
                bad(where, "farmland sample without ph cannot be screened")
            plot = plots.get(rec.get("plot_id"))
            if plot is not None and isinstance(rec.get("sampled_on"), str) \
                    and rec["sampled_on"][:4] < plot["id"][7:11]:
                bad(where, f"sampled_on {rec['sampled_on']} before the plot code year")
        if ds == "construction-permits":
            a, b = rec.get("issued_on"), rec.get("start_on")
            if valid_date(a) and valid_date(b) and b < a:
                bad(where, f"start_on {b} before issued_on {a}")
        if ds == "agri-inputs":
            for used, back in (("film_kg", "film_recovered_kg"),):
                if is_num(rec.get(used)) and is_num(rec.get(back)) and rec[back] > rec[used]:
                    bad(where, f"{back} exceeds {used}")
        if ds == "land-supply-plans" and rec.get("plot_id") in plots:
            area = plots[rec["plot_id"]].get("area_m2")
            if is_num(rec.get("area_m2")) and is_num(area) and rec["area_m2"] > area * 1.05:
                bad(where, f"area_m2 {rec['area_m2']} larger than plot's {area}")
    return {r.get("id"): r for r in records if isinstance(r, dict)}


# ---- rules ----------------------------------------------------------------------------------

def ph_band(ph):
    return 0 if ph <= 5.5 else 1 if ph <= 6.5 else 2 if ph <= 7.5 else 3


def exceedances(sample, plots):
    """[(pollutant, level, limit, ratio, standard, class_or_band)] as SPEC §5 derives them."""
    out = []
    if sample.get("plot_id") is not None:
        plot = plots.get(sample["plot_id"])
        cls = land_class(plot.get("planned_use")) if plot and plot.get("planned_use") else "I"
        k = 0 if cls == "I" else 1
        for item in sample["results"]:
            lim = GB36600.get(item["pollutant"])
            if lim is None:
                continue
            mg = item["value"] * UNIT_FACTOR[item["unit"]]
            for level, limit in (("intervention", lim[2 + k]), ("screening", lim[k])):
                if mg > limit:
                    out.append((item["pollutant"], level, limit, mg / limit, "GB36600", cls))
                    break
    else:
        if sample.get("ph") is None:
            return out
        b = ph_band(sample["ph"])
        for item in sample["results"]:
            lim = GB15618.get(item["pollutant"])
            if lim is None:
                continue
            mg = item["value"] * UNIT_FACTOR[item["unit"]]
            for level, limit in (("intervention", lim[1][b]), ("screening", lim[0][b])):
                if mg > limit:
                    out.append((item["pollutant"], level, limit, mg / limit, "GB15618",
                                PH_BANDS[b]))
                    break
    return out


def evaluate(data, plots, units, today):
    """{rule: set of (dataset, id) of triggering records}, and the exceedances per sample."""
    found = {r: set() for r in RULES}

    def status(pid):
        p = plots.get(pid)
        return p.get("status") if p else None

    for ds, field in (("land-use-changes", "to_use"), ("planning-permits", "land_use"),
                      ("land-supply-plans", "planned_use")):
        for r in data[ds]:
            pid = r.get("plot_id")
            if pid in plots and land_class(r.get(field)) == "I" and status(pid) not in CLEARED:
                found["sensitive-use-before-clearance"].add((ds, r["id"]))
    for r in data["construction-permits"]:
        st = status(r.get("plot_id"))
        if st in IN_DIRECTORY and not r.get("is_remediation_project"):
            found["construction-on-listed-plot"].add(("construction-permits", r["id"]))
        if st in UNSURVEYED:
            found["construction-without-survey"].add(("construction-permits", r["id"]))
    for r in data["land-right-transfers"]:
        if r.get("plot_id") not in plots or status(r["plot_id"]) in ("suspected",
                                                                    "preliminary_survey"):
            found["transfer-without-survey"].add(("land-right-transfers", r["id"]))
    for r in data["closed-enterprises"]:
        closed = datetime.date.fromisoformat(r["closed_on"])
        if (today - closed).days > 90 and r.get("plot_id") not in plots:
            found["closed-enterprise-unscreened"].add(("closed-enterprises", r["id"]))
    exc = {}
    unit_levels = {}
    for s in data["soil-samples"]:
        e = exceedances(s, plots)
        exc[s["id"]] = e
        levels = {x[1] for x in e}
        if "intervention" in levels:
            found["sample-exceeds-intervention"].add(("soil-samples", s["id"]))
        elif levels:
            found["sample-exceeds-screening"].add(("soil-samples", s["id"]))
        if s.get("farmland_unit_id") is not None:
            unit_levels.setdefault(s["farmland_unit_id"], set()).update(levels)
    for uid, levels in unit_levels.items():
        cls = units[uid].get("class")
        if (cls == "priority_protection" and levels) or \
                (cls != "strict_control" and "intervention" in levels):
            found["farmland-class-mismatch"].add(("farmland-units", uid))
    return found, exc


# ---- EXPECTED.md ----------------------------------------------------------------------------

REF_RE = re.compile(r"`([a-z-]+)/([^`]+)`")


def parse_expected(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        bad(path, f"cannot read: {e}")
        return None, None
    rules, exc = {}, set()
    for ln in lines:
        if not ln.startswith("|"):
            continue
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        m = re.fullmatch(r"`([a-z-]+)`", cells[0])
        if m and m.group(1) in RULES and len(cells) == 4:
            rules[m.group(1)] = {
                "severity": cells[1],
                "open": {(a, b) for a, b in REF_RE.findall(cells[2])},
                "near": {(a, b) for a, b in REF_RE.findall(cells[3])},
            }
            continue
        m = re.fullmatch(r"`(SS-[^`]+)`", cells[0])
        if m and len(cells) == 8:
            # | sample | pollutant | value | standard | class / pH band | level | limit | ratio |
            exc.add((m.group(1), cells[1].strip("`"), cells[5], float(cells[6]),
                     round(float(cells[7]), 2), cells[3], cells[4].replace("class ", "")))
    return rules, exc


def compare_expected(path, data, found, exc):
    rules, exp_exc = parse_expected(path)
    if rules is None:
        return
    known = {(ds, r.get("id")) for ds, recs in data.items() for r in recs}
    for rule, sev in RULES.items():
        e = rules.get(rule)
        if e is None:
            bad("EXPECTED.md", f"no row for rule {rule}")
            continue
        if e["severity"] != sev:
            bad("EXPECTED.md", f"{rule}: severity {e['severity']} (SPEC says {sev})")
        for ref in e["open"] | e["near"]:
            if ref not in known:
                bad("EXPECTED.md", f"{rule}: {ref[0]}/{ref[1]} is no demo record")
        if not e["open"]:
            bad("EXPECTED.md", f"{rule}: no record opens a finding")
        if not e["near"]:
            bad("EXPECTED.md", f"{rule}: no near miss")
        for ref in sorted(e["open"] - found[rule]):
            bad("EXPECTED.md", f"{rule}: {ref[0]}/{ref[1]} listed as a finding, data says none")
        for ref in sorted(found[rule] - e["open"]):
            bad("EXPECTED.md", f"{rule}: data opens a finding for {ref[0]}/{ref[1]}, not listed")
        for ref in sorted(e["near"] & found[rule]):
            bad("EXPECTED.md", f"{rule}: near miss {ref[0]}/{ref[1]} does open a finding")
    got = {(sid, p, lvl, float(lim), round(ratio, 2), std, cls)
           for sid, items in exc.items() for (p, lvl, lim, ratio, std, cls) in items}
    for x in sorted(exp_exc - got):
        bad("EXPECTED.md", f"exceedance {x} listed but not derived from the data")
    for x in sorted(got - exp_exc):
        bad("EXPECTED.md", f"exceedance {x} derived from the data but not listed")


def beijing_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        bad(path, f"cannot read: {e}")
        return []
    if not isinstance(data, list):
        bad(path, "not a JSON array")
        return []
    return data


def main():
    args = sys.argv[1:]
    today = beijing_today()
    if "--today" in args:
        k = args.index("--today")
        today = datetime.date.fromisoformat(args[k + 1])
        del args[k:k + 2]
    base = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    plots = load(os.path.join(base, "plots.json"))
    units = load(os.path.join(base, "supervised-units.json"))
    changes = load(os.path.join(base, "land-use-changes.json"))
    by_id = check_plots(plots)
    check_units(units)
    triggers = check_changes(changes, by_id)
    # Coverage the demo relies on.
    statuses = [p.get("status") for p in plots if isinstance(p, dict)]
    for s in STATUSES:
        if statuses.count(s) < 2:
            bad("plots.json", f"status {s} appears {statuses.count(s)} times (< 2)")
    if triggers < 2:
        bad("land-use-changes.json",
            f"only {triggers} change(s) give a class-I use to an uncleared plot (want >= 2)")
    # The nine further datasets (farmland units first: samples link to them).
    data = {"land-use-changes": [r for r in changes if isinstance(r, dict)]}
    fu = {}
    for ds in LOAD_ORDER:
        recs = load(os.path.join(base, ds + ".json"))
        if len(recs) != DEMO_COUNTS[ds]:
            bad(ds + ".json", f"{len(recs)} records (the demo has {DEMO_COUNTS[ds]})")
        got = check_new(ds, recs, by_id, fu)
        if ds == "farmland-units":
            fu = got
        data[ds] = [r for r in recs if isinstance(r, dict)]
    if problems:  # rule evaluation needs well-formed records
        print("\n".join(problems))
        sys.exit(1)
    found, exc = evaluate(data, by_id, fu, today)
    compare_expected(os.path.join(base, "EXPECTED.md"), data, found, exc)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
