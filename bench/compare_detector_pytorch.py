#!/usr/bin/python3
"""Issue 21, item 10: tiny SSD training, hpsweep vs PyTorch 1.13, both on one thread:
training images per second.

The same network, data and loss on both sides: d2l 14.7's TinySSD (the base network of three
down-sampling blocks of 16, 32 and 64 channels, two blocks of 128, a global max pool; a 3x3
class and box predictor per scale, 4 anchors per pixel, the book's sizes and ratios) for one
input channel and the 10 Fashion-MNIST classes, on the fmnist-detection set's 64x64 canvases
(docs/detection.md), 344 anchors per canvas. The loss is the book's calc_loss: each image's
anchors labeled by MultiBoxTarget against its own objects, softmax cross-entropy over the
anchor classes plus L1 on the masked offsets, each averaged per image, then over the batch
of 32. Adam at 0.002 with weight decay 5e-4, Xavier-uniform weights as
experiments/tiny-ssd.yaml.

hpsweep's side is a one-trial `hpsweep run` (--workers 1, OMP/BLIS threads 1) whose figure is
/trials/0000/curves/samples_per_second of its sweep.h5 (training canvases per second of each
epoch's training loop: shuffle, labeling, forward, loss, backward, update; evaluation
excluded). PyTorch's (torch.set_num_threads(1)) trains on the very same canvases and boxes,
which `hpsweep dataset export` writes, with d2l's multibox_prior and multibox_target (per
image, on its real objects only) and its train loop's metric accumulation (cls_eval and
bbox_eval per batch), timed over the loop only: the in-memory canvases are indexed per batch
(no DataLoader). Each round runs hpsweep and then PyTorch, alternately, so slow phases of a
shared machine hit both sides; the summary quotes the medians over all epochs of all rounds
and their ratio.

    /usr/bin/python3 bench/compare_detector_pytorch.py [--rounds 3] [--epochs 2]
        [--train-subset 2000] [--hpsweep build/app/hpsweep]
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONE_THREAD = {"OMP_NUM_THREADS": "1", "BLIS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}
CALLER_ENV = dict(os.environ)
os.environ.update(ONE_THREAD)  # before torch loads its BLAS

try:
    import h5py
    from hpsweep_trial import completed_trial_rates  # reads sweep.h5 with h5py
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:
    sys.exit(f"{e}: run this script with /usr/bin/python3 (Debian's python3-torch, python3-h5py)")

TARGET = 1.5
BATCH = 32
TEST_SUBSET = 64  # hpsweep evaluates after each epoch; outside the timed span, kept short
EXPORT_SPEC = """\
method: grid
model: {{type: simulated}}
dataset: {{name: fmnist-detection, train_subset: {subset}, test_subset: {test}, seed: 1}}
"""
RUN_SPEC = """\
name: detector-speed
seed: {seed}
method: grid
metric: {{name: test_map50, goal: maximize}}
dataset: {{name: fmnist-detection, train_subset: {subset}, test_subset: {test}, seed: 1}}
model: {{type: tiny-ssd, init: xavier}}
training: {{epochs: {epochs}, batch_size: {batch}, optimizer: adam, lr: 0.002, weight_decay: 0.0005}}
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=REPO / "build" / "app" / "hpsweep")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--train-subset", type=int, default=2000)
    args = p.parse_args()
    if args.rounds < 1 or args.epochs < 1 or args.train_subset < BATCH:
        p.error(f"--rounds and --epochs must be at least 1, --train-subset at least {BATCH}")
    if not args.hpsweep.is_file():
        p.error(f"{args.hpsweep} not found; build it or pass its path")
    return args


def hpsweep_env():
    env = dict(CALLER_ENV)
    env.update(ONE_THREAD)
    return env


def run_checked(command):
    proc = subprocess.run(command, env=hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed (exit {proc.returncode}):\n"
                 f"{proc.stdout}{proc.stderr}")


# --- hpsweep -------------------------------------------------------------------------------

def export_canvases(exe, subset, work):
    spec, out = work / "export.yaml", work / "canvases.h5"
    spec.write_text(EXPORT_SPEC.format(subset=subset, test=TEST_SUBSET))
    run_checked([str(exe), "dataset", "export", str(spec), "--out", str(out)])
    with h5py.File(out, "r") as f:
        size = int(f.attrs["input_size"])
        images = torch.from_numpy(f["/train/images"][()])
        boxes = f["/train/boxes"][()] / np.float32(size)
        labels = f["/train/labels"][()]
        index = f["/train/image_index"][()]
    truth = []  # per canvas: [objects, 5] of (class, x1, y1, x2, y2), boxes as fractions
    for i in range(images.shape[0]):
        rows = index == i
        truth.append(torch.from_numpy(np.concatenate(
            [labels[rows, None].astype(np.float32), boxes[rows]], axis=1)))
    return images, truth


def run_hpsweep(exe, subset, epochs, work, round_no):
    spec, out = work / f"run{round_no}.yaml", work / f"run{round_no}"
    spec.write_text(RUN_SPEC.format(seed=round_no, subset=subset, test=TEST_SUBSET,
                                    epochs=epochs, batch=BATCH))
    run_checked([str(exe), "run", str(spec), "--out", str(out), "--workers", "1"])
    rates, loss = completed_trial_rates(out, "train_loss")
    shutil.rmtree(out)
    return rates, loss


# --- PyTorch: d2l 14.7 (and 14.4's anchor code) --------------------------------------------

def multibox_prior(data, sizes, ratios):
    in_height, in_width = data.shape[-2:]
    device, num_sizes, num_ratios = data.device, len(sizes), len(ratios)
    boxes_per_pixel = num_sizes + num_ratios - 1
    size_tensor = torch.tensor(sizes, device=device)
    ratio_tensor = torch.tensor(ratios, device=device)
    offset_h, offset_w = 0.5, 0.5
    steps_h = 1.0 / in_height
    steps_w = 1.0 / in_width
    center_h = (torch.arange(in_height, device=device) + offset_h) * steps_h
    center_w = (torch.arange(in_width, device=device) + offset_w) * steps_w
    shift_y, shift_x = torch.meshgrid(center_h, center_w, indexing='ij')
    shift_y, shift_x = shift_y.reshape(-1), shift_x.reshape(-1)
    w = torch.cat((size_tensor * torch.sqrt(ratio_tensor[0]),
                   sizes[0] * torch.sqrt(ratio_tensor[1:]))) * in_height / in_width
    h = torch.cat((size_tensor / torch.sqrt(ratio_tensor[0]),
                   sizes[0] / torch.sqrt(ratio_tensor[1:])))
    anchor_manipulations = torch.stack((-w, -h, w, h)).T.repeat(in_height * in_width, 1) / 2
    out_grid = torch.stack([shift_x, shift_y, shift_x, shift_y],
                           dim=1).repeat_interleave(boxes_per_pixel, dim=0)
    output = out_grid + anchor_manipulations
    return output.unsqueeze(0)


def box_corner_to_center(boxes):
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    return torch.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), axis=-1)


def box_iou(boxes1, boxes2):
    def box_area(boxes):
        return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    areas1, areas2 = box_area(boxes1), box_area(boxes2)
    inter_upperlefts = torch.max(boxes1[:, None, :2], boxes2[:, :2])
    inter_lowerrights = torch.min(boxes1[:, None, 2:], boxes2[:, 2:])
    inters = (inter_lowerrights - inter_upperlefts).clamp(min=0)
    inter_areas = inters[:, :, 0] * inters[:, :, 1]
    union_areas = areas1[:, None] + areas2 - inter_areas
    return inter_areas / union_areas


def assign_anchor_to_bbox(ground_truth, anchors, device, iou_threshold=0.5):
    num_anchors, num_gt_boxes = anchors.shape[0], ground_truth.shape[0]
    jaccard = box_iou(anchors, ground_truth)
    anchors_bbox_map = torch.full((num_anchors,), -1, dtype=torch.long, device=device)
    max_ious, indices = torch.max(jaccard, dim=1)
    anc_i = torch.nonzero(max_ious >= iou_threshold).reshape(-1)
    box_j = indices[max_ious >= iou_threshold]
    anchors_bbox_map[anc_i] = box_j
    col_discard = torch.full((num_anchors,), -1)
    row_discard = torch.full((num_gt_boxes,), -1)
    for _ in range(num_gt_boxes):
        max_idx = torch.argmax(jaccard)
        box_idx = (max_idx % num_gt_boxes).long()
        anc_idx = (max_idx / num_gt_boxes).long()
        anchors_bbox_map[anc_idx] = box_idx
        jaccard[:, box_idx] = col_discard
        jaccard[anc_idx, :] = row_discard
    return anchors_bbox_map


def offset_boxes(anchors, assigned_bb, eps=1e-6):
    c_anc = box_corner_to_center(anchors)
    c_assigned_bb = box_corner_to_center(assigned_bb)
    offset_xy = 10 * (c_assigned_bb[:, :2] - c_anc[:, :2]) / c_anc[:, 2:]
    offset_wh = 5 * torch.log(eps + c_assigned_bb[:, 2:] / c_anc[:, 2:])
    return torch.cat([offset_xy, offset_wh], axis=1)


def multibox_target(anchors, labels):
    """d2l's multibox_target with `labels` a list of each image's [objects, 5] (no padding)."""
    batch_size, anchors = len(labels), anchors.squeeze(0)
    batch_offset, batch_mask, batch_class_labels = [], [], []
    device, num_anchors = anchors.device, anchors.shape[0]
    for i in range(batch_size):
        label = labels[i]
        anchors_bbox_map = assign_anchor_to_bbox(label[:, 1:], anchors, device)
        bbox_mask = ((anchors_bbox_map >= 0).float().unsqueeze(-1)).repeat(1, 4)
        class_labels = torch.zeros(num_anchors, dtype=torch.long, device=device)
        assigned_bb = torch.zeros((num_anchors, 4), dtype=torch.float32, device=device)
        indices_true = torch.nonzero(anchors_bbox_map >= 0)
        bb_idx = anchors_bbox_map[indices_true]
        class_labels[indices_true] = label[bb_idx, 0].long() + 1
        assigned_bb[indices_true] = label[bb_idx, 1:]
        offset = offset_boxes(anchors, assigned_bb) * bbox_mask
        batch_offset.append(offset.reshape(-1))
        batch_mask.append(bbox_mask.reshape(-1))
        batch_class_labels.append(class_labels)
    return (torch.stack(batch_offset), torch.stack(batch_mask), torch.stack(batch_class_labels))


def cls_predictor(num_inputs, num_anchors, num_classes):
    return nn.Conv2d(num_inputs, num_anchors * (num_classes + 1), kernel_size=3, padding=1)


def bbox_predictor(num_inputs, num_anchors):
    return nn.Conv2d(num_inputs, num_anchors * 4, kernel_size=3, padding=1)


def flatten_pred(pred):
    return torch.flatten(pred.permute(0, 2, 3, 1), start_dim=1)


def concat_preds(preds):
    return torch.cat([flatten_pred(p) for p in preds], dim=1)


def down_sample_blk(in_channels, out_channels):
    blk = []
    for _ in range(2):
        blk.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        blk.append(nn.BatchNorm2d(out_channels))
        blk.append(nn.ReLU())
        in_channels = out_channels
    blk.append(nn.MaxPool2d(2))
    return nn.Sequential(*blk)


def base_net():
    blk = []
    num_filters = [1, 16, 32, 64]  # one input channel: Fashion-MNIST canvases
    for i in range(len(num_filters) - 1):
        blk.append(down_sample_blk(num_filters[i], num_filters[i + 1]))
    return nn.Sequential(*blk)


def get_blk(i):
    if i == 0:
        return base_net()
    if i == 1:
        return down_sample_blk(64, 128)
    if i == 4:
        return nn.AdaptiveMaxPool2d((1, 1))
    return down_sample_blk(128, 128)


def blk_forward(X, blk, size, ratio, cls_predictor, bbox_predictor):
    Y = blk(X)
    anchors = multibox_prior(Y, sizes=size, ratios=ratio)
    cls_preds = cls_predictor(Y)
    bbox_preds = bbox_predictor(Y)
    return (Y, anchors, cls_preds, bbox_preds)


SIZES = [[0.2, 0.272], [0.37, 0.447], [0.54, 0.619], [0.71, 0.79], [0.88, 0.961]]
RATIOS = [[1, 2, 0.5]] * 5
NUM_ANCHORS = len(SIZES[0]) + len(RATIOS[0]) - 1


class TinySSD(nn.Module):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        idx_to_in_channels = [64, 128, 128, 128, 128]
        for i in range(5):
            setattr(self, f'blk_{i}', get_blk(i))
            setattr(self, f'cls_{i}', cls_predictor(idx_to_in_channels[i], NUM_ANCHORS,
                                                    num_classes))
            setattr(self, f'bbox_{i}', bbox_predictor(idx_to_in_channels[i], NUM_ANCHORS))

    def forward(self, X):
        anchors, cls_preds, bbox_preds = [None] * 5, [None] * 5, [None] * 5
        for i in range(5):
            X, anchors[i], cls_preds[i], bbox_preds[i] = blk_forward(
                X, getattr(self, f'blk_{i}'), SIZES[i], RATIOS[i],
                getattr(self, f'cls_{i}'), getattr(self, f'bbox_{i}'))
        anchors = torch.cat(anchors, dim=1)
        cls_preds = concat_preds(cls_preds)
        cls_preds = cls_preds.reshape(cls_preds.shape[0], -1, self.num_classes + 1)
        bbox_preds = concat_preds(bbox_preds)
        return anchors, cls_preds, bbox_preds


cls_loss = nn.CrossEntropyLoss(reduction='none')
bbox_loss = nn.L1Loss(reduction='none')


def calc_loss(cls_preds, cls_labels, bbox_preds, bbox_labels, bbox_masks):
    batch_size, num_classes = cls_preds.shape[0], cls_preds.shape[2]
    cls = cls_loss(cls_preds.reshape(-1, num_classes),
                   cls_labels.reshape(-1)).reshape(batch_size, -1).mean(dim=1)
    bbox = bbox_loss(bbox_preds * bbox_masks, bbox_labels * bbox_masks).mean(dim=1)
    return cls + bbox


def cls_eval(cls_preds, cls_labels):
    return float((cls_preds.argmax(dim=-1).type(cls_labels.dtype) == cls_labels).sum())


def bbox_eval(bbox_preds, bbox_labels, bbox_masks):
    return float((torch.abs((bbox_labels - bbox_preds) * bbox_masks)).sum())


def run_pytorch(images, truth, epochs, seed):
    torch.manual_seed(seed)
    net = TinySSD(num_classes=10)
    for m in net.modules():  # hpsweep's init: xavier (d2l's init_cnn)
        if isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    trainer = torch.optim.Adam(net.parameters(), lr=0.002, weight_decay=5e-4)
    n = images.shape[0]
    rates, last_loss = [], float("nan")
    for _ in range(epochs):
        net.train()
        metric = [0.0] * 5  # d2l's Accumulator(4), plus the loss
        start = time.perf_counter()
        order = torch.randperm(n)
        for begin in range(0, n, BATCH):
            idx = order[begin:begin + BATCH]
            X = images[idx]
            Y = [truth[i] for i in idx.tolist()]
            trainer.zero_grad()
            anchors, cls_preds, bbox_preds = net(X)
            bbox_labels, bbox_masks, cls_labels = multibox_target(anchors, Y)
            l = calc_loss(cls_preds, cls_labels, bbox_preds, bbox_labels, bbox_masks)
            l.mean().backward()
            trainer.step()
            metric[0] += cls_eval(cls_preds, cls_labels)
            metric[1] += cls_labels.numel()
            metric[2] += bbox_eval(bbox_preds, bbox_labels, bbox_masks)
            metric[3] += bbox_labels.numel()
            metric[4] += float(l.sum())
        rates.append(n / (time.perf_counter() - start))
        last_loss = metric[4] / n
    return rates, last_loss


def cpu_model():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    args = parse_args()
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    work = Path(tempfile.mkdtemp(prefix="detector-speed-"))
    try:
        images, truth = export_canvases(args.hpsweep, args.train_subset, work)
        print(f"TinySSD (d2l 14.7), 64x64 canvases, {args.train_subset} training canvases, "
              f"batch {BATCH}, Adam; {args.rounds} rounds x {args.epochs} epochs per side")
        print(f"{'round':>5}  {'side':<8} {'images/s per epoch':<30} {'train loss':>10}")
        ours, theirs = [], []
        for r in range(1, args.rounds + 1):
            hp, hp_loss = run_hpsweep(args.hpsweep, args.train_subset, args.epochs, work, r)
            ours += hp
            print(f"{r:>5}  {'hpsweep':<8} {' '.join(f'{v:8.1f}' for v in hp):<30} "
                  f"{hp_loss:10.4f}", flush=True)
            pt, pt_loss = run_pytorch(images, truth, args.epochs, seed=r)
            theirs += pt
            print(f"{r:>5}  {'pytorch':<8} {' '.join(f'{v:8.1f}' for v in pt):<30} "
                  f"{pt_loss:10.4f}", flush=True)
    finally:
        shutil.rmtree(work)
    h, t = statistics.median(ours), statistics.median(theirs)
    print(f"\nmedian training images/s over {len(ours)} epochs: hpsweep {h:.1f}, pytorch "
          f"{t:.1f}, ratio {h / t:.2f} (target >= {TARGET}: "
          f"{'met' if h / t >= TARGET else 'NOT met'})")
    print(f"CPU: {cpu_model()}; torch {torch.__version__}, "
          f"get_num_threads()={torch.get_num_threads()}, "
          f"mkldnn {'on' if torch.backends.mkldnn.is_available() else 'off'}; hpsweep "
          f"--workers 1, OMP_NUM_THREADS=1, BLIS_NUM_THREADS=1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
