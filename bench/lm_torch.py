"""Shared by the language-model benchmarks (compare_language_model.py, lm_trajectory.py,
lm_quality.py) and tests/interop/language_model_torch.py: hpsweep's text ids, d2l's RNNModel
in PyTorch, hpsweep's minibatch plan (docs/text-data.md) rebuilt bit for bit in Python, d2l's
training epoch and hpsweep's walk of the test part, and helpers to run `hpsweep run` and read
its sweep.h5 and checkpoints.

The thread variables are set before torch is imported: import this module first."""

import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ONE_THREAD = {"OMP_NUM_THREADS": "1", "BLIS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}
CALLER_ENV = dict(os.environ)
os.environ.update(ONE_THREAD)  # before torch and its BLAS initialise

import h5py  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path("/usr/share/games/fortunes/fortunes")
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
MASK = (1 << 64) - 1


# --- docs/text-data.md, "From file to ids" ---------------------------------------------------
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


# --- common/rng.h and worker/data/sequence_batches.cpp ---------------------------------------
def mix64(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
    return z ^ (z >> 31)


def counter_hash(words):
    h = 0x6a09e667f3bcc909
    for w in words:
        h = mix64(h ^ ((w + 0x9e3779b97f4a7c15) & MASK))
    return h


class Rng:
    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9e3779b97f4a7c15) & MASK
        return mix64(self.state)

    def below(self, n):
        limit = MASK - MASK % n
        x = self.next_u64()
        while x >= limit:
            x = self.next_u64()
        return x % n


def hpsweep_sequential_epoch(count, batch_size, num_steps, seed, epoch):
    """(offset, row length L, batches) of hpsweep's sequential partitioning for an epoch."""
    offset = Rng(counter_hash([seed, 0x74736571, epoch])).below(num_steps + 1)
    length = (count - offset - 1) // batch_size
    return offset, length, length // num_steps


def sequential_batches(ids, batch_size, num_steps, offset):
    """d2l 8.3's seq_data_iter_sequential from a given offset: (X, Y) as [B, T] id tensors."""
    data = torch.tensor(ids)
    length = (len(ids) - offset - 1) // batch_size
    rows = torch.stack([data[offset + r * length:][:length + 1] for r in range(batch_size)])
    for b in range(length // num_steps):
        chunk = rows[:, b * num_steps:b * num_steps + num_steps + 1]
        yield chunk[:, :-1], chunk[:, 1:]


# --- docs/language-models.md ---------------------------------------------------------------
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


def detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def train_epoch(model, optimizer, batches, clip_norm):
    """d2l's train_epoch_ch8 with sequential partitioning: the state carried over, detached,
    starting at zero; mean cross-entropy over the B * T tokens; the global gradient norm
    clipped (clip_grad_norm_, as hpsweep's training.clip_norm). Returns (tokens, seconds of
    the loop, mean loss per token)."""
    state, tokens, loss_sum = None, 0, 0.0
    start = time.perf_counter()
    for X, Y in batches:
        state = detach(state)
        out, state = model(X.T, state)
        loss = F.cross_entropy(out, Y.T.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip_norm:
            nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        tokens += Y.numel()
        loss_sum += loss.item() * Y.numel()
    return tokens, time.perf_counter() - start, loss_sum / max(tokens, 1)


def test_perplexity(model, ids, batch_size, num_steps):
    """hpsweep's walk of the test part (docs/language-models.md): R = min(batch_size, N - 1) rows of
    L = (N - 1) // R tokens, num_steps at a time from a zero state carried between chunks."""
    model.eval()
    n = len(ids)
    rows = min(batch_size, n - 1)
    length = (n - 1) // rows
    data = torch.tensor(ids)
    loss, state = 0.0, None
    with torch.no_grad():
        for begin in range(0, length, num_steps):
            steps = min(num_steps, length - begin)
            X = torch.stack([data[r * length + begin:][:steps] for r in range(rows)]).T
            Y = torch.stack([data[r * length + begin + 1:][:steps] for r in range(rows)]).T
            out, state = model(X, state)
            loss += F.cross_entropy(out, Y.reshape(-1), reduction='sum').item()
    model.train()
    return math.exp(loss / (rows * length))


# --- hpsweep -----------------------------------------------------------------------------------
def hpsweep_env():
    env = dict(CALLER_ENV)
    env.update(ONE_THREAD)
    return env


def lm_spec(name, cell, epochs, seed=1, lr=1.0, clip_norm=1.0, width=256, batch=32, steps=35,
            extra_training=""):
    return f"""\
name: {name}
seed: {seed}
method: grid
metric: {{name: test_perplexity, goal: minimize}}
dataset:
  name: text
  path: {CORPUS}
  preprocess: english
  tokens: char
  sampling: sequential
model: {{type: rnn-lm, cell: {cell}, width: {width}, depth: 1}}
training: {{epochs: {epochs}, batch_size: {batch}, num_steps: {steps}, lr: {lr}, clip_norm: {clip_norm}{extra_training}}}
"""


def run_hpsweep(exe, spec_text, out):
    """Runs a one-trial sweep (--workers 1, one thread) in `out`; returns trial 0000's group
    as a dict of curves plus its checkpoint path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    spec = out.with_suffix(".yaml")
    spec.write_text(spec_text)
    proc = subprocess.run([str(exe), "run", str(spec), "--out", str(out), "--workers", "1",
                           "--restart"], env=hpsweep_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hpsweep failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    with h5py.File(out / "sweep.h5", "r", locking=False) as f:
        trial = f["/trials/0000"]
        status = trial.attrs["status"]
        status = status.decode() if isinstance(status, bytes) else str(status)
        if status != "completed":
            sys.exit(f"hpsweep trial ended '{status}': {trial.attrs.get('message', '')}")
        curves = {k: [float(x) for x in trial["curves"][k][()]] for k in trial["curves"]}
    return curves, out / "checkpoints" / "0000.h5"


def read_params(checkpoint):
    with h5py.File(checkpoint, "r", locking=False) as c:
        return {name: torch.from_numpy(c['params'][name][()])
                for name in c['params_order'].asstr()[()]}


def checkpoint_seed(checkpoint):
    with h5py.File(checkpoint, "r", locking=False) as c:
        for where in (c.attrs, c.get('rng', {}).attrs if 'rng' in c else {}):
            if 'seed' in where:
                return int(where['seed'])
        if 'rng' in c and 'seed' in c['rng']:
            return int(c['rng']['seed'][()])
    raise KeyError(f"{checkpoint}: no trial seed found")
