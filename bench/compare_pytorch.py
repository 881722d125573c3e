#!/usr/bin/python3
"""Training throughput of hpsweep vs PyTorch on the same networks, both on one thread.

Models (--models, default all):
  mlp       d2l's MLP on Fashion-MNIST: 784-256-10, ReLU, weights N(0, 0.01^2), SGD lr 0.1
  lenet     d2l 7.6 LeNet: sigmoid, average pooling, Xavier-uniform weights, SGD lr 0.9
  lenet-bn  hpsweep's LeNet-BN: batch norm after each conv and hidden Linear, ReLU, max
            pooling, Xavier-uniform weights, SGD lr 0.1
  residual  d2l 8.6's Residual block, forward + backward at batch 32 on ResNet-18's shapes for
            96x96 inputs (64 channels at 24x24; 64 -> 128 with stride 2 and a 1x1 shortcut)
  resnet    (not in the default list: slow) d2l 8.6's ResNet-18 end to end, images resized to
            96x96 per batch on both sides, batch 64, SGD lr 0.05, He / PyTorch's default
            weights, the first 1,024 training images unless --train-subset says otherwise
The networks train end to end: softmax cross-entropy, plain SGD, batch 256 unless said
otherwise, reshuffled every epoch. Each round runs hpsweep (one trial, `--workers 1`) and then PyTorch,
alternately, so slow phases of a noisy machine hit both sides. The figure is training samples
per second, per epoch, over the training loop only (shuffle + all minibatches, evaluation
excluded); the summary quotes the medians over all epochs of all rounds and their ratio.

hpsweep's figure is /trials/0000/curves/samples_per_second of its sweep.h5. The PyTorch
loop indexes one in-memory tensor (no DataLoader) and accumulates no metrics, which, if
anything, favours PyTorch. The residual block's hpsweep side is bench_kernels'
BM_ResidualStep (Google Benchmark), one run per round; PyTorch's is the same block timed
over as many iterations for about as long.

Run with Debian's Python, which has torch 1.13, h5py and numpy:
    /usr/bin/python3 bench/compare_pytorch.py [--models lenet lenet-bn residual] [--rounds 3]
        [--epochs 2] [--train-subset N] [--hpsweep PATH] [--bench-kernels PATH]
"""

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
DATA = Path("/usr/share/datasets/fashion-mnist")
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
dataset: {{name: fashion-mnist, train_subset: {subset}, test_subset: {test_subset}, input_size: {input_size}}}
model: {model}
training: {{epochs: {epochs}, batch_size: {batch}, lr: {lr}, weight_decay: 0.0}}
"""
MODEL_NAMES = ["mlp", "lenet", "lenet-bn", "residual", "resnet"]
DEFAULT_MODELS = ["mlp", "lenet", "lenet-bn", "residual"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=REPO / "build" / "app" / "hpsweep",
                   help="hpsweep executable (default: %(default)s)")
    p.add_argument("--bench-kernels", type=Path,
                   default=REPO / "build" / "bench" / "bench_kernels",
                   help="Google Benchmark program with BM_ResidualStep (default: %(default)s)")
    p.add_argument("--models", nargs="+", choices=MODEL_NAMES, default=DEFAULT_MODELS,
                   help="what to compare (default: all but resnet)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default: 3)")
    p.add_argument("--epochs", type=int, default=2, help="epochs per side per round (default: 2)")
    p.add_argument("--train-subset", type=int, default=0,
                   help="train on the first N images only (default: all 60000)")
    p.add_argument("--torch-blis-arch", choices=sorted(BLIS_ARCH_IDS),
                   help="force the BLIS kernels of PyTorch's BLAS (Debian's libblas.so.3 may be "
                        "BLIS); default: whatever the library picks")
    args = p.parse_args()
    if args.rounds < 1 or args.epochs < 1 or args.train_subset < 0:
        p.error("--rounds and --epochs must be at least 1, --train-subset not negative")
    needed = [args.hpsweep] if set(args.models) - {"residual"} else []
    needed += [args.bench_kernels] if "residual" in args.models else []
    for exe in needed:
        if not exe.is_file():
            p.error(f"{exe} not found; build with `cmake -S {REPO} -B {REPO}/build && "
                    f"cmake --build {REPO}/build -j2` or pass its path")
    return args


args = parse_args()
if args.torch_blis_arch:
    os.environ["BLIS_ARCH_TYPE"] = BLIS_ARCH_IDS[args.torch_blis_arch]

try:
    from hpsweep_trial import completed_trial_rates  # reads sweep.h5 with h5py
    import numpy as np
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError as e:
    sys.exit(f"{e}: run this script with /usr/bin/python3 (Debian's python3-torch, python3-h5py)")


# --- hpsweep -------------------------------------------------------------------------------

def hpsweep_env():
    env = dict(CALLER_ENV)
    env.update(ONE_THREAD)
    return env


def train_subset(model):
    return args.train_subset or MODELS[model].train_subset


def spec_text(model, epochs, subset=None, test_subset=None):
    m = MODELS[model]
    subset = train_subset(model) if subset is None else subset
    test_subset = m.test_subset if test_subset is None else test_subset
    return SPEC.format(model=m.spec, lr=m.lr, epochs=epochs, subset=subset,
                       test_subset=test_subset, input_size=m.input_size, batch=m.batch)


def run_hpsweep(exe, model, epochs, workdir, round_no):
    spec = workdir / "bench.yaml"
    spec.write_text(spec_text(model, epochs))
    out = workdir / f"{model}-round{round_no}"
    proc = subprocess.run([str(exe), "run", str(spec), "--out", str(out), "--workers", "1"],
                          env=hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hpsweep failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    rates, test_error = completed_trial_rates(out, "test_error")
    return rates, test_error


def blis_config_of(command):
    """The BLIS sub-configuration a command runs with (its BLIS_ARCH_DEBUG log)."""
    env = hpsweep_env()
    env["BLIS_ARCH_DEBUG"] = "1"
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    found = re.findall(r"selecting sub-configuration '(\w+)'", proc.stdout + proc.stderr)
    return found[-1] if found else "unknown"


def hpsweep_blis_config(exe, model, workdir):
    spec = workdir / "probe.yaml"
    spec.write_text(spec_text(model, 1, subset=256, test_subset=256))
    return blis_config_of([str(exe), "run", str(spec), "--out", str(workdir / "probe"),
                           "--workers", "1", "--restart"])


def residual_cases():
    """BM_ResidualStep's cases (batch, in, out, size, stride), from its names."""
    proc = subprocess.run([str(args.bench_kernels), "--benchmark_list_tests",
                           "--benchmark_filter=BM_ResidualStep"], capture_output=True, text=True)
    cases = []
    for name in proc.stdout.split():
        values = dict(re.findall(r"(\w+):(\d+)", name))
        cases.append((name, *(int(values[k]) for k in ("B", "C", "O", "HW", "s"))))
    if not cases:
        sys.exit(f"{args.bench_kernels} lists no BM_ResidualStep:\n{proc.stderr}")
    return cases


def run_bench_residual():
    """samples/s of each BM_ResidualStep case, by name."""
    proc = subprocess.run([str(args.bench_kernels), "--benchmark_filter=BM_ResidualStep",
                           "--benchmark_format=json", "--benchmark_min_time=1"],
                          env=hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_kernels failed (exit {proc.returncode}):\n{proc.stderr}")
    return {b["name"]: float(b["samples/s"]) for b in json.loads(proc.stdout)["benchmarks"]}


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


def xavier(net):
    """d2l's init_cnn: Xavier-uniform weights of Linear and Conv2d layers; zero biases."""
    for m in net:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def make_lenet():
    return xavier(nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(2, stride=2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10)))


def make_lenet_bn():
    """hpsweep's lenet-bn (worker/models/lenet.cpp): the book's BatchNorm placement, with
    LeNet's padded first conv, ReLU and max pooling."""
    return xavier(nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.BatchNorm2d(6), nn.ReLU(),
        nn.MaxPool2d(2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2, stride=2), nn.Flatten(),
        nn.Linear(400, 120), nn.BatchNorm1d(120), nn.ReLU(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.ReLU(), nn.Linear(84, 10)))


@dataclass
class Network:
    title: str
    spec: str  # hpsweep's model: line
    lr: float
    make: Callable
    target: float  # the ratio hpsweep/PyTorch aimed at
    batch: int = 256
    input_size: int = 0  # 0: the native 28x28
    train_subset: int = 0  # 0: all 60,000 (--train-subset overrides)
    test_subset: int = 0  # 0: all 10,000


MODELS = {
    "mlp": Network("MLP 784-256-10 ReLU, SGD lr 0.1",
                   "{type: mlp, width: 256, depth: 1, dropout: 0.0}", 0.1, make_mlp, 1.05),
    "lenet": Network("LeNet (sigmoid, avg pool), Xavier, SGD lr 0.9",
                     "{type: lenet, init: xavier}", 0.9, make_lenet, 2.5),
    "lenet-bn": Network("LeNet-BN (ReLU, max pool), Xavier, SGD lr 0.1",
                        "{type: lenet-bn, init: xavier}", 0.1, make_lenet_bn, 2.0),
    # The roadmap's aim (ahead of PyTorch for the same model and threads); no issue's target.
    "resnet": Network("ResNet-18 on 96x96 inputs, SGD lr 0.05",
                      "{type: resnet, width: 64, depth: 2, init: he}", 0.05,
                      lambda: ResNet18(), 1.0, batch=64, input_size=96, train_subset=1024,
                      test_subset=256),
}
RESIDUAL_TARGET = 1.0


def resized(images, size):
    """Bilinear resizing as hpsweep's dataset.input_size (torchvision's Resize, antialias off)."""
    if not size:
        return images
    return F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)


def run_pytorch(model, train, test, epochs, seed):
    torch.manual_seed(seed)
    m = MODELS[model]
    x, y = train
    n = x.shape[0]
    net = m.make()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=m.lr)
    rates = []
    for _ in range(epochs):
        net.train()
        start = time.perf_counter()  # same span as hpsweep's: shuffle + every minibatch
        order = torch.randperm(n)
        for begin in range(0, n, m.batch):
            idx = order[begin:begin + m.batch]
            loss = loss_fn(net(resized(x[idx], m.input_size)), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        rates.append(n / (time.perf_counter() - start))
    net.eval()
    test_x, test_y = test
    if m.test_subset:
        test_x, test_y = test_x[:m.test_subset], test_y[:m.test_subset]
    with torch.no_grad():
        test_error = (net(resized(test_x, m.input_size)).argmax(1) != test_y).float().mean().item()
    return rates, test_error


class Residual(nn.Module):
    """d2l 8.6's Residual block, with the input channels given instead of lazy layers."""

    def __init__(self, in_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, num_channels, kernel_size=3, padding=1,
                               stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = (nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=strides)
                      if use_1x1conv else None)
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


class ResNet18(nn.Module):
    """d2l 8.6's ResNet-18 for one input channel (hpsweep's resnet, width 64, depth 2)."""

    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64),
                  nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2, padding=1)]
        channels = 64
        for stage, out in enumerate([64, 128, 256, 512]):
            for block in range(2):
                downsample = block == 0 and stage > 0
                layers.append(Residual(channels, out, use_1x1conv=downsample,
                                       strides=2 if downsample else 1))
                channels = out
        layers += [nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10)]
        self.net = nn.Sequential(*layers)

    def forward(self, X):
        return self.net(X)


def run_pytorch_residual(batch, in_channels, channels, size, stride, seconds=1.0):
    """samples/s of forward + backward (input gradient included), as BM_ResidualStep."""
    torch.manual_seed(1)
    block = Residual(in_channels, channels, in_channels != channels or stride != 1, stride)
    block.train()
    x = torch.empty(batch, in_channels, size, size).uniform_(-1, 1).requires_grad_()
    dy = torch.empty_like(block(x)).uniform_(-1, 1)

    def step():
        block.zero_grad(set_to_none=True)
        x.grad = None
        block(x).backward(dy)

    step()  # warm-up, as Google Benchmark's first iterations
    iterations, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        iterations += 1
    return batch * iterations / (time.perf_counter() - start)


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

def compare_network(model, train, test, workdir):
    m = MODELS[model]
    n = train_subset(model) or train[0].shape[0]
    train = (train[0][:n], train[1][:n])
    print(f"{m.title}, batch {m.batch}, Fashion-MNIST {n} train images; "
          f"{args.rounds} rounds x {args.epochs} epochs per side")
    print(f"{'round':>5}  {'side':<8} {'samples/s per epoch':<32} {'test err':>8}")
    hp_all, pt_all = [], []
    for r in range(1, args.rounds + 1):
        hp, hp_err = run_hpsweep(args.hpsweep, model, args.epochs, workdir, r)
        hp_all += hp
        print(f"{r:>5}  {'hpsweep':<8} {' '.join(f'{v:9.0f}' for v in hp):<32} {hp_err:8.4f}",
              flush=True)
        pt, pt_err = run_pytorch(model, train, test, args.epochs, seed=r)
        pt_all += pt
        print(f"{r:>5}  {'pytorch':<8} {' '.join(f'{v:9.0f}' for v in pt):<32} {pt_err:8.4f}",
              flush=True)
    arch = hpsweep_blis_config(args.hpsweep, model, workdir)
    return summary(model, f"over {len(hp_all)} epochs", hp_all, pt_all, m.target, arch)


def compare_residual():
    cases = residual_cases()
    print(f"d2l Residual block, forward + backward; {args.rounds} rounds, about 1 s per case "
          f"and side")
    hp_all = {name: [] for name, *_ in cases}
    pt_all = {name: [] for name, *_ in cases}
    for r in range(1, args.rounds + 1):
        hp = run_bench_residual()
        for name, *shape in cases:
            hp_all[name].append(hp[name])
            pt_all[name].append(run_pytorch_residual(*shape))
            print(f"{r:>5}  {name:<42} hpsweep {hp[name]:7.0f}  pytorch {pt_all[name][-1]:7.0f}"
                  f" samples/s", flush=True)
    arch = blis_config_of([str(args.bench_kernels), "--benchmark_filter=BM_ResidualStep",
                           "--benchmark_min_time=0"])
    return [summary(f"residual {name.split('/', 1)[1]}", f"over {args.rounds} rounds",
                    hp_all[name], pt_all[name], RESIDUAL_TARGET, arch) for name, *_ in cases]


def summary(label, over, hp_all, pt_all, target, arch):
    hp_med, pt_med = statistics.median(hp_all), statistics.median(pt_all)
    ratio = hp_med / pt_med
    print(f"{label}: median samples/s {over}:  hpsweep {hp_med:.0f}   pytorch {pt_med:.0f}   "
          f"ratio {ratio:.3f} (target >= {target:.2f}: {'met' if ratio >= target else 'NOT met'})"
          f"\n")
    return label, hp_med, pt_med, ratio, target, arch


def main():
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    train = load_fashion_mnist("train")
    test = load_fashion_mnist("t10k")

    results = []
    with tempfile.TemporaryDirectory(prefix="hpsweep-vs-torch-") as tmp:
        for model in args.models:
            if model == "residual":
                results += compare_residual()
            else:
                results.append(compare_network(model, train, test, Path(tmp)))

    libs, pt_arch = torch_blas()
    print(f"{'':<36} {'hpsweep':>9} {'pytorch':>9} {'ratio':>7} {'target':>7}  hpsweep BLIS")
    for label, hp_med, pt_med, ratio, target, arch in results:
        print(f"{label:<36} {hp_med:9.0f} {pt_med:9.0f} {ratio:7.3f} {target:7.2f}  {arch}")
    print("\nthreads:")
    env = hpsweep_env()
    print(f"  hpsweep  {args.hpsweep}, {args.bench_kernels.name}: --workers 1, "
          + ", ".join(f"{k}={env[k]}" for k in ("OMP_NUM_THREADS", "BLIS_NUM_THREADS")))
    print(f"  pytorch  {torch.__version__}: torch.get_num_threads()={torch.get_num_threads()}, "
          f"get_num_interop_threads()={torch.get_num_interop_threads()}, "
          + ", ".join(f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "BLIS_NUM_THREADS"))
          + (f", BLIS_ARCH_TYPE={os.environ['BLIS_ARCH_TYPE']}"
             if "BLIS_ARCH_TYPE" in os.environ else ""))
    print(f"           BLAS: {', '.join(libs) or 'not found in /proc/self/maps'}"
          + (f"; BLIS sub-configuration '{pt_arch}'" if pt_arch else "")
          + f"; mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
