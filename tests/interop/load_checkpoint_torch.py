#!/usr/bin/python3
"""Loads every trial's checkpoint into the equivalent PyTorch model and checks its test metrics.

    /usr/bin/python3 tests/interop/load_checkpoint_torch.py DIR

For each trial of DIR/sweep.h5 that has a checkpoint, builds the d2l model its config names
as a torch nn.Sequential, loads /params (the final parameters) with load_state_dict(strict),
evaluates it with dropout off on the test images the sweep used (the first
dataset.test_subset, or all) and compares with the last epoch's test_error (at most one
sample may differ, from float rounding) and test_loss (1e-4 relative). Does the same for
/best/params against the curves at /best's epoch. A checkpoint that checkpoint.keep reduced
(root attribute `keep`) is checked for what it holds. The model-building and evaluation code
is the example of docs/hdf5-schema.md.
"""
import argparse
import gzip
import os
import sys
import time

import h5py
import numpy as np
import torch
from torch import nn


# --- docs/hdf5-schema.md, example (b) -----------------------------------------------------
def build_model(depth=1, width=256, dropout=0.0, activation="relu", kind="mlp", inputs=784, classes=10):
    """hpsweep's model as torch.nn.Sequential: same layer indices, so the same state_dict keys."""
    act = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[activation]
    layers = [nn.Flatten()]
    if kind == "mlp":
        for _ in range(depth):  # Dropout is there even when p = 0, as in hpsweep
            layers += [nn.Linear(inputs, width), act(), nn.Dropout(dropout)]
            inputs = width
    layers.append(nn.Linear(inputs, classes))
    return nn.Sequential(*layers)


def build_lenet(batch_norm=False, width=6, depth=2, size=28, classes=10):
    """hpsweep's lenet (sigmoid, average pooling) or lenet-bn (batch norm, ReLU, max pooling)."""
    def scaled(channels):  # the book's channels times width / 6, rounded half up
        return max(1, int(channels * width / 6 + 0.5))
    act = nn.ReLU if batch_norm else nn.Sigmoid
    pool = nn.MaxPool2d if batch_norm else nn.AvgPool2d
    layers, channels = [], 1
    for stage, out in enumerate((scaled(6), scaled(16))):
        layers.append(nn.Conv2d(channels, out, 5, padding=2 if stage == 0 else 0))
        layers += [nn.BatchNorm2d(out)] if batch_norm else []
        layers += [act(), pool(2, 2)]
        channels = out
    layers.append(nn.Flatten())
    inputs = nn.Sequential(*layers)(torch.zeros(1, 1, size, size)).shape[1]
    for i in range(depth):
        units = scaled(120 if i == 0 else 84)
        layers.append(nn.Linear(inputs, units))
        layers += [nn.BatchNorm1d(units)] if batch_norm else []
        layers.append(act())
        inputs = units
    layers.append(nn.Linear(inputs, classes))
    return nn.Sequential(*layers)


def load_params(checkpoint, group="/"):
    """A state_dict from a checkpoint's <group>/params ("/": final, "/best": best epoch)."""
    with h5py.File(checkpoint, "r") as f:
        return params_of(f[group])


def params_of(g):
    return {name: torch.from_numpy(g["params"][name][()]) for name in g["params_order"].asstr()[()]}


def read_idx(path):
    """An IDX file (gzipped or not) as a numpy array: Fashion-MNIST's on-disk format."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_test_set(directory="/usr/share/datasets/fashion-mnist", n=0, size=0):
    """The first n test images (0: all 10,000) scaled to [0, 1] as hpsweep does, resized to
    size x size when dataset.input_size is set (bilinear, no antialiasing), and their labels."""
    def path(stem):  # hpsweep prefers the gzipped file and accepts an unpacked one
        return next(p for p in (os.path.join(directory, stem + s) for s in (".gz", "")) if os.path.exists(p))
    images = read_idx(path("t10k-images-idx3-ubyte"))
    labels = read_idx(path("t10k-labels-idx1-ubyte"))
    n = n or len(labels)
    x = torch.from_numpy(images[:n].astype(np.float32) / np.float32(255)).unsqueeze(1)  # [n, 1, 28, 28]
    if size:
        x = nn.functional.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x, torch.from_numpy(labels[:n].astype(np.int64))


@torch.no_grad()
def evaluate(model, x, y):
    """(mean cross-entropy, error rate) with dropout off, as hpsweep's test metrics."""
    model.eval()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y, reduction="none").double().mean().item()
    error = (logits.argmax(dim=1) != y).double().mean().item()
    return loss, error
# -------------------------------------------------------------------------------------------


def parse_config(text):
    return dict(line.partition(": ")[::2] for line in text.splitlines())


def model_for(config):
    size = int(config["dataset.input_size"]) or 28
    if config["model.type"] in ("lenet", "lenet-bn"):
        return build_lenet(config["model.type"] == "lenet-bn", int(config["model.width"]),
                           int(config["model.depth"]), size)
    return build_model(depth=int(config["model.depth"]), width=int(config["model.width"]),
                       dropout=float(config["model.dropout"]), activation=config["model.activation"],
                       kind=config["model.type"], inputs=size ** 2)


def compare(label, loss, error, want_loss, want_error, n):
    flips = abs(error - want_error) * n
    print(f"  {label}: torch test_loss {loss:.7f} error {error:.4f} | hpsweep {want_loss:.7f} {want_error:.4f}"
          f" | {flips:.0f} sample(s) differ")
    assert flips <= 1 + 1e-6, f"{label}: test_error {error} in PyTorch, {want_error} in hpsweep"
    assert abs(loss - want_loss) <= 1e-4 * abs(want_loss), \
        f"{label}: test_loss {loss} in PyTorch, {want_loss} in hpsweep (relative {abs(loss / want_loss - 1):.2e})"


def check_trial(sweep_dir, sweep, trial, test_sets, build=model_for):
    """Checks one trial's checkpoint against its curves, with `build(config)` as the model."""
    name, curves = trial["name"], trial["curves"]
    checkpoint = os.path.join(sweep_dir, "checkpoints", f"{name}.h5")
    epochs = min(len(c) for c in curves.values())  # a running sweep may be mid-append
    if not os.path.exists(checkpoint):
        assert epochs == 0, f"trial {name}: {epochs} epochs recorded but no checkpoint {checkpoint}"
        print(f"trial {name}: {trial['status']}, no checkpoint")
        return 0
    config = parse_config(trial["config"])
    with h5py.File(checkpoint, "r", locking=False) as f:
        # A finished trial's checkpoint under checkpoint.keep last, best or none lacks /best or
        # the last state (/params, /optimizer, /rng); its root attribute `keep` says which.
        root = dict(f.attrs)
        keep = root.get("keep", "both")
        has_last, has_best = keep in ("both", "last"), keep in ("both", "best")
        assert has_last == ("params" in f) and has_best == ("best" in f), f"trial {name}: keep {keep}, members {list(f)}"
        best = dict(f["best"].attrs) if has_best else None
        final = params_of(f) if has_last else None  # one open: the file may be replaced
        best_params = params_of(f["best"]) if has_best else None
        assert root["trial_id"] == trial["id"], f"trial {name}: checkpoint of trial {root['trial_id']}"
        assert root["schema_version"] == 4, root["schema_version"]
        # A checkpoint is written before its epoch is appended: while the sweep runs, the
        # curves read a moment earlier can lag behind it.
        assert root["epoch"] >= max(epochs, 1), f"trial {name}: checkpoint epoch {root['epoch']}, {epochs} in curves"
        assert len(f["curves/test_error"]) == root["epoch"], f"trial {name}: curves of {len(f['curves/test_error'])} epochs"
        if has_last:
            opt, rng = dict(f["optimizer"].attrs), dict(f["rng"].attrs)
            assert rng["seed"] == trial["seed"] and rng["next_epoch"] == root["epoch"] + 1, f"trial {name}: rng {rng}"
            assert rng["scheme"] == "counter-splitmix64", rng["scheme"]
            assert opt["type"] == config.get("training.optimizer", "sgd") and opt["lr"] == float(config["training.lr"]) \
                and opt["weight_decay"] == float(config["training.weight_decay"]), \
                f"trial {name}: optimizer {opt}, config lr {config['training.lr']} weight_decay {config['training.weight_decay']}"
            batches = -(-(int(config["dataset.train_subset"]) or 60000) // int(config["training.batch_size"]))
            assert opt["steps"] == root["epoch"] * batches, f"trial {name}: {opt['steps']} steps after {root['epoch']} epochs"
        if has_best:
            assert 1 <= best["epoch"] <= root["epoch"], f"trial {name}: best epoch {best['epoch']}"
            assert best["metric_name"] == sweep["metric_name"], best["metric_name"]
    if root["epoch"] != epochs:
        print(f"trial {name}: checkpoint (epoch {root['epoch']}) is ahead of the curves ({epochs}); sweep running? skipped")
        return 0

    if not has_last and not has_best:
        print(f"trial {name}: {trial['status']}, checkpoint.keep: none (curves only)")
        return 1
    model = build(config)
    key = (config["dataset.path"], int(config["dataset.test_subset"]), int(config["dataset.input_size"]))
    if key not in test_sets:
        test_sets[key] = load_test_set(*key)
    x, y = test_sets[key]
    n = len(y)
    print(f"trial {name} ({trial['status']}, {epochs} epochs, {n} test images, keep {keep}):")
    if has_last:
        assert list(final) == list(model.state_dict()), f"trial {name}: params {list(final)}, torch {list(model.state_dict())}"
        model.load_state_dict(final, strict=True)
        loss, error = evaluate(model, x, y)
        compare(f"final params, epoch {epochs}", loss, error, curves["test_loss"][epochs - 1], curves["test_error"][epochs - 1], n)
    if not has_best:
        return 1

    model.load_state_dict(best_params, strict=True)
    loss, error = evaluate(model, x, y)
    b = int(best["epoch"]) - 1
    compare(f"best params, epoch {b + 1}", loss, error, curves["test_loss"][b], curves["test_error"][b], n)
    assert best["metric"] == curves[best["metric_name"]][b], f"trial {name}: /best metric {best['metric']}"
    metric = curves[best["metric_name"]]
    chosen = metric.min() if sweep["metric_goal"] == "minimize" else metric.max()
    assert best["metric"] == chosen, f"trial {name}: /best metric {best['metric']}, the curve's best is {chosen}"
    return 1


def snapshot_sweep(path, attempts=5):
    """The trials of sweep.h5 as plain dicts, read in one short open. A handle kept open while
    hpsweep writes goes stale (no SWMR), so read everything at once, close, and retry when the
    read overlapped a write."""
    for attempt in range(1, attempts + 1):
        try:
            with h5py.File(path, "r", locking=False) as f:
                root = dict(f.attrs)
                trials = []
                for name, trial in f["trials"].items():
                    t = dict(trial.attrs)
                    t["name"] = name
                    t["curves"] = {c: trial["curves"][c][()] for c in trial["curves"]}
                    assert t["status"] in ("pending", "running", "completed", "diverged", "failed", "interrupted")
                    trials.append(t)
            return root, trials
        except (OSError, KeyError, AssertionError) as e:
            if attempt == attempts:
                raise
            print(f"{path}: read overlapped a write ({e!r}); retrying", file=sys.stderr)
            time.sleep(1)


def check_sweep(sweep_dir, build=model_for):
    """Checks every trial of the sweep in sweep_dir; returns how many checkpoints were checked."""
    checked, test_sets = 0, {}
    root, trials = snapshot_sweep(os.path.join(sweep_dir, "sweep.h5"))
    for trial in trials:
        checked += check_trial(sweep_dir, root, trial, test_sets, build)
    assert checked > 0, "no trial had a checkpoint to check"
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="the sweep's --out folder")
    args = parser.parse_args()
    checked = check_sweep(args.dir)
    print(f"load_checkpoint_torch: OK ({checked} checkpoints match PyTorch)")


if __name__ == "__main__":
    sys.exit(main())
