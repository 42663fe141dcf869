#!/usr/bin/env bash
# Benchmark against PostgreSQL (issue 7), in one command: builds
# crm_peer_bench, measures the disk's own fsync rate (pg_test_fsync), runs
# crm-engine embedded, crm-engine over gRPC (in-process crmd), a private
# PostgreSQL 15 and raw RocksDB side by side — durable appends, reading a
# stream, reading the global log, a catch-up consumer, and building the
# balances view from scratch (crm-engine's BalancesProjection vs set-based
# SQL over jsonb messages, both checked against the log's totals) — and
# writes a results folder:
#   table.md     the Markdown table and the goal lines (what the README shows)
#   results.csv  every repetition's raw numbers
#   chart.png    append throughput against writers (gnuplot), median with
#                min-max bars
#   chart.dat    the chart's data; fsync.txt the disk probe; run.log progress
#
#   scripts/bench-peer.sh [--quick] [--out DIR] [-- extra crm_peer_bench flags]
#
# Installs nothing: it says what is missing. PostgreSQL is started in a
# scratch folder and stopped at the end, also when the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
out=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--quick] [--out DIR] [-- crm_peer_bench flags]" >&2; exit 2 ;;
  esac
  shift
done

pg_bin=/usr/lib/postgresql/15/bin
missing=()
[[ -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] || missing+=(postgresql-15)
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
command -v cmake >/dev/null || missing+=(cmake)
command -v ninja >/dev/null || missing+=(ninja-build)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bench-peer: missing: ${missing[*]}" >&2
  echo "  install with: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

build="${BUILD_DIR:-build-peer}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRM_BUILD_TESTS=OFF -DCRM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target crm_peer_bench

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="${out:-bench/peer/results/$stamp}"
mkdir -p "$out"

# Scratch for the stores and the PostgreSQL cluster, on the disk under test
# (not tmpfs: fsync must cost what it costs). The server runs as `postgres`
# and must be able to pass through it.
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/crm-bench-peer.XXXXXX")
chmod 711 "$scratch"
cleanup() {
  # crm_peer_bench stops its server itself; this is for a run that was
  # killed before it could.
  while IFS= read -r pid_file; do
    data=$(dirname "$pid_file")
    if [[ $(id -u) -eq 0 ]]; then
      runuser -u postgres -- "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    else
      "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done < <(find "$scratch" -name postmaster.pid 2>/dev/null)
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench-peer: results in $out" >&2
# The hardware's limit for one writer: single-threaded 8 kB writes each
# followed by fdatasync (PostgreSQL's own probe).
"$pg_bin/pg_test_fsync" -s "$([[ $quick -eq 1 ]] && echo 1 || echo 3)" \
  -f "$scratch/fsync.probe" >"$out/fsync.txt" 2>&1 || echo "pg_test_fsync failed" >>"$out/fsync.txt"
grep -E "fdatasync|open_datasync" "$out/fsync.txt" | head -2 >&2 || true

flags=(--dir="$scratch" --csv="$out/results.csv" --chart_data="$out/chart.dat")
[[ $quick -eq 1 ]] && flags+=(--quick)
status=0
"$build/bench/peer/crm_peer_bench" "${flags[@]}" "${extra[@]}" \
  >"$out/table.md" 2> >(tee "$out/run.log" >&2) || status=$?
cat "$out/table.md"

# Only when there are append rows to plot (chart.dat always has its header).
if [[ -s "$out/chart.dat" ]] && grep -qv '^#' "$out/chart.dat"; then
  gnuplot <<EOF
set terminal pngcairo size 1200,500 font "sans,10"
set output "$out/chart.png"
set multiplot layout 1,2 title "Durable appends, 256-byte events (median, bars: min-max over repetitions) - $stamp"
set logscale x 2
set xtics (1, 8, 64)
set xrange [0.7:90]
set xlabel "concurrent writers"
set ylabel "events/s"
set yrange [0:*]
set grid
set key top left
do for [epa in "1 10"] {
  set title sprintf("%s event(s) per append", epa)
  plot for [sys in "crm-engine crm-engine-grpc postgresql raw-rocksdb"] \
    sprintf("< awk '\$1==\"%s\" && \$2==%s' $out/chart.dat", sys, epa) \
    using 3:4:5:6 with yerrorlines lw 2 title sys
}
unset multiplot
EOF
  echo "bench-peer: chart $out/chart.png" >&2
fi
exit $status
