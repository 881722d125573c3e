"""Each language-model checkpoint of a sweep loads into the PyTorch RNNModel of docs/models.md
with strict=True, and PyTorch's test perplexity, walked over the test part as hpsweep walks it,
equals the sweep's last test_perplexity.
  language_model_torch.py SWEEP_DIR TEXT_FILE WIDTH DEPTH EMBEDDING BATCH_SIZE NUM_STEPS"""
import math
import os
import re
import sys
from collections import Counter

import h5py
import torch
import torch.nn.functional as F
from torch import nn


# --- docs/text-data.md ---------------------------------------------------------------------
def text_ids(path, preprocess='english', tokens='char', test_fraction=0.1, min_freq=0):
    text = open(path, 'rb').read().decode('utf-8')
    text = re.sub(r'\x1b\[[0-?]*[ -/]*[@-~]', '', text)
    if preprocess == 'english':
        text = re.sub('[^A-Za-z]+', ' ', text).strip().lower()
    else:
        text = text.replace('\n', ' ').replace('\r', ' ')
    stream = list(text) if tokens == 'char' else [w for w in text.split(' ') if w]
    train_count = len(stream) - int(len(stream) * test_fraction)
    counts = Counter(stream[:train_count])
    ranked = sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))
    idx_to_token = ['<unk>'] + [t for t, c in ranked if c >= min_freq and t != '<unk>']
    token_to_idx = {t: i for i, t in enumerate(idx_to_token)}
    ids = [token_to_idx.get(t, 0) for t in stream]
    return idx_to_token, ids[:train_count], ids[train_count:]


# --- docs/language-models.md -------------------------------------------------------------
class RNNModel(nn.Module):
    def __init__(self, V, H, layers, cell=nn.GRU, embedding=0, dropout=0):
        super().__init__()
        if embedding:
            self.embedding = nn.Embedding(V, embedding)
        self.rnn = cell(embedding or V, H, layers, dropout=dropout)
        self.linear = nn.Linear(H, V)
        self.vocab_size = V

    def forward(self, X, state):  # X: [T, B] token ids, time-major
        x = self.embedding(X) if hasattr(self, 'embedding') else F.one_hot(X, self.vocab_size).float()
        Y, state = self.rnn(x, state)
        return self.linear(Y.reshape(-1, Y.shape[-1])), state


def test_perplexity(model, ids, batch_size, num_steps):
    """R = min(batch_size, N - 1) rows of L = (N - 1) // R tokens, walked num_steps at a time
    from a zero state that each chunk carries to the next."""
    n = len(ids)
    rows = min(batch_size, n - 1)
    length = (n - 1) // rows
    data = torch.tensor(ids)
    loss, state = 0.0, None
    for begin in range(0, length, num_steps):
        steps = min(num_steps, length - begin)
        X = torch.stack([data[r * length + begin:][:steps] for r in range(rows)]).T
        Y = torch.stack([data[r * length + begin + 1:][:steps] for r in range(rows)]).T
        out, state = model(X, state)
        loss += F.cross_entropy(out, Y.reshape(-1), reduction='sum').item()
    return math.exp(loss / (rows * length))


def main():
    sweep, text_file = sys.argv[1], sys.argv[2]
    width, depth, embedding, batch_size, num_steps = map(int, sys.argv[3:8])
    vocab, _, test = text_ids(text_file)
    cells = {'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}
    with h5py.File(os.path.join(sweep, 'sweep.h5'), 'r', locking=False) as f:
        for trial in sorted(f['trials']):
            group = f['trials'][trial]
            cell = group.attrs['model.cell']
            cell = cell.decode() if isinstance(cell, bytes) else cell
            expected = group['curves']['test_perplexity'][-1]
            with h5py.File(os.path.join(sweep, 'checkpoints', trial + '.h5'), 'r') as c:
                state = {name: torch.from_numpy(c['params'][name][()])
                         for name in c['params_order'].asstr()[()]}
            model = RNNModel(len(vocab), width, depth, cells[cell], embedding)
            model.load_state_dict(state, strict=True)
            model.eval()
            with torch.no_grad():
                got = test_perplexity(model, test, batch_size, num_steps)
            print(f'trial {trial} ({cell}): test perplexity hpsweep {expected:.6f}, PyTorch {got:.6f}')
            assert abs(got - expected) <= 1e-5 * expected, (trial, cell, expected, got)


if __name__ == '__main__':
    main()
