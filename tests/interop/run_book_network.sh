#!/usr/bin/env bash
# Interop test: a checkpoint of one network of the zoo loads into the book's own PyTorch
# network with load_state_dict(strict=True) and gives hpsweep's test metrics.
#   bash tests/interop/run_book_network.sh HPSWEEP_BINARY WORK_DIR MODEL_TYPE
# Trains a reduced MODEL_TYPE (few channels, small images, 1,000 training images, 3 epochs) into
# WORK_DIR/sweep, then runs book_networks.py on it. Skips (exit 77) as run_interop.sh does.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 HPSWEEP_BINARY WORK_DIR MODEL_TYPE" >&2
  exit 2
fi
type=$3
source "$(dirname "${BASH_SOURCE[0]}")/interop_setup.sh" "$1" "$2" -- h5py numpy torch

# model.width, the model.depth values and dataset.input_size of each reduced network: widths
# that scale the book's channels to whole numbers, so the book's literal channel counts
# (e.g. GoogLeNet's Inception(480, ...)) scale to what hpsweep built; the smallest inputs the
# strides allow; the book's depth, and for GoogLeNet and ResNet the shallower ones too. Every
# network must learn in these few steps, or matching metrics would not tell networks apart
# (book_networks.py checks it): He's initialization and momentum do it for most; LeNet's
# sigmoids, on their plateau for more than an epoch of all 60,000 images with SGD, need Adam.
training="{epochs: 3, batch_size: 50, lr: 0.01, momentum: 0.9}"
case $type in
  softmax) model="{type: softmax, init: he}"; depths="[0]"; size=0 ;;
  mlp) model="{type: mlp, width: 32, dropout: 0.5, init: he}"; depths="[2]"; size=0 ;;
  lenet)
    model="{type: lenet, width: 6, init: xavier}"; depths="[2]"; size=0
    training="{epochs: 3, batch_size: 50, lr: 0.01, optimizer: adam}"
    ;;
  lenet-bn) model="{type: lenet-bn, width: 4, init: he}"; depths="[2]"; size=0 ;;
  alexnet) model="{type: alexnet, width: 8, dropout: 0.5, init: he}"; depths="[3]"; size=67 ;;
  vgg) model="{type: vgg, width: 4, dropout: 0.5, init: he}"; depths="[5]"; size=32 ;;
  nin) model="{type: nin, width: 8, dropout: 0.5, init: he}"; depths="[3]"; size=67 ;;
  googlenet) model="{type: googlenet, width: 8, init: he}"; depths="[1, 2, 3]"; size=32 ;;
  resnet) model="{type: resnet, width: 8, init: he}"; depths="[1, 2]"; size=32 ;;
  densenet) model="{type: densenet, width: 8, init: he}"; depths="[2]"; size=32 ;;
  *)
    echo "error: no reduced settings for model type '$type'" >&2
    exit 2
    ;;
esac

mkdir -p "$work"
out=$work/sweep
rm -rf "$out"  # hpsweep refuses an --out folder that already holds a sweep
spec=$work/book-$type.yaml
cat > "$spec" <<EOF
name: book-$type
seed: 21
method: grid
metric: {name: test_error, goal: minimize}
dataset: {name: fashion-mnist, input_size: $size, train_subset: 1000, test_subset: 200}
model: $model
training: $training
parameters:
  model.depth: {values: $depths}
EOF

echo "== hpsweep run $spec --out $out"
"$binary" run "$spec" --out "$out" --workers 1
echo "== book_networks.py $out"
"$python" "$here/book_networks.py" "$out"
