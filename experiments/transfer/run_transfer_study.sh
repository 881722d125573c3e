#!/usr/bin/env bash
# The transfer study of docs/transfer-study.md: pretrain LeNet-BN and a reduced ResNet on
# Fashion-MNIST's classes 0-4, then train on classes 5-9 with 10, 50 and 500 images per class
# from scratch, fine-tuned, and fine-tuned with a frozen body (5 seeds each), and print the
# table of docs/transfer-study.md (experiments/transfer/summarize.py over `hpsweep analyze`).
# The two networks run side by side, one worker each. Run from the repository's root folder:
#   experiments/transfer/run_transfer_study.sh [path/to/hpsweep]
# Results go to runs/transfer-study/; a rerun resumes unfinished sweeps and skips finished ones.
set -euo pipefail
hpsweep=${1:-build/app/hpsweep}
out=runs/transfer-study
mkdir -p "$out"
start=$(date +%s)

study() {  # pretrain, then fine-tune, one network
  local net=$1
  "$hpsweep" run "experiments/transfer/pretrain-$net.yaml" --out "$out/pretrain-$net" --workers 1
  "$hpsweep" run "experiments/transfer/finetune-$net.yaml" --out "$out/finetune-$net" --workers 1
}

study lenet-bn >"$out/lenet-bn.log" 2>&1 &
lenet=$!
study resnet >"$out/resnet.log" 2>&1 &
resnet=$!
wait "$lenet"
wait "$resnet"
echo "wall time: $(($(date +%s) - start)) s" | tee "$out/wall-time.txt"
tables=()
for net in lenet-bn resnet; do
  "$hpsweep" analyze "$out/finetune-$net" >"$out/analyze-$net.txt"
  "$hpsweep" analyze "$out/finetune-$net" --format csv >"$out/trials-$net.csv"
  tables+=("$net=$out/trials-$net.csv")
done
python3 experiments/transfer/summarize.py "${tables[@]}" | tee "$out/table.md"
