#!/usr/bin/env bash
# Interop test: a small sweep of language models (RNN, GRU, LSTM; two layers, an embedding) on
# the English fortunes, each checkpoint loaded into PyTorch's RNNModel (language_model_torch.py).
#   bash tests/interop/run_language_model.sh HPSWEEP_BINARY WORK_DIR
# Needs Debian's /usr/bin/python3 with python3-h5py and -torch, and fortunes-min; without them
# prints SKIP and exits 77.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/interop_setup.sh" "$@" -- h5py torch
text=/usr/share/games/fortunes/fortunes
if [[ ! -e $text ]]; then
  echo "SKIP: $text is missing (apt-get install fortunes-min)"
  exit 77
fi
mkdir -p "$work"
out=$work/sweep
rm -rf "$out"  # hpsweep refuses an --out folder that already holds a sweep
cat > "$work/lm.yaml" <<SPEC
name: lm-interop
seed: 3
method: grid
metric: {name: test_perplexity, goal: minimize}
dataset: {name: text, path: $text, sampling: sequential}
model: {type: rnn-lm, width: 32, depth: 2, embedding: 16, dropout: 0.3}
training: {epochs: 2, batch_size: 16, num_steps: 20, lr: 1, clip_norm: 1}
parameters:
  model.cell: {values: [rnn, gru, lstm]}
SPEC
echo "== hpsweep run $work/lm.yaml --out $out --workers 2"
"$binary" run "$work/lm.yaml" --out "$out" --workers 2
"$python" "$here/language_model_torch.py" "$out" "$text" 32 2 16 16 20
echo "interop language model: OK"
