#!/usr/bin/env bash
# GDAL's OAPIF driver (ogrinfo, ogr2ogr) against the /ogc of a running server: it must list every
# collection and read every plot across pages, and a spatial filter must give exactly the plots
# PostGIS finds. Loads 300 plots with geometries first (district 110119, a grid near 延庆).
#
#   GIS_KEY=<reader key> GIS_WRITE_KEY=<ecology key> GIS_DATABASE_URL=<the server's database> \
#     tests/gis/test_gdal.sh http://127.0.0.1:8080
#
# Ends with one line: "gis: GDAL OAPIF passed (N checks)" or "gis: GDAL OAPIF FAILED (F of N
# checks failed)"; exits non-zero on any failure, also when something needed is missing.
set -uo pipefail

URL=${1:-}
PSQL=${PSQL:-psql}
checks=0
failures=0
WORK=$(mktemp -d /tmp/soilshare-gis.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

say() { printf '%s\n' "$*"; }
pass() { checks=$((checks + 1)); say "ok - $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); say "FAIL - $*"; }
# Stops at once: the run cannot go on (and fails, never skips).
abort() {
  say "FAIL - $*"
  say "gis: GDAL OAPIF FAILED (could not run: $*)"
  exit 1
}

[ -n "$URL" ] || abort "usage: test_gdal.sh URL (with GIS_KEY, GIS_WRITE_KEY, GIS_DATABASE_URL)"
for v in GIS_KEY GIS_WRITE_KEY GIS_DATABASE_URL; do
  [ -n "${!v:-}" ] || abort "$v is not set"
done
for tool in ogrinfo ogr2ogr curl jq "$PSQL"; do
  command -v "$tool" >/dev/null 2>&1 || abort "$tool is not installed (Debian: gdal-bin, curl, jq, postgresql-client)"
done
say "# $(ogrinfo --version)"

# The key travels in a header only. GDAL 3.6 spells the option GDAL_HTTP_HEADERS.
export GDAL_HTTP_HEADERS="Authorization: Bearer $GIS_KEY"
export CPL_VSIL_CURL_ALLOWED_EXTENSIONS=NONE GDAL_HTTP_TIMEOUT=60
OAPIF="OAPIF:$URL/ogc"
sql() { "$PSQL" "$GIS_DATABASE_URL" -X -At -v ON_ERROR_STOP=1 -c "$1"; }
LIVE_PLOTS="FROM records WHERE dataset = 'plots' AND deleted_at IS NULL"

# 300 plots with geometries, 20 × 15 squares of 0.003°, through the API in one bulk write.
jq -n '[range(0; 300) as $i | ($i % 20) as $x | (($i / 20) | floor) as $y |
        (115.95 + $x * 0.004) as $lon | (40.45 + $y * 0.004) as $lat |
        {id: ("110119-2099-" + ("000" + ($i | tostring) | .[-4:])), name: "GDAL 测试地块",
         district: "110119", status: "suspected", planned_use: "M1",
         geometry: {type: "Polygon", coordinates: [[[$lon, $lat], [$lon + 0.003, $lat],
           [$lon + 0.003, $lat + 0.003], [$lon, $lat + 0.003], [$lon, $lat]]]}}]' >"$WORK/plots.json"
code=$(curl -sS -o "$WORK/bulk.out" -w '%{http_code}' -X POST "$URL/v1/plots" \
  -H "Authorization: Bearer $GIS_WRITE_KEY" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/plots.json") || abort "the server at $URL does not answer"
[ "$code" = 200 ] || abort "loading 300 plots: HTTP $code $(head -c 300 "$WORK/bulk.out")"

live=$(sql "SELECT count(*) $LIVE_PLOTS") || abort "cannot count the plots in $GIS_DATABASE_URL"
[ "$live" -ge 250 ] || abort "only $live plots in the database; the test needs at least 250"
say "# $live live plots in the database"

# 1. ogrinfo lists every collection the server offers, and nothing else.
curl -sS -H "Authorization: Bearer $GIS_KEY" "$URL/ogc/collections" |
  jq -r '.collections[].id' | LC_ALL=C sort >"$WORK/collections.want" ||
  abort "GET /ogc/collections failed"
if ogrinfo -ro "$OAPIF" >"$WORK/list.out" 2>&1; then
  sed -n 's/^[0-9][0-9]*: \([^ ]*\) .*/\1/p' "$WORK/list.out" | LC_ALL=C sort >"$WORK/collections.got"
  if [ -s "$WORK/collections.want" ] && diff -u "$WORK/collections.want" "$WORK/collections.got" >"$WORK/collections.diff"; then
    pass "ogrinfo $OAPIF lists the $(wc -l <"$WORK/collections.want") collections"
  else
    fail "ogrinfo lists other collections than /ogc/collections:"; cat "$WORK/collections.diff"
  fi
else
  fail "ogrinfo $OAPIF failed:"; cat "$WORK/list.out"
fi
grep -qx plots "$WORK/collections.got" 2>/dev/null && grep -qx directory "$WORK/collections.got" &&
  pass "plots and directory are among them" || fail "plots or directory is missing"

# 2. ogrinfo -al -so: the feature count of plots is the database's.
if ogrinfo -ro -al -so -oo PAGE_SIZE=100 "$OAPIF" plots >"$WORK/so.out" 2>&1; then
  n=$(sed -n 's/^Feature Count: \([0-9]*\)$/\1/p' "$WORK/so.out")
  [ "$n" = "$live" ] && pass "ogrinfo -al -so counts $n plots, as the database holds" ||
    fail "ogrinfo -al -so counts ${n:-no} plots; the database holds $live"
  grep -q '^Geometry: Polygon' "$WORK/so.out" && pass "plots are polygons to GDAL" ||
    fail "plots are not read as polygons: $(grep '^Geometry' "$WORK/so.out")"
  # Fields typed from the collection's schema, not guessed from the first page.
  grep -q '^area_m2: Real' "$WORK/so.out" && grep -q '^listed_on: Date' "$WORK/so.out" &&
    grep -q '^cleared_on: Date' "$WORK/so.out" && pass "GDAL types the fields from the schema" ||
    fail "GDAL did not type the fields from the schema: $(grep -E '^(area_m2|listed_on|cleared_on):' "$WORK/so.out" | tr '\n' ' ')"
else
  fail "ogrinfo -al -so failed:"; cat "$WORK/so.out"
fi

# 3. ogr2ogr reads every plot, page by page, into a GeoPackage: each one exactly once.
sql "SELECT id $LIVE_PLOTS ORDER BY id" | LC_ALL=C sort >"$WORK/ids.want"
if ogr2ogr --debug on -f GPKG "$WORK/plots.gpkg" -oo PAGE_SIZE=100 "$OAPIF" plots \
     >"$WORK/ogr2ogr.out" 2>&1; then
  pages=$(grep -c 'HTTP: Fetch(.*/ogc/collections/plots/items' "$WORK/ogr2ogr.out")
  want_pages=$(( (live + 99) / 100 ))
  [ "$pages" -ge "$want_pages" ] && pass "ogr2ogr followed the next links: $pages requests of items for $want_pages pages of 100" ||
    fail "ogr2ogr made $pages requests of items; $live plots need $want_pages pages of 100"
  n=$(ogrinfo -ro -so "$WORK/plots.gpkg" plots 2>&1 | sed -n 's/^Feature Count: \([0-9]*\)$/\1/p')
  [ "$n" = "$live" ] && pass "ogr2ogr -f GPKG wrote $n plots, as the database holds" ||
    fail "ogr2ogr -f GPKG wrote ${n:-no} plots; the database holds $live"
  ogr2ogr -f CSV /vsistdout/ "$WORK/plots.gpkg" plots -select id 2>/dev/null | tail -n +2 |
    tr -d '"\r' | LC_ALL=C sort >"$WORK/ids.got"
  diff -u "$WORK/ids.want" "$WORK/ids.got" >"$WORK/ids.diff" &&
    pass "the GeoPackage holds every plot id once" ||
    { fail "the GeoPackage's ids differ from the database's:"; head -20 "$WORK/ids.diff"; }
else
  fail "ogr2ogr -f GPKG failed:"; tail -20 "$WORK/ogr2ogr.out"
fi

# 4. A spatial filter: exactly the plots PostGIS says intersect the box. The box cuts through
# the grid's squares, so that intersecting and not merely lying inside counts.
BOX=(115.9865 40.4615 116.0255 40.4905)
env_sql="ST_MakeEnvelope(${BOX[0]}, ${BOX[1]}, ${BOX[2]}, ${BOX[3]}, 4326)"
sql "SELECT id $LIVE_PLOTS AND ST_Intersects(geom, $env_sql) ORDER BY id" |
  LC_ALL=C sort >"$WORK/box.want"
want=$(wc -l <"$WORK/box.want")
if ogrinfo -ro -so -oo PAGE_SIZE=100 -spat "${BOX[@]}" "$OAPIF" plots >"$WORK/spat.out" 2>&1; then
  n=$(sed -n 's/^Feature Count: \([0-9]*\)$/\1/p' "$WORK/spat.out")
  [ "$want" -gt 0 ] && [ "$n" = "$want" ] && pass "ogrinfo -spat ${BOX[*]} finds $n plots, as PostGIS does" ||
    fail "ogrinfo -spat ${BOX[*]} finds ${n:-no} plots; PostGIS finds $want"
else
  fail "ogrinfo -spat failed:"; cat "$WORK/spat.out"
fi
ogr2ogr -f CSV /vsistdout/ -oo PAGE_SIZE=100 -spat "${BOX[@]}" "$OAPIF" plots -select id \
  2>"$WORK/spat-ids.err" | tail -n +2 | tr -d '"\r' | LC_ALL=C sort >"$WORK/box.got"
diff -u "$WORK/box.want" "$WORK/box.got" >"$WORK/box.diff" &&
  pass "the plots in the box are those PostGIS finds, by id" ||
  { fail "the plots in the box differ from PostGIS's:"; head -20 "$WORK/box.diff"; cat "$WORK/spat-ids.err"; }

# 5. The directory reads as the 名录 the database holds.
dir=$(sql "SELECT count(*) $LIVE_PLOTS AND plot_in_directory(data ->> 'status')")
if ogrinfo -ro -so -oo PAGE_SIZE=100 "$OAPIF" directory >"$WORK/dir.out" 2>&1; then
  n=$(sed -n 's/^Feature Count: \([0-9]*\)$/\1/p' "$WORK/dir.out")
  [ "$n" = "$dir" ] && pass "the directory has $n plots, as the database holds" ||
    fail "the directory has ${n:-no} plots; the database holds $dir"
else
  fail "ogrinfo directory failed:"; cat "$WORK/dir.out"
fi

if [ "$failures" -eq 0 ]; then
  say "gis: GDAL OAPIF passed ($checks checks): every collection listed, $live plots read in pages, $want in the box as PostGIS finds"
else
  say "gis: GDAL OAPIF FAILED ($failures of $checks checks failed)"
  exit 1
fi
