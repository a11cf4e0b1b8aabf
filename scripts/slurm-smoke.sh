#!/usr/bin/env bash
# Proves sharding on a real scheduler: installs Slurm and munge from Debian's packages,
# starts a one-node cluster on localhost, runs a small study as a job array of shards plus
# a merge job (scripts/slurm/submit.sh), runs the same study on one machine, and compares
# every output file byte for byte. Prints PASS or FAIL and exits 0 or 1.
#
#   sudo scripts/slurm-smoke.sh        (root, Debian 12; no systemd needed)
#
# Idempotent: it reuses installed packages and a running munged, writes its own
# slurm.conf under $SMOKE_STATE (never /etc/slurm), cold-starts slurmctld and slurmd in
# the background and stops them (and munged, if it started it) on exit.
# Knobs: SHARDS (3), RUNS (12288 = 3 blocks of 4,096), SCENARIO, SMOKE_STATE, and
# EXPORTSIM (a built binary to test instead of running `cargo build --release`).
set -euo pipefail

SHARDS=${SHARDS:-3}
RUNS=${RUNS:-12288}
SCENARIO=${SCENARIO:-scenarios/baseline.toml}
STATE=${SMOKE_STATE:-/var/spool/exportsim-slurm-smoke}
REPO=$(cd "$(dirname "$0")/.." && pwd)
NODE=$(hostname -s)
started=$SECONDS
pids=()
work=""

say() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*"; }
die() { say "FAIL: $*"; exit 1; }

stop_daemons() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    done
    [ ${#pids[@]} -eq 0 ] || say "stopped daemons (pids ${pids[*]})"
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

install_packages() {
    if command -v slurmctld slurmd sbatch munged mungekey >/dev/null; then
        return
    fi
    say "installing slurmctld, slurmd, slurm-client and munge"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
}

# munged as the munge user. One started by an earlier, killed run of this script (its pid
# in $STATE/munged.ours) is adopted and stopped at the end; anyone else's is left alone.
start_munge() {
    local ours
    if [ ! -s /etc/munge/munge.key ]; then
        mungekey --create --keyfile=/etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
    fi
    ours=$(cat "$STATE/munged.ours" 2>/dev/null || true)
    if [ -n "$ours" ] && grep -qsx munged "/proc/$ours/comm"; then
        pids+=("$ours")
    fi
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        say "munged already running"
        return
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged
    pids+=("$(cat /run/munge/munged.pid)")
    echo "${pids[-1]}" >"$STATE/munged.ours"
    munge -n | unmunge >/dev/null || die "munged does not answer"
    say "started munged"
}

write_conf() {
    local cpus
    cpus=$(( $(nproc) < 2 ? $(nproc) : 2 ))
    mkdir -p "$STATE/ctld" "$STATE/slurmd"
    cat >"$STATE/slurm.conf" <<CONF
# One-node cluster for scripts/slurm-smoke.sh; written on every run.
ClusterName=exportsim-smoke
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=smoke Nodes=$NODE Default=YES MaxTime=30 State=UP
CONF
    export SLURM_CONF=$STATE/slurm.conf
}

# A daemon left by an earlier, killed run of this script holds the ports: stop it.
stop_stale() {
    local f pid
    for f in "$STATE/slurmctld.pid" "$STATE/slurmd.pid"; do
        pid=$(cat "$f" 2>/dev/null || true)
        if [ -n "$pid" ] && grep -qs slurm "/proc/$pid/comm"; then
            say "stopping stale $(cat "/proc/$pid/comm") (pid $pid)"
            kill "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        fi
        rm -f "$f"
    done
}

start_slurm() {
    stop_stale
    slurmctld -D -c >>"$STATE/slurmctld.stderr" 2>&1 &
    pids+=("$!")
    slurmd -D -c >>"$STATE/slurmd.stderr" 2>&1 &
    pids+=("$!")
    local state=""
    for _ in $(seq 120); do
        state=$(sinfo -h -N -n "$NODE" -o %T 2>/dev/null || true)
        [ "$state" = idle ] && break
        sleep 0.5
    done
    [ "$state" = idle ] || die "node $NODE is '${state:-unreachable}', not idle; see $STATE/*.log"
    say "slurm up: node $NODE idle ($(sinfo -h -N -o '%c CPUs, partition %P'))"
}

compare() {
    local single=$1 merged=$2 files f bad=0
    files=$(cd "$single" && find . -type f | sort)
    if [ "$files" != "$(cd "$merged" && find . -type f | sort)" ]; then
        diff <(cd "$single" && find . -type f | sort) <(cd "$merged" && find . -type f | sort) || true
        die "the merged directory holds other files than the single-machine one"
    fi
    for f in $files; do
        if ! cmp -s "$single/$f" "$merged/$f"; then
            say "differs: ${f#./}"
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] || die "merged shards differ from the single-machine run"
    say "identical: $(echo "$files" | wc -l) files ($(echo "$files" | sed 's|^\./||' | tr '\n' ' '))"
}

main() {
    [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts daemons)"
    install_packages
    mkdir -p "$STATE"
    start_munge
    write_conf
    start_slurm
    local binary=${EXPORTSIM:-$REPO/target/release/exportsim}
    if [ -z "${EXPORTSIM:-}" ]; then
        say "building exportsim (release)"
        (cd "$REPO" && cargo build --release --quiet) || die "cargo build --release failed"
    fi
    work=$(mktemp -d /tmp/exportsim-slurm-smoke.XXXXXX)
    # Shards, merge and the single run use one copy: a later build cannot swap it mid-test.
    install -m 0755 "$binary" "$work/exportsim"
    export EXPORTSIM=$work/exportsim
    cd "$REPO"
    say "submitting $SHARDS shards of $SCENARIO, $RUNS runs"
    timeout 600 scripts/slurm/submit.sh --wait "$SHARDS" "$work/cluster" \
        run "$SCENARIO" --runs "$RUNS" || die "the Slurm jobs failed; logs in $work/cluster/logs"
    say "merged by Slurm into $work/cluster/merged; job logs:"
    sed 's/^/    /' "$work"/cluster/logs/*.out
    "$EXPORTSIM" run "$SCENARIO" --runs "$RUNS" --out "$work/single" --quiet
    say "single-machine run done"
    compare "$work/single" "$work/cluster/merged"
    rm -rf "$work"
    say "PASS: $SHARDS Slurm shards merged equal one machine, byte for byte"
}

main "$@"
