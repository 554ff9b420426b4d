"""A learned quality head on frozen e5 token states (COMET-QE-like), tried and not shipped.

Each side's layer-6 token states attend over the other side's (cosine attention), a small
MLP compares every token with what it attends to, and mean/max pooling of both directions
(plus the plain best-match recall and precision) regresses the crowd z score. Trained on the
training folds of the first document-grouped split of bench/fit_risk.py, selected by epoch on
an inner document-held-out validation split, whose τ is printed beside `e5_match`'s on the
same rows. Measured 2026-11-23 (4 epochs): τ 0.206, 0.215, 0.211, 0.209 vs e5_match 0.207.

    python -m bench.e5_head --data ../shared/data/wmt22-jaen [--epochs 4]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import kendalltau
from sklearn.model_selection import GroupKFold
from torch import nn

from bench import fit_risk, wmt22
from qa.signals.embed import Embedder, match_f1

MAX_TOKENS = 200


class Head(nn.Module):
    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.proj = nn.Linear(384, hidden)
        self.temp = nn.Parameter(torch.tensor(20.0))
        self.cmp = nn.Sequential(
            nn.Linear(4 * hidden + 1, hidden), nn.GELU(), nn.Linear(hidden, hidden)
        )
        self.out = nn.Sequential(nn.Linear(4 * hidden + 2, hidden), nn.GELU(), nn.Linear(hidden, 1))

    def side(self, a, b, ma, mb):  # noqa: ANN001, ANN201 - each token of a attends over b
        sim = (a @ b.transpose(1, 2)).masked_fill(~mb[:, None, :], -1e4)
        best = sim.max(-1).values
        pa, ctx = self.proj(a), torch.softmax(self.temp * sim, -1) @ self.proj(b)
        f = self.cmp(torch.cat([pa, ctx, pa * ctx, (pa - ctx).abs(), best[..., None]], -1))
        n = ma.sum(1, keepdim=True).clamp(min=1)
        mean = f.masked_fill(~ma[..., None], 0).sum(1) / n
        top = f.masked_fill(~ma[..., None], -1e4).max(1).values
        return torch.cat([mean, top], -1), best.masked_fill(~ma, 0).sum(1, keepdim=True) / n

    def forward(self, a, ma, b, mb):  # noqa: ANN001, ANN201
        x1, recall = self.side(a, b, ma, mb)
        x2, precision = self.side(b, a, mb, ma)
        return self.out(torch.cat([x1, x2, recall, precision], -1)).squeeze(-1)


def pad(states: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(len(s) for s in states)
    x, mask = torch.zeros(len(states), n, 384), torch.zeros(len(states), n, dtype=torch.bool)
    for i, s in enumerate(states):
        x[i, : len(s)] = torch.from_numpy(s.astype(np.float32))
        mask[i, : len(s)] = True
    return x, mask


def batches(pairs: list, ids: np.ndarray, size: int, rng: np.random.Generator | None) -> list:
    """Batches of similar length (less padding), in random order when training."""
    lengths = np.array([len(pairs[i][0]) + len(pairs[i][1]) for i in ids], float)
    if rng is not None:
        lengths += rng.random(len(ids)) * 20
    ordered = ids[np.argsort(lengths)]
    out = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    if rng is not None:
        rng.shuffle(out)
    return out


def run(model: Head, pairs: list, ids: np.ndarray) -> torch.Tensor:
    a, ma = pad([pairs[i][0] for i in ids])
    b, mb = pad([pairs[i][1] for i in ids])
    return model(a, ma, b, mb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--epochs", type=int, default=4)
    args = ap.parse_args()
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    data = wmt22.load(args.data)
    segs = fit_risk.segments(data, "offline")
    ok = np.array([bool(s.source.strip() and (s.target or "").strip()) for s in segs])
    states = Embedder().token_states(
        t for s, u in zip(segs, ok, strict=True) if u for t in (s.source, s.target)
    )
    pairs = [
        (states[s.source][:MAX_TOKENS], states[s.target][:MAX_TOKENS]) if u else None
        for s, u in zip(segs, ok, strict=True)
    ]
    z = np.array([r.z_mean for r in data.da], np.float32)
    groups = np.array([r.doc_id for r in data.da])
    train, _ = next(GroupKFold(n_splits=5).split(z, z, groups))
    train = train[ok[train]]
    fit_idx, val_idx = next(GroupKFold(n_splits=5).split(train, z[train], groups[train]))
    fit, val = train[fit_idx], train[val_idx]
    match = [match_f1(*pairs[i]) for i in val]
    print(f"validation rows {len(val)}: e5_match τ {kendalltau(match, z[val]).statistic:.4f}")
    model = Head()
    opt = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=1e-2)
    mu, sd = z[fit].mean(), z[fit].std()
    for epoch in range(args.epochs):
        model.train()
        for ids in batches(pairs, fit, 64, rng):
            loss = F.mse_loss(run(model, pairs, ids), torch.from_numpy((z[ids] - mu) / sd))
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            pred = {int(i): float(v) for ids in batches(pairs, val, 256, None)
                    for i, v in zip(ids, run(model, pairs, ids), strict=True)}  # fmt: skip
        tau = kendalltau([pred[int(i)] for i in val], z[val]).statistic
        print(f"epoch {epoch + 1}: head τ {tau:.4f}")


if __name__ == "__main__":
    main()
