"""Checks an exported fmnist-detection file against the Python recipe of docs/detection.md.

    python3 detection_set.py DOCS/detection.md FILE.h5 FASHION_MNIST_DIR

The recipe is the page's ```python block, run as written: the page is the specification, so
the test fails when the page and hpsweep disagree. Canvases are compared bitwise, boxes,
labels and source indices exactly; the layout against docs/hdf5-schema.md."""
import re
import sys

import h5py
import numpy as np

docs, path, data = sys.argv[1:4]
text = open(docs, encoding="utf-8").read()
section = text[text.index("## The fmnist-detection set"):]
recipe = {}
exec(re.search(r"```python\n(.*?)```", section, re.S).group(1), recipe)

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


with h5py.File(path, "r") as f:
    seed, size, max_objects = (int(f.attrs[k]) for k in ("seed", "input_size", "max_objects"))
    check(f.attrs["dataset"] == "fmnist-detection", "attribute dataset")
    check(int(f.attrs["format_version"]) == 1, "attribute format_version")
    check(f.attrs["spec"].startswith("method: grid"), "attribute spec")
    for split, part, prefix in ((0, "train", "train"), (1, "test", "t10k")):
        group = f[part]
        images = recipe["read_idx"](f"{data}/{prefix}-images-idx3-ubyte.gz")
        labels = recipe["read_idx"](f"{data}/{prefix}-labels-idx1-ubyte.gz")
        canvases = group["images"]
        check(canvases.dtype == np.float32 and canvases.ndim == 4, f"{part}/images type")
        check(group["boxes"].dtype == np.float32, f"{part}/boxes type")
        for column in ("labels", "image_index", "source_index"):
            check(group[column].dtype == np.int64, f"{part}/{column} type")
        canvases = canvases[:]
        boxes = group["boxes"][:]
        index = group["image_index"][:]
        rows = 0
        for i in range(len(canvases)):
            pixels, objects = recipe["draw_canvas"](images, labels, seed, split, i, size,
                                                    max_objects)
            if not np.array_equal(canvases[i, 0].view(np.uint32), pixels.view(np.uint32)):
                worst = float(np.abs(canvases[i, 0] - pixels).max())
                failures.append(f"{part} canvas {i}: pixels differ, by up to {worst}")
            mine = np.nonzero(index == i)[0]
            check(list(mine) == list(range(rows, rows + len(objects))),
                  f"{part} canvas {i}: rows {list(mine)}")
            for row, (label, source, box) in zip(mine, objects):
                check(group["labels"][row] == label, f"{part} canvas {i}: label")
                check(group["source_index"][row] == source, f"{part} canvas {i}: source")
                check(list(boxes[row]) == [float(v) for v in box], f"{part} canvas {i}: box")
            rows += len(objects)
        check(rows == len(index), f"{part}: {len(index)} objects, the recipe draws {rows}")
        print(f"{part}: {len(canvases)} canvases, {rows} objects checked")

try:
    import pandas as pd  # the example of docs/hdf5-schema.md, when pandas is installed

    with h5py.File(path, "r") as f:
        objects = pd.DataFrame(f["test/boxes"][:], columns=["x1", "y1", "x2", "y2"])
        for column in ("image_index", "labels", "source_index"):
            objects[column] = f["test"][column][:]
    check(len(objects[objects.image_index == 0]) >= 1, "pandas: canvas 0 has no objects")
except ImportError:
    print("pandas missing: its example not run")

for failure in failures[:20]:
    print("FAIL:", failure)
if failures:
    sys.exit(f"{len(failures)} differences between hpsweep's export and docs/detection.md")
print("the export matches docs/detection.md's recipe")
