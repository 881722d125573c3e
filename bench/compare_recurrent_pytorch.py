#!/usr/bin/python3
"""Recurrent layers, hpsweep vs PyTorch 1.13, both on one thread: tokens per second.

One training step of the layer as in d2l 8.5's character language model: forward and
backward through 35 steps of batch 32, one-hot inputs over 28 tokens, hidden size 256, no
input gradient (the layer is the first trainable one), for nn.RNN (tanh), nn.GRU, nn.LSTM.
hpsweep's side is bench_kernels' BM_RecurrentStep (Google Benchmark); PyTorch's is the same
module timed over as many iterations for about as long. Each round runs both, alternately,
so slow phases of a shared machine hit both sides; the summary quotes the medians over the
rounds and their ratio, by wall time and by the process's CPU time (the fairer figure when
other processes compete for the cores).

    /usr/bin/python3 bench/compare_recurrent_pytorch.py [--rounds 5] [--bench-kernels PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ONE_THREAD = {"OMP_NUM_THREADS": "1", "BLIS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}
os.environ.update(ONE_THREAD)  # before torch and its BLAS initialise

import torch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
STEPS, BATCH, VOCAB, HIDDEN = 35, 32, 28, 256
CELLS = {"RNN": torch.nn.RNN, "GRU": torch.nn.GRU, "LSTM": torch.nn.LSTM}


def run_hpsweep(bench_kernels):
    """tokens/s by wall and by CPU time per cell, from one bench_kernels run."""
    proc = subprocess.run([str(bench_kernels), "--benchmark_filter=BM_RecurrentStep",
                           "--benchmark_format=json", "--benchmark_min_time=1"],
                          capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if proc.returncode != 0:
        sys.exit(f"bench_kernels failed (exit {proc.returncode}):\n{proc.stderr}")
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    result = {}
    for b in json.loads(proc.stdout)["benchmarks"]:
        unit = scale[b["time_unit"]]
        tokens = STEPS * BATCH
        result[b["label"]] = (tokens / (b["real_time"] * unit), tokens / (b["cpu_time"] * unit))
    return result


def run_pytorch(cell, seconds=1.0):
    torch.manual_seed(0)
    module = CELLS[cell](VOCAB, HIDDEN)
    x = torch.nn.functional.one_hot(torch.randint(VOCAB, (STEPS, BATCH)), VOCAB).float()
    dy = torch.empty(STEPS, BATCH, HIDDEN).uniform_(-1e-3, 1e-3)

    def step():
        module.zero_grad(set_to_none=True)
        y, _ = module(x)
        y.backward(dy)

    step()  # warm-up, as the benchmark's untimed first step
    iterations, wall, cpu = 0, 0.0, 0.0
    while wall < seconds:
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        wall += time.perf_counter() - w0
        cpu += time.process_time() - c0
        iterations += 1
    tokens = STEPS * BATCH * iterations
    return tokens / wall, tokens / cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bench-kernels", type=Path, default=REPO / "build" / "bench" / "bench_kernels")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    torch.set_num_threads(1)
    ours = {cell: ([], []) for cell in CELLS}
    theirs = {cell: ([], []) for cell in CELLS}
    for round_no in range(args.rounds):
        for cell, (wall, cpu) in run_hpsweep(args.bench_kernels).items():
            ours[cell][0].append(wall)
            ours[cell][1].append(cpu)
        for cell in CELLS:
            wall, cpu = run_pytorch(cell)
            theirs[cell][0].append(wall)
            theirs[cell][1].append(cpu)
        print(f"round {round_no + 1}: " + ", ".join(
            f"{cell} {ours[cell][0][-1] / theirs[cell][0][-1]:.2f}x" for cell in CELLS))
    print(f"\nT={STEPS} B={BATCH} one-hot {VOCAB} -> H={HIDDEN}, forward + backward, 1 thread, "
          f"torch {torch.__version__}, median of {args.rounds} rounds (tokens/s)")
    print(f"{'cell':5} {'hpsweep wall':>13} {'torch wall':>11} {'ratio':>6}   "
          f"{'hpsweep cpu':>12} {'torch cpu':>10} {'ratio':>6}")
    for cell in CELLS:
        hw, hc = (statistics.median(v) for v in ours[cell])
        tw, tc = (statistics.median(v) for v in theirs[cell])
        print(f"{cell:5} {hw:13,.0f} {tw:11,.0f} {hw / tw:5.2f}x   {hc:12,.0f} {tc:10,.0f} "
              f"{hc / tc:5.2f}x")


if __name__ == "__main__":
    main()
