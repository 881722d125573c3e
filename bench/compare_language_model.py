#!/usr/bin/python3
"""Issue 20, item 10: character language-model training, hpsweep vs PyTorch 1.13, both on one
thread: tokens per second for the RNN, GRU and LSTM cells.

The same model and data on both sides: d2l's RNNModel (one-hot over the 28 ids of the English
fortunes, docs/text-data.md; one layer of hidden size 256; Linear(256, 28) on every step),
batches of 32 sequences of 35 steps by sequential partitioning (the state carried over and
detached), mean cross-entropy, gradients clipped at norm 1, SGD lr 1, --epochs epochs.
hpsweep's side is a one-trial `hpsweep run` (--workers 1, OMP/BLIS threads 1) whose figure
is /trials/0000/curves/samples_per_second of its sweep.h5 (training tokens per second of the
training loop of each epoch, evaluation excluded); PyTorch's is d2l's train_epoch_ch8 loop
(torch.set_num_threads(1)) on the very same batches (hpsweep's epoch offsets rebuilt in
Python), timed over the loop only, with one loss.item() per batch as d2l's metric
accumulation does. Each round runs hpsweep and then PyTorch per cell, alternately, so slow
phases of a shared machine hit both sides; the summary quotes the medians over all epochs of
all rounds and their ratio.

    /usr/bin/python3 bench/compare_language_model.py [--rounds 3] [--epochs 5]
        [--cells rnn gru lstm] [--hpsweep build/app/hpsweep]
"""

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import lm_torch as L  # sets the thread variables before torch loads
import torch

NAMES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def run_pytorch(cell, vocab, train, epochs, seed):
    torch.manual_seed(0)
    model = L.RNNModel(len(vocab), 256, 1, L.CELLS[cell])
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    rates = []
    for epoch in range(1, epochs + 1):
        offset, _, _ = L.hpsweep_sequential_epoch(len(train), 32, 35, seed, epoch)
        tokens, seconds, _ = L.train_epoch(model, optimizer,
                                           L.sequential_batches(train, 32, 35, offset), 1.0)
        rates.append(tokens / seconds)
    return rates


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=L.REPO / "build" / "app" / "hpsweep")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--cells", nargs="+", default=["rnn", "gru", "lstm"])
    args = p.parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    vocab, train, _ = L.text_ids(L.CORPUS)
    work = Path(tempfile.mkdtemp(prefix="lm-speed-"))
    ours = {cell: [] for cell in args.cells}
    theirs = {cell: [] for cell in args.cells}
    for round_no in range(args.rounds):
        line = []
        for cell in args.cells:
            spec = L.lm_spec(f"speed-{cell}", cell, args.epochs)
            curves, checkpoint = L.run_hpsweep(args.hpsweep, spec, work / f"{cell}-{round_no}")
            seed = L.checkpoint_seed(checkpoint)
            ours[cell] += curves["samples_per_second"]
            theirs[cell] += run_pytorch(cell, vocab, train, args.epochs, seed)
            line.append(f"{NAMES[cell]} {statistics.median(curves['samples_per_second']):,.0f} "
                        f"vs {statistics.median(theirs[cell][-args.epochs:]):,.0f}")
        print(f"round {round_no + 1}: " + ", ".join(line), flush=True)
    shutil.rmtree(work)
    print(f"\nV={len(vocab)} one-hot -> H=256 -> Linear, B=32 sequences x T=35 steps, "
          f"sequential, clip_norm 1, SGD; {len(train)} training tokens per epoch; 1 thread; "
          f"torch {torch.__version__}; medians over {args.rounds} rounds x {args.epochs} "
          f"epochs (training tokens/s, wall)")
    print(f"{'cell':5} {'hpsweep':>10} {'torch':>10} {'ratio':>6}")
    for cell in args.cells:
        h, t = statistics.median(ours[cell]), statistics.median(theirs[cell])
        print(f"{NAMES[cell]:5} {h:10,.0f} {t:10,.0f} {h / t:5.2f}x")


if __name__ == "__main__":
    main()
