#!/usr/bin/python3
"""Checks hpsweep's recurrent layers against torch.nn.RNN / GRU / LSTM (float32).

Each CASE file (written by tests/test_recurrent_torch.cpp) holds one layer's configuration,
its parameters under PyTorch's names, an input x [T, B, in], an initial state, the weights dy,
dh_n (dc_n) of the loss L = sum(y * dy) + sum(h_n * dh_n) (+ sum(c_n * dc_n)), and hpsweep's
outputs and gradients. The parameters load into the torch module with strict=True, so the
names and shapes must be PyTorch's; equal outputs then prove the gate order and formulas.

A tensor matches when max |hpsweep - torch| <= TOLERANCE * max |torch| (relative to the
tensor's scale: an elementwise ratio is meaningless for entries that are sums cancelling to
near zero). The same figure against a float64 run of torch shows how far float32 torch
itself is from exact. Prints one line per tensor; exits 1 if any differs.
    /usr/bin/python3 tests/interop/recurrent_torch.py CASE...
"""
import os
import sys

import torch

TOLERANCE = 1e-5
MODULES = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}


def load(path):
    config, tensors = None, {}
    for line in open(path):
        fields = line.split()
        if fields[0] == "config":
            config = fields[1:]
        else:
            shape = [int(d) for d in fields[1].split(",")]
            values = [float(v) for v in fields[2:]]
            tensors[fields[0]] = torch.tensor(values, dtype=torch.float32).reshape(shape)
    return config, tensors


def run_torch(config, t, dtype):
    cell, input_size, hidden, layers, bidirectional = config
    module = MODULES[cell](int(input_size), int(hidden), num_layers=int(layers),
                           bidirectional=bidirectional == "1")
    params = {k[len("param:"):]: v for k, v in t.items() if k.startswith("param:")}
    module.load_state_dict(params, strict=True)
    module.to(dtype)
    x = t["x"].detach().to(dtype).requires_grad_()
    h0 = t["h0"].detach().to(dtype).requires_grad_()
    lstm = cell == "lstm"
    if lstm:
        c0 = t["c0"].detach().to(dtype).requires_grad_()
        y, (hn, cn) = module(x, (h0, c0))
    else:
        y, hn = module(x, h0)
    loss = (y * t["dy"].to(dtype)).sum() + (hn * t["dh_n"].to(dtype)).sum()
    if lstm:
        loss = loss + (cn * t["dc_n"].to(dtype)).sum()
    loss.backward()
    result = {"y": y, "h_n": hn, "grad:x": x.grad, "grad:h0": h0.grad}
    if lstm:
        result.update({"c_n": cn, "grad:c0": c0.grad})
    for name, p in module.named_parameters():
        result["grad:" + name] = p.grad
    return {k: v.detach().double() for k, v in result.items()}


def scaled_error(ours, reference):
    return ((ours - reference).abs().max() / reference.abs().max().clamp_min(1e-30)).item()


def main():
    failed = False
    for path in sys.argv[1:]:
        config, tensors = load(path)
        case = os.path.basename(path)
        torch32 = run_torch(config, tensors, torch.float32)
        exact = run_torch(config, tensors, torch.float64)
        for name, reference in torch32.items():
            if name not in tensors:
                print(f"{case}: hpsweep did not write {name}")
                failed = True
                continue
            ours = tensors[name].double()
            if ours.shape != reference.shape:
                print(f"{case}: {name} has shape {list(ours.shape)}, torch {list(reference.shape)}")
                failed = True
                continue
            error = scaled_error(ours, reference)
            ok = error <= TOLERANCE
            failed |= not ok
            print(f"{'ok  ' if ok else 'FAIL'} {case} {name}: vs torch {error:.2e}; vs float64 "
                  f"hpsweep {scaled_error(ours, exact[name]):.2e}, "
                  f"torch {scaled_error(reference, exact[name]):.2e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
