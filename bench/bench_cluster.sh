#!/usr/bin/env bash
# Cluster-mode performance on one machine, under mpirun (docs/cluster-performance.md):
#   a. scaling: samples/s of one d2l MLP trial on 1 rank vs a group of 2 ranks, every reducer
#   b. sweep throughput: wall time of a 32-trial sweep, mpirun -np 3 vs dev mode --workers 2
#   c. coordinator CPU: rank 0's own report, and /proc samples of rank 0 during a sweep
#
#   bash bench/bench_cluster.sh [HPSWEEP_BINARY]        # default: build/app/hpsweep
#
# Environment: RUNS (3) runs of every configuration, alternating; EPOCHS (3) for (a);
# EXTRAS=0 leaves out the diagnostic runs (a: the shared reducer with the workers left unbound
# (--no-worker-binding), bucketed with libnbc ring, fused with CMA single-copy transfers;
# b: Open MPI's own PML selection (a list, which hpsweep leaves alone), and the same grid with
# 5x the work per trial);
# KEEP=1 keeps the work folder (specs, logs, sweep.h5 files); SKIP="b c" skips sections.
# Reads sweep.h5 with /usr/bin/python3 (Debian's, with h5py and numpy).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
RUNS=${RUNS:-3}
EPOCHS=${EPOCHS:-3}
SKIP=${SKIP:-}
PY=/usr/bin/python3
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "mpirun not found" >&2; exit 2; }
$PY -c 'import h5py, numpy' 2>/dev/null || { echo "$PY lacks h5py/numpy" >&2; exit 2; }

source "$ROOT/bench/local_mpi_env.sh"

WORK=$(mktemp -d /tmp/bench_cluster.XXXXXX)
if [[ ${KEEP:-0} == 1 ]]; then
  echo "work folder (kept): $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
# A private copy, so that a rebuild of the tree during the runs cannot change the binary.
cp "$BINARY" "$WORK/hpsweep"
HPSWEEP=$WORK/hpsweep

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(mpirun --version 2>&1 | head -1)"
echo "binary:  $BINARY; git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (dirty tree)')"
echo "runs:    $RUNS per configuration, alternating; load average $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }

# Runs "$@" with stdout+stderr to $LOG; prints the wall seconds. Fails loudly.
timed() {
  local log=$1; shift
  local start end
  start=$(now)
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $* (log: $log)" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  end=$(now)
  echo "$end - $start" | bc -l
}

# The coordinator's line: "coordinator (rank 0): X s of CPU in Y s ... (Z% of a core)" -> "X Y Z".
coordinator_cpu() {
  sed -n 's/.*coordinator (rank 0): \([0-9.e+-]*\) s of CPU in \([0-9.e+-]*\) s.*(\([0-9.e+-]*\)% of a core).*/\1 \2 \3/p' "$1" | tail -1
}

# Median over epochs of trial 0's samples/s in DIR/sweep.h5.
samples_per_second() {
  $PY - "$1/sweep.h5" <<'EOF'
import sys, h5py, numpy
with h5py.File(sys.argv[1], "r") as f:
    print("%.0f" % numpy.median(f["/trials/0000/curves/samples_per_second"][:]))
EOF
}

write_spec() {  # write_spec FILE NAME TRAIN_SUBSET TEST_SUBSET EPOCHS RANKS_PER_TRIAL REDUCER GRID(0|1)
  {
    echo "name: $2"
    echo "seed: 7"
    echo "method: grid"
    echo "metric: {name: test_error, goal: minimize}"
    echo "dataset: {name: fashion-mnist, train_subset: $3, test_subset: $4}"
    echo "model: {type: mlp, width: 256, depth: 1, dropout: 0.0, activation: relu, init: xavier}"
    echo "training: {epochs: $5, batch_size: 256, lr: 0.1, weight_decay: 0.0}"
    echo "resources: {ranks_per_trial: $6, reducer: $7}"
    if [[ $8 == 1 ]]; then  # 4 x 2 x 2 x 2 = 32 trials
      echo "parameters:"
      echo "  training.lr: {values: [0.05, 0.1, 0.2, 0.4]}"
      echo "  model.dropout: {values: [0.0, 0.5]}"
      echo "  training.weight_decay: {values: [0.0, 0.001]}"
      echo "  model.depth: {values: [1, 2]}"
    fi
  } >"$1"
}

COORD=$WORK/coordinator.tsv  # section, configuration, cpu s, wall s, percent
: >"$COORD"
record_coordinator() {  # record_coordinator SECTION CONFIG LOG
  local line
  line=$(coordinator_cpu "$3")
  [[ -n $line ]] && echo -e "$1\t$2\t${line// /$'\t'}" >>"$COORD"
  return 0
}

skip() { [[ " $SKIP " == *" $1 "* ]]; }

# summarize TSV BASELINE UNIT: rows "label<TAB>run<TAB>value"; per label: the runs, the median
# and median/baseline median. Labels print in first-seen order.
summarize() {
  $PY - "$@" <<'PYEOF'
import sys, statistics
path, baseline, unit = sys.argv[1:4]
by = {}
for line in open(path):
    if line.strip():
        label, run, value = line.rstrip("\n").split("\t")
        by.setdefault(label, []).append(float(value))
base = statistics.median(by[baseline])
width = max(len(k) for k in by) + 2
digits = 0 if unit == "samples/s" else 2
print()
print("%-*s %-30s %10s %11s" % (width, "configuration", unit + " per run", "median", "ratio"))
for label, values in by.items():
    m = statistics.median(values)
    print("%-*s %-30s %10.*f %10.3fx" % (width, label, " ".join("%.*f" % (digits, v) for v in values), digits, m, m / base))
print("(ratio: median / median of '%s')" % baseline)
PYEOF
}

# --------------------------------------------------------------------------------------------
# a. Scaling: one trial, all 60k images, batch 256 (global), on 1 rank and on a group of 2.
#    samples/s is the trial's own curve: training samples / training time of each epoch.
# --------------------------------------------------------------------------------------------
if ! skip a; then
  echo
  echo "== a. scaling: d2l MLP 784-256-10, ReLU, batch 256, lr 0.1, 60k images, $EPOCHS epochs, xavier init"
  write_spec "$WORK/scale_1.yaml" scale-1 0 0 "$EPOCHS" 1 shared 0
  write_spec "$WORK/scale_2_shared.yaml" scale-2-shared 0 0 "$EPOCHS" 2 shared 0
  write_spec "$WORK/scale_2_fused.yaml" scale-2-fused 0 0 "$EPOCHS" 2 fused 0
  write_spec "$WORK/scale_2_bucketed.yaml" scale-2-bucketed 0 0 "$EPOCHS" 2 bucketed 0
  SCALE=$WORK/scale.tsv
  : >"$SCALE"
  # label | mpirun ranks | spec | extra environment | extra hpsweep arguments
  configs=(
    "1 rank, -np 2|2|scale_1||"
    "2 ranks shared, -np 3|3|scale_2_shared||"
    "2 ranks fused, -np 3|3|scale_2_fused||"
    "2 ranks bucketed, -np 3|3|scale_2_bucketed||"
  )
  # Diagnostic: the default reducer with the workers left where the kernel puts them.
  [[ ${EXTRAS:-1} == 1 ]] && configs+=("2 ranks shared, unbound|3|scale_2_shared||--no-worker-binding")
  # Diagnostic: the bucketed reducer with libnbc's ring Iallreduce instead of its default for
  # in-place and < 4 ranks (binomial reduce + broadcast, see bench_reducer).
  [[ ${EXTRAS:-1} == 1 ]] && configs+=("2 ranks bucketed + libnbc ring|3|scale_2_bucketed|OMPI_MCA_coll_libnbc_iallreduce_algorithm=1|")
  # Diagnostic: shared memory with single-copy transfers (Linux CMA, Open MPI's default where
  # the kernel allows it), instead of the copy-in/copy-out that containers need.
  [[ ${EXTRAS:-1} == 1 ]] && configs+=("2 ranks fused + CMA|3|scale_2_fused|OMPI_MCA_btl_vader_single_copy_mechanism=cma|")
  for run in $(seq 1 "$RUNS"); do
    for c in "${!configs[@]}"; do
      IFS='|' read -r label np spec extra arguments <<<"${configs[$c]}"
      out=$WORK/a_${c}_${spec}_$run
      timed "$out.log" env $extra mpirun -np "$np" "$HPSWEEP" run "$WORK/$spec.yaml" --out "$out" --verbose $arguments >/dev/null
      sps=$(samples_per_second "$out")
      echo -e "$label\t$run\t$sps" >>"$SCALE"
      record_coordinator a "$label" "$out.log"
      printf '  run %d: %-34s %8.0f samples/s\n' "$run" "$label" "$sps"
    done
  done
  summarize "$SCALE" "1 rank, -np 2" samples/s
  $PY - "$SCALE" <<'PYEOF'
import sys, statistics
by = {}
for line in open(sys.argv[1]):
    if line.strip():
        label, run, value = line.rstrip("\n").split("\t")
        by.setdefault(label, []).append(float(value))
base = statistics.median(by["1 rank, -np 2"])
speedups = {r: statistics.median(by["2 ranks %s, -np 3" % r]) / base for r in ("shared", "fused", "bucketed")}
fastest = max(speedups, key=speedups.get)
print("2-rank speedup: " + ", ".join("%s %.2fx" % kv for kv in speedups.items()) + "; fastest: " + fastest)
print("target >= 1.70x with the default reducer (shared): %s" % ("met" if speedups["shared"] >= 1.7 else "MISSED"))
PYEOF
fi

# --------------------------------------------------------------------------------------------
# b. Sweep throughput: 32 short trials, 2 groups of 1 rank under mpirun vs 2 dev-mode workers.
#    Wall time of the whole command (start-up, data loading, the sweep, shutdown).
# --------------------------------------------------------------------------------------------
if ! skip b; then
  echo
  echo "== b. sweep throughput: 32-trial grid (lr x dropout x weight_decay x depth), train_subset 2000, test_subset 1000, 2 epochs"
  write_spec "$WORK/sweep32.yaml" sweep32 2000 1000 2 1 shared 1
  SWEEP=$WORK/sweep.tsv
  : >"$SWEEP"
  # label | command prefix ("dev" runs hpsweep without mpirun) | extra environment
  configs=(
    "mpirun -np 3 (2 groups of 1)|mpi|"
    "dev mode --workers 2|dev|"
  )
  # Diagnostic: Open MPI's own PML selection, which probes UCX and the MTLs in MPI_Init (about
  # 0.2 s here); hpsweep names ob1 itself on one node (cluster/communicator.cpp).
  [[ ${EXTRAS:-1} == 1 ]] && configs+=("mpirun -np 3, OMPI_MCA_pml=ob1,ucx,cm|mpi|OMPI_MCA_pml=ob1,ucx,cm")
  # Diagnostic: hwloc's I/O discovery on, as without bench/local_mpi_env.sh.
  [[ ${EXTRAS:-1} == 1 ]] && configs+=("mpirun -np 3, hwloc I/O discovery on|mpi|HWLOC_COMPONENTS=")
  for run in $(seq 1 "$RUNS"); do
    for c in "${!configs[@]}"; do
      IFS='|' read -r label mode extra <<<"${configs[$c]}"
      out=$WORK/b_${c}_${mode}_$run
      if [[ $mode == dev ]]; then
        t=$(timed "$out.log" "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose --workers 2)
      else
        t=$(timed "$out.log" env $extra mpirun -np 3 "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose)
        record_coordinator b "$label" "$out.log"
      fi
      echo -e "$label\t$run\t$t" >>"$SWEEP"
      printf '  run %d: %-34s %6.2f s\n' "$run" "$label" "$t"
    done
  done
  summarize "$SWEEP" "dev mode --workers 2" seconds
  $PY - "$SWEEP" <<'PYEOF'
import sys, statistics
by = {}
for line in open(sys.argv[1]):
    if line.strip():
        label, run, value = line.rstrip("\n").split("\t")
        by.setdefault(label, []).append(float(value))
r = statistics.median(by["mpirun -np 3 (2 groups of 1)"]) / statistics.median(by["dev mode --workers 2"])
print("MPI / dev wall time: %.3f; target <= 1.05: %s" % (r, "met" if r <= 1.05 else "MISSED"))
PYEOF
  if [[ ${EXTRAS:-1} == 1 ]]; then
    # Diagnostic: the same grid with 5x the work per trial, to separate fixed start-up costs
    # from per-trial costs.
    echo
    echo "   the same 32-trial grid on 10,000 images (test_subset 2000), 3 epochs:"
    write_spec "$WORK/sweep32_long.yaml" sweep32-long 10000 2000 3 1 shared 1
    LONG=$WORK/sweep_long.tsv
    : >"$LONG"
    for run in $(seq 1 "$RUNS"); do
      out=$WORK/b2_mpi_$run
      t=$(timed "$out.log" mpirun -np 3 "$HPSWEEP" run "$WORK/sweep32_long.yaml" --out "$out" --verbose)
      record_coordinator b "mpirun -np 3, 10k-image grid" "$out.log"
      echo -e "mpirun -np 3 (2 groups of 1)\t$run\t$t" >>"$LONG"
      printf '  run %d: %-34s %6.2f s\n' "$run" "mpirun -np 3 (2 groups of 1)" "$t"
      out=$WORK/b2_dev_$run
      t=$(timed "$out.log" "$HPSWEEP" run "$WORK/sweep32_long.yaml" --out "$out" --verbose --workers 2)
      echo -e "dev mode --workers 2\t$run\t$t" >>"$LONG"
      printf '  run %d: %-34s %6.2f s\n' "$run" "dev mode --workers 2" "$t"
    done
    summarize "$LONG" "dev mode --workers 2" seconds
  fi
fi

# --------------------------------------------------------------------------------------------
# c. Coordinator CPU: its own report from the runs above, and /proc samples of rank 0.
# --------------------------------------------------------------------------------------------
if ! skip c; then
  echo
  echo "== c. coordinator CPU"
  ticks=$(getconf CLK_TCK)
  descendants() {
    local p
    for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done
  }
  cpu_ticks() {  # utime + stime of $1 in clock ticks: fields 14 and 15 of /proc/PID/stat
    local stat fields
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    read -r -a fields <<<"${stat##*) }"  # fields from 3 on (the name may hold spaces)
    echo $((fields[11] + fields[12]))
  }
  cpu_ns() {  # on-CPU ns of the main thread of $1: /proc/PID/schedstat, first field; 0 without it
    local line
    { read -r line <"/proc/$1/schedstat"; } 2>/dev/null || { echo 0; return; }
    echo "${line%% *}"
  }
  PROC=$WORK/proc.tsv
  : >"$PROC"
  # proc_sample SPEC LABEL: runs SPEC under mpirun -np 3, finds rank 0 (a descendant of this
  # mpirun whose environment holds OMPI_COMM_WORLD_RANK=0) and samples its utime+stime every
  # 0.1 s, from the start of training (the first checkpoint file appears: a group has loaded
  # its data and trained an epoch) to the last sample before rank 0 prints "finished after".
  proc_sample() {
    local spec=$1 label=$2 out=$WORK/c_$(basename "$1" .yaml) launcher rank0= p first_cpu first_ns first_time last_cpu last_ns last_time c ns t
    mpirun -np 3 "$HPSWEEP" run "$spec" --out "$out" --verbose >"$out.log" 2>&1 &
    launcher=$!
    for _ in $(seq 1 400); do
      for p in $(descendants $launcher); do
        if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=0' &&
          grep -q hpsweep "/proc/$p/cmdline" 2>/dev/null; then
          rank0=$p
          break 2
        fi
      done
      sleep 0.02
    done
    [[ -n $rank0 ]] || { echo "rank 0 not found under mpirun (pid $launcher)" >&2; wait $launcher || true; exit 1; }
    for _ in $(seq 1 3000); do
      compgen -G "$out/checkpoints/*" >/dev/null && break
      sleep 0.01
    done
    first_cpu=$(cpu_ticks "$rank0")
    first_ns=$(cpu_ns "$rank0")
    first_time=$EPOCHREALTIME
    last_cpu=$first_cpu
    last_ns=$first_ns
    last_time=$first_time
    while c=$(cpu_ticks "$rank0"); do
      ns=$(cpu_ns "$rank0")
      t=$EPOCHREALTIME
      grep -q '^finished after\|^interrupted after' "$out.log" && break
      last_cpu=$c
      last_ns=$ns
      last_time=$t
      sleep 0.1
    done
    wait $launcher || { echo "FAILED: the /proc sweep (log: $out.log)" >&2; tail -20 "$out.log" >&2; exit 1; }
    record_coordinator c "$label" "$out.log"
    echo -e "$label\t$rank0\t$(echo "($last_cpu - $first_cpu) / $ticks" | bc -l)\t$(echo "$last_time - $first_time" | bc -l)\t$(echo "($last_ns - $first_ns) / 10^9" | bc -l)" >>"$PROC"
  }
  write_spec "$WORK/sweep32.yaml" sweep32 2000 1000 2 1 shared 1
  # A longer one, so that 10 ms CPU ticks resolve well: the same grid on 10,000 images, 3 epochs.
  write_spec "$WORK/sweep32_long.yaml" sweep32-long 10000 2000 3 1 shared 1
  proc_sample "$WORK/sweep32.yaml" "/proc: 32 trials x 2000 images, np 3"
  proc_sample "$WORK/sweep32_long.yaml" "/proc: 32 trials x 10000 images, np 3"

  $PY - "$COORD" "$PROC" "$ticks" <<'PYEOF'
import sys, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("coordinator's own line (getrusage of rank 0, start-up and MPI_Init included, over the sweep's seconds):")
print("%-4s %-40s %8s %8s %8s" % ("sec", "configuration", "CPU s", "sweep s", "% core"))
for section, config, cpu, wall, pct in rows:
    print("%-4s %-40s %8.3f %8.2f %8.2f" % (section, config, float(cpu), float(wall), float(pct)))
for section in sorted({r[0] for r in rows}):
    pcts = [float(r[4]) for r in rows if r[0] == section]
    print("section %s: median %.2f%%, max %.2f%% of a core over %d runs" % (section, statistics.median(pcts), max(pcts), len(pcts)))
print()
print("rank 0 while the trials run: /proc/PID/stat utime+stime (%s ticks/s), and /proc/PID/schedstat" % sys.argv[3])
print("on-CPU time of its main thread (ns resolution) as a cross-check:")
print("%-40s %7s %8s %8s %8s | %11s %8s" % ("sweep", "pid", "CPU s", "wall s", "% core", "schedstat s", "% core"))
worst = 0
for label, pid, cpu, wall, ns in (l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()):
    pct = 100 * float(cpu) / float(wall)
    worst = max(worst, pct)
    print("%-40s %7s %8.2f %8.2f %8.2f | %11.3f %8.2f" % (label, pid, float(cpu), float(wall), pct, float(ns), 100 * float(ns) / float(wall)))
print("target < 5%% of a core while trials run: %s (highest /proc figure %.2f%%)" % ("met" if worst < 5 else "MISSED", worst))
PYEOF
fi
