# Shared shell functions of scripts/run and scripts/test: packages, build, a private PostgreSQL,
# the demo data. Sourced, not run.

PGBIN=/usr/lib/postgresql/15/bin
RUNTIME_PACKAGES="libmicrohttpd12 libjansson4 libpq5 libcsv3 libcurl3-gnutls postgresql-15 postgresql-15-postgis-3
  curl jq"
# Node.js and npm install Leaflet for the public page, which the build embeds (web/).
BUILD_PACKAGES="gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libpq-dev nettle-dev
  libgnutls28-dev libcsv-dev libcurl4-gnutls-dev nodejs"
TEST_PACKAGES="libcriterion-dev"
# The browser test of the public page (tests/browser): Chromium, and fonts for its Chinese.
BROWSER_PACKAGES="chromium fonts-noto-cjk"
# GDAL's ogrinfo and ogr2ogr, for the test of /ogc with a GIS client (tests/gis).
GIS_PACKAGES="gdal-bin"
# clang with its runtimes: libFuzzer and the sanitizers for -fsanitize=fuzzer (scripts/fuzz).
FUZZ_PACKAGES="clang libclang-rt-dev"
# scan-build (the clang static analyzer) and cppcheck, for scripts/analyze.
ANALYZE_PACKAGES="clang-tools cppcheck"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Installs the Debian packages that are missing (apt-get update once, then install).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ! command -v node >/dev/null 2>&1 && [[ " $* " == *" nodejs "* ]]; then missing+=(nodejs npm); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]})"
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm_install DIR: `npm ci` in DIR when its node_modules is missing or older than its
# package-lock.json (npm writes node_modules/.package-lock.json at every install).
npm_install() {
  local dir=$1
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    log "installing the npm packages of ${dir#"$ROOT"/} (npm ci)..."
    (cd "$dir" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci in $dir failed"
  fi
}

# cmake_build DIR [cmake options...]: configures once and builds (with Leaflet for the page).
cmake_build() {
  local dir=$1; shift
  npm_install "$ROOT/web"
  cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" >/dev/null || cmake --build "$dir" -j1
}

# A TCP port nobody listens on (loopback).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( (RANDOM % 12000) + 20000 ))  # below the ephemeral range (32768+)
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  die "no free TCP port found"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start: a throwaway cluster in a temp folder; sets PG_DIR, PG_PORT, DATABASE_URL.
pg_start() {
  PG_DIR=$(mktemp -d /tmp/soilshare-pg.XXXXXX)
  PG_PORT=$(free_port)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  as_postgres "$PGBIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  pg_ctl_start
  as_postgres "$PGBIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres soilshare
  DATABASE_URL="postgresql:///soilshare?host=$PG_DIR&port=$PG_PORT&user=postgres"
  export DATABASE_URL PG_DIR PG_PORT
}

# pg_standby_start: a streaming replica of the pg_start cluster (pg_basebackup -R), a hot standby
# on a port and socket folder of its own; sets SB_DIR, SB_PORT, STANDBY_URL.
pg_standby_start() {
  SB_DIR=$(mktemp -d /tmp/soilshare-standby.XXXXXX)
  SB_PORT=$(free_port)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$SB_DIR"
  chmod 700 "$SB_DIR"
  as_postgres "$PGBIN/pg_basebackup" -h "$PG_DIR" -p "$PG_PORT" -U postgres -D "$SB_DIR/data" \
    -R -X stream -c fast >"$SB_DIR/basebackup.log" 2>&1 ||
    { cat "$SB_DIR/basebackup.log" >&2; return 1; }
  as_postgres "$PGBIN/pg_ctl" -D "$SB_DIR/data" -l "$SB_DIR/server.log" -w -t 60 \
    -o "-p $SB_PORT -k $SB_DIR -c listen_addresses='' -c hot_standby=on -c max_connections=200" start >/dev/null ||
    { tail -20 "$SB_DIR/server.log" >&2; return 1; }
  STANDBY_URL="postgresql:///soilshare?host=$SB_DIR&port=$SB_PORT&user=postgres"
  export STANDBY_URL
}

pg_standby_stop() {
  [ -n "${SB_DIR:-}" ] || return 0
  as_postgres "$PGBIN/pg_ctl" -D "$SB_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$SB_DIR"
  SB_DIR=
}

pg_ctl_start() {
  as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses='' -c max_connections=200 -c fsync=${PG_FSYNC:-on}" \
    start >/dev/null || { tail -20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
}

pg_ctl_stop() {
  as_postgres "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  pg_ctl_stop
  rm -rf "$PG_DIR"
  PG_DIR=
}

# wait_ready URL SECONDS: polls /readyz.
wait_ready() {
  local url=$1 secs=$2
  for _ in $(seq 1 $((secs * 10))); do
    curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# demo_keys BIN: makes the demo's keys on DATABASE_URL's database, into ECOLOGY_KEY,
# PLANNING_KEY, CHAOYANG_KEY (district 110105), HOUSING_KEY, ECONOMY_KEY, AGRICULTURE_KEY and
# WATER_KEY (a reader).
demo_keys() {
  local bin=$1
  demo_key() { "$bin" keys create --agency "$1" ${2:+--district "$2"} --label demo 2>/dev/null; }
  ECOLOGY_KEY=$(demo_key ecology)
  PLANNING_KEY=$(demo_key planning)
  CHAOYANG_KEY=$(demo_key district 110105)
  HOUSING_KEY=$(demo_key housing)
  ECONOMY_KEY=$(demo_key economy)
  AGRICULTURE_KEY=$(demo_key agriculture)
  WATER_KEY=$(demo_key water)
}

# demo_load_file URL DATASET KEY [FARM_KEY]: PUTs each record of scripts/demo/DATASET.json,
# soil samples on farmland with FARM_KEY.
demo_load_file() {
  local url=$1 dataset=$2 key=$3 farm_key=${4:-$3} file="$ROOT/scripts/demo/$2.json" n=0 rec id code k
  while IFS= read -r rec; do
    k=$key
    [ "$(jq -rn --argjson r "$rec" '$r | has("farmland_unit_id")')" = true ] && k=$farm_key
    id=$(jq -rn --argjson r "$rec" '$r.id | @uri')
    code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT "$url/v1/$dataset/$id" \
      -H "Authorization: Bearer $k" -H 'Content-Type: application/json' --data-binary "$rec")
    case "$code" in 200|201) n=$((n + 1)) ;; *) log "demo $dataset/$id: HTTP $code" ;; esac
  done < <(jq -c '.[]' "$file")
  log "loaded $n $dataset"
}

# demo_load URL: publishes the demo data of scripts/demo/ through the API of the server at URL,
# as each agency's script would, with the keys of demo_keys.
demo_load() {
  local url=$1 step as k code d
  demo_load_file "$url" plots "$ECOLOGY_KEY"
  # Steps after the plots are in (scripts/demo/steps.json): status changes, and refusals the
  # law requires of a district key.
  while IFS= read -r step; do
    as=$(jq -r '.as' <<<"$step"); k=$ECOLOGY_KEY
    [ "$as" = "district:110105" ] && k=$CHAOYANG_KEY
    if [ "$(jq -r 'has("patch")' <<<"$step")" = true ]; then
      code=$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH "$url/v1/$(jq -r '.patch' <<<"$step")" \
        -H "Authorization: Bearer $k" -H 'Content-Type: application/merge-patch+json' \
        --data-binary "$(jq -c '.body' <<<"$step")")
    else
      code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$url/v1/$(jq -r '.delete' <<<"$step")" \
        -H "Authorization: Bearer $k")
    fi
    [ "$code" = "$(jq -r '.expect' <<<"$step")" ] || log "demo step \"$(jq -r '.note' <<<"$step")\": HTTP $code"
    log "demo step: $(jq -r '.note' <<<"$step"): HTTP $code"
  done < <(jq -c '.[]' "$ROOT/scripts/demo/steps.json")
  demo_load_file "$url" supervised-units "$ECOLOGY_KEY"
  for d in land-use-changes planning-permits land-supply-plans land-right-transfers; do
    demo_load_file "$url" "$d" "$PLANNING_KEY"
  done
  demo_load_file "$url" construction-permits "$HOUSING_KEY"
  demo_load_file "$url" closed-enterprises "$ECONOMY_KEY"
  for d in farmland-units agri-inputs effect-surveys; do demo_load_file "$url" "$d" "$AGRICULTURE_KEY"; done
  demo_load_file "$url" soil-samples "$ECOLOGY_KEY" "$AGRICULTURE_KEY"
}
