#!/usr/bin/env bash
# Issue #5, benchmark 7: coordinator overhead (docs/schedulers.md, "Coordinator overhead"), and
# issue #15, item 7: how many groups one coordinator keeps busy (docs/cluster-performance.md,
# "Session 7: across nodes").
# Sweeps of N simulated trials (model.type: simulated) of TRIAL_EPOCHS epochs of EPOCH_MS each
# go through the real coordinator, worker pool, sweep.h5, journal, checkpoints and scheduler,
# in dev mode (--workers G) and under mpirun -np G+1 (G groups of one rank). For each run:
#   wall      hpsweep's whole run, launch to exit
#   loop      the coordinator loop, first dispatch to last trial end (hpsweep's own line)
#   startup   wall - loop: process and MPI start, spec, trial expansion, creating sweep.h5
#             with a group per trial, and the exit
#   ideal     ceil(N / G) x TRIAL_EPOCHS x EPOCH_MS: G groups run waves of G trials, the last
#             one maybe partial
#   overhead  (loop - ideal) / ideal
#   own       the trials' own time: their epochs as measured by the workers (sweep.h5's
#             wall_seconds; a sleep overshoots by 0.1-0.3 ms) summed, / G groups
#   over own  (loop - own) / own: the time the coordinator and the dispatch path add
#   busy/ev   the coordinator's time handling one worker event (an epoch, a trial's end):
#             scheduler, bookkeeping, journal, sweep.h5 and (dev mode) checkpoint writes
#   busy %    the coordinator loop's busy time / its length: the share of a core it handles
#             events in
#   cpu %     mpi only: rank 0's own line "coordinator (rank 0): ... (X% of a core)", getrusage
#             over the sweep's seconds (polling, heartbeats and MPI progress included)
#
#   bash bench/bench_coordinator.sh [HPSWEEP_BINARY]     # default: build/app/hpsweep
#   # 8 to 64 groups of 1 rank on one machine, 20 trials of 2 epochs of 0.5 s per group:
#   WORKER_GROUPS="8 16 32 64" TRIALS_PER_GROUP=20 TRIAL_EPOCHS=2 EPOCH_MS=500 MODES=mpi \
#     bash bench/bench_coordinator.sh
#
# Environment: SIZES ("100 1000 10000") trials, or TRIALS_PER_GROUP (instead: N = that x G);
# EPOCH_MS (50); TRIAL_EPOCHS (1); WORKER_GROUPS (2; one or more values; simulated trials
# sleep, so 16 groups on 2 cores mimic Ray Tune's 16-CPU measurement, and 64 oversubscribed
# ranks measure the coordinator of a 64-group job); RUNS (1) of each size and mode,
# alternating; MODES ("dev mpi"); KEEP=1 keeps the work folder. Reads sweep.h5 with
# /usr/bin/python3 (Debian's, with h5py and numpy).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
SIZES=${SIZES:-100 1000 10000}
EPOCH_MS=${EPOCH_MS:-50}
TRIAL_EPOCHS=${TRIAL_EPOCHS:-1}
TRIALS_PER_GROUP=${TRIALS_PER_GROUP:-}
WORKER_GROUPS=${WORKER_GROUPS:-2}
RUNS=${RUNS:-1}
MODES=${MODES:-dev mpi}
PY=/usr/bin/python3
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }
$PY -c 'import h5py, numpy' 2>/dev/null || { echo "$PY lacks h5py/numpy" >&2; exit 2; }

source "$ROOT/bench/local_mpi_env.sh"

WORK=$(mktemp -d /tmp/bench_coordinator.XXXXXX)
if [[ ${KEEP:-0} == 1 ]]; then
  echo "work folder (kept): $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
# A private copy, so that a rebuild of the tree during the runs cannot change the binary.
cp "$BINARY" "$WORK/hpsweep"

epoch_seconds=$(echo "scale=6; $EPOCH_MS / 1000" | bc)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "trials of $TRIAL_EPOCHS epoch(s) of $EPOCH_MS ms; groups: $WORKER_GROUPS; modes: $MODES"
printf "%-4s %6s %6s %4s %8s %8s %9s %8s %9s %8s %9s %10s %10s %7s %7s\n" mode groups trials run \
  wall_s loop_s startup_s ideal_s overhead own_s over_own busy/ev_us busy/trial_us busy% cpu%
for groups in $WORKER_GROUPS; do
  sizes=$SIZES
  [[ -n $TRIALS_PER_GROUP ]] && sizes=$((TRIALS_PER_GROUP * groups))
  for n in $sizes; do
    cat > "$WORK/sim$n.yaml" <<YAML
name: coordinator-$n
seed: 1
method: random
run_cap: $n
model: {type: simulated}
simulated: {epoch_seconds: $epoch_seconds}
training: {epochs: $TRIAL_EPOCHS}
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}
YAML
    for run in $(seq "$RUNS"); do
      for mode in $MODES; do
        out="$WORK/$mode-$groups-$n-$run"
        if [[ $mode == dev ]]; then
          command=("$WORK/hpsweep" run "$WORK/sim$n.yaml" --out "$out" --verbose --workers "$groups")
        else
          command=(mpirun -np $((groups + 1)) "$WORK/hpsweep" run "$WORK/sim$n.yaml" --out "$out" --verbose)
        fi
        start=$(date +%s.%N)
        "${command[@]}" > "$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
        end=$(date +%s.%N)
        # "coordinator loop: L s, busy B s handling E events (U us each)"
        read -r loop busy events < <(sed -n 's/^coordinator loop: \([0-9.e+-]*\) s, busy \([0-9.e+-]*\) s handling \([0-9]*\) events.*/\1 \2 \3/p' "$out.log")
        # "coordinator (rank 0): X s of CPU in Y s of sweep (Z% of a core)", MPI only
        cpu=$(sed -n 's/.*coordinator (rank 0): .*(\([0-9.e+-]*\)% of a core).*/\1/p' "$out.log" | tail -1)
        own=$($PY -c 'import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    print(sum(float(g["curves/wall_seconds"][()].sum()) for g in f["trials"].values()) / int(sys.argv[2]))' \
          "$out/sweep.h5" "$groups")
        echo "$mode $n $run $start $end $loop $busy $events $own ${cpu:--1}" |
          awk -v epoch="$epoch_seconds" -v groups="$groups" -v epochs="$TRIAL_EPOCHS" '{
            wall = $5 - $4; waves = int(($2 + groups - 1) / groups); ideal = waves * epochs * epoch
            cpu = $10 < 0 ? "-" : sprintf("%.2f", $10)
            printf "%-4s %6d %6d %4d %8.2f %8.2f %9.2f %8.2f %8.2f%% %8.2f %8.2f%% %10.0f %10.0f %6.2f%% %7s\n",
                   $1, groups, $2, $3, wall, $6, wall - $6, ideal, 100 * ($6 - ideal) / ideal, $9,
                   100 * ($6 - $9) / $9, 1e6 * $7 / $8, 1e6 * $7 / $2, 100 * $7 / $6, cpu }'
        [[ ${KEEP:-0} == 1 ]] || rm -rf "$out"
      done
    done
  done
done
