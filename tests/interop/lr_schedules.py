#!/usr/bin/python3
"""Compares each trial's `lr` curve in DIR/sweep.h5 with torch.optim.lr_scheduler.

    /usr/bin/python3 tests/interop/lr_schedules.py DIR

For every trial, PyTorch's schedulers are built from the trial's `config` attribute as
docs/training.md says (StepLR, MultiStepLR, CosineAnnealingLR; LinearLR warm-up chained by
SequentialLR per epoch, or stepped per update beside the epoch scheduler) and stepped through
the trial's epochs and updates; the rate of each epoch's last update must equal the curve's
value to double rounding (PyTorch's step() recurses where hpsweep uses closed forms).
"""
import math
import sys
import warnings

import h5py
import numpy as np
import torch
from torch.optim import lr_scheduler

RTOL = 1e-12
# SequentialLR steps its second scheduler with step(0) at the milestone, which warns.
warnings.filterwarnings("ignore", message="The epoch parameter in `scheduler.step()`")


def parse_config(text):
    return dict(line.partition(": ")[::2] for line in text.splitlines())


def epoch_scheduler(optimizer, config):
    """The schedule proper, or None for type none."""
    kind = config["training.lr_schedule.type"]
    gamma = float(config["training.lr_schedule.gamma"])
    if kind == "step":
        return lr_scheduler.StepLR(optimizer, int(config["training.lr_schedule.step_size"]), gamma)
    if kind == "multistep":
        milestones = [int(m) for m in config["training.lr_schedule.milestones"].split(", ")]
        return lr_scheduler.MultiStepLR(optimizer, milestones, gamma)
    if kind == "cosine":
        t_max = int(config["training.lr_schedule.t_max"])
        if t_max == 0:  # unset: the epochs after the warm-up
            t_max = max(1, int(config["training.epochs"]) - int(config["training.lr_schedule.warmup.epochs"]))
        return lr_scheduler.CosineAnnealingLR(optimizer, t_max, float(config["training.lr_schedule.eta_min"]))
    assert kind == "none", kind
    return None


def torch_rates(config, updates_per_epoch):
    """The rate of each epoch's last update, as a PyTorch training loop steps its schedulers."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=float(config["training.lr"]))
    factor = float(config["training.lr_schedule.warmup.start_factor"])
    warmup_epochs = int(config["training.lr_schedule.warmup.epochs"])
    warmup_iterations = int(config["training.lr_schedule.warmup.iterations"])
    per_update = None
    if warmup_iterations > 0:
        per_update = lr_scheduler.LinearLR(optimizer, factor, 1.0, warmup_iterations)
    per_epoch = epoch_scheduler(optimizer, config)
    if warmup_epochs > 0:
        warmup = lr_scheduler.LinearLR(optimizer, factor, 1.0, warmup_epochs)
        per_epoch = warmup if per_epoch is None else lr_scheduler.SequentialLR(
            optimizer, [warmup, per_epoch], milestones=[warmup_epochs])
    rates = []
    for _ in range(int(config["training.epochs"])):
        for _ in range(updates_per_epoch):
            rate = optimizer.param_groups[0]["lr"]
            optimizer.step()
            if per_update is not None:
                per_update.step()
        rates.append(rate)
        if per_epoch is not None:
            per_epoch.step()
    return rates


def main():
    path = sys.argv[1] + "/sweep.h5"
    changing = 0
    with h5py.File(path, "r", locking=False) as f:
        for name, trial in f["trials"].items():
            config = parse_config(trial.attrs["config"])
            samples = int(config["dataset.train_subset"])
            updates = math.ceil(samples / int(config["training.batch_size"]))
            ours = trial["curves/lr"][()]
            theirs = np.array(torch_rates(config, updates))
            assert ours.shape == theirs.shape, f"trial {name}: {ours.shape} epochs, PyTorch {theirs.shape}"
            assert np.allclose(ours, theirs, rtol=RTOL, atol=0), \
                f"trial {name} ({config['training.lr_schedule.type']}): hpsweep {list(ours)}, PyTorch {list(theirs)}"
            changing += len(set(ours)) > 1
            print(f"trial {name}: {config['training.lr_schedule.type']}, {list(ours)}")
    assert changing > 0, "no trial's rate changed: the comparison tests nothing"
    print(f"lr_schedules: OK ({changing} trials with a changing rate)")


if __name__ == "__main__":
    sys.exit(main())
