#!/usr/bin/python3
"""Training throughput of hpsweep vs PyTorch on the same MLP, both on one thread.

The network is d2l's MLP on Fashion-MNIST: 784-256-10, ReLU, weights N(0, 0.01^2), zero
biases, softmax cross-entropy, plain SGD (lr 0.1), batch 256, reshuffled every epoch.
Each round runs hpsweep (one trial, `--workers 1`) and then PyTorch, alternately, so slow
phases of a noisy machine hit both sides. The figure is training samples per second, per
epoch, over the training loop only (shuffle + all minibatches, evaluation excluded); the
summary quotes the medians over all epochs of all rounds and their ratio.

hpsweep's figure is /trials/0000/curves/samples_per_second of its sweep.h5. The PyTorch
loop indexes one in-memory tensor (no DataLoader) and accumulates no metrics, which, if
anything, favours PyTorch.

Run with Debian's Python, which has torch 1.13, h5py and numpy:
    /usr/bin/python3 bench/compare_pytorch.py [--rounds 3] [--epochs 2] [--hpsweep PATH]
"""

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path("/usr/share/datasets/fashion-mnist")
TARGET = 1.05
ONE_THREAD = {"OMP_NUM_THREADS": "1", "BLIS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}
# BLIS 0.9 reads BLIS_ARCH_TYPE as the number of an arch_t enumerator (bli_type_defs.h).
BLIS_ARCH_IDS = {"skx": "0", "haswell": "3"}

# The thread settings apply to this process too; they must be set before torch (and the BLAS
# it loads) initialises, hence before the import below.
CALLER_ENV = dict(os.environ)
os.environ.update(ONE_THREAD)

SPEC = """\
name: bench
seed: 1
method: grid
dataset: {{name: fashion-mnist}}
model: {{type: mlp, width: 256, depth: 1, dropout: 0.0}}
training: {{epochs: {epochs}, batch_size: 256, lr: 0.1, weight_decay: 0.0}}
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=REPO / "build" / "app" / "hpsweep",
                   help="hpsweep executable (default: %(default)s)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default: 3)")
    p.add_argument("--epochs", type=int, default=2, help="epochs per side per round (default: 2)")
    p.add_argument("--torch-blis-arch", choices=sorted(BLIS_ARCH_IDS),
                   help="force the BLIS kernels of PyTorch's BLAS (Debian's libblas.so.3 may be "
                        "BLIS); default: whatever the library picks")
    args = p.parse_args()
    if args.rounds < 1 or args.epochs < 1:
        p.error("--rounds and --epochs must be at least 1")
    if not args.hpsweep.is_file():
        p.error(f"{args.hpsweep} not found; build with `cmake -S {REPO} -B {REPO}/build && "
                f"cmake --build {REPO}/build -j2` or pass --hpsweep")
    return args


args = parse_args()
if args.torch_blis_arch:
    os.environ["BLIS_ARCH_TYPE"] = BLIS_ARCH_IDS[args.torch_blis_arch]

try:
    import h5py
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:
    sys.exit(f"{e}: run this script with /usr/bin/python3 (Debian's python3-torch, python3-h5py)")


# --- hpsweep -------------------------------------------------------------------------------

def hpsweep_env():
    env = dict(CALLER_ENV)
    env.update(ONE_THREAD)
    return env


def run_hpsweep(exe, epochs, workdir, round_no):
    spec = workdir / "bench.yaml"
    spec.write_text(SPEC.format(epochs=epochs))
    out = workdir / f"round{round_no}"
    proc = subprocess.run([str(exe), "run", str(spec), "--out", str(out), "--workers", "1"],
                          env=hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hpsweep failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    with h5py.File(out / "sweep.h5", "r") as f:
        trial = f["/trials/0000"]
        status = trial.attrs["status"]
        status = status.decode() if isinstance(status, bytes) else str(status)
        if status != "completed":
            sys.exit(f"hpsweep trial ended '{status}': {trial.attrs.get('message', '')}")
        rates = [float(x) for x in trial["curves/samples_per_second"][()]]
        test_error = float(trial["curves/test_error"][-1])
    return rates, test_error


def hpsweep_blis_config(exe, workdir):
    """The BLIS sub-configuration hpsweep runs with (its BLIS_ARCH_DEBUG log)."""
    spec = workdir / "probe.yaml"
    spec.write_text(SPEC.format(epochs=1).replace("{name: fashion-mnist}",
                                                  "{name: fashion-mnist, train_subset: 256, "
                                                  "test_subset: 256}"))
    env = hpsweep_env()
    env["BLIS_ARCH_DEBUG"] = "1"
    proc = subprocess.run([str(exe), "run", str(spec), "--out", str(workdir / "probe"),
                           "--workers", "1"], env=env, capture_output=True, text=True)
    found = re.findall(r"selecting sub-configuration '(\w+)'", proc.stdout + proc.stderr)
    return found[-1] if found else "unknown"


# --- PyTorch -------------------------------------------------------------------------------

def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load_fashion_mnist(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(DATA / f"{prefix}-images-idx3-ubyte.gz", 16)
    labels = read_idx(DATA / f"{prefix}-labels-idx1-ubyte.gz", 8)
    x = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def make_mlp():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
    return net


def run_pytorch(train, test, epochs, seed):
    torch.manual_seed(seed)
    x, y = train
    n = x.shape[0]
    net = make_mlp()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    rates = []
    for _ in range(epochs):
        net.train()
        start = time.perf_counter()  # same span as hpsweep's: shuffle + every minibatch
        order = torch.randperm(n)
        for begin in range(0, n, 256):
            idx = order[begin:begin + 256]
            loss = loss_fn(net(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        rates.append(n / (time.perf_counter() - start))
    net.eval()
    with torch.no_grad():
        test_error = (net(test[0]).argmax(1) != test[1]).float().mean().item()
    return rates, test_error


def torch_blas():
    """The BLAS shared objects torch has loaded, and the BLIS sub-configuration if it is BLIS."""
    a = torch.ones(64, 64)
    (a @ a).sum().item()  # makes sure the BLAS is initialised
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if re.search(r"lib(blas|blis|openblas|mkl_rt|mkl_core|dnnl)[^/]*\.so", path):
                    libs.add(path)
    except OSError:
        pass
    arch = None
    if any("blis" in p for p in libs):
        # BLIS logs its choice with printf from C, so ask a throwaway interpreter.
        env = dict(os.environ, BLIS_ARCH_DEBUG="1")
        probe = "import torch; a = torch.ones(64, 64); (a @ a).sum().item()"
        proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                              text=True)
        found = re.findall(r"selecting sub-configuration '(\w+)'", proc.stdout + proc.stderr)
        arch = found[-1] if found else "unknown"
    return sorted(libs), arch


# --- main ----------------------------------------------------------------------------------

def main():
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    train = load_fashion_mnist("train")
    test = load_fashion_mnist("t10k")

    hp_all, pt_all = [], []
    with tempfile.TemporaryDirectory(prefix="hpsweep-vs-torch-") as tmp:
        workdir = Path(tmp)
        print(f"MLP 784-256-10 ReLU, SGD lr 0.1, batch 256, Fashion-MNIST 60000 train images; "
              f"{args.rounds} rounds x {args.epochs} epochs per side\n")
        print(f"{'round':>5}  {'side':<8} {'samples/s per epoch':<32} {'test err':>8}")
        for r in range(1, args.rounds + 1):
            hp, hp_err = run_hpsweep(args.hpsweep, args.epochs, workdir, r)
            hp_all += hp
            print(f"{r:>5}  {'hpsweep':<8} {' '.join(f'{v:9.0f}' for v in hp):<32} {hp_err:8.4f}",
                  flush=True)
            pt, pt_err = run_pytorch(train, test, args.epochs, seed=r)
            pt_all += pt
            print(f"{r:>5}  {'pytorch':<8} {' '.join(f'{v:9.0f}' for v in pt):<32} {pt_err:8.4f}",
                  flush=True)
        hp_arch = hpsweep_blis_config(args.hpsweep, workdir)

    libs, pt_arch = torch_blas()
    hp_med, pt_med = statistics.median(hp_all), statistics.median(pt_all)
    ratio = hp_med / pt_med
    print(f"\nmedian samples/s over {len(hp_all)} epochs:  hpsweep {hp_med:.0f}   "
          f"pytorch {pt_med:.0f}")
    print(f"ratio hpsweep/pytorch: {ratio:.3f}  (target >= {TARGET:.2f}: "
          f"{'met' if ratio >= TARGET else 'NOT met'})")
    print("\nthreads:")
    env = hpsweep_env()
    print(f"  hpsweep  {args.hpsweep}: --workers 1, "
          + ", ".join(f"{k}={env[k]}" for k in ("OMP_NUM_THREADS", "BLIS_NUM_THREADS"))
          + f"; BLIS sub-configuration '{hp_arch}'")
    print(f"  pytorch  {torch.__version__}: torch.get_num_threads()={torch.get_num_threads()}, "
          f"get_num_interop_threads()={torch.get_num_interop_threads()}, "
          + ", ".join(f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "BLIS_NUM_THREADS"))
          + (f", BLIS_ARCH_TYPE={os.environ['BLIS_ARCH_TYPE']}"
             if "BLIS_ARCH_TYPE" in os.environ else ""))
    print(f"           BLAS: {', '.join(libs) or 'not found in /proc/self/maps'}"
          + (f"; BLIS sub-configuration '{pt_arch}'" if pt_arch else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
