#!/usr/bin/env python3
"""Validate the soilshare demo data (plots, supervised-units, land-use-changes).

Usage: python3 scripts/demo/check.py [DIR]   (DIR defaults to this script's directory)
Prints "ok" and exits 0, or lists the problems and exits 1. Standard library only.
"""
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
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
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
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
