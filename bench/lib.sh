# Shared shell functions of the benchmarks (bench/run, and bench/pipeline with bench/threads): timing,
# medians, the generated plots and their bulk load, wrk and pgbench figures. Sourced after
# scripts/lib.sh, with ROOT and WORK set.

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'; }
# The median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
RESULTS=()
record() { RESULTS+=("$1"); printf '%s\n' "$1"; }

# gen_plots FROM TO DIR: plots BENCH-<FROM>..BENCH-<TO> as JSON arrays of 1,000 in DIR
# (DIR/<batch>.json), varied over 12 districts, 8 statuses and 8 planned uses.
gen_plots() {
  mkdir -p "$3"
  awk -v from="$1" -v to="$2" -v dir="$3" 'BEGIN {
    split("110101 110102 110105 110106 110107 110108 110109 110111 110112 110113 110114 110115", d, " ");
    split("suspected preliminary_survey cleared exceeds_screening detailed_survey risk_assessment listed under_control", st, " ");
    split("R2 A33 B1 M1 G1 W1 S4 U1", use, " ");
    for (i = from; i <= to; i++) {
      f = sprintf("%s/%07d.json", dir, int((i - 1) / 1000));
      printf "%s{\"id\":\"BENCH-%06d\",\"name\":\"基准测试地块%d\",\"district\":\"%s\",\"status\":\"%s\",\"planned_use\":\"%s\",\"current_use\":\"M1\",\"area_m2\":%d,\"address\":\"北京市基准路%d号\",\"former_industry\":\"化工\",\"pollutants\":[\"As\",\"Pb\"]}", (i > from && (i - 1) % 1000 ? "," : "["), i, i, d[i % 12 + 1], st[i % 8 + 1], use[i % 8 + 1], 1000 + i % 50000, i > f;
      if (i % 1000 == 0 || i == to) { printf "]" > f; close(f) }
    }
  }'
}

# bulk_post URL KEY DATASET FILE...: one bulk POST per file, one after another over one
# keep-alive connection, as a loading script would (bench/push.c, built on first use); a 503
# is sent again after a second (up to 3 times, counted in BULK_RETRIES); any other answer but
# 200 stops it.
BULK_RETRIES=0
bulk_post() {
  local n
  [ -x "$WORK/push" ] || gcc -O2 -o "$WORK/push" "$ROOT/bench/push.c" $(pkg-config --cflags --libs libcurl) ||
    die "cannot build bench/push.c (libcurl4-gnutls-dev)"
  n=$("$WORK/push" "$@") || die "a bulk POST to $1/v1/$3 failed"
  BULK_RETRIES=$((BULK_RETRIES + n))
}

# wrk_run CONNS SECONDS SCRIPT URL: a wrk run with latency figures kept in $WORK/wrk.out;
# then wrk_rps and wrk_pct 50|99 (ms) read it.
wrk_run() { wrk -t2 -c"$1" -d"${2}s" --latency -s "$3" "$4" 2>/dev/null >"$WORK/wrk.out" || true; }
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out"; }
wrk_pct() {
  awk -v p="$1%" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$WORK/wrk.out"
}

# pgb_run CLIENTS SECONDS SCRIPT: pgbench with prepared statements over SCRIPT (a file readable
# by postgres), every transaction logged; then pgb_tps and pgb_pct 50|99 (ms) read it.
pgb_run() {
  local dir
  dir=$(mktemp -d "$PG_DIR/pgb.XXXXXX")
  chmod 777 "$dir"
  (cd "$dir" && as_postgres "$PGBIN/pgbench" -h "$PG_DIR" -p "$PG_PORT" -U postgres -n -M prepared \
    -c "$1" -j "$(nproc)" -T "$2" -l -f "$3" soilshare 2>/dev/null >"$WORK/pgb.out") || true
  cat "$dir"/pgbench_log.* 2>/dev/null | awk '{print $3 / 1000}' | sort -g >"$WORK/pgb.lat"
  rm -rf "$dir"
}
pgb_tps() { awk '/^tps/ {print $3}' "$WORK/pgb.out"; }
pgb_pct() { awk -v p="$1" '{a[NR]=$1} END {i = int(NR * p / 100); if (i < 1) i = 1; printf "%.2f", a[i]}' "$WORK/pgb.lat"; }

# metric_sum URL NAME: the sum of a Prometheus series' values on URL/metrics (all labels).
metric_sum() { curl -sS "$1/metrics" | awk -v n="$2" 'index($0, n) == 1 && ($1 == n || substr($1, length(n) + 1, 1) == "{") {s += $NF} END {printf "%.6f", s}'; }

# stage_figures BEFORE AFTER CONNS RPS SECONDS: from two copies of /metrics taken around a wrk
# run of SECONDS at CONNS connections and RPS requests/s, prints "client inside inside99 db
# busy": the client's mean (CONNS / RPS), the mean from a request's headers to its answer (a
# request suspended for a database lane included), the bound of the histogram bucket that holds
# the 99th percentile of that time, the mean database round trip (all in ms), and the requests
# inside the server at once (time in requests / SECONDS). "0 0 0 0 0" when nothing was counted.
stage_figures() {
  awk -v c="$3" -v rps="$4" -v dur="$5" '
    FNR == 1 {f++}
    /^soilshare_http_request_duration_seconds_sum/ {rs[f] += $NF}
    /^soilshare_http_request_duration_seconds_count/ {rc[f] += $NF}
    /^soilshare_http_request_duration_seconds_bucket/ {
      le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
      if (le != "+Inf") {b[f, le + 0] += $NF; bounds[le + 0] = 1}
    }
    /^soilshare_db_query_duration_seconds_sum/ {qs[f] += $NF}
    /^soilshare_db_query_duration_seconds_count/ {qc[f] += $NF}
    END {
      n = rc[2] - rc[1]; q = qc[2] - qc[1]
      if (n <= 0 || q <= 0 || rps <= 0) {print "0 0 0 0 0"; exit}
      k = 0
      for (le in bounds) les[++k] = le + 0
      for (i = 2; i <= k; i++) for (j = i; j > 1 && les[j - 1] > les[j]; j--) {t = les[j]; les[j] = les[j - 1]; les[j - 1] = t}
      p99 = "over"
      # buckets are cumulative: the first whose count reaches 99 % of the requests
      for (i = 1; i <= k; i++)
        if (b[2, les[i]] - b[1, les[i]] >= 0.99 * n) {p99 = sprintf("%g", les[i] * 1000); break}
      printf "%.2f %.2f %s %.2f %.1f\n", c * 1000 / rps, (rs[2] - rs[1]) * 1000 / n, p99,
        (qs[2] - qs[1]) * 1000 / q, (rs[2] - rs[1]) / dur
    }' "$1" "$2"
}
