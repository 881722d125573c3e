#!/usr/bin/env bash
# Issue #17, item 11: the cost of syncing journal.log at each scheduler decision
# (docs/resume.md, "A journal that lost its tail"). Runs, with --verbose, whose closing line
# says how often the coordinator synced the journal and how long that took:
#   quickstart        experiments/quickstart.yaml as shipped (a grid: no scheduler, no sync)
#   quickstart-asha   the same with ASHA (rungs at epochs 1, 3, 9)
#   simulated-asha    2,000 simulated trials (model.type: simulated) of up to 9 epochs of
#                     EPOCH_MS each, ASHA, 2 workers
# and prints per run: the loop's seconds, syncs, their seconds, ms per sync, the share of the
# loop, and the share per epoch trained.
#
#   bash bench/bench_journal_sync.sh [HPSWEEP_BINARY]     # default: build/app/hpsweep
# Environment: RUNS (3) of each, EPOCH_MS (20), TRIALS (2000); OUT (a temporary folder) on the
# file system to measure (the sync's cost is the disk's).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
RUNS=${RUNS:-3}
EPOCH_MS=${EPOCH_MS:-20}
TRIALS=${TRIALS:-2000}
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }
WORK=${OUT:-$(mktemp -d /tmp/bench_journal_sync.XXXXXX)}
mkdir -p "$WORK"
[[ -n ${OUT:-} ]] || trap 'rm -rf "$WORK"' EXIT

asha='early_terminate: {type: asha, grace_period: 1, reduction_factor: 3}'
cp "$ROOT/experiments/quickstart.yaml" "$WORK/quickstart.yaml"
{ cat "$ROOT/experiments/quickstart.yaml"; echo "$asha"; } | sed 's/^name: quickstart/name: quickstart-asha/' \
  >"$WORK/quickstart-asha.yaml"
cat >"$WORK/simulated-asha.yaml" <<YAML
name: simulated-asha
seed: 3
method: random
run_cap: $TRIALS
model: {type: simulated}
simulated: {epoch_seconds: $(awk "BEGIN {print $EPOCH_MS / 1000}")}
training: {epochs: 9}
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}
$asha
YAML

printf '%-16s %3s %8s %6s %8s %8s %8s %8s\n' sweep run loop_s syncs sync_s ms/sync loop_% epochs
for run in $(seq "$RUNS"); do
  for name in quickstart quickstart-asha simulated-asha; do
    out="$WORK/$name-$run"
    "$BINARY" run "$WORK/$name.yaml" --out "$out" --workers 2 --verbose >"$out.log" 2>&1
    line=$(grep '^coordinator loop:' "$out.log")
    loop=$(sed -E 's/coordinator loop: ([0-9.]+) s.*/\1/' <<<"$line")
    syncs=$(sed -E 's/.*journal synced ([0-9]+) times.*/\1/' <<<"$line")
    sync_s=$(sed -E 's/.*journal synced [0-9]+ times in ([0-9.]+) s.*/\1/' <<<"$line")
    epochs=$(grep -c '^report' "$out/journal.log" || true)
    awk -v n="$name" -v r="$run" -v l="$loop" -v c="$syncs" -v s="$sync_s" -v e="$epochs" 'BEGIN {
      printf "%-16s %3d %8.2f %6d %8.3f %8.3f %8.2f %8d\n", n, r, l, c, s, c ? 1000 * s / c : 0, 100 * s / l, e }'
    rm -rf "$out"
  done
done
echo "(epochs: the scheduler's reports in the journal, 0 without a scheduler)"
