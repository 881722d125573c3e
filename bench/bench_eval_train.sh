#!/usr/bin/env bash
# The cost of `training.eval_train` per epoch (#16): the d2l MLP and LeNet-BN on Fashion-MNIST
# (55,000 training images after a 5,000-image validation part), each trained for EPOCHS epochs
# with eval_train 0 (off), 2000 and all, one trial at a time on one thread. Prints the median
# epoch time of each setting and its ratio to eval_train 0.
#   bash bench/bench_eval_train.sh            # EPOCHS=3 by default
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HPSWEEP=${HPSWEEP:-$ROOT/build/app/hpsweep}
EPOCHS=${EPOCHS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for model in mlp lenet-bn; do
  if [ "$model" = mlp ]; then training="lr: 0.1"; else training="lr: 0.1"; fi
  cat >"$WORK/$model.yaml" <<SPEC
name: eval-train-$model
method: grid
metric: {name: val_error}
dataset: {name: fashion-mnist, validation: 5000}
model: {type: $model}
training: {epochs: $EPOCHS, batch_size: 256, $training}
checkpoint: {every: 1000}
parameters:
  training.eval_train: {values: [0, 2000, 55000]}
SPEC
  "$HPSWEEP" run "$WORK/$model.yaml" --out "$WORK/$model" --workers 1 >/dev/null 2>&1
  python3 - "$WORK/$model/sweep.h5" "$model" <<'PY'
import statistics, subprocess, sys
path, model = sys.argv[1], sys.argv[2]
def curve(trial, name):
    out = subprocess.run(["h5dump", "-d", f"/trials/{trial}/curves/{name}", "-y", "-w", "0", path],
                         capture_output=True, text=True, check=True).stdout
    body = out[out.index("DATA {") + 6: out.rindex("}")]
    return [float(x) for x in body.replace("}", "").split(",") if x.strip()]
base = None
for trial, label in (("0000", "eval_train 0"), ("0001", "eval_train 2000"), ("0002", "eval_train all (55000)")):
    median = statistics.median(curve(trial, "wall_seconds"))
    base = base or median
    print(f"{model:9s} {label:24s} median epoch {median:7.2f} s   ratio {median / base:5.3f}")
PY
done
