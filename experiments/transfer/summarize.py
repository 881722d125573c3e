#!/usr/bin/env python3
"""The transfer study's table: `hpsweep analyze --format csv` of each fine-tuning sweep
(files given as NETWORK=CSV), folded over seeds into one markdown row per network, images per
class and way of training. test_error is the last epoch's (no selection on the test set); gap
is test minus training error, medians of the last 3 epochs, as `hpsweep analyze` computes it
(training error from eval_train: the training images in evaluation mode)."""
import csv
import statistics
import sys


def mode(row):
    if not row["training.finetune.from"]:
        return "scratch"
    return "fine-tuned, body frozen" if row["training.finetune.freeze"] else "fine-tuned"


def mean_sd(values):
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


print("| network | images per class | training | test error (mean ± sd) | gap (mean ± sd) | seeds |")
print("|---|---|---|---|---|---|")
for argument in sys.argv[1:]:
    network, path = argument.split("=", 1)
    groups = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (int(row["dataset.train_per_class"]), mode(row))
            groups.setdefault(key, []).append(row)
    order = ["scratch", "fine-tuned", "fine-tuned, body frozen"]
    for (per_class, how), rows in sorted(groups.items(), key=lambda g: (g[0][0], order.index(g[0][1]))):
        errors = [float(r["test_error"]) for r in rows]
        gaps = [float(r["gap"]) for r in rows]
        print(f"| {network} | {per_class} | {how} | {mean_sd(errors)} | {mean_sd(gaps)} | {len(rows)} |")
