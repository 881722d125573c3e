#!/usr/bin/python3
"""Issue 20, item 11: one epoch of hpsweep's character language model from the same initial
weights on the same minibatches gives the same parameters as PyTorch 1.13, per cell, with
gradient clipping on.

For each cell (RNN, GRU, LSTM), on the English fortunes (docs/text-data.md), d2l's setting:
one layer of 256, batches of 32 sequences of 35 steps by sequential partitioning, SGD lr 1,
clip_norm 1 (d2l's; in the first epoch only the RNN's gradient norm passes it, once) and 0.1
(which clips most steps of every cell):
  1. PyTorch draws the initial weights (torch.manual_seed(0), d2l's RNNModel) and writes them
     into a copy of an hpsweep checkpoint (a 1-epoch probe run of the same spec gives the
     file's layout), which hpsweep starts from with `training.init_from`;
  2. hpsweep trains 1 epoch from it (`hpsweep run`, one worker, one thread);
  3. PyTorch trains 1 epoch from the same weights on the same batches: the epoch's offset is
     drawn by hpsweep's generator rebuilt in Python (common/rng.h:
     Rng(counter_hash({trial seed, "tseq", 1})).below(36)), the trial seed read from the
     checkpoint; d2l's train_epoch_ch8 otherwise (state carried and detached,
     clip_grad_norm_, torch.optim.SGD);
  4. every tensor is compared: max |hpsweep - torch| / max |torch| (and the norm of the
     difference over the norm), which must be below --tolerance (1e-4).

    /usr/bin/python3 bench/lm_trajectory.py [--hpsweep build/app/hpsweep] [--cells rnn gru lstm]
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import lm_torch as L  # sets the thread variables before torch loads
import h5py
import torch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hpsweep", type=Path, default=L.REPO / "build" / "app" / "hpsweep")
    p.add_argument("--cells", nargs="+", default=["rnn", "gru", "lstm"])
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--clip-norms", type=float, nargs="+", default=[1.0, 0.1],
                   help="d2l's 1 clips the RNN's first steps only; 0.1 clips most steps of every cell")
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--keep", type=Path, help="keep the runs in this folder")
    args = p.parse_args()
    torch.set_num_threads(1)
    vocab, train, _ = L.text_ids(L.CORPUS)
    work = args.keep or Path(tempfile.mkdtemp(prefix="lm-trajectory-"))
    failed = False
    print(f"corpus {L.CORPUS}: {len(train)} training tokens, {len(vocab)} ids; "
          f"H=256, B=32, T=35, sequential, SGD lr {args.lr}, 1 epoch, torch {torch.__version__}")
    for clip_norm, cell in [(c, cell) for c in args.clip_norms for cell in args.cells]:
        spec = L.lm_spec(f"traj-{cell}", cell, 1, lr=args.lr, clip_norm=clip_norm)
        _, probe = L.run_hpsweep(args.hpsweep, spec, work / f"{cell}-{clip_norm:g}-probe")
        seed = L.checkpoint_seed(probe)

        torch.manual_seed(0)
        model = L.RNNModel(len(vocab), 256, 1, L.CELLS[cell])
        init = work / f"{cell}-{clip_norm:g}-init.h5"
        shutil.copyfile(probe, init)
        with h5py.File(init, "r+") as f:
            names = list(f['params_order'].asstr()[()])
            state = model.state_dict()
            assert sorted(names) == sorted(state), (names, list(state))
            for name in names:
                assert tuple(f['params'][name].shape) == tuple(state[name].shape), name
                f['params'][name][...] = state[name].numpy()

        spec = L.lm_spec(f"traj-{cell}", cell, 1, lr=args.lr, clip_norm=clip_norm,
                         extra_training=f", init_from: {init}")
        curves, trained = L.run_hpsweep(args.hpsweep, spec, work / f"{cell}-{clip_norm:g}-run")
        ours = L.read_params(trained)

        offset, length, batches = L.hpsweep_sequential_epoch(len(train), 32, 35, seed, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
        norms = []
        clip = torch.nn.utils.clip_grad_norm_

        def recording_clip(params, max_norm):  # records the norm before clipping
            norm = clip(params, max_norm)
            norms.append(float(norm))
            return norm

        torch.nn.utils.clip_grad_norm_ = recording_clip
        try:
            tokens, _, loss = L.train_epoch(model, optimizer,
                                            L.sequential_batches(train, 32, 35, offset),
                                            clip_norm)
        finally:
            torch.nn.utils.clip_grad_norm_ = clip
        assert tokens == batches * 32 * 35
        worst = 0.0
        print(f"\n{cell}, clip_norm {clip_norm:g}: trial seed {seed}, epoch 1 offset {offset}, {batches} batches; "
              f"train loss hpsweep {curves['train_loss'][0]:.6f}, torch {loss:.6f}; "
              f"grad norm before clipping: hpsweep mean {curves['grad_norm_mean'][0]:.4f} "
              f"max {curves['grad_norm_max'][0]:.4f}, torch mean {sum(norms) / len(norms):.4f} "
              f"max {max(norms):.4f} ({sum(n > clip_norm for n in norms)} of "
              f"{len(norms)} steps clipped)")
        print(f"  {'tensor':20} {'max|diff|/max|torch|':>22} {'|diff|/|torch|':>15}")
        for name, theirs in model.state_dict().items():
            diff = (ours[name] - theirs).abs()
            rel_max = float(diff.max() / theirs.abs().max())
            rel_norm = float(diff.norm() / theirs.norm())
            worst = max(worst, rel_max)
            print(f"  {name:20} {rel_max:22.2e} {rel_norm:15.2e}")
        start = L.read_params(init)
        moved = max(float((start[n] - t).abs().max() / t.abs().max())
                    for n, t in model.state_dict().items())
        verdict = "PASS" if worst <= args.tolerance else "FAIL"
        failed |= worst > args.tolerance
        print(f"  worst {worst:.2e} (tolerance {args.tolerance:g}): {verdict}; "
              f"for scale, the epoch moved the parameters by up to {moved:.2e} relative")
    if not args.keep:
        shutil.rmtree(work)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
