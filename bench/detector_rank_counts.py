#!/usr/bin/python3
"""Issue 21, item 7: does the tiny SSD follow the same trajectory whatever the size of its
data-parallel group?

Trains one tiny-SSD trial (the network and optimizer of experiments/tiny-ssd-map.yaml on a
small part of the fmnist-detection set) as a group of 1, 2 and 3 worker ranks (mpirun -np
R+1: rank 0 coordinates), with the same spec and seed, and once more on one rank with a
second seed. It prints each run's curves and the largest difference per curve between rank
counts next to the difference the seed makes: a group is "the same trajectory" when the
first is far below the second.

Why the rank counts differ at all: a group sums the batch's losses, gradients and batch-norm
statistics in another order than one process, so its numbers differ in the last bits. On
these canvases that does not stay small: max pooling and ReLU on mostly blank images meet
near-ties, and where a last-bit difference flips one, the gradient jumps. Perturbing one
rank's learning rate by 1e-7 does the same to the same step (docs/detection.md,
"Data-parallel groups").

    /usr/bin/python3 bench/detector_rank_counts.py [--ranks 1,2,3] [--epochs 4]
        [--train-subset 3000] [--hpsweep build/app/hpsweep]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import h5py
except ImportError as e:
    sys.exit(f"{e}: run this script with /usr/bin/python3 (Debian's python3-h5py)")

REPO = Path(__file__).resolve().parent.parent
CURVES = ["train_loss", "train_box_mae", "test_loss", "test_map50"]
SPEC = """\
name: ssd-ranks
seed: {seed}
method: grid
metric: {{name: test_map50, goal: maximize}}
dataset: {{name: fmnist-detection, train_subset: {train}, test_subset: 500, seed: 1}}
model: {{type: tiny-ssd, init: xavier, anchor_size_min: 0.25, anchor_size_max: 0.7}}
training: {{epochs: {epochs}, batch_size: 32, optimizer: adam, lr: 0.002, weight_decay: 0.0005,
           lr_schedule: {{type: cosine}}}}
resources: {{ranks_per_trial: {ranks}}}
"""


def mpi_env():
    """bench/local_mpi_env.sh's settings, one thread per rank."""
    env = dict(os.environ, OMP_NUM_THREADS="1", BLIS_NUM_THREADS="1")
    out = subprocess.run(["bash", "-c", f". {REPO}/bench/local_mpi_env.sh && env -0"],
                         env=env, capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.split("\0") if "=" in line)


def run_curves(exe, work, ranks, seed, args):
    name = f"ranks{ranks}-seed{seed}"
    spec, out = work / f"{name}.yaml", work / name
    spec.write_text(SPEC.format(seed=seed, train=args.train_subset, epochs=args.epochs,
                                ranks=ranks))
    command = ["mpirun", "-np", str(ranks + 1), str(exe), "run", str(spec), "--out", str(out)]
    proc = subprocess.run(command, env=mpi_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    with h5py.File(out / "sweep.h5", "r") as f:
        trial = f["/trials/0000"]
        return name, {c: [float(x) for x in trial[f"curves/{c}"][()]] for c in CURVES}


def largest_difference(a, b, curve):
    return max(abs(x - y) for x, y in zip(a[curve], b[curve]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ranks", default="1,2,3")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--train-subset", type=int, default=3000)
    p.add_argument("--hpsweep", type=Path, default=REPO / "build" / "app" / "hpsweep")
    args = p.parse_args()
    rank_counts = [int(r) for r in args.ranks.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        runs = [run_curves(args.hpsweep, work, r, 1, args) for r in rank_counts]
        other_seed = run_curves(args.hpsweep, work, rank_counts[0], 2, args)
    for name, curves in runs + [other_seed]:
        print(name)
        for c in CURVES:
            print(f"  {c:14s} " + " ".join(f"{x:.6f}" for x in curves[c]))
    base = runs[0][1]
    print("largest difference over the epochs, against " + runs[0][0])
    print(f"  {'curve':14s} " + " ".join(f"{n:>14s}" for n, _ in runs[1:] + [other_seed]))
    for c in CURVES:
        print(f"  {c:14s} " + " ".join(f"{largest_difference(base, curves, c):14.2e}"
                                        for _, curves in runs[1:] + [other_seed]))


if __name__ == "__main__":
    main()
