#!/usr/bin/env bash
# Time from SIGTERM to the end of `hpsweep run` while a trial is in the middle of a training
# step, for every model of the zoo at the book's input size and batch 128 (docs/resume.md,
# "Signals and time limits"). One trial per model, one worker (dev mode), on the first
# 12,800 Fashion-MNIST images (100 steps an epoch, 100 epochs: every stop lands in training); SIGTERM is sent
# DELAYS seconds after the start (after loading and model building, inside some step) and the
# seconds until the process is gone are printed with its exit code.
#   bash bench/bench_stop_latency.sh                   # the whole zoo
#   MODELS="alexnet vgg" DELAYS="6 11" bash bench/bench_stop_latency.sh
# Environment: HPSWEEP (default build/app/hpsweep), WORK (default a temporary folder), DATA
# (default the spec's default Fashion-MNIST folder), MPI=1 to run under `mpirun -n 2`.
set -euo pipefail
cd "$(dirname "$0")/.."
hpsweep=${HPSWEEP:-build/app/hpsweep}
work=${WORK:-$(mktemp -d)}
models=${MODELS:-"mlp lenet lenet-bn alexnet vgg nin googlenet resnet densenet"}
delays=${DELAYS:-"5 8"}
mkdir -p "$work"

input_size() {
  case $1 in
    alexnet | vgg | nin) echo 224 ;;
    googlenet | resnet | densenet) echo 96 ;;
    *) echo 0 ;;
  esac
}

echo "| model | input | SIGTERM after | exit code | SIGTERM to exit |"
echo "|---|---|---|---|---|"
for model in $models; do
  for delay in $delays; do
    spec="$work/$model.yaml"
    {
      echo "name: stop-$model"
      echo "seed: 1"
      echo "method: grid"
      echo "metric: {name: test_error, goal: minimize}"
      echo "dataset: {name: fashion-mnist${DATA:+, path: $DATA}, train_subset: 12800, input_size: $(input_size "$model")}"
      echo "model: {type: $model}"
      echo "training: {epochs: 100, batch_size: 128, lr: 0.01}"
    } >"$spec"
    out="$work/$model-$delay"
    if [ "${MPI:-0}" = 1 ]; then
      mpirun -n 2 "$hpsweep" run "$spec" --out "$out" --restart >"$out.log" 2>&1 &
    else
      "$hpsweep" run "$spec" --out "$out" --workers 1 --restart >"$out.log" 2>&1 &
    fi
    pid=$!
    sleep "$delay"
    sent=$(date +%s.%N)
    kill -TERM "$pid" 2>/dev/null || { echo "| \`$model\` | finished before the signal |"; continue; }
    code=0
    wait "$pid" || code=$?
    done_at=$(date +%s.%N)
    echo "| \`$model\` | $(input_size "$model") | ${delay} s | $code | $(echo "$done_at - $sent" | bc -l | xargs printf '%.2f') s |"
  done
done
