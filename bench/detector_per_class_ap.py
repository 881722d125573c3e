#!/usr/bin/python3
"""Per-class AP of a detector trial's best epoch, from its checkpoint's /best/detections and
the test canvases' boxes (`hpsweep dataset export` of the same dataset block: canvases
depend on the seed, split and index only, so any test_subset at least the trial's will do).

Prints AP per Fashion-MNIST class at IoU 0.5 and 0.3 and the class-agnostic AP (every
detection and box counted as one class) at the same thresholds: if the class-agnostic AP is
high and the per-class APs are not, the detector finds the objects and mistakes their
classes; if AP@0.3 is well above AP@0.5, its boxes are too loose. The rules are
docs/detection.md's (PASCAL VOC all-point AP, hits at IoU >= the threshold), the numpy
reimplementation tests/interop/average_precision.py checks hpsweep against.

    /usr/bin/python3 bench/detector_per_class_ap.py RUN/checkpoints/0000.h5 SET.h5
"""

import argparse
import os
import sys

import h5py
import numpy as np

# The numpy reference hpsweep's mAP is tested against.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "interop"))
from average_precision import class_ap  # noqa: E402

NAMES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
         "boot"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("checkpoint")
    p.add_argument("set", help="hpsweep dataset export's file")
    args = p.parse_args()
    with h5py.File(args.checkpoint, "r") as f:
        best = f["/best"]
        d = best["detections"]
        found = np.column_stack([d["image_index"][()], d["class"][()], d["score"][()],
                                 d["boxes"][()]]).astype(np.float64)
        print(f"best epoch {best.attrs['epoch']}: {best.attrs['metric_name']} "
              f"{best.attrs['metric']:.4f}")
    with h5py.File(args.set, "r") as f:
        size = float(f.attrs["input_size"])
        images = int(found[:, 0].max()) + 1 if len(found) else 0
        index = f["/test/image_index"][()]
        keep = index < images
        truth = np.column_stack([index[keep], f["/test/labels"][()][keep],
                                 f["/test/boxes"][()][keep] / size]).astype(np.float64)
    print(f"{images} test canvases (the highest with a detection), {len(truth)} objects, "
          f"{len(found)} detections")
    for threshold in (0.5, 0.3):
        aps = [class_ap(found[found[:, 1] == c], truth[truth[:, 1] == c], threshold)
               for c in range(len(NAMES)) if (truth[:, 1] == c).any()]
        agnostic = class_ap(found, truth, threshold)
        print(f"IoU {threshold}: mAP {np.mean(aps):.3f}, class-agnostic AP {agnostic:.3f}")
        print("  " + ", ".join(f"{n} {a:.2f}" for n, a in zip(NAMES, aps)))


if __name__ == "__main__":
    main()
