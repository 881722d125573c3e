"""hpsweep's detection ops (worker/detection, worker/kernels/roi_pool) against torchvision.ops
on random inputs: box_convert, box_iou, nms, batched_nms, and roi_pool forward and backward.
    python3 detection_ops.py DETECTION_PROBE
DETECTION_PROBE is tests/interop/detection_probe.cpp's program. Exits non-zero on a mismatch."""
import subprocess
import sys

import numpy as np
import torch
import torchvision.ops as ops

probe = sys.argv[1]


def encode(t):
    a = t.detach().numpy().astype(np.float32)
    return " ".join([str(a.ndim), *map(str, a.shape), *(f"{v:.9g}" for v in a.ravel())])


def decode(line):
    tokens = line.split()
    rank = int(tokens[0])
    shape = [int(d) for d in tokens[1:1 + rank]]
    return torch.tensor([float(v) for v in tokens[1 + rank:]], dtype=torch.float32).reshape(shape)


def run(args, *tensors):
    """The probe's output tensors for `args` (op and parameters) on `tensors`."""
    result = subprocess.run([probe, *map(str, args)], input="\n".join(map(encode, tensors)),
                            capture_output=True, text=True, check=True)
    return [decode(line) for line in result.stdout.splitlines()]


def random_boxes(g, n, clustered=False):
    """Boxes in [0, 1.5]; clustered ones jitter around a few spots, so that NMS has work."""
    if clustered:
        spots = torch.rand(4, 2, generator=g)
        corner = spots[torch.randint(0, 4, (n,), generator=g)] + 0.05 * torch.rand(n, 2, generator=g)
    else:
        corner = torch.rand(n, 2, generator=g)
    size = 0.05 + 0.45 * torch.rand(n, 2, generator=g)
    return torch.cat([corner, corner + size], dim=1)


def expect_close(what, ours, theirs, atol):
    if ours.shape != theirs.shape:
        sys.exit(f"{what}: shape {tuple(ours.shape)}, torchvision {tuple(theirs.shape)}")
    worst = (ours - theirs).abs().max().item() if ours.numel() else 0.0
    if worst > atol:
        sys.exit(f"{what}: differs from torchvision by up to {worst:g}")
    print(f"{what}: {'identical' if worst == 0 else f'within {worst:g}'}")


def expect_equal(what, ours, theirs):
    if ours != theirs:
        sys.exit(f"{what}: {ours}\n  torchvision: {theirs}")
    print(f"{what}: identical ({len(ours)} kept)")


def check_boxes(g, case):
    a, b = random_boxes(g, 37), random_boxes(g, 23)
    (iou,) = run(["iou"], a, b)
    expect_close(f"box_iou {case}", iou, ops.box_iou(a, b), 1e-6)
    (centers,) = run(["to_center"], a)
    expect_close(f"box_convert xyxy->cxcywh {case}", centers,
                 ops.box_convert(a, "xyxy", "cxcywh"), 1e-6)
    (corners,) = run(["to_corners"], centers)
    expect_close(f"box_convert cxcywh->xyxy {case}", corners,
                 ops.box_convert(centers, "cxcywh", "xyxy"), 1e-6)


def check_nms(g, case):
    boxes = random_boxes(g, 200, clustered=True)
    scores = torch.rand(200, generator=g)
    classes = torch.randint(0, 3, (200,), generator=g)
    for threshold in (0.3, 0.5, 0.7):
        (kept,) = run(["nms", threshold], boxes, scores)
        expect_equal(f"nms {case} threshold {threshold}", kept.long().tolist(),
                     ops.nms(boxes, scores, threshold).tolist())
        (kept,) = run(["nms_per_class", threshold], boxes, scores, classes.float())
        expect_equal(f"batched_nms {case} threshold {threshold}", kept.long().tolist(),
                     ops.batched_nms(boxes, scores, classes, threshold).tolist())


def check_roi_pool(g, case):
    # Features of two 44 x 36 images at scale 1/4; regions in image coordinates, some
    # reaching past the map, some with swapped corners, many landing on .5 after scaling.
    x = torch.randn(2, 3, 9, 11, generator=g)
    k = 16
    corners = torch.randint(-8, 52, (k, 4), generator=g).float()
    corners[: k // 2] += torch.rand(k // 2, 4, generator=g) * 4
    regions = torch.cat([torch.randint(0, 2, (k, 1), generator=g).float(), corners], dim=1)
    for size, scale in (((2, 2), 0.25), ((3, 2), 0.25), ((4, 5), 0.5)):
        dy = torch.randn(k, 3, *size, generator=g)
        y, dx = run(["roi_pool", size[0], size[1], scale], x, regions, dy)
        x_grad = x.clone().requires_grad_()
        theirs = ops.roi_pool(x_grad, regions, output_size=size, spatial_scale=scale)
        theirs.backward(dy)
        expect_close(f"roi_pool {case} {size} x{scale} forward", y, theirs.detach(), 0)
        expect_close(f"roi_pool {case} {size} x{scale} backward", dx, x_grad.grad, 1e-6)


for seed in range(3):
    g = torch.Generator().manual_seed(seed)
    case = f"seed {seed}"
    check_boxes(g, case)
    check_nms(g, case)
    check_roi_pool(g, case)
print("detection ops agree with torchvision.ops")
