#!/usr/bin/python3
"""Issue 20, item 12: on the English corpus the GRU and LSTM language models of hpsweep reach
a test perplexity no worse than PyTorch's same network and setting (within 2%), and far below
the unigram model's.

Setting (experiments/rnn-lm-fortunes.yaml, shortened to --epochs): the English fortunes
(docs/text-data.md: 20,493 training and 2,277 test tokens, 28 ids), one layer of 256, batches
of 32 sequences of 35 steps by sequential partitioning, SGD lr 1, clip_norm 1. hpsweep trains
--repeats trials per cell (`repeats:`, each its own seed, so its own initial weights and
epoch offsets). PyTorch trains d2l's RNNModel as d2l 0.17's train_ch8 does, independently of
hpsweep: its own default initialisation (torch.manual_seed(k) for k < --repeats) and its own
epoch offsets (random.seed(k), random.randint(0, num_steps) per epoch, as
seq_data_iter_sequential), clip_grad_norm_, torch.optim.SGD. Both sides score the test part
the same way (hpsweep's walk, docs/language-models.md). Compared: the last epoch's test perplexity,
averaged over the repeats (and each side's best epoch for information). The unigram model is
the training part's add-one smoothed unigram distribution, scored on every test token.

    /usr/bin/python3 bench/lm_quality.py [--epochs 30] [--repeats 2] [--hpsweep PATH]
"""

import argparse
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import lm_torch as L  # sets the thread variables before torch loads
import h5py
import torch

NAMES = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}


def unigram_perplexity(vocab, train, test):
    counts = Counter(train)
    total = len(train) + len(vocab)
    return math.exp(-sum(math.log((counts[t] + 1) / total) for t in test) / len(test))


def run_hpsweep(exe, cells, epochs, repeats, work):
    spec = L.lm_spec("quality", "gru", epochs, seed=12).replace(
        "model: {type: rnn-lm, cell: gru,", "model: {type: rnn-lm,")
    spec += f"repeats: {repeats}\nparameters:\n  model.cell: {{values: [{', '.join(cells)}]}}\n"
    (work / "quality.yaml").write_text(spec)
    proc = subprocess.run([str(exe), "run", str(work / "quality.yaml"), "--out",
                           str(work / "quality"), "--workers", "1"],
                          env=L.hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hpsweep failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    result = {cell: [] for cell in cells}
    with h5py.File(work / "quality" / "sweep.h5", "r", locking=False) as f:
        for name in sorted(f["trials"]):
            trial = f["trials"][name]
            cell = trial.attrs["model.cell"]
            cell = cell.decode() if isinstance(cell, bytes) else str(cell)
            curve = [float(x) for x in trial["curves/test_perplexity"][()]]
            assert len(curve) == epochs, (name, len(curve))
            result[cell].append(curve)
    return result


def run_pytorch(cell, vocab, train, test, epochs, k):
    torch.manual_seed(k)
    rng = random.Random(k)
    model = L.RNNModel(len(vocab), 256, 1, L.CELLS[cell])
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    curve = []
    for _ in range(epochs):
        offset = rng.randint(0, 35)
        L.train_epoch(model, optimizer, L.sequential_batches(train, 32, 35, offset), 1.0)
        curve.append(L.test_perplexity(model, test, 32, 35))
    return curve


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=L.REPO / "build" / "app" / "hpsweep")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--cells", nargs="+", default=["gru", "lstm"])
    p.add_argument("--tolerance", type=float, default=0.02)
    args = p.parse_args()
    torch.set_num_threads(1)
    vocab, train, test = L.text_ids(L.CORPUS)
    work = Path(tempfile.mkdtemp(prefix="lm-quality-"))
    ours = run_hpsweep(args.hpsweep, args.cells, args.epochs, args.repeats, work)
    shutil.rmtree(work)
    theirs = {cell: [run_pytorch(cell, vocab, train, test, args.epochs, k)
                     for k in range(args.repeats)] for cell in args.cells}
    unigram = unigram_perplexity(vocab, train, test)
    print(f"{L.CORPUS}: {len(train)} training, {len(test)} test tokens, {len(vocab)} ids; "
          f"H=256, B=32, T=35, sequential, SGD lr 1, clip_norm 1, {args.epochs} epochs, "
          f"{args.repeats} seeds per side; torch {torch.__version__}")
    print(f"unigram model (add-one): test perplexity {unigram:.2f}\n")
    print(f"{'cell':5} {'side':8} {'last epoch, per seed':>24} {'mean':>7} {'best epoch, mean':>17}")
    failed = False
    for cell in args.cells:
        means = {}
        for side, curves in (("hpsweep", ours[cell]), ("torch", theirs[cell])):
            last = [c[-1] for c in curves]
            means[side] = statistics.mean(last)
            best = statistics.mean(min(c) for c in curves)
            print(f"{NAMES[cell]:5} {side:8} {', '.join(f'{x:.3f}' for x in last):>24} "
                  f"{means[side]:7.3f} {best:17.3f}")
        ratio = means["hpsweep"] / means["torch"]
        ok = ratio <= 1 + args.tolerance and means["hpsweep"] < unigram
        failed |= not ok
        print(f"{NAMES[cell]:5} hpsweep / torch {ratio:.4f} ({(ratio - 1) * 100:+.1f}%), "
              f"{unigram / means['hpsweep']:.2f}x below the unigram model: "
              f"{'PASS' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
