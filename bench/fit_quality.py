"""Fit `lm_quality`: a ridge regression from the English LM's pooled final states (what
`qa.signals.lm_model.pool` makes of a (source, target) pass) to the WMT22 crowd score (DA z).

    python -m bench.fit_quality --data ../shared/data/wmt22-jaen [--layer N] [--write]

Why: the LM's mean log-prob and its least likely words say how well the English reads after
the Japanese; its states hold more (a 640-number summary per position). A linear read-out
fitted on crowd scores, not on the perturbation suite, learns what human raters penalise
without learning the suite's generator.

Rows: only the crowd rows of the perturbation suite's **dev-half documents** (11,835 of
23,326) train it, so no test-half document — source or translation — is ever seen by the
shipped probe. The ridge penalty is chosen by document-grouped 5-fold CV on those rows
(`fit_risk.folds_of`, the folds of bench.fit_pairs); printed: the out-of-fold tau there,
and the tau on the 11,491 test-half rows of the probe fitted on every dev-half row.
`--write` saves it as qa/data/lm_quality.json.

Which layer (`--layer N`: the residual stream after N of the 18 layers; default the final,
normed states). Half-way up reads the crowd score better: out-of-fold tau on the dev-half rows
after layer 4 0.186, 7 0.199, 10 0.207, 13 0.191, final 0.195 (test-half rows, layer 10
0.223 vs final 0.214). The default path's risk models refitted with layer 10's probe did no
better on the dev pairs and worse on the suite's test half, so the final states ship (README,
"`lm_quality`").

`columns` gives `bench.fit_pairs` the feature without leaks: a dev-half crowd row or dev pair
gets the probe fitted on the other folds' dev-half rows; a test-half crowd row gets the
shipped one. The pooled states (23,326 crowd rows, ~12 minutes here; 3,315 dev pairs, ~4) are
cached in bench/out as .npy, one file per layer: delete them after changing the LM or its
prompt.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from bench import fit_risk, perturb, wmt22
from qa.signals import lm
from qa.signals.lm_model import PROMPT

ALPHAS = (3e3, 1e4, 3e4, 1e5, 3e5)
OUT = Path(__file__).resolve().parents[1] / "qa" / "data" / lm.PROBE_FILE
LM_NAME = "gemma3-270m-q4-k-m (the default LM)"
LAYER = None  # the final, normed states (module docstring: why not layer 10)


def _pooled(name: str, items: list[tuple[str, str]], layer: int | None) -> np.ndarray:
    """The pooled states after `layer` layers (None: final) of `items`, cached in bench/out."""
    path = fit_risk.CACHE / f"wmt22_{name}{'' if layer is None else f'_L{layer}'}.npy"
    if path.exists():
        return np.load(path)
    print(f"pooling the LM's states of {len(items)} texts (cached in {path})", flush=True)
    x = lm.load_scorer(lm._default_model()).scorer.pooled_states(items, layer).numpy()
    fit_risk.CACHE.mkdir(exist_ok=True)
    np.save(path, x)
    return x


def crowd_states(data: wmt22.WMT22, layer: int | None = LAYER) -> np.ndarray:
    items = [(PROMPT.format(source=data.src[r.line - 1].strip()),
              data.systems[r.system][r.line - 1].strip()) for r in data.da]  # fmt: skip
    return _pooled("pooled_crowd", items, layer)


def pair_states(path: Path, per_type: int, layer: int | None = LAYER) -> np.ndarray:
    """(pairs, 2, d): the good and the damaged side of fit_pairs' dev pairs, in its order."""
    dev = {"dev": perturb.split_halves(perturb.load_lines(path), 0)["dev"]}
    pairs = perturb.build_pairs(dev, per_type, 0) + perturb.extended_pairs(dev, per_type, 0)
    items = [(PROMPT.format(source=p.line.src.strip()), text.strip())
             for p in pairs for text in (p.line.ref, p.perturbed)]  # fmt: skip
    return _pooled(f"pooled_pairs_{per_type}", items, layer).reshape(len(pairs), 2, -1)


def dev_docs(path: Path) -> set[str]:
    return {line.doc for line in perturb.split_halves(perturb.load_lines(path), 0)["dev"]}


def fit(x: np.ndarray, z: np.ndarray, alpha: float, layer: int | None = LAYER) -> dict:
    """Ridge on standardised states, in qa.signals.lm_model.Probe's shape."""
    mean, scale = x.mean(0), x.std(0).clip(1e-6)
    xs = (x - mean) / scale
    coef = np.linalg.solve(xs.T @ xs + alpha * np.eye(x.shape[1]), xs.T @ (z - z.mean()))
    return {"lm": LM_NAME, "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": coef.tolist(), "intercept": float(z.mean()), "layer": layer}  # fmt: skip


def predict(x: np.ndarray, probe: dict) -> np.ndarray:
    return ((x - np.array(probe["mean"])) / np.array(probe["scale"])) @ np.array(probe["coef"]) + (
        probe["intercept"]
    )


def _folds(docs: list[str]) -> np.ndarray:
    fold = fit_risk.folds_of(docs)
    return np.array([fold[d] for d in docs])


def cross_validate(x: np.ndarray, z: np.ndarray, docs: list[str], alpha: float) -> np.ndarray:
    """Out-of-fold predictions over document-grouped folds."""
    folds, out = _folds(docs), np.zeros(len(z))
    for f in range(fit_risk.FOLDS):
        out[folds == f] = predict(x[folds == f], fit(x[folds != f], z[folds != f], alpha))
    return out


def columns(
    path: Path, idx: list[int], pair_docs: list[str], per_type: int, alpha: float
) -> tuple[list, list]:
    """lm_quality for the crowd rows `idx` and for the dev pairs (good, bad), without leaks:
    out of fold (folds over every document, as fit_pairs') for dev-half rows and pairs, the
    probe of every dev-half row for test-half rows."""
    data = wmt22.load(path)
    x, pairs = crowd_states(data), pair_states(path, per_type)
    z = np.array([r.z_mean for r in data.da])
    dev = np.array([r.doc_id in dev_docs(path) for r in data.da])
    docs = [r.doc_id for r in data.da]
    fold = fit_risk.folds_of(docs + pair_docs)
    cf = np.array([fold[d] for d in docs])
    pf = np.array([fold[d] for d in pair_docs])
    crowd, good, bad = predict(x, fit(x[dev], z[dev], alpha)), np.zeros(len(pf)), np.zeros(len(pf))
    for f in range(fit_risk.FOLDS):
        probe = fit(x[dev & (cf != f)], z[dev & (cf != f)], alpha)
        crowd[dev & (cf == f)] = predict(x[dev & (cf == f)], probe)
        good[pf == f], bad[pf == f] = (predict(pairs[pf == f, s], probe) for s in (0, 1))
    return [float(crowd[i]) for i in idx], list(zip(good.tolist(), bad.tolist(), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--layer", type=int, default=LAYER, help="the states after N layers")
    ap.add_argument("--write", action="store_true", help=f"save the probe as {OUT}")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    x, z = crowd_states(data, args.layer), np.array([r.z_mean for r in data.da])
    dev = np.array([r.doc_id in dev_docs(args.data) for r in data.da])
    docs = [r.doc_id for r in data.da if r.doc_id in dev_docs(args.data)]
    taus = {}
    for alpha in ALPHAS:
        oof = cross_validate(x[dev], z[dev], docs, alpha)
        taus[alpha] = float(kendalltau(oof, z[dev], variant="b").statistic)
        print(f"alpha {alpha:g}: out-of-fold tau on {dev.sum()} dev-half rows {taus[alpha]:.4f}")
    best = max(taus, key=taus.get)
    probe = fit(x[dev], z[dev], best, args.layer)
    held = float(kendalltau(predict(x[~dev], probe), z[~dev], variant="b").statistic)
    print(f"chosen alpha {best:g}; fitted on every dev-half row: tau on the {(~dev).sum()} "
          f"test-half rows {held:.4f}")  # fmt: skip
    if args.write:
        evaluation = {"dev_rows": int(dev.sum()), "dev_oof_tau": round(taus[best], 4),
                      "test_rows": int((~dev).sum()), "test_tau": round(held, 4)}  # fmt: skip
        probe.update(alpha=best, fitted_by="python -m bench.fit_quality --write",
                     evaluation=evaluation)  # fmt: skip
        for k in ("mean", "scale", "coef"):
            probe[k] = [round(v, 6) for v in probe[k]]
        OUT.write_text(json.dumps(probe) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
