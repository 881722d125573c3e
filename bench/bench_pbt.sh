#!/usr/bin/env bash
# Issue #5, benchmark 9: PBT against the same population without exploit/explore, same epoch
# budget, on real Fashion-MNIST MLP training (docs/schedulers.md, "PBT against its population").
# Runs experiments/fmnist-mlp-pbt.yaml as it is and with `pbt.exploit: false` (the identical
# population, drawn from the same seed, with the same barriers, each trial keeping its initial
# values), dev mode, and prints both best test errors.
#
#   bash bench/bench_pbt.sh [HPSWEEP_BINARY]        # default: build/app/hpsweep
#
# Environment: WORKERS (2); SPEC (experiments/fmnist-mlp-pbt.yaml); KEEP=1 keeps the work
# folder. Reads sweep.h5 with /usr/bin/python3 (Debian's, with h5py and numpy).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
WORKERS=${WORKERS:-2}
SPEC=${SPEC:-$ROOT/experiments/fmnist-mlp-pbt.yaml}
PY=/usr/bin/python3
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }
$PY -c 'import h5py, numpy' 2>/dev/null || { echo "$PY lacks h5py/numpy" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench_pbt.XXXXXX)
if [[ ${KEEP:-0} == 1 ]]; then
  echo "work folder (kept): $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
cp "$SPEC" "$WORK/pbt.yaml"
# The same file with `exploit: false` as the first key of the pbt block.
sed 's/^pbt:$/pbt:\n  exploit: false/' "$SPEC" > "$WORK/no-exploit.yaml"
grep -q '^  exploit: false$' "$WORK/no-exploit.yaml" ||
  { echo "$SPEC: no 'pbt:' block line to add 'exploit: false' to" >&2; exit 2; }

for run in pbt no-exploit; do
  start=$(date +%s.%N)
  "$BINARY" run "$WORK/$run.yaml" --out "$WORK/$run" --workers "$WORKERS" > "$WORK/$run.log" 2>&1 ||
    { cat "$WORK/$run.log" >&2; exit 1; }
  echo "$run: $(echo "$(date +%s.%N) - $start" | bc) s" >> "$WORK/times"
done

$PY - "$WORK" <<'PY'
import sys, h5py, numpy as np
work = sys.argv[1]
times = dict(line.split(": ") for line in open(work + "/times").read().split("\n") if line)

def load(run):
    with h5py.File(f"{work}/{run}/sweep.h5", "r") as f:
        swept = [p.decode() if isinstance(p, bytes) else p for p in f["swept_parameters"][()]]
        trials = []
        for name in sorted(f["trials"]):
            g = f["trials"][name]
            trials.append({
                "seed": int(g.attrs["seed"]),
                "values": tuple(float(g.attrs[p]) for p in swept),
                "test_error": np.asarray(g["curves/test_error"][()]),
            })
        exploits = sum(1 for k in f["decisions/kind"][()] if (k.decode() if isinstance(k, bytes) else k) == "exploit")
    return trials, exploits

pbt, pbt_exploits = load("pbt")
base, base_exploits = load("no-exploit")
same = [(t["seed"], t["values"]) for t in pbt] == [(t["seed"], t["values"]) for t in base]
print(f"population identical (seeds and initial values of {len(pbt)} trials): {'yes' if same else 'NO'}")
epochs = lambda ts: sum(len(t["test_error"]) for t in ts)
print(f"{'':12} {'epochs':>7} {'exploits':>8} {'best test error':>16} {'best final':>11} {'mean final':>11} {'wall':>8}")
for name, ts, ex in (("pbt", pbt, pbt_exploits), ("no-exploit", base, base_exploits)):
    best = min(float(t["test_error"].min()) for t in ts)
    finals = [float(t["test_error"][-1]) for t in ts]
    print(f"{name:12} {epochs(ts):7d} {ex:8d} {best:16.4f} {min(finals):11.4f} {np.mean(finals):11.4f} {float(times[name][:-2]):7.0f}s")
PY
