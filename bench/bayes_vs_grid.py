#!/usr/bin/python3
"""Issue 22, benchmark 9: method bayes on the d2l MLP's learning rate, weight decay, dropout
and width reaches the grid's best error in at most a third of the grid's trials (median of 5
seeds of the search).

The grid: 3 values each of training.lr, training.weight_decay, model.dropout and model.width,
81 trials of --epochs epochs on Fashion-MNIST (55,000 training images, 5,000 held out for
validation). The search: method bayes over the same values (`values`, so each suggestion is
one of the grid's configurations), run_cap 27 (a third), default `bayes:` settings and
`bayes.seed` k for k < --seeds. Every trial of both sweeps has `training.seed: 0`, so a
configuration trains bit for bit the same in either sweep and the comparison is exact. The
metric is the last epoch's val_error; the test error of the chosen trial is printed too.

    /usr/bin/python3 bench/bayes_vs_grid.py [--epochs 5] [--seeds 5] [--workers 2]
                                            [--hpsweep build/app/hpsweep]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py

SPACE = """parameters:
  training.lr: {values: [0.03, 0.1, 0.3]}
  training.weight_decay: {values: [0.0, 1.0e-4, 1.0e-3]}
  model.dropout: {values: [0.0, 0.25, 0.5]}
  model.width: {values: [64, 128, 256]}
"""


def spec(name, method, epochs):
    return (f"name: {name}\nseed: 9\n{method}\nmetric: {{name: val_error, goal: minimize}}\n"
            "dataset: {name: fashion-mnist, validation: 5000}\n"
            "model: {type: mlp, depth: 1, init: xavier}\n"
            f"training: {{epochs: {epochs}, batch_size: 256, seed: 0}}\n" + SPACE)


def run(exe, text, folder, workers):
    (folder.parent / (folder.name + ".yaml")).write_text(text)
    start = time.monotonic()
    proc = subprocess.run([exe, "run", str(folder.parent / (folder.name + ".yaml")), "--out",
                           str(folder), "--workers", str(workers)], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hpsweep failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return time.monotonic() - start


def results(folder):
    """Per trial in id order (the order a bayes sweep started them): last val and test error."""
    with h5py.File(folder / "sweep.h5", "r", locking=False) as f:
        return [(float(f["trials"][n]["curves"]["val_error"][-1]),
                 float(f["trials"][n]["curves"]["test_error"][-1])) for n in sorted(f["trials"])]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hpsweep", default="build/app/hpsweep")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seconds = run(args.hpsweep, spec("grid", "method: grid", args.epochs), work / "grid",
                      args.workers)
        grid = results(work / "grid")
        best = min(grid)
        print(f"grid: {len(grid)} trials in {seconds:.0f} s; best val_error {best[0]:.4f} "
              f"(test error {best[1]:.4f})")
        needed = []
        for seed in range(args.seeds):
            method = f"method: bayes\nrun_cap: {len(grid) // 3}\nbayes: {{seed: {seed}}}"
            seconds = run(args.hpsweep, spec(f"bayes{seed}", method, args.epochs),
                          work / f"bayes{seed}", args.workers)
            trials = results(work / f"bayes{seed}")
            reached = next((i + 1 for i in range(len(trials))
                            if min(trials[:i + 1])[0] <= best[0]), None)
            needed.append(reached if reached else len(grid) + 1)
            found = min(trials)
            print(f"bayes seed {seed}: {len(trials)} trials in {seconds:.0f} s; best val_error "
                  f"{found[0]:.4f} (test error {found[1]:.4f}); grid's best reached "
                  + (f"at trial {reached}" if reached else "not within the run"))
        median = statistics.median(needed)
        verdict = "passes" if median <= len(grid) // 3 else "FAILS"
        print(f"median trials to reach the grid's best: {median} of the grid's {len(grid)} "
              f"(bar: at most {len(grid) // 3}): {verdict}")
        sys.exit(0 if median <= len(grid) // 3 else 1)


if __name__ == "__main__":
    main()
