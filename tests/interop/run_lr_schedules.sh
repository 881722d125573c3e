#!/usr/bin/env bash
# Interop test: the lr curves of small sweeps over every schedule type, with warm-ups over
# epochs and over updates, against torch.optim.lr_scheduler (lr_schedules.py).
#   bash tests/interop/run_lr_schedules.sh HPSWEEP_BINARY WORK_DIR
# Needs Debian's /usr/bin/python3 with python3-h5py, -numpy and -torch, and Fashion-MNIST;
# without them prints SKIP and exits 77.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/interop_setup.sh" "$@" -- h5py numpy torch
mkdir -p "$work"

# A sweep NAME with the schedule block SCHEDULE and PARAMETERS, then its lr curves checked.
# 250 samples in batches of 50: 5 updates per epoch.
run() {
  local name=$1 schedule=$2 parameters=$3
  rm -rf "${work:?}/$name"  # hpsweep refuses an --out folder that already holds a sweep
  cat > "$work/$name.yaml" <<SPEC
name: $name
method: grid
dataset: {train_subset: 250, test_subset: 100}
model: {width: 8}
training: {epochs: 8, batch_size: 50, lr: 0.1, lr_schedule: $schedule}
parameters:
$parameters
SPEC
  echo "== hpsweep run $work/$name.yaml"
  "$binary" run "$work/$name.yaml" --out "$work/$name" --workers 2
  "$python" "$here/lr_schedules.py" "$work/$name"
}

# Cosine's t_max 4 after 2 warm-up epochs runs past t_max, where the cosine climbs again.
run epochs "{step_size: 3, gamma: 0.5, milestones: [2, 5], t_max: 4, eta_min: 0.01, warmup: {start_factor: 0.25}}" \
  "  training.lr_schedule.type: {values: [none, step, multistep, cosine]}
  training.lr_schedule.warmup.epochs: {values: [0, 2]}"
# A per-update warm-up over 12 updates (2.4 epochs), across the schedules' first decays.
run iterations "{step_size: 2, gamma: 0.5, milestones: [1, 5], t_max: 6, warmup: {iterations: 12, start_factor: 0.1}}" \
  "  training.lr_schedule.type: {values: [none, step, multistep, cosine]}"

echo "interop lr schedules: OK"
