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

import h5py
import numpy as np

NAMES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
         "boot"]


def voc_ap(recall, precision):
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    for i in range(len(mpre) - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    steps = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def class_ap(found, truth, threshold):
    """AP of one class: found rows (image, class, score, x1, y1, x2, y2), truth rows
    (image, class, x1, y1, x2, y2)."""
    found = found[np.argsort(-found[:, 2], kind="stable")]
    used = np.zeros(len(truth), bool)
    hits = np.zeros(len(found))
    for k, row in enumerate(found):
        mine = np.where(truth[:, 0] == row[0])[0]
        if len(mine) == 0:
            continue
        b = truth[mine, 2:]
        w = np.maximum(np.minimum(b[:, 2], row[5]) - np.maximum(b[:, 0], row[3]), 0)
        h = np.maximum(np.minimum(b[:, 3], row[6]) - np.maximum(b[:, 1], row[4]), 0)
        inter = w * h
        union = ((row[5] - row[3]) * (row[6] - row[4]) + (b[:, 2] - b[:, 0]) *
                 (b[:, 3] - b[:, 1]) - inter)
        iou = inter / union
        j = int(np.argmax(iou))
        if iou[j] >= threshold and not used[mine[j]]:
            used[mine[j]] = True
            hits[k] = 1
    if len(found) == 0:
        return 0.0
    tp = np.cumsum(hits)
    return voc_ap(tp / len(truth), tp / np.arange(1, len(found) + 1))


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
