#!/usr/bin/env bash
# Regenerates BENCHMARKS.md from a fresh run of every benchmark: each benchmark checks its own
# output (and fails the run if it is wrong) and writes its tables as Markdown fragments to
# target/bench-out/; this script stamps the run (commit, machine, durations) and fills
# scripts/BENCHMARKS.md.in with them. No figure in BENCHMARKS.md comes from anywhere else.
#
#   scripts/bench.sh                  full run; rewrites BENCHMARKS.md
#   BENCH_QUICK=1 scripts/bench.sh    smoke run (small inputs, short runs)
#   scripts/bench.sh search store     only these benchmarks
# Quick and partial runs write target/bench-out/BENCHMARKS.md and leave BENCHMARKS.md alone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="$root/target/bench-out"
template="$root/scripts/BENCHMARKS.md.in"
export BENCH_OUT="$out"
# The PostgreSQL half of the store benchmark (trust auth on the development machine).
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

all=(search devset store handle load endpoint fanout rss check site reload roadmap pins checkins)
if [ $# -gt 0 ]; then benches=("$@"); else benches=("${all[@]}"); fi

quick=${BENCH_QUICK:-}
[ "$quick" = 0 ] && quick=
if [ -z "$quick" ] && [ $# -eq 0 ]; then target="$root/BENCHMARKS.md"; else target="$out/BENCHMARKS.md"; fi

rm -rf "$out"
mkdir -p "$out"
commit=$(git rev-parse HEAD)
# BENCHMARKS.md itself doesn't count: it is what this run rewrites.
if [ -n "$(git status --porcelain -- . ':!BENCHMARKS.md' ':!target')" ]; then
  tree="with uncommitted changes"
else
  tree="clean"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start=$(date +%s)

echo "== building the benchmarks (release)"
t=$(date +%s)
cargo bench --no-run
build_secs=$(( $(date +%s) - t ))

declare -A secs
for b in "${benches[@]}"; do
  echo "== $b"
  t=$(date +%s)
  cargo bench --bench "$b" 2>&1 | tee "$out/$b.log"
  secs[$b]=$(( $(date +%s) - t ))
  if [ ! -f "$out/$b.md" ]; then
    # Benchmarks that print their own Markdown tables (reload, roadmap, pins): keep those lines.
    sed '/^Summary row/,$d' "$out/$b.log" | grep -E '^\|' > "$out/$b.md" || true
    [ -s "$out/$b.md" ] || { echo "bench.sh: $b wrote no tables" >&2; exit 1; }
    echo >> "$out/$b.md"
  fi
done
total=$(( $(date +%s) - start ))
# Benchmarks that print their own summary rows: a missed target fails the run too.
if grep -h 'not met' "$out"/*.md "$out"/*.log; then
  echo "bench.sh: a benchmark missed its target (above)" >&2
  exit 1
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
durations=""
for b in "${benches[@]}"; do durations+="$b ${secs[$b]} s, "; done
{
  echo "- Commit: \`$commit\` ($tree)$( [ -n "$quick" ] && echo ', **quick mode (BENCH_QUICK=1): small inputs, not the figures of record**')"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) cores ($cpu), $mem RAM, $(uname -sr); load average $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (the machine is shared)"
  echo "- Toolchain: $(rustc --version)"
  echo "- Duration: $(( total / 60 )) min $(( total % 60 )) s in all: release build ${build_secs} s, ${durations%, }"
} > "$out/stamp.md"

{
  echo "| what | target | measured | verdict |"
  echo "|---|---|---|---|"
  for b in "${all[@]}"; do [ -f "$out/$b.summary.md" ] && cat "$out/$b.summary.md"; done
  echo
} > "$out/summary.md"

# A placeholder whose benchmark did not run says so.
for name in $(grep -o '^@@[a-z0-9_]*@@$' "$template" | tr -d @); do
  [ -f "$out/$name.md" ] && continue
  printf '_Not run in this run._\n\n' > "$out/$name.md"
done

awk -v dir="$out" '
  /^@@[a-z0-9_]+@@$/ {
    f = dir "/" substr($0, 3, length($0) - 4) ".md"
    while ((getline line < f) > 0) print line
    close(f)
    next
  }
  { print }
' "$template" > "$out/BENCHMARKS.md.new"
mv "$out/BENCHMARKS.md.new" "$target"
echo "== wrote $target ($(( total / 60 )) min $(( total % 60 )) s)"
