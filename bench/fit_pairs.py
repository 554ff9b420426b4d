"""Refit risk models on the crowd rows *and* on damaged/good pairs of the perturbation suite's
dev half: the default path's (`offline_lm`, `mt_lm`, the default) and `--fast`'s (`offline`,
`mt`, with `--models offline mt`).

    python -m bench.fit_pairs --data ../shared/data/wmt22-jaen [--models ...] [--write]

Why: fitted on crowd scores alone, the LM's token-level signal weighs almost nothing (the
crowd barely penalises a single wrong word in fluent English), so single errors are ranked and
flagged poorly. Here the direction of the model minimises the crowd fit's squared error (as
`fit_risk.fit`) plus LAMBDA x a pairwise logistic loss that asks each damaged copy to score
worse than its original; the scale and offset are then calibrated on the crowd label as
before, so risk stays P(DA < 50). Only pairs whose two sides fall in the same findings band
enter the pair loss: elsewhere the findings decide the order (`qa.risk.lift`).

Cross-validation: documents (crowd rows: the seeded 1/8 of `fit_lm` for the LM models, or
1/`--share`, all 23,326 with `--share 1`; all of them for `--fast`'s; pairs: the dev half only)
go to five folds; every number printed is out-of-fold. The weight is chosen by a rule fixed
before looking: the highest dev-pair accuracy whose pooled crowd tau stays within TAU_SLACK
of the crowd-only fit. The test half is never read here (`bench.perturb --half test` reports
it after shipping). Features are cached in bench/out (`wmt22_lmrows_*`, `wmt22_pairs_*`):
delete them after changing a signal or check. `--write` also saves the chosen fit's
out-of-fold crowd risks as `oof_<model>.json` for bench.eval_wmt22.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.stats import kendalltau
from sklearn.linear_model import LogisticRegression

from bench import fit_lm, fit_quality, fit_risk, perturb, wmt22
from qa import risk
from qa.model import SegmentResult
from qa.runtime import Models

LAMBDAS = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
TEMPERATURE = 0.1  # pair margins in standardised crowd-score units
TAU_SLACK = 0.005
GOOD_FLAGGED = 0.20
MODES = {"offline_lm": "offline", "mt_lm": "mt", "offline": "offline", "mt": "mt",
         "offline_lmq": "offline", "mt_lmq": "mt"}  # fmt: skip
# The default LM's models with its quality probe: the same features plus lm_quality.
WITH_QUALITY = {"offline_lmq": "offline_lm", "mt_lmq": "mt_lm"}
DEFAULT_MODELS = ("offline_lm", "mt_lm")


def crowd_rows(
    data: wmt22.WMT22, name: str, models: Models, share: int = fit_risk.LM_SHARE
) -> tuple[list[dict], list]:
    """Features of the crowd rows (cached in bench/out) and their DA rows: fit_lm's 1/`share`
    of the documents for the LM models, every row (fit_risk's columns) for the --fast ones."""
    mode = MODES[name]
    if not name.endswith(("_lm", "_lmq")):
        return fit_risk.feature_rows(data, mode, False, models), list(data.da)
    idx = fit_lm.subsample(data, share)
    return fit_lm.cached_rows(data, mode, idx, share, models), [data.da[i] for i in idx]


def with_quality(
    path: Path, crowd: list[dict], da: list, pairs: list[dict], per_type: int, alpha: float
) -> tuple[list[dict], list[dict]]:
    """The rows with `lm_quality` as bench.fit_quality.columns gives it (no probe saw them)."""
    index = {(r.system, r.line): i for i, r in enumerate(wmt22.load(path).da)}
    idx = [index[(r.system, r.line)] for r in da]
    qc, qp = fit_quality.columns(path, idx, [p["doc"] for p in pairs], per_type, alpha)
    crowd = [{**row, "lm_quality": q} for row, q in zip(crowd, qc, strict=True)]
    pairs = [{**p, "good": {**p["good"], "lm_quality": g}, "bad": {**p["bad"], "lm_quality": b}}
             for p, (g, b) in zip(pairs, qp, strict=True)]  # fmt: skip
    return crowd, pairs


def pair_rows(data: Path, mode: str, per_type: int, models: Models) -> list[dict]:
    """[{good, bad, doc}] for dev-half pairs: features of each side from the pipeline."""
    dev = {"dev": perturb.split_halves(perturb.load_lines(data), 0)["dev"]}
    pairs = perturb.build_pairs(dev, per_type, 0) + perturb.extended_pairs(dev, per_type, 0)
    retr = None
    if mode == "mt":
        retr = (data / "systems" / "Online-W.en").read_text(encoding="utf-8").split("\n")[:-1]

    def compute() -> list[dict]:
        sides = [perturb.score(pairs, bad, retr, [], models, fast=False).segments for bad in (0, 1)]
        return [
            {"kind": p.kind, "doc": p.line.doc, "good": _row(g), "bad": _row(b)}
            for p, g, b in zip(pairs, *sides, strict=True)
        ]

    return fit_risk._cached(f"pairs_{mode}_{per_type}", False, compute)


def _row(r: SegmentResult) -> dict:
    return {**risk.features(r), "n_critical": fit_risk._n_critical(r)}


def _band(row: dict) -> int:
    return 2 if row["n_critical"] else 1 if row["n_major"] else 0


def direction(xs: np.ndarray, z: np.ndarray, ds: np.ndarray, lam: float) -> np.ndarray:
    """w minimising mean (-z - b - xs.w)^2 + |w|^2/n + lam * mean softplus(-ds.w / T)."""
    n, k = xs.shape
    zs = (z - z.mean()) / z.std()

    def loss(v: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = v[:k], v[k]
        r = -zs - b - xs @ w
        f = (r**2).mean() + (w**2).sum() / n
        g_w, g_b = -2 * xs.T @ r / n + 2 * w / n, -2 * r.mean()
        if lam and len(ds):
            m = ds @ w / TEMPERATURE
            f += lam * np.logaddexp(0, -m).mean()
            g_w = g_w - lam * ds.T @ (1 / (1 + np.exp(m))) / (TEMPERATURE * len(ds))
        return f, np.append(g_w, g_b)

    return minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B").x[:k]


def fit(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, d: np.ndarray, lam: float
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Coefficients and intercept over features standardised by the crowd rows' mean/scale."""
    mean, scale = x.mean(0), x.std(0).clip(1e-9)
    w = direction((x - mean) / scale, z, d / scale, lam)
    cal = LogisticRegression(max_iter=1000).fit((((x - mean) / scale) @ w)[:, None], y)
    return cal.coef_[0, 0] * w, float(cal.intercept_[0]), mean, scale


def predict(x: np.ndarray, model: tuple) -> np.ndarray:
    coef, intercept, mean, scale = model
    return fit_risk._sigmoid(((x - mean) / scale) @ coef + intercept)


@dataclass(frozen=True)
class Arrays:
    """One model's feature matrices, built once for every lambda: the crowd rows (x), their
    poor label (y) and crowd score (z); the dev pairs' good and bad sides, and which pairs
    have both sides in the same findings band (the only ones a pair term is fitted on)."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    good: np.ndarray
    bad: np.ndarray
    same: np.ndarray

    @classmethod
    def build(cls, names: list[str], crowd: list[dict], da: list[wmt22.DARow], pairs: list[dict]):
        good, bad = (fit_risk.matrix([p[s] for p in pairs], names) for s in ("good", "bad"))
        same = np.array([_band(p["good"]) == _band(p["bad"]) for p in pairs])
        y = np.array([r.raw < fit_risk.POOR_BELOW for r in da], int)
        z = np.array([r.z_mean for r in da])
        return cls(fit_risk.matrix(crowd, names), y, z, good, bad, same)


def evaluate(
    a: Arrays, crowd: list[dict], da: list[wmt22.DARow], pairs: list[dict], lam: float
) -> tuple[dict, np.ndarray, np.ndarray]:
    """Out-of-fold crowd tau and pair accuracy / flag rates for one lambda; also the
    out-of-fold crowd risks (for the preset cuts) and each pair's outcome (1, 1/2, 0)."""
    fold = fit_risk.folds_of([r.doc_id for r in da] + [p["doc"] for p in pairs])
    cf = np.array([fold[r.doc_id] for r in da])
    pf = np.array([fold[p["doc"]] for p in pairs])
    crowd_pred, pg, pb = np.zeros(len(a.y)), np.zeros(len(pairs)), np.zeros(len(pairs))
    for f in range(fit_risk.FOLDS):
        use = (pf != f) & a.same
        model = fit(a.x[cf != f], a.y[cf != f], a.z[cf != f], a.bad[use] - a.good[use], lam)
        crowd_pred[cf == f] = predict(a.x[cf == f], model)
        pg[pf == f], pb[pf == f] = predict(a.good[pf == f], model), predict(a.bad[pf == f], model)
    crowd_pred = fit_risk.with_findings(crowd_pred, crowd)
    pg = fit_risk.with_findings(pg, [p["good"] for p in pairs])
    pb = fit_risk.with_findings(pb, [p["bad"] for p in pairs])
    won = np.where(pg < pb, 1.0, np.where(pg == pb, 0.5, 0.0))
    stats = {
        "tau": float(kendalltau(-crowd_pred, a.z, variant="b").statistic),
        "accuracy": float(won.mean()),
        **_flag_rates(pairs, pg, pb),
    }
    return stats, crowd_pred, won


def _flag_rates(pairs: list[dict], pg: np.ndarray, pb: np.ndarray) -> dict:
    """Damaged copies flagged at the cut that flags GOOD_FLAGGED of the distinct originals."""
    seen: dict[str, float] = {}
    for p, r in zip(pairs, pg, strict=True):
        seen.setdefault(json.dumps(p["good"], sort_keys=True), r)
    cut = float(np.quantile(list(seen.values()), 1 - GOOD_FLAGGED))
    critical = np.array([p["kind"] in perturb.CRITICAL_TYPES + perturb.EXTENDED_CRITICAL
                         for p in pairs])  # fmt: skip
    return {
        "damaged_flagged": float((pb >= cut).mean()),
        "critical_flagged": float((pb[critical] >= cut).mean()),
    }


def ship(
    names: list[str], a: Arrays, da: list[wmt22.DARow], lam: float, crowd_pred: np.ndarray
) -> dict:
    """The fit on every crowd row and dev pair, in qa.risk.RiskModel's shape. `strict` and
    `lenient` are cut on the out-of-fold crowd risks as fit_risk cuts them; `standard` is
    bench.ref_cuts' to set (20% of dev-half references)."""
    coef, intercept, mean, scale = fit(a.x, a.y, a.z, a.bad[a.same] - a.good[a.same], lam)
    cut = fit_risk.thresholds(crowd_pred, a.y)
    return {
        "features": names,
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": coef.round(6).tolist(),
        "intercept": round(intercept, 6),
        "thresholds": cut,
        "evaluation": {
            **fit_risk.report(f"lambda {lam}", crowd_pred, a.y, da, cut),
            "pair_weight": lam,
            "dev_pairs": len(a.same),
        },
    }


def edited(names: list[str], add: list[str], drop: list[str]) -> list[str]:
    """`names` without `drop`, with `add` inserted before the finding counts."""
    out = [n for n in names if n not in drop]
    at = min((out.index(n) for n in risk.FINDING_COUNTS if n in out), default=len(out))
    return out[:at] + [n for n in add if n not in out] + out[at:]


def by_type(pairs: list[dict], won: np.ndarray) -> str:
    kinds = dict.fromkeys(p["kind"] for p in pairs)
    return ", ".join(
        f"{k} {np.mean([w for p, w in zip(pairs, won, strict=True) if p['kind'] == k]):.3f}"
        for k in kinds
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--per-type", type=int, default=150)
    ap.add_argument("--write", action="store_true", help="ship the chosen fits")
    ap.add_argument("--add", nargs="+", default=[], help="features to add to the shipped lists")
    ap.add_argument("--drop", nargs="+", default=[], help="features to drop from them")
    ap.add_argument("--models", nargs="+", choices=list(MODES), default=list(DEFAULT_MODELS))
    ap.add_argument(
        "--share", type=int, default=fit_risk.LM_SHARE,
        help="the LM models' crowd rows: 1/SHARE of the documents (1: all 23,326 rows)",
    )  # fmt: skip
    args = ap.parse_args()
    data, models = wmt22.load(args.data), Models()
    shipped = json.loads(fit_risk.OUT.read_text(encoding="utf-8"))
    for name in args.models:
        mode = MODES[name]
        base = shipped["models"].get(name) or shipped["models"][WITH_QUALITY[name]]
        add = [*args.add, *(["lm_quality"] if name in WITH_QUALITY else [])]
        names = edited(base["features"], add, args.drop)
        print(f"{name}: features {', '.join(names)}", flush=True)
        crowd, da = crowd_rows(data, name, models, args.share)
        pairs = pair_rows(args.data, mode, args.per_type, models)
        if "lm_quality" in names:
            alpha = json.loads(fit_quality.OUT.read_text(encoding="utf-8"))["alpha"]
            crowd, pairs = with_quality(args.data, crowd, da, pairs, args.per_type, alpha)
        arrays = Arrays.build(names, crowd, da, pairs)
        runs = {lam: evaluate(arrays, crowd, da, pairs, lam) for lam in LAMBDAS}
        for lam, (s, _, _) in runs.items():
            print(f"{name} lambda={lam}: " + ", ".join(f"{k}={v:.4f}" for k, v in s.items()))
        floor = runs[0.0][0]["tau"] - TAU_SLACK
        best = max((lam for lam in LAMBDAS if runs[lam][0]["tau"] >= floor),
                   key=lambda lam: runs[lam][0]["accuracy"])  # fmt: skip
        print(f"{name}: chosen lambda {best}; out-of-fold dev pairs by type: "
              + by_type(pairs, runs[best][2]), flush=True)  # fmt: skip
        shipped["models"][name] = ship(names, arrays, da, best, runs[best][1])
        if args.write:  # for bench.eval_wmt22, as fit_risk saves its own
            oof = fit_risk.CACHE / f"oof_{name}.json"
            oof.write_text(json.dumps(runs[best][1].round(6).tolist()))
    if args.write:
        fit_risk.OUT.write_text(json.dumps(shipped, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {', '.join(args.models)} into {fit_risk.OUT}; now run bench.ref_cuts --write")


if __name__ == "__main__":
    main()
