"""Each language-model checkpoint of a sweep loads into the PyTorch RNNModel of docs/models.md
with strict=True, and PyTorch's test perplexity, walked over the test part as hpsweep walks it,
equals the sweep's last test_perplexity.
  language_model_torch.py SWEEP_DIR TEXT_FILE WIDTH DEPTH EMBEDDING BATCH_SIZE NUM_STEPS"""
import os
import sys
from pathlib import Path

# The benchmarks' PyTorch side (bench/lm_torch.py): hpsweep's text ids, d2l's RNNModel and
# hpsweep's walk of the test part.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import lm_torch as L  # noqa: E402  (sets the thread variables before torch loads)
import h5py  # noqa: E402
import torch  # noqa: E402


def main():
    sweep, text_file = sys.argv[1], sys.argv[2]
    width, depth, embedding, batch_size, num_steps = map(int, sys.argv[3:8])
    vocab, _, test = L.text_ids(text_file)
    with h5py.File(os.path.join(sweep, 'sweep.h5'), 'r', locking=False) as f:
        for trial in sorted(f['trials']):
            group = f['trials'][trial]
            cell = group.attrs['model.cell']
            cell = cell.decode() if isinstance(cell, bytes) else cell
            expected = group['curves']['test_perplexity'][-1]
            with h5py.File(os.path.join(sweep, 'checkpoints', trial + '.h5'), 'r') as c:
                state = {name: torch.from_numpy(c['params'][name][()])
                         for name in c['params_order'].asstr()[()]}
            model = L.RNNModel(len(vocab), width, depth, L.CELLS[cell], embedding)
            model.load_state_dict(state, strict=True)
            got = L.test_perplexity(model, test, batch_size, num_steps)
            print(f'trial {trial} ({cell}): test perplexity hpsweep {expected:.6f}, PyTorch {got:.6f}')
            assert abs(got - expected) <= 1e-5 * expected, (trial, cell, expected, got)


if __name__ == '__main__':
    main()
