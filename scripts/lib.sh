# Shared shell functions of scripts/run and scripts/test: packages, build, a private PostgreSQL.
# Sourced, not run.

PGBIN=/usr/lib/postgresql/15/bin
RUNTIME_PACKAGES="libmicrohttpd12 libjansson4 libpq5 libcsv3 postgresql-15 postgresql-15-postgis-3 curl jq"
BUILD_PACKAGES="gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libpq-dev nettle-dev
  libgnutls28-dev libcsv-dev"
TEST_PACKAGES="libcriterion-dev libcurl4-gnutls-dev"
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

# cmake_build DIR [cmake options...]: configures once and builds.
cmake_build() {
  local dir=$1; shift
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
