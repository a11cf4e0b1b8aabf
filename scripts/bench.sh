#!/usr/bin/env bash
# Times `exportsim run scenarios/baseline.toml` at several run counts on a release build and
# prints runs per second and peak memory (GNU time's maximum resident set size).
#
#   scripts/bench.sh                 # 1,000, 10,000 and 100,000 runs
#   scripts/bench.sh 10000 1000000   # any run counts
#   THREADS=1 scripts/bench.sh       # pin the thread count (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak memory)..." >&2
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000 100000)
cargo build --release --quiet
bin=target/release/exportsim
threads=${THREADS:-$(nproc)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "scenario: scenarios/baseline.toml, threads: $threads"
printf '%10s %10s %12s %14s\n' runs seconds runs/s "peak RSS MB"
for n in "${counts[@]}"; do
  /usr/bin/time -f '%e %M' -o "$out/time" "$bin" run scenarios/baseline.toml --runs "$n" --threads "$threads" \
    --quiet --yes --out "$out/run" >/dev/null
  read -r secs kb <"$out/time"
  awk -v n="$n" -v s="$secs" -v kb="$kb" 'BEGIN { printf "%10d %10.2f %12.0f %14.1f\n", n, s, n / (s > 0 ? s : 0.01), kb / 1024 }'
done
