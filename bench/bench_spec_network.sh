#!/usr/bin/env bash
# Does a network written in the spec train as fast as the built-in one (issue 19, item 8)?
# Both build the same layers, so they should; this measures it. For LeNet
# (experiments/lenet-written.yaml at width 6 against `type: lenet`) and the reduced ResNet
# (experiments/resnet-written.yaml at depth 0 against `type: resnet`, width 16, depth 1), runs
# one trial of each ROUNDS times, alternating which goes first, on real Fashion-MNIST, and
# prints the median training speed (the samples_per_second curve, all epochs of all rounds)
# and the ratio written / built-in.
#   bash bench/bench_spec_network.sh            # 5 rounds, about 40 s on 2 cores
#   ROUNDS=9 bash bench/bench_spec_network.sh
# Environment: HPSWEEP (default build/app/hpsweep), WORK (default a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
hpsweep=${HPSWEEP:-build/app/hpsweep}
work=${WORK:-$(mktemp -d)}
rounds=${ROUNDS:-5}
mkdir -p "$work"

common="seed: 1
method: grid
checkpoint: {keep: none}"
lenet_data="dataset: {train_subset: 12000, test_subset: 1000}
training: {epochs: 2, batch_size: 256, lr: 0.9}"
resnet_data="dataset: {input_size: 32, train_subset: 3000, test_subset: 500}
training: {epochs: 2, batch_size: 128, lr: 0.05, momentum: 0.9}"

printf '%s\n%s\nmodel: {type: lenet, init: xavier}\n' "$common" "$lenet_data" >"$work/lenet-builtin.yaml"
# The examples' model blocks (layers written out), with the bench's data and training.
written() {  # written EXAMPLE DATA PARAMETERS
  printf '%s\n%s\n' "$common" "$2"
  sed -n '/^model:/,/^training:/p' "experiments/$1" | sed '$d'
  printf 'parameters:\n  %s\n' "$3"
}
written lenet-written.yaml "$lenet_data" 'model.width: {values: [6]}' >"$work/lenet-written.yaml"
printf '%s\n%s\nmodel: {type: resnet, width: 16, depth: 1, init: he}\n' "$common" "$resnet_data" \
  >"$work/resnet-builtin.yaml"
written resnet-written.yaml "$resnet_data" 'model.depth: {values: [0]}' >"$work/resnet-written.yaml"

run() {  # run NAME ROUND: one sweep, its speeds appended to NAME.speeds
  local out="$work/$1-$2"
  "$hpsweep" run "$work/$1.yaml" --out "$out" --workers 1 >"$out.log" 2>&1 ||
    { echo "hpsweep run failed, see $out.log" >&2; exit 1; }
  /usr/bin/python3 -c '
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    for v in f["trials/0000/curves/samples_per_second"][:]: print(v)' "$out/sweep.h5" \
    >>"$work/$1.speeds"
}

median() { sort -g "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "| network | built-in, samples/s | written, samples/s | written / built-in |"
echo "|---|---|---|---|"
for net in lenet resnet; do
  rm -f "$work/$net-builtin.speeds" "$work/$net-written.speeds"
  for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then order="builtin written"; else order="written builtin"; fi
    for kind in $order; do run "$net-$kind" "$r"; done
  done
  b=$(median "$work/$net-builtin.speeds")
  w=$(median "$work/$net-written.speeds")
  echo "| $net | $b | $w | $(awk -v w="$w" -v b="$b" 'BEGIN {printf "%.3f", w / b}') |"
done
