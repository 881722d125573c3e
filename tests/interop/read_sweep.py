#!/usr/bin/python3
"""Reads DIR/sweep.h5 into one long-format pandas DataFrame and checks it against the schema.

    /usr/bin/python3 tests/interop/read_sweep.py DIR [--require-completed]

The reading code (read_sweep) is the example of docs/hdf5-schema.md; the rest asserts what the
schema promises. Exits non-zero with an AssertionError naming the problem.
"""
import argparse
import os
import sys
import time

import h5py
import numpy as np
import pandas as pd

# --- docs/hdf5-schema.md, example (a) -----------------------------------------------------
METRICS = ["train_loss", "train_error", "test_loss", "test_error", "val_loss", "val_error",
           "train_eval_loss", "train_eval_error", "wall_seconds", "samples_per_second", "lr",
           "grad_norm_mean", "grad_norm_max", "train_perplexity", "test_perplexity",
           "train_box_mae", "test_box_mae", "test_map50", "test_map50_95"]
# NaN in every epoch of a trial without a validation part (val_*) or eval_train (train_eval_*),
# lr and grad_norm_* for a simulated trial, *_perplexity but for a language model, the box
# MAEs and mAPs but for a detector. (Files from
# before a curve lack it: drop it to read them.)
OPTIONAL = ["val_loss", "val_error", "train_eval_loss", "train_eval_error", "lr",
            "grad_norm_mean", "grad_norm_max", "train_perplexity", "test_perplexity",
            "train_box_mae", "test_box_mae", "test_map50", "test_map50_95"]


def read_sweep(path):
    """One row per (trial, epoch): trial, status, the swept parameters, epoch, the metrics."""
    rows = []
    # locking=False: the writer (hpsweep) disables HDF5 file locking, so may its readers.
    with h5py.File(path, "r", locking=False) as f:
        swept = list(f["swept_parameters"].asstr()[()])
        for name, trial in f["trials"].items():
            curves = trial["curves"]
            # While a sweep runs, an epoch may be half-appended: keep the epochs every curve has.
            n = min(curves[c].shape[0] for c in ["epoch"] + METRICS)
            columns = {c: curves[c][:n] for c in ["epoch"] + METRICS}
            for i in range(n):
                row = {"trial": int(trial.attrs["id"]), "status": trial.attrs["status"]}
                # A conditional parameter a trial lacks has no attribute: None (NaN in pandas).
                row.update({p: trial.attrs.get(p) for p in swept})
                row.update({c: columns[c][i] for c in columns})
                rows.append(row)
    columns = ["trial", "status"] + swept + ["epoch"] + METRICS
    return pd.DataFrame(rows, columns=columns), swept


def read_decisions(path):
    """A scheduler's decisions, one row each, in order (empty without a scheduler)."""
    with h5py.File(path, "r", locking=False) as f:
        d = f["decisions"]
        text = {"kind", "hyperparameters", "reason"}
        return pd.DataFrame({c: d[c].asstr()[()] if c in text else d[c][()] for c in d})


def read_schedules(path):
    """PBT: one row per (trial, epoch) with the hyperparameters in effect, parsed into columns."""
    rows = []
    with h5py.File(path, "r", locking=False) as f:
        for trial in f["trials"].values():
            if "schedule" not in trial:
                continue
            s = trial["schedule"]
            for epoch, source, text in zip(s["epoch"][()], s["source_trial"][()], s["hyperparameters"].asstr()[()]):
                values = dict(item.split(": ", 1) for item in text.split(", ") if item)
                rows.append({"trial": int(trial.attrs["id"]), "epoch": int(epoch), "source_trial": int(source), **values})
    return pd.DataFrame(rows)
# -------------------------------------------------------------------------------------------

STATUSES = {"pending", "running", "completed", "diverged", "failed", "interrupted", "paused", "stopped"}
DECISION_COLUMNS = {"sequence", "time", "trial", "kind", "epoch", "source_trial", "hyperparameters", "reason"}
ROOT_ATTRIBUTES = {"hpsweep_version", "schema_version", "name", "spec", "metric_name", "metric_goal", "seed"}
TRIAL_ATTRIBUTES = {"id", "seed", "status", "message", "config", "configuration", "repeat", "fold"}


def parse_config(text):
    """The trial's `config` attribute: one "dotted.path: value" line per field."""
    config = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        assert sep, f"config line without ': ': {line!r}"
        config[key] = value
    return config


def check_file(path, require_completed):
    """Checks sweep.h5 against the schema; returns ({trial id: recorded epochs}, still running?)."""
    epochs_by_trial, running = {}, False
    with h5py.File(path, "r", locking=False) as f:
        missing = ROOT_ATTRIBUTES - set(f.attrs)
        assert not missing, f"root attributes missing: {sorted(missing)}"
        assert f.attrs["schema_version"] == 4, f"schema_version {f.attrs['schema_version']}"
        assert f.attrs["metric_goal"] in ("minimize", "maximize"), f.attrs["metric_goal"]
        assert f.attrs["metric_name"] in METRICS, f.attrs["metric_name"]
        swept = list(f["swept_parameters"].asstr()[()])
        for name, trial in f["trials"].items():
            attrs = set(trial.attrs)
            assert TRIAL_ATTRIBUTES <= attrs, f"trial {name}: missing {sorted(TRIAL_ATTRIBUTES - attrs)}"
            assert name == f"{int(trial.attrs['id']):04d}", f"group {name} holds trial id {trial.attrs['id']}"
            status = trial.attrs["status"]
            running |= status in ("pending", "running")
            assert status in STATUSES, f"trial {name}: invalid status {status!r}"
            if require_completed:
                assert status == "completed", f"trial {name}: status {status} ({trial.attrs['message']})"
            if status == "completed":
                assert trial.attrs["message"] == "", f"trial {name}: completed with message {trial.attrs['message']!r}"
            config = parse_config(trial.attrs["config"])
            for p in set(swept) & attrs:  # the swept value is also in the config text, exactly
                value = trial.attrs[p]
                if isinstance(value, str):
                    assert config[p] == value, f"trial {name}: {p} is {value!r}, config says {config[p]!r}"
                else:
                    text = config[p]
                    number = {"true": 1.0, "false": 0.0}.get(text, None)
                    number = float(text) if number is None else number
                    assert number == float(value), \
                        f"trial {name}: {p} is {value}, config says {text}"
            curves = trial["curves"]
            assert set(curves) == {"epoch", *METRICS}, f"trial {name}: curves {sorted(curves)}"
            lengths = {c: curves[c].shape for c in curves}
            assert all(len(s) == 1 for s in lengths.values()), f"trial {name}: curves not 1-D: {lengths}"
            assert curves["epoch"].dtype == np.int64, curves["epoch"].dtype
            if not running:  # a running trial may be caught between two curves' appends
                assert len(set(lengths.values())) == 1, f"trial {name}: curve lengths differ: {lengths}"
            epochs = curves["epoch"][()]
            assert list(epochs) == list(range(1, len(epochs) + 1)), f"trial {name}: epochs {list(epochs)}"
            if status == "pending":
                assert len(epochs) == 0, f"trial {name}: pending with {len(epochs)} epochs"
            if status == "completed":
                wanted = int(config["training.epochs"])
                assert len(epochs) == wanted, f"trial {name}: completed after {len(epochs)} of {wanted} epochs"
            epochs_by_trial[int(trial.attrs["id"])] = min(s[0] for s in lengths.values())
    return epochs_by_trial, running


def check_frame(df, swept, epochs_by_trial, running):
    """The DataFrame, read after check_file: one row per recorded epoch."""
    assert list(df.columns) == ["trial", "status"] + swept + ["epoch"] + METRICS, list(df.columns)
    rows = df.groupby("trial").size().to_dict()
    for trial, epochs in epochs_by_trial.items():
        got = rows.get(trial, 0)
        # While the sweep runs, epochs may have been appended between the two reads.
        assert got == epochs or (running and got > epochs), f"trial {trial}: {got} rows for {epochs} recorded epochs"
    assert set(rows) <= set(epochs_by_trial), f"rows for unknown trials {set(rows) - set(epochs_by_trial)}"
    assert not df.duplicated(["trial", "epoch"]).any(), "duplicate (trial, epoch) rows"
    assert df["status"].isin(STATUSES).all(), set(df["status"]) - STATUSES
    always = [m for m in METRICS if m not in OPTIONAL]
    finite = df[always].replace([np.inf, -np.inf], np.nan).notna().all(axis=None)
    assert finite, "non-finite metric values"
    for column in OPTIONAL:  # per trial: recorded in every epoch, or in none
        present = df.groupby("trial")[column].agg(lambda v: v.notna().sum())
        sizes = df.groupby("trial").size()
        assert ((present == 0) | (present == sizes)).all(), f"{column}: recorded in some epochs only"
    errors = df[["train_error", "test_error"]]
    assert ((errors >= 0) & (errors <= 1)).all(axis=None), "error rates outside [0, 1]"
    assert (df[["wall_seconds", "samples_per_second"]] > 0).all(axis=None), "non-positive timings"
    assert (df["lr"].dropna() >= 0).all(), "negative learning rates"


def check_schedules(schedules, df, running):
    """PBT: a schedule row per recorded epoch; epoch 1 starts fresh, later ones from a trial."""
    if schedules.empty:
        return
    merged = df[["trial", "epoch"]].merge(schedules, on=["trial", "epoch"], how="outer", indicator=True)
    assert running or (merged["_merge"] == "both").all(), "schedule rows and curves differ"
    first = schedules["epoch"] == 1
    assert (schedules.loc[first, "source_trial"] == -1).all(), "epoch 1 starts from another trial"
    assert (schedules.loc[~first, "source_trial"] >= 0).all(), "a later epoch starts fresh"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="the sweep's --out folder")
    parser.add_argument("--require-completed", action="store_true", help="fail unless every trial completed")
    args = parser.parse_args()
    path = os.path.join(args.dir, "sweep.h5")
    for attempt in range(1, 6):
        running = True
        try:
            epochs_by_trial, running = check_file(path, args.require_completed)
            df, swept = read_sweep(path)
            check_frame(df, swept, epochs_by_trial, running)
            decisions = read_decisions(path)
            assert set(decisions.columns) == DECISION_COLUMNS, f"decision columns: {list(decisions.columns)}"
            assert list(decisions["sequence"]) == list(range(len(decisions))), "decision sequence"
            check_schedules(read_schedules(path), df, running)
            break
        except (AssertionError, OSError, KeyError) as e:
            # hpsweep's writes are not atomic for readers (no SWMR): a read that overlaps one can
            # see a half-written attribute or epoch. Retry while trials are still running.
            if not running or attempt == 5:
                raise
            print(f"read_sweep: attempt {attempt} failed ({e!r}); retrying in case it overlapped a write", file=sys.stderr)
            time.sleep(1)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(df)
    print(f"read_sweep: OK ({df['trial'].nunique()} trials, {len(df)} epochs)")


if __name__ == "__main__":
    sys.exit(main())
