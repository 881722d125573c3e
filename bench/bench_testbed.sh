#!/usr/bin/env bash
# Cluster mode across two virtual nodes (cluster/testbed: network namespaces, a veth bridge and
# Slurm on this one machine); docs/cluster-performance.md, "Session 7: across nodes":
#
#   t. sweep throughput (issue #15, item 10): the 32-trial grid of bench_cluster.sh section b,
#      2 groups of 1 rank, one group per node (mpirun --host node1:2,node2:1 -np 3: rank 0 and
#      group 0 on node1, group 1 on node2; and the shipped cluster/slurm/sweep.sbatch with
#      sbatch --wait --nodes=2 --ntasks-per-node=1), against dev mode --workers 2 on the same
#      machine; wall time of the whole command, configurations alternating, medians and ratios.
#   l. node loss (item 11): a sweep across both nodes under mpirun, for every --watchdog in
#      WATCHDOGS: (kill) SIGKILL to the hpsweep ranks of node2, (link) node2's eth0 down. Times
#      from the fault to the message "hpsweep: lost rank ..." and to mpirun's exit; then the
#      same command again (the rerun) with node2 back, and the time from its start to its first
#      epoch and to its first resumed epoch (the first checkpoint written; a leader writes an
#      epoch's checkpoint just before it reports the epoch).
#   r. requeue (item 11, Slurm): the shipped sbatch script with --watchdog 10; node2's link down
#      mid-sweep; hpsweep ends the job (exit 69), the script requeues it, the link comes back as
#      soon as the loss is reported; times from the fault to the requeue, and from the requeue
#      to the restarted job's first resumed epoch.
#
#   bash bench/bench_testbed.sh [HPSWEEP_BINARY]        # default: build/app/hpsweep
#
# Environment: ROUNDS (5) alternations for t; LOSS_ROUNDS (2) for l and r; WATCHDOGS ("60 10");
# EXTRAS=1 adds diagnostic configurations to t (mpirun -np 3 on one node, outside the testbed;
# mpirun across the nodes with OMPI_MCA_pml=ob1); SBATCH=0 leaves the sbatch runs out of t;
# SKIP="l r" skips sections; KEEP=1 keeps the work folder (specs, logs, sweep folders).
# The testbed is its own: HPSWEEP_TESTBED_DIR (/run/hpsweep-bench) and HPSWEEP_TESTBED_SUBNET
# (10.77.9), brought up at the start and taken down at the end; a testbed already up in that
# folder is refused (it may be someone else's). The work folder is under WORK_PARENT
# (/var/tmp by default): a folder every node sees, as a cluster's shared file system.
# Faults are node-scoped: processes are picked by the network namespace of node2 and by the
# path of this script's private copy of the binary, never by name alone (the nodes share one
# PID namespace, so `on.sh node2 pkill -f 'hpsweep run'` would reach every node's ranks, and
# any other hpsweep of the machine).
# Needs root (the testbed), Open MPI, Slurm (scripts/setup.sh), /usr/bin/python3 with h5py.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
ROUNDS=${ROUNDS:-5}
LOSS_ROUNDS=${LOSS_ROUNDS:-2}
WATCHDOGS=${WATCHDOGS:-60 10}
EXTRAS=${EXTRAS:-1}
SBATCH=${SBATCH:-1}
SKIP=${SKIP:-}
PY=/usr/bin/python3
export HPSWEEP_TESTBED_DIR=${HPSWEEP_TESTBED_DIR:-/run/hpsweep-bench}
export HPSWEEP_TESTBED_SUBNET=${HPSWEEP_TESTBED_SUBNET:-10.77.9}
TESTBED=$ROOT/cluster/testbed
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }
$PY -c 'import h5py, numpy' 2>/dev/null || { echo "$PY lacks h5py/numpy" >&2; exit 2; }
if [[ -f $HPSWEEP_TESTBED_DIR/head.pid ]] && kill -0 "$(<"$HPSWEEP_TESTBED_DIR/head.pid")" 2>/dev/null; then
  echo "a testbed is already up in $HPSWEEP_TESTBED_DIR; set HPSWEEP_TESTBED_DIR and" \
    "HPSWEEP_TESTBED_SUBNET to a free folder and subnet" >&2
  exit 2
fi

WORK=$(mktemp -d "${WORK_PARENT:-/var/tmp}/bench_testbed.XXXXXX")
cp "$BINARY" "$WORK/hpsweep"  # a private copy: a rebuild cannot change it, and faults find it by path
HPSWEEP=$WORK/hpsweep
skip() { [[ " $SKIP " == *" $1 "* ]]; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { echo "$2 - $1" | bc -l; }  # elapsed T0 T1 -> seconds

# --- the testbed, and processes in its nodes ------------------------------------------------
holder() { cat "$HPSWEEP_TESTBED_DIR/$1.pid"; }
# PIDs in NODE's network namespace (its holder excepted) whose command line contains TEXT.
node_pids() {
  local net pid
  net=$(readlink "/proc/$(holder "$1")/ns/net") || return 0
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $pid == "$(holder "$1")" ]] && continue
    [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$net" ]] || continue
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" && echo "$pid"
  done
  return 0
}
# Kills what is left of this script's jobs on both nodes: its hpsweep ranks and Open MPI's
# daemons (the testbed is this script's own); prints how many there were.
kill_leftovers() {
  local pids
  pids=$( (node_pids node1 "$HPSWEEP"; node_pids node2 "$HPSWEEP"; node_pids node1 orted; node_pids node2 orted) | sort -u)
  local names=
  [[ -n $pids ]] && names=" ($(for p in $pids; do cat "/proc/$p/comm" 2>/dev/null; done | sort | uniq -c | xargs))"
  [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
  echo "$(echo "$pids" | grep -c .)$names"
}
cleanup() {
  local status=$?
  trap - EXIT
  for job in $(jobs -p); do kill -KILL "$job" 2>/dev/null || true; done
  "$TESTBED/down.sh" || true
  if [[ ${KEEP:-0} == 1 ]]; then echo "work folder (kept): $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
timeout 90 "$TESTBED/up.sh" 2
source "$TESTBED/env.sh"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(mpirun --version 2>&1 | head -1); $(sbatch --version)"
echo "binary:  $BINARY; git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (dirty tree)')"
echo "testbed: $HPSWEEP_TESTBED_DIR, $HPSWEEP_TESTBED_SUBNET.0/24; work folder $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# The 32-trial grid of bench_cluster.sh, section b: WRITE_SPEC FILE TRAIN TEST EPOCHS.
write_spec() {
  cat >"$1" <<YAML
name: $(basename "$1" .yaml)
seed: 7
method: grid
metric: {name: test_error, goal: minimize}
dataset: {name: fashion-mnist, train_subset: $2, test_subset: $3}
model: {type: mlp, width: 256, depth: 1, dropout: 0.0, activation: relu, init: xavier}
training: {epochs: $4, batch_size: 256, lr: 0.1, weight_decay: 0.0}
resources: {ranks_per_trial: 1, reducer: shared}
parameters:
  training.lr: {values: [0.05, 0.1, 0.2, 0.4]}
  model.dropout: {values: [0.0, 0.5]}
  training.weight_decay: {values: [0.0, 0.001]}
  model.depth: {values: [1, 2]}
YAML
}

median_table() {  # median_table TSV BASELINE: rows "label<TAB>run<TAB>seconds"
  $PY - "$@" <<'PYEOF'
import sys, statistics
path, baseline = sys.argv[1:3]
by = {}
for line in open(path):
    if line.strip():
        label, run, value = line.rstrip("\n").split("\t")
        by.setdefault(label, []).append(float(value))
base = statistics.median(by[baseline])
width = max(len(k) for k in by) + 2
print("\n%-*s %-36s %8s %8s" % (width, "configuration", "seconds per round", "median", "/ dev"))
for label, values in by.items():
    m = statistics.median(values)
    print("%-*s %-36s %8.2f %7.3fx" % (width, label, " ".join("%.2f" % v for v in values), m, m / base))
PYEOF
}

# --------------------------------------------------------------------------------------------
# t. Sweep throughput across two nodes against dev mode.
# --------------------------------------------------------------------------------------------
if ! skip t; then
  echo
  echo "== t. sweep throughput: 32-trial grid, train_subset 2000, test_subset 1000, 2 epochs; $ROUNDS rounds"
  write_spec "$WORK/sweep32.yaml" 2000 1000 2
  SWEEP=$WORK/sweep.tsv
  : >"$SWEEP"
  configs=("mpirun node1:2,node2:1 -np 3|across" "dev mode --workers 2|dev")
  ((SBATCH)) && configs+=("sbatch --wait -N2 (sweep.sbatch)|sbatch")
  ((EXTRAS)) && configs+=("mpirun -np 3, one node (no testbed)|local" "mpirun node1:2,node2:1, pml ob1|across-ob1")
  # sbatch --wait of the shipped script, in the background; meanwhile, the time the job's log
  # shows the coordinator's last line goes to OUT.lastline (sbatch --wait polls the job's state
  # at intervals of its own, which the difference shows).
  sbatch_wait() {
    local out=$1 log=$2 pid job=
    (cd "$WORK" && timeout 300 "$TESTBED/on.sh" head sbatch --wait --parsable --nodes=2 \
      --ntasks-per-node=1 --export=ALL,HPSWEEP="$HPSWEEP" "$ROOT/cluster/slurm/sweep.sbatch" \
      "$WORK/sweep32.yaml" "$out" --verbose) >"$log" 2>&1 &
    pid=$!
    : >"$out.lastline"
    for _ in $(seq 1 15000); do
      [[ -z $job ]] && job=$(head -1 "$log" | tr -dc 0-9)
      if [[ -n $job ]] && grep -q 'coordinator (rank 0):' "$WORK/hpsweep-$job.log" 2>/dev/null; then
        now >"$out.lastline"
        break
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.02
    done
    wait "$pid"
  }
  for run in $(seq 1 "$ROUNDS"); do
    for c in "${configs[@]}"; do
      IFS='|' read -r label mode <<<"$c"
      out=$WORK/t_${mode}_$run
      log=$out.log
      start=$(now)
      case $mode in
        across) (cd "$WORK" && timeout 300 "$TESTBED/on.sh" node1 mpirun --host node1:2,node2:1 -np 3 \
          "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose) >"$log" 2>&1 ;;
        across-ob1) (cd "$WORK" && OMPI_MCA_pml=ob1 timeout 300 "$TESTBED/on.sh" node1 mpirun \
          --host node1:2,node2:1 -np 3 "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose) >"$log" 2>&1 ;;
        dev) timeout 300 "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose --workers 2 >"$log" 2>&1 ;;
        local) (unset OMPI_MCA_plm_rsh_agent OMPI_MCA_btl_tcp_if_include OMPI_MCA_btl OMPI_MCA_oob_tcp_if_include
                source "$ROOT/bench/local_mpi_env.sh"
                timeout 300 mpirun -np 3 "$HPSWEEP" run "$WORK/sweep32.yaml" --out "$out" --verbose) >"$log" 2>&1 ;;
        sbatch) sbatch_wait "$out" "$log" ;;
      esac || { echo "FAILED: $label (log: $log)" >&2; tail -20 "$log" >&2; exit 1; }
      end=$(now)
      if [[ $mode == sbatch ]]; then  # the job's own output is in hpsweep-JOBID.log
        job=$(head -1 "$log" | tr -dc 0-9)
        cat "$WORK/hpsweep-$job.log" >>"$log"
        [[ -s $out.lastline ]] &&
          echo -e "sbatch: submission to the job log's last line\t$run\t$(elapsed "$start" "$(<"$out.lastline")")" >>"$SWEEP"
      fi
      grep -q 'finished after .* 32 completed' "$log" ||
        { echo "FAILED: $label did not complete 32 trials (log: $log)" >&2; tail -20 "$log" >&2; exit 1; }
      t=$(elapsed "$start" "$end")
      echo -e "$label\t$run\t$t" >>"$SWEEP"
      printf '  round %d: %-38s %6.2f s\n' "$run" "$label" "$t"
    done
  done
  median_table "$SWEEP" "dev mode --workers 2"
  $PY - "$SWEEP" <<'PYEOF'
import sys, statistics
by = {}
for line in open(sys.argv[1]):
    if line.strip():
        label, run, value = line.rstrip("\n").split("\t")
        by.setdefault(label, []).append(float(value))
dev = statistics.median(by["dev mode --workers 2"])
for label in ("mpirun node1:2,node2:1 -np 3", "sbatch --wait -N2 (sweep.sbatch)"):
    if label in by:
        r = statistics.median(by[label]) / dev
        print("%s / dev mode: %.3f; target <= 1.10: %s" % (label, r, "met" if r <= 1.10 else "MISSED"))
PYEOF
fi

# --------------------------------------------------------------------------------------------
# l. Node loss under mpirun, and the rerun.
# --------------------------------------------------------------------------------------------
# A sweep long enough to be mid-trial on both nodes whenever the fault comes, and for the rerun
# to resume those trials: 32 trials of 100 epochs of 20,000 images (about 0.3 s an epoch on one
# core; a trial outlasts the watchdog, so the lost node's trial is still unfinished).
LOSS_SPEC=$WORK/loss.yaml
LOSS_EPOCHS=${LOSS_EPOCHS:-100}
write_spec "$LOSS_SPEC" 20000 2000 "$LOSS_EPOCHS"
LOSS=$WORK/loss.tsv
: >"$LOSS"

# Prefixes every line with the time it arrived (mpirun forwards the ranks' output as it comes).
stamp() {
  local line
  while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done
}
# The arrival time of the first line of LOG after time T0 that matches the extended regex RE.
first_line_after() {
  awk -v t0="$2" -v re="$3" '$1 > t0 && $0 ~ re { print $1; exit }' "$1"
}
# Starts mpirun across the nodes in the background: start_sweep OUT WATCHDOG LOG; sets
# SWEEP_PID (the subshell, which writes "STATUS TIME" to OUT.exit when mpirun has exited).
start_sweep() {
  rm -f "$1.exit"
  # mpirun's exit is written as it happens: after hpsweep ends mpirun, the rsh agent (ssh on a
  # real cluster) of the lost node's daemon may hold mpirun's output open for much longer.
  (
    set +e
    cd "$WORK" || exit 1
    (
      timeout 400 "$TESTBED/on.sh" node1 mpirun --host node1:2,node2:1 -np 3 \
        "$HPSWEEP" run "$LOSS_SPEC" --out "$1" --watchdog "$2"
      echo "$? $EPOCHREALTIME" >"$1.exit"
    ) 2>&1 | stamp >"$3"
  ) &
  SWEEP_PID=$!
}
# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms; prints the time it first held, or
# nothing after SECONDS.
wait_for() {
  local limit=$1 deadline
  shift
  deadline=$(echo "$EPOCHREALTIME + $limit" | bc -l)
  while (($(echo "$EPOCHREALTIME < $deadline" | bc -l))); do
    if "$@"; then now; return 0; fi
    sleep 0.02
  done
  return 0
}
checkpoints_at_least() { (($(find "$1/checkpoints" -name '*.h5' 2>/dev/null | wc -l) >= $2)); }
newer_checkpoint() { [[ -n $(find "$1/checkpoints" -name '*.h5' -newer "$2" 2>/dev/null | head -1) ]]; }
# A checkpoint that existed before the rerun (listed in $3) and is newer than the marker $2:
# a resumed trial's epoch.
resumed_checkpoint() {
  local f
  for f in $(find "$1/checkpoints" -name '*.h5' -newer "$2" 2>/dev/null); do
    grep -qxF "$f" "$3" && return 0
  done
  return 1
}
in_log() { grep -q -- "$2" "$1" 2>/dev/null; }
exited() { [[ -s $1.exit ]]; }
node2_reachable() { "$TESTBED/on.sh" node1 timeout 1 bash -c 'echo > /dev/tcp/node2/6818' 2>/dev/null; }
link_up_again() {
  "$TESTBED/on.sh" node2 ip link set eth0 up
  wait_for 30 node2_reachable
}
descendants() {
  local p
  for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done
}
# The mpirun under the subshell $1 (timeout, on.sh's bash, then mpirun: nsenter execs it).
mpirun_under() {
  local p
  for p in $(descendants "$1"); do
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == mpirun ]] && { echo "$p"; return 0; }
  done
  return 0
}
# After a fault: polls LOG for "hpsweep: lost" and OUT.exit (mpirun's exit) every 20 ms, for
# at most 300 s; sets T_MSG (empty: no such message) and T_EXIT (empty: still running).
watch_fault() {
  local log=$1 out=$2 deadline
  T_MSG= T_EXIT=
  deadline=$(echo "$EPOCHREALTIME + 300" | bc -l)
  while (($(echo "$EPOCHREALTIME < $deadline" | bc -l))); do
    [[ -z $T_MSG ]] && in_log "$log" 'hpsweep: lost' && T_MSG=$(now)
    if exited "$out"; then
      read -r _ T_EXIT <"$out.exit"
      [[ -z $T_MSG ]] && in_log "$log" 'hpsweep: lost' && T_MSG=$T_EXIT
      return 0
    fi
    sleep 0.02
  done
  return 0
}
nodes_idle() { [[ $("$TESTBED/on.sh" head sinfo -h -N -t idle -o %N | sort -u | wc -l) == 2 ]]; }
job_gone() { ! "$TESTBED/on.sh" head squeue -h -j "$1" 2>/dev/null | grep -q .; }

if ! skip l; then
  echo
  echo "== l. node loss: mpirun --host node1:2,node2:1 -np 3, 32 trials x $LOSS_EPOCHS epochs x 20,000 images; watchdogs: $WATCHDOGS; $LOSS_ROUNDS rounds"
  for run in $(seq 1 "$LOSS_ROUNDS"); do
    for w in $WATCHDOGS; do
      for fault in kill link; do
        out=$WORK/l_${w}_${fault}_$run
        log=$out.log
        start_sweep "$out" "$w" "$log"
        t_started=$(wait_for 120 checkpoints_at_least "$out" 2)
        [[ -n $t_started ]] || { echo "FAILED: no checkpoints within 120 s (log: $log)" >&2; tail "$log" >&2; exit 1; }
        sleep 1
        t0=$(now)
        if [[ $fault == kill ]]; then
          victims=$(node_pids node2 "$HPSWEEP run")
          [[ -n $victims ]] || { echo "FAILED: no hpsweep rank on node2" >&2; exit 1; }
          kill -KILL $victims
        else
          "$TESTBED/on.sh" node2 ip link set eth0 down
        fi
        watch_fault "$log" "$out"
        t_msg=$T_MSG
        [[ -n $T_EXIT ]] || { echo "FAILED: mpirun still running 300 s after the fault (log: $log)" >&2; exit 1; }
        read -r status t_exit <"$out.exit"
        # node2's ranks still running when mpirun has exited (they end by their own watchdog
        # once cut off; with the link down, the testbed's shared folder still takes their
        # checkpoints, as a cluster's storage network may).
        alive=$(node_pids node2 "$HPSWEEP run" | grep -c . || true)
        [[ $fault == link ]] && link_up_again >/dev/null
        sleep 2
        # What is still running 2 s after mpirun's exit (and after the link is back): hpsweep
        # ranks, orted, the rsh agent that started it (holding mpirun's output open).
        left=$(kill_leftovers)
        wait "$SWEEP_PID" 2>/dev/null || true
        # The first report of the loss in mpirun's output: hpsweep's or Open MPI's own.
        t_report=$(first_line_after "$log" "$t0" 'hpsweep: (lost|rank)|mpirun noticed|Primary job|ORTE|lost communication|has lost')
        t_msg_line=$(first_line_after "$log" "$t0" 'hpsweep: lost')
        [[ -n $t_msg_line ]] && t_msg=$t_msg_line
        to_report=$([[ -n $t_report ]] && elapsed "$t0" "$t_report" || echo nan)
        to_msg=$([[ -n $t_msg ]] && elapsed "$t0" "$t_msg" || echo nan)
        to_exit=$(elapsed "$t0" "$t_exit")
        # The rerun: the same command.
        find "$out/checkpoints" -name '*.h5' >"$out.before"
        marker=$out.rerun-start
        touch "$marker"
        sleep 0.01
        r0=$(now)
        start_sweep "$out" "$w" "$out.rerun.log"
        t_first=$(wait_for 120 newer_checkpoint "$out" "$marker")
        t_resumed=$(wait_for 60 resumed_checkpoint "$out" "$marker" "$out.before")
        p=$(mpirun_under "$SWEEP_PID")
        [[ -n $p ]] && kill -TERM "$p"
        wait_for 60 exited "$out" >/dev/null
        [[ -s $out.exit ]] || kill_leftovers >/dev/null
        wait "$SWEEP_PID" 2>/dev/null || true
        sleep 1
        kill_leftovers >/dev/null
        first=$([[ -n $t_first ]] && elapsed "$r0" "$t_first" || echo nan)
        resumed=$([[ -n $t_resumed ]] && elapsed "$r0" "$t_resumed" || echo nan)
        message=
        [[ -n $t_report ]] && message=$(awk -v t="$t_report" '$1 == t { $1 = ""; print substr($0, 2, 150); exit }' "$log")
        printf '  round %d, --watchdog %2s, %-4s: first report %6s s, "lost" message %6s s, mpirun exit %6.2f s (status %s; node2 ranks alive at the exit: %s; left over 2 s later: %s); rerun: first epoch %6s s, first resumed epoch %6s s\n' \
          "$run" "$w" "$fault" "$(printf %.2f "$to_report")" "$(printf %.2f "$to_msg")" "$to_exit" "$status" "$alive" "$left" \
          "$(printf %.2f "$first")" "$(printf %.2f "$resumed")"
        echo "    first report: ${message:-none}"
        echo -e "$w\t$fault\t$run\t$to_msg\t$to_exit\t$status\t$first\t$resumed\t$to_report" >>"$LOSS"
      done
    done
  done
  $PY - "$LOSS" "$out" <<'PYEOF'
import sys, math, statistics, h5py, numpy
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
def med(values):
    values = [float(v) for v in values if not math.isnan(float(v))]
    return "%.2f" % statistics.median(values) if values else "-"
print("\nmedians (seconds)     fault -> first report   -> 'lost' message   -> mpirun exit   rerun -> first epoch   -> first resumed epoch")
for w in dict.fromkeys(r[0] for r in rows):
    for fault in ("kill", "link"):
        sel = [r for r in rows if r[0] == w and r[1] == fault]
        if sel:
            print("--watchdog %-3s %-6s %16s %19s %16s %22s %22s" % (w, fault, med(r[8] for r in sel), med(r[3] for r in sel), med(r[4] for r in sel), med(r[6] for r in sel), med(r[7] for r in sel)))
with h5py.File(sys.argv[2] + "/sweep.h5", "r") as f:
    walls = [v for g in f["trials"].values() for v in g["curves/wall_seconds"][()]]
print("epoch time of these trials (wall_seconds, all epochs of the last sweep): median %.2f s" % numpy.median(walls))
PYEOF
fi

# --------------------------------------------------------------------------------------------
# r. Requeue through the shipped sbatch script after a lost link.
# --------------------------------------------------------------------------------------------
if ! skip r; then
  echo
  echo "== r. requeue: sbatch -N2 --ntasks-per-node=1 sweep.sbatch ... --watchdog 10, node2's link down mid-sweep; $LOSS_ROUNDS rounds"
  for run in $(seq 1 "$LOSS_ROUNDS"); do
    wait_for 60 nodes_idle >/dev/null
    out=$WORK/r_$run
    job=$(cd "$WORK" && "$TESTBED/on.sh" head sbatch --parsable --nodes=2 --ntasks-per-node=1 \
      --export=ALL,HPSWEEP="$HPSWEEP" "$ROOT/cluster/slurm/sweep.sbatch" "$LOSS_SPEC" "$out" --watchdog 10)
    job=${job%%;*}
    jlog=$WORK/hpsweep-$job.log
    t_started=$(wait_for 120 checkpoints_at_least "$out" 2)
    [[ -n $t_started ]] || { echo "FAILED: job $job wrote no checkpoints within 120 s" >&2; cat "$jlog" >&2; exit 1; }
    sleep 1
    t0=$(now)
    "$TESTBED/on.sh" node2 ip link set eth0 down
    t_msg=$(wait_for 120 in_log "$jlog" 'hpsweep: lost')
    link_up_again >/dev/null
    t_requeue=$(wait_for 120 in_log "$jlog" 'requeueing job')
    find "$out/checkpoints" -name '*.h5' >"$out.before"
    marker=$out.requeue
    touch "$marker"
    t_restart=$(wait_for 180 in_log "$jlog" '(restart 1)')
    t_first=$(wait_for 120 newer_checkpoint "$out" "$marker")
    t_resumed=$(wait_for 60 resumed_checkpoint "$out" "$marker" "$out.before")
    "$TESTBED/on.sh" head scancel "$job" || true
    wait_for 60 job_gone "$job" >/dev/null
    sleep 1
    kill_leftovers >/dev/null
    show() { [[ -n $2 ]] && printf %.2f "$(elapsed "$1" "$2")" || echo nan; }
    printf '  round %d: fault -> lost message %s s, -> requeue %s s; requeue -> job restarted %s s, -> first epoch %s s, -> first resumed epoch %s s\n' \
      "$run" "$(show "$t0" "$t_msg")" "$(show "$t0" "$t_requeue")" "$(show "${t_requeue:-$t0}" "$t_restart")" \
      "$(show "${t_requeue:-$t0}" "$t_first")" "$(show "${t_requeue:-$t0}" "$t_resumed")"
  done
fi
