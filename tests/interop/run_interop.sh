#!/usr/bin/env bash
# Interop test: a tiny sweep read back with h5py/pandas and its checkpoints loaded into PyTorch.
#   bash tests/interop/run_interop.sh HPSWEEP_BINARY WORK_DIR
# Runs a 4-trial sweep into WORK_DIR/sweep, then read_sweep.py (the curves as one DataFrame)
# and load_checkpoint_torch.py (each checkpoint's test metrics recomputed by PyTorch), also
# under checkpoint.keep last, best and none; then the same for LeNets with a conditional parameter, and read_sweep.py on a tiny PBT sweep (its
# per-epoch schedules). Needs
# Debian's /usr/bin/python3 with python3-h5py, -pandas, -numpy and -torch (the `python3` first
# on PATH may lack them); without them, or without the dataset, prints SKIP and exits 77.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/interop_setup.sh" "$@" -- h5py numpy pandas torch
if [[ ! -x $binary ]]; then
  echo "error: $binary: not an executable" >&2
  exit 2
fi

mkdir -p "$work"
out=$work/sweep
rm -rf "$out"  # hpsweep refuses an --out folder that already holds a sweep
spec=$work/interop.yaml
# test_subset 1000: the sweep's test metrics are over exactly the images PyTorch re-evaluates.
# Training is augmented and input_size 20 resizes: PyTorch's F.interpolate of the test images
# must give hpsweep's test metrics, which are never augmented.
cat > "$spec" <<'EOF'
name: interop
seed: 11
method: grid
metric: {name: test_error, goal: minimize}
dataset: {name: fashion-mnist, train_subset: 2000, test_subset: 1000, flip: true, crop_padding: 2}
model: {type: mlp, width: 64, depth: 1, dropout: 0.0, activation: relu, init: normal, init_sigma: 0.01}
training: {epochs: 2, batch_size: 64, lr: 0.1, weight_decay: 0.001}
parameters:
  model.dropout: {values: [0.0, 0.5]}
  dataset.input_size: {values: [0, 20]}
EOF

echo "== hpsweep run $spec --out $out --workers 2"
"$binary" run "$spec" --out "$out" --workers 2

echo "== read_sweep.py"
"$python" "$here/read_sweep.py" "$out" --require-completed

echo "== load_checkpoint_torch.py"
"$python" "$here/load_checkpoint_torch.py" "$out"

# checkpoint.keep: the same sweep under `last` and `best`; what each keeps still loads into
# PyTorch and gives the curves' metrics, and a `none` checkpoint holds the curves alone.
for keep in last best none; do
  rm -rf "$out-$keep"
  { cat "$spec"; echo "checkpoint: {keep: $keep}"; } > "$work/interop-$keep.yaml"
  echo "== hpsweep run $work/interop-$keep.yaml --out $out-$keep"
  "$binary" run "$work/interop-$keep.yaml" --out "$out-$keep" --workers 2
  "$python" "$here/load_checkpoint_torch.py" "$out-$keep"
done

# LeNet and LeNet-BN: conv weights [out, in, kh, kw] and batch norm's running statistics load
# into the book's PyTorch models and give hpsweep's test metrics. model.width is conditional
# (lenet-bn only): a trial without it has no attribute for it.
cnn_spec=$work/interop-cnn.yaml
cnn_out=$work/sweep-cnn
rm -rf "$cnn_out"
cat > "$cnn_spec" <<'EOF'
name: interop-cnn
seed: 12
method: grid
metric: {name: test_error, goal: minimize}
dataset: {name: fashion-mnist, train_subset: 1000, test_subset: 500}
model: {init: xavier}
training: {epochs: 1, batch_size: 50, lr: 0.1}
parameters:
  model.type: {values: [lenet, lenet-bn]}
  model.width: {values: [4, 8], when: {model.type: lenet-bn}}
EOF
echo "== hpsweep run $cnn_spec --out $cnn_out"
"$binary" run "$cnn_spec" --out "$cnn_out" --workers 2
# 3 trials: lenet without a model.width attribute (its default width), lenet-bn at 4 and 8.
"$python" "$here/read_sweep.py" "$cnn_out" --require-completed
"$python" - "$cnn_out/sweep.h5" <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r", locking=False) as f:
    widths = [(t.attrs["model.type"], t.attrs.get("model.width")) for t in f["trials"].values()]
assert widths == [("lenet", None), ("lenet-bn", 4), ("lenet-bn", 8)], widths
EOF
"$python" "$here/load_checkpoint_torch.py" "$cnn_out"

# PBT: the per-epoch schedule read back with pandas (read_schedules), one row per epoch.
pbt_spec=$work/interop-pbt.yaml
pbt_out=$work/sweep-pbt
rm -rf "$pbt_out"
cat > "$pbt_spec" <<'EOF'
name: interop-pbt
seed: 13
method: pbt
dataset: {name: fashion-mnist, train_subset: 500, test_subset: 200}
model: {width: 16}
training: {epochs: 3, batch_size: 50}
parameters:
  training.lr: {values: [0.02, 0.2]}
pbt: {population: 2, perturbation_interval: 1, mutations: {training.lr: {values: [0.02, 0.1, 0.2]}}}
EOF
echo "== hpsweep run $pbt_spec --out $pbt_out"
"$binary" run "$pbt_spec" --out "$pbt_out" --workers 2
"$python" "$here/read_sweep.py" "$pbt_out" --require-completed

echo "interop: OK"
