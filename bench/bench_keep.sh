#!/usr/bin/env bash
# Disk use of a finished sweep under each `checkpoint.keep` (docs/spec.md, "Checkpoint
# retention"): the quickstart (16 MLPs, 10 epochs on 10,000 Fashion-MNIST images) run once per
# value, then the bytes of its checkpoints, of sweep.h5 and of the whole folder.
#   bash bench/bench_keep.sh                 # plain SGD, as the quickstart ships
#   MOMENTUM=0.9 bash bench/bench_keep.sh    # SGD with momentum: optimizer state too
# Environment: HPSWEEP (default build/app/hpsweep), WORK (default a temporary folder), WORKERS.
set -euo pipefail
cd "$(dirname "$0")/.."
hpsweep=${HPSWEEP:-build/app/hpsweep}
work=${WORK:-$(mktemp -d)}
momentum=${MOMENTUM:-0}
workers=${WORKERS:-2}
mkdir -p "$work"

echo "| keep | checkpoints | files | per trial | sweep.h5 | whole folder |"
echo "|---|---|---|---|---|---|"
for keep in both last best none; do
  spec="$work/keep-$keep.yaml"
  sed "s/weight_decay: 0.0}/weight_decay: 0.0, momentum: $momentum}/" experiments/quickstart.yaml >"$spec"
  echo "checkpoint: {keep: $keep}" >>"$spec"
  out="$work/keep-$keep"
  "$hpsweep" run "$spec" --out "$out" --workers "$workers" --restart >"$out.log" 2>&1 ||
    { echo "hpsweep run failed, see $out.log" >&2; exit 1; }
  checkpoints=$(du -sb "$out/checkpoints" | cut -f1)
  files=$(find "$out/checkpoints" -name '*.h5' | wc -l)
  sweep=$(stat -c %s "$out/sweep.h5")
  folder=$(du -sb "$out" | cut -f1)
  echo "| \`$keep\` | $checkpoints B | $files | $((checkpoints / files)) B | $sweep B | $folder B |"
done
