"""hpsweep's mAP (worker/detection/average_precision.h) against the numpy one below, written
after PASCAL VOC's devkit (voc_eval, voc_ap without use_07_metric), on random detections.
    python3 average_precision.py DETECTION_PROBE
DETECTION_PROBE is tests/interop/detection_probe.cpp's program. Exits non-zero on a mismatch.
bench/detector_per_class_ap.py imports voc_ap and class_ap as its reference."""
import subprocess
import sys

import numpy as np

def encode(a):
    return " ".join([str(a.ndim), *map(str, a.shape), *(f"{v:.9g}" for v in a.ravel())])


def probe_map(probe, found, truth, threshold):
    """hpsweep's mAP at `threshold` and mAP@0.5:0.95."""
    result = subprocess.run([probe, "map", str(threshold)], input=encode(found) + "\n" + encode(truth),
                            capture_output=True, text=True, check=True)
    return [float(v) for v in result.stdout.split()[2:]]


def voc_ap(recall, precision):
    """The area under the all-point interpolated precision-recall curve."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    for i in range(len(mpre) - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    steps = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def class_ap(d, t, threshold):
    """AP of one class: its detections d (image, class, score, box) and boxes t (image, class,
    box); IoU without the devkit's +1 pixel, hits at IoU >= threshold."""
    d = d[np.argsort(-d[:, 2], kind="stable")]
    used = np.zeros(len(t), bool)
    hits = np.zeros(len(d))
    for k, row in enumerate(d):
        mine = np.where(t[:, 0] == row[0])[0]
        if len(mine) == 0:
            continue
        b = t[mine, 2:]
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
    if len(d) == 0:
        return 0.0
    tp = np.cumsum(hits)
    return voc_ap(tp / len(t), tp / np.arange(1, len(d) + 1))


def numpy_map(found, truth, threshold):
    """mAP over the classes with truth boxes."""
    return float(np.mean([class_ap(found[found[:, 1] == c], truth[truth[:, 1] == c], threshold)
                          for c in np.unique(truth[:, 1])]))


def random_case(rng):
    """20 images of 1 to 3 objects of 4 classes; detections near the objects (a fifth of them
    of another class, some duplicates) and random ones."""
    truth, found = [], []
    for image in range(20):
        for _ in range(rng.integers(1, 4)):
            x, y = rng.uniform(0, 0.6, 2)
            w, h = rng.uniform(0.1, 0.4, 2)
            c = rng.integers(0, 4)
            truth.append([image, c, x, y, x + w, y + h])
            for _ in range(rng.integers(0, 3)):
                cls = c if rng.uniform() < 0.8 else rng.integers(0, 4)
                box = np.array([x, y, x + w, y + h]) + rng.normal(0, 0.015, 4)
                found.append([image, cls, rng.uniform(), *box])
        for _ in range(rng.integers(0, 3)):
            x, y = rng.uniform(0, 0.7, 2)
            found.append([image, rng.integers(0, 4), rng.uniform(), x, y, x + 0.2, y + 0.2])
    # The probe reads float32: compare on the values it sees.
    return (np.array(found, np.float32).astype(np.float64),
            np.array(truth, np.float32).astype(np.float64))


def main():
    probe = sys.argv[1]
    for seed in range(5):
        found, truth = random_case(np.random.default_rng(seed))
        for threshold in (0.5, 0.75):
            ours = probe_map(probe, found, truth, threshold)
            theirs = [numpy_map(found, truth, threshold),
                      float(np.mean([numpy_map(found, truth, t)
                                     for t in 0.5 + 0.05 * np.arange(10)]))]
            worst = max(abs(a - b) for a, b in zip(ours, theirs))
            if worst > 1e-6:
                sys.exit(f"seed {seed} threshold {threshold}: hpsweep {ours}, numpy {theirs}")
            print(f"seed {seed} threshold {threshold}: mAP {ours[0]:.6f}, "
                  f"mAP@0.5:0.95 {ours[1]:.6f}")
    print("mAP agrees with numpy")


if __name__ == "__main__":
    main()
