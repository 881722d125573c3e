#!/usr/bin/env bash
# Runs a sweep with Open MPI's mpirun over the nodes of a hostfile, keeping worker groups on
# one node: the first node gets one extra slot for the coordinator (rank 0), so ranks 1..N-1
# fill the nodes' cores in order (cluster/README.md, "Placing groups on nodes").
#
#   cluster/mpirun/run.sh HOSTS RANKS SPEC OUT
#     HOSTS  one node name per line (see hostfile.example), all with the same core count
#     RANKS  total ranks: 1 + the number of worker ranks you want
set -euo pipefail
if [[ $# -ne 4 ]]; then
  echo "usage: $0 HOSTS RANKS SPEC OUT" >&2
  exit 2
fi
hosts=$1 ranks=$2 spec=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
binary=${HPSWEEP:-$here/../../build/app/hpsweep}
slots=${SLOTS_PER_NODE:-$(nproc)}

hostfile=$(mktemp)
trap 'rm -f "$hostfile"' EXIT
first=1
while read -r node _; do
  [[ -z "$node" || "$node" == \#* ]] && continue
  if ((first)); then
    echo "$node slots=$((slots + 1))" >>"$hostfile"
    first=0
  else
    echo "$node slots=$slots" >>"$hostfile"
  fi
done <"$hosts"

# One BLIS thread per rank: hpsweep owns the cores. --map-by slot fills each node in order;
# the coordinator shares a core with rank 1 (it mostly sleeps), hence overload-allowed.
#
# mpirun runs in the background so that this script can keep hpsweep's exit codes: mpirun
# passes SIGTERM and SIGINT on to every rank, whose sweep stops within seconds, but then exits
# 1 itself, whatever the ranks returned. After such a signal this script exits 128 + the signal
# (143, 130) as `hpsweep run` does in dev mode, unless the job ended otherwise (0, 69, 75).
mpirun --hostfile "$hostfile" -np "$ranks" --map-by slot --bind-to core:overload-allowed \
  -x OMP_NUM_THREADS=1 -x BLIS_NUM_THREADS=1 \
  "$binary" run "$spec" --out "$out" &
pid=$!
signal=0
trap 'signal=15; kill -TERM "$pid" 2>/dev/null || true' TERM
trap 'signal=2; kill -INT "$pid" 2>/dev/null || true' INT
status=0
while true; do
  wait "$pid" && status=0 || status=$?
  kill -0 "$pid" 2>/dev/null || break  # else `wait` returned for a trapped signal: wait on
done
if ((signal != 0 && status == 1)); then
  status=$((128 + signal))
fi
exit "$status"
