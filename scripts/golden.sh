#!/usr/bin/env bash
# Golden outputs: run a fixed set of commands with fixed seeds and small run counts, and print a
# sha256 of every file they write (and of what they print, timings masked), so a refactor can
# prove it changed nothing:
#
#   scripts/golden.sh > /tmp/before.txt     # on the old code
#   scripts/golden.sh > /tmp/after.txt      # on the new code
#   diff /tmp/before.txt /tmp/after.txt     # must be empty
#
# EXPORTSIM=path/to/binary uses that binary instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [[ -z "${EXPORTSIM:-}" ]]; then
    cargo build --release --quiet
    EXPORTSIM="$root/target/release/exportsim"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"

# Runs a command, records its exit code and its stdout/stderr with durations masked.
step() {
    local name=$1
    shift
    local rc=0
    "$EXPORTSIM" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
    local mask='s/[0-9][0-9.,]* ?(s|ms|min|h|µs|us)\b/<time>/g; s/estimated time [^;)]*/estimated time <time>/g; s#'"$work"'#<work>#g'
    printf '%s rc=%s stdout=%s stderr=%s\n' "$name" "$rc" \
        "$(sed -E "$mask" "$work/stdout" | sha256sum | cut -c1-16)" \
        "$(sed -E "$mask" "$work/stderr" | sha256sum | cut -c1-16)"
}

for s in scenarios/*.toml; do
    n=$(basename "$s" .toml)
    step "run $n" run "$s" --runs 300 --seed 7 --out "$out/run/$n" --threads 2
    step "validate $n" validate "$s"
    step "params $n" params "$s"
done
step "chips baseline" chips scenarios/baseline.toml
step "chips history 2024Q1" chips scenarios/history.toml --at 2024Q1
step "params baseline uncertain" params scenarios/baseline.toml --uncertain
step "plot" plot "$out/run/baseline" --year 2027
step "compare" compare "$out/run/baseline" "$out/run/h200_open" --vendor nvidia --out "$out/compare.svg"
step "compare domestic" compare "$out/run/baseline" "$out/run/decoupling" --vendor domestic --metric units_share --out "$out/compare.png"
step "sweep file" sweep studies/h200_approvals.toml --runs 40 --seed 3 --out "$out/sweep" --threads 2
step "sweep param" sweep scenarios/baseline.toml --param policy.bj_h200_review.approval=0:1:4 \
    --outcome 'compute_share[vendor=nvidia]@2027' --runs 50 --seed 3 --out "$out/sweep-param" --threads 1
step "tornado" sensitivity scenarios/baseline.toml --method tornado \
    --outcome 'compute_share[vendor=nvidia]@2027' --runs 20 --seed 5 --out "$out/tornado" --threads 2
step "morris" sensitivity scenarios/baseline.toml --method morris --samples 4 \
    --outcome 'compute_share[vendor=nvidia]@2027' --outcome 'units[chip=h200]@2027' --runs 10 --seed 5 --out "$out/morris" --threads 2
step "sobol" sensitivity scenarios/baseline.toml --method sobol --samples 16 \
    --param policy.bj_h200_review.approval --param policy.us_h200_licence.approval \
    --outcome 'compute_share[vendor=nvidia]@2027' --runs 10 --seed 5 --out "$out/sobol" --threads 2
step "check history" check scenarios/history.toml --runs 200 --seed 9 --out "$out/check" --threads 2
step "calibrate" calibrate scenarios/history.toml --param chip.h20.price_usd \
    --param chip.ascend_910b.training_efficiency=0.3:0.9 --budget 120 --population 40 --runs 10 \
    --check-runs 30 --seed 11 --out "$out/calibrate" --threads 2
for k in 1 2 3; do
    step "run shard $k/3" run scenarios/baseline.toml --runs 700 --seed 13 --shard "$k/3" --out "$out/shard$k" --threads 2
done
step "merge" merge "$out/shard1" "$out/shard2" "$out/shard3" --out "$out/merged"
for k in 1 2; do
    step "study shard $k/2" sensitivity scenarios/baseline.toml --method morris --samples 3 \
        --outcome 'compute_share[vendor=nvidia]@2027' --runs 10 --seed 5 --shard "$k/2" --out "$out/sshard$k" --threads 2
done
step "study merge" merge "$out/sshard1" "$out/sshard2" --out "$out/smerged"
# Bad input: the messages and exit codes are part of the behaviour.
for f in tests/corpus/*.toml; do
    step "bad $(basename "$f")" validate "$f"
done
step "bad run" run tests/corpus/bad_quarter.toml --out "$out/bad"
step "bad outcome" sweep scenarios/baseline.toml --param policy.bj_h200_review.approval=0:1:2 --outcome 'compute_shar@2027' --runs 5
step "bad args" run scenarios/baseline.toml --runs 0

# calibrated.toml `extends` its scenario by a path relative to the output directory, which
# depends on where the checkout is: mask it so the hashes do not.
cd "$out"
find . -type f | LC_ALL=C sort | while read -r f; do
    case "$f" in
        */calibrated.toml) hash=$(sed -E 's#^extends = .*#extends = <path>#' "$f" | sha256sum) ;;
        *) hash=$(sha256sum <"$f") ;;
    esac
    printf 'file %s %s\n' "$f" "${hash:0:16}"
done
