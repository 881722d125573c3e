#!/usr/bin/env python3
"""A tiny PyTorch MLP on Fashion-MNIST, run by hpsweep as a command trial
(experiments/command-pytorch.yaml, docs/command-trials.md).

Each epoch trains on the first --train images (less the last 5,000, held out for validation),
saves its state in $HPSWEEP_STATE_DIR/epoch-N/ and then reports the epoch's curves on
$HPSWEEP_REPORT_FD. Started with HPSWEEP_RESUME_EPOCH=M, it loads epoch-M and goes on. The
epoch's shuffle and dropout draw from (seed, epoch) alone and PyTorch runs on one thread, so a
resumed run goes on exactly as an uninterrupted one would have.
"""
import argparse
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

HELD_OUT = 5000


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, part, count):
    images = read_idx(f"{folder}/{part}-images-idx3-ubyte.gz")[:count]
    labels = read_idx(f"{folder}/{part}-labels-idx1-ubyte.gz")[:count]
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255)
    return x, torch.from_numpy(labels.astype(np.int64))


def evaluate(model, x, y, loss_fn):
    model.eval()
    with torch.no_grad():
        out = model(x)
        return loss_fn(out, y).item(), (out.argmax(1) != y).float().mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = p.parse_args()
    torch.set_num_threads(1)
    epochs = int(os.environ["HPSWEEP_EPOCHS"])
    state_dir = os.environ["HPSWEEP_STATE_DIR"]
    start = int(os.environ.get("HPSWEEP_RESUME_EPOCH", "0"))
    report = os.fdopen(int(os.environ["HPSWEEP_REPORT_FD"]), "w", buffering=1)

    x, y = load(args.data, "train", args.train)
    x_train, y_train, x_val, y_val = x[:-HELD_OUT], y[:-HELD_OUT], x[-HELD_OUT:], y[-HELD_OUT:]
    x_test, y_test = load(args.data, "t10k", 10000)
    seed = args.seed % 2**31  # torch seeds are 64-bit signed: room for seed * 1009 + epoch
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, args.width), nn.ReLU(), nn.Dropout(args.dropout),
                          nn.Linear(args.width, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    if start > 0:
        state = torch.load(f"{state_dir}/epoch-{start}/state.pt")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        print(f"resumed after epoch {start}", flush=True)

    for epoch in range(start + 1, epochs + 1):
        torch.manual_seed(seed * 1009 + epoch)  # this epoch's shuffle and dropout
        model.train()
        order = torch.randperm(len(x_train))
        total_loss = total_errors = 0.0
        for i in range(0, len(order), args.batch_size):
            batch = order[i:i + args.batch_size]
            out = model(x_train[batch])
            loss = loss_fn(out, y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
            total_errors += (out.argmax(1) != y_train[batch]).sum().item()
        val_loss, val_error = evaluate(model, x_val, y_val, loss_fn)
        test_loss, test_error = evaluate(model, x_test, y_test, loss_fn)
        # The state first: once the epoch is reported, hpsweep may end the program.
        os.makedirs(f"{state_dir}/epoch-{epoch}", exist_ok=True)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()},
                   f"{state_dir}/epoch-{epoch}/state.pt")
        report.write(json.dumps({
            "epoch": epoch, "train_loss": total_loss / len(x_train),
            "train_error": total_errors / len(x_train), "val_loss": val_loss,
            "val_error": val_error, "test_loss": test_loss, "test_error": test_error}) + "\n")
        print(f"epoch {epoch}: val_error {val_error:.4f}", flush=True)


if __name__ == "__main__":
    main()
