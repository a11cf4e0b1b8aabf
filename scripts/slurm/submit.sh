#!/usr/bin/env bash
# Submits a sharded exportsim study to Slurm: a job array of N shards, then a merge job
# that runs only if every shard succeeded (afterok). Prints the two job ids.
#
#   scripts/slurm/submit.sh [--wait] N OUT run SCENARIO --runs R [--seed S]
#
# OUT must be on a filesystem every node sees. The results land in OUT/merged, job logs
# in OUT/logs. --wait blocks until the merge job ends and exits 0 only if it completed.
# Extra sbatch options go through the environment (SBATCH_PARTITION, SBATCH_ACCOUNT,
# SBATCH_TIMELIMIT, ...); EXPORTSIM names the binary (an absolute path on shared storage).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
wait=""
if [ "${1:-}" = --wait ]; then
    wait=yes
    shift
fi
if [ $# -lt 3 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [--wait] N OUT EXPORTSIM-COMMAND..." >&2
    exit 2
fi
n=$1
out=$(realpath -m "$2")
shift 2
mkdir -p "$out/logs"

# The job's state while the controller remembers it (MinJobAge, 300 s by default).
state_of() {
    scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2 || true
}

# Waits for the merge job to leave the queue; reports failed shards if it did not complete.
wait_for() {
    local merge=$1 array=$2 state missing=0
    while :; do
        state=$(state_of "$merge")
        case $state in
            PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) sleep 2 ;;
            "") missing=$((missing + 1)); [ "$missing" -ge 5 ] && break; sleep 2 ;;
            *) break ;;
        esac
    done
    if [ "$state" = COMPLETED ]; then
        echo "merged: $out/merged"
        return 0
    fi
    echo "error: merge job $merge ended ${state:-out of sight}; logs in $out/logs" >&2
    local task='.*ArrayTaskId=\([0-9]*\).*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*'
    scontrol show job -o "$array" 2>/dev/null | grep -v 'JobState=COMPLETED' |
        sed -n "s/$task/  shard \\1: \\2 (exit \\3)/p" >&2 || true
    return 1
}

array=$(sbatch --parsable --array="1-$n" --output="$out/logs/shard-%a.out" \
    "$here/exportsim-array.sbatch" "$out" "$@")
array=${array%%;*}
echo "submitted shards: job array $array (1-$n)"
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$out/logs/merge.out" "$here/exportsim-merge.sbatch" "$out" "$n")
merge=${merge%%;*}
echo "submitted merge: job $merge (runs after every shard succeeds)"
[ -z "$wait" ] || wait_for "$merge" "$array"
