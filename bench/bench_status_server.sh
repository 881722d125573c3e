#!/usr/bin/env bash
# Issue #18, benchmark 9: what the live status server costs a sweep. A simulated sweep of
# TRIALS trials (model.type: simulated, TRIAL_EPOCHS epochs of EPOCH_MS each, on WORKERS
# threads) runs with the server off, and on with a client polling /api/v1/trials 10 times a
# second, RUNS times each, alternating. Reports each mode's median wall time (launch to exit),
# their ratio, and the median latency of /api/v1/trials as the client saw it with every trial
# listed (the target: at most 2% more wall time; median latency under 20 ms).
#
#   bash bench/bench_status_server.sh [HPSWEEP_BINARY]     # default: build/app/hpsweep
#
# Environment: TRIALS (10000), TRIAL_EPOCHS (1), EPOCH_MS (5), WORKERS (4), RUNS (3),
# KEEP=1 keeps the work folder. The client is /usr/bin/python3 (urllib, no packages).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$ROOT/build/app/hpsweep}
TRIALS=${TRIALS:-10000}
TRIAL_EPOCHS=${TRIAL_EPOCHS:-1}
EPOCH_MS=${EPOCH_MS:-5}
WORKERS=${WORKERS:-4}
RUNS=${RUNS:-3}
[[ -x $BINARY ]] || { echo "no hpsweep binary at $BINARY (build first, or pass its path)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench_status.XXXXXX)
if [[ ${KEEP:-0} == 1 ]]; then echo "work folder (kept): $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
cp "$BINARY" "$WORK/hpsweep"

cat > "$WORK/spec.yaml" <<YAML
name: status-bench
seed: 1
dataset: {path: /nonexistent}
model: {type: simulated}
simulated: {seed: 2, epoch_seconds: $(awk "BEGIN { print $EPOCH_MS / 1000 }")}
method: random
run_cap: $TRIALS
limits: {max_trials: $TRIALS}
training: {epochs: $TRIAL_EPOCHS}
parameters:
  training.lr: {distribution: log_uniform_values, min: 0.001, max: 1}
  model.dropout: {distribution: uniform, min: 0, max: 0.5}
YAML

# Polls URL/api/v1/trials every 0.1 s until SIGTERM; appends one latency (ms) per answer that
# lists every trial to $2.
cat > "$WORK/poll.py" <<'PY'
import signal, sys, time, urllib.request
url, out, last_id = sys.argv[1] + "api/v1/trials", sys.argv[2], '"id":%d,' % (int(sys.argv[3]) - 1)
running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
with open(out, "a") as f:
    while running:
        start = time.perf_counter()
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode()
        except OSError:
            break  # the sweep has ended and its server with it
        took = time.perf_counter() - start
        if last_id in body:
            f.write("%.3f\n" % (1000 * took))
        time.sleep(max(0.0, 0.1 - took))
PY

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for run in $(seq "$RUNS"); do
  for mode in off on; do
    out="$WORK/$mode-$run"
    start=$(date +%s.%N)
    if [[ $mode == off ]]; then
      "$WORK/hpsweep" run "$WORK/spec.yaml" --out "$out" --workers "$WORKERS" 2> "$out.log"
    else
      "$WORK/hpsweep" run "$WORK/spec.yaml" --out "$out" --workers "$WORKERS" --status :0 \
        2> "$out.log" &
      pid=$!
      until url=$(grep -o 'http://[^ ]*' "$out.log" 2> /dev/null); do sleep 0.01; done
      /usr/bin/python3 "$WORK/poll.py" "$url" "$WORK/latencies" "$TRIALS" &
      poller=$!
      wait "$pid"
      kill "$poller" 2> /dev/null || true
      wait "$poller" 2> /dev/null || true
    fi
    end=$(date +%s.%N)
    wall=$(awk "BEGIN { print $end - $start }")
    echo "$wall" >> "$WORK/wall-$mode"
    printf 'run %d  server %-3s  wall %.2f s\n' "$run" "$mode" "$wall"
    rm -rf "$out"
  done
done

off=$(median < "$WORK/wall-off")
on=$(median < "$WORK/wall-on")
printf '\n%d trials of %d epoch(s) of %d ms on %d workers, median of %d runs\n' \
  "$TRIALS" "$TRIAL_EPOCHS" "$EPOCH_MS" "$WORKERS" "$RUNS"
printf 'wall time: server off %.2f s, on and polled %.2f s: ratio %.4f (%+.2f%%)\n' "$off" "$on" \
  "$(awk "BEGIN { print $on / $off }")" "$(awk "BEGIN { print 100 * ($on / $off - 1) }")"
if [[ -s $WORK/latencies ]]; then
  printf '/api/v1/trials with %d trials: median latency %.2f ms over %d requests\n' "$TRIALS" \
    "$(median < "$WORK/latencies")" "$(wc -l < "$WORK/latencies")"
fi
