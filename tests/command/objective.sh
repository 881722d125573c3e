#!/bin/sh
# The program of tests/test_command_trials.cpp, a few milliseconds an epoch: epoch n reports
# v_n = v_{n-1} / 2 + LR (v_0 = 1) as test_error and train_loss, after saving v_n as its state
# in $HPSWEEP_STATE_DIR/epoch-n/v, so that a run resumed at any epoch goes on bit for bit.
# usage: objective.sh LR [ARG...]. An ARG LR:MODE makes the trial of that LR misbehave at
# epoch 2: exit (status 3), garbage (a report that is not JSON), hang (silent), long (2 MB
# without a newline); other ARGs are only printed.
lr=$1
mode=ok
for arg in "$@"; do
  if [ "${arg%%:*}" = "$lr" ]; then mode=${arg#*:}; fi
done
echo "args: $*"
epoch=${HPSWEEP_RESUME_EPOCH:-0}
v=1
if [ "$epoch" -gt 0 ]; then v=$(cat "$HPSWEEP_STATE_DIR/epoch-$epoch/v") || exit 4; fi
while [ "$epoch" -lt "$HPSWEEP_EPOCHS" ]; do
  epoch=$((epoch + 1))
  v=$(awk -v v="$v" -v lr="$lr" 'BEGIN { printf "%.17g", v / 2 + lr }')
  mkdir -p "$HPSWEEP_STATE_DIR/epoch-$epoch"
  echo "$v" >"$HPSWEEP_STATE_DIR/epoch-$epoch/v"
  echo "epoch $epoch" >&2
  if [ "$epoch" = 2 ]; then
    case $mode in
      exit) echo "boom" >&2; exit 3 ;;
      garbage) echo "loss is $v" >&3; sleep 60 ;;
      hang) sleep 60 ;;
      long) head -c 2000000 /dev/zero | tr '\0' x >&3; sleep 60 ;;
    esac
  fi
  printf '{"epoch": %d, "test_error": %s, "train_loss": %s, "own_metric": 7}\n' \
    "$epoch" "$v" "$v" >&3
done
