"""Variants of the offline risk model that were tried and not shipped, each scored like the
shipped one (5-fold CV grouped by document, Kendall τ_b pooled against WMT22 z_mean), so the
README's "tried, did not help" numbers can be re-run:

- `e5_match` weighted by the tokenizer's piece log-probabilities (BERTScore's idf idea, with
  the unigram model's own frequencies instead of idf from the test set), or as F-beta with
  more weight on recall (source coverage, what an omission lowers);
- recall and precision of the token matching as two features instead of their F1, or plus
  SimAlign's mutual-argmax alignment coverage (a source token counts only if its best target
  token has it as best match too), or a signed length ratio: would the crowd scores let the
  model weigh source coverage, which omissions lower?
- a negation-count gap feature (`|English negations - source negations|`);
- the e5 token match shrunk towards its median for short segments (few tokens make a noisy
  mean: would the heading 「中ロ共同声明の内容」 stop looking poor?), `(n·match + k·median) /
  (n + k)` with n the shorter side's token count;
- document context: each signal's mean over the rated rows of the same document and system
  (the translation as a whole), beside the segment's own values;
- how findings enter risk: the shipped lift above every unflagged segment, no lift, a
  critical-count feature, a floor at the standard cut.

    python -m bench.ablations --data ../shared/data/wmt22-jaen     # after bench/fit_risk.py

Needs the e5 torch runtime (token states); embeds the ~21k distinct WMT22 texts once (~4 min
on 2 cores).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from bench import fit_risk, wmt22
from qa import risk
from qa.checks.negation import licensed_count, target_negations
from qa.langdata import EN_WEAK_NEGATION
from qa.runtime import Models
from qa.signals.embed import Embedder, best_matches


def piece_weights(e5: Embedder, text: str) -> np.ndarray:
    """-log p of each token of `text` under e5's unigram tokenizer (rare pieces weigh more)."""
    model = e5.runtime
    n = model.n_prefix["passage: "]
    ids = model.tok.encode("passage: " + text)[n:]
    return -np.asarray(model.tok.scores, np.float32)[ids]


def match_variants(e5: Embedder, segs: list) -> dict[str, np.ndarray]:
    """Per row: recall/precision of e5 token matching, plain and piece-weighted."""
    texts = {t for s in segs for t in (s.source, s.target) if t and t.strip()}
    states = e5.token_states(texts)
    out: dict[str, list[float]] = {k: [] for k in ("R", "P", "Rw", "Pw", "mR", "mP")}
    for s in segs:
        if not (s.source and s.source.strip() and s.target and s.target.strip()):
            for v in out.values():
                v.append(np.nan)
            continue
        a, b = states[s.source].astype(np.float32), states[s.target].astype(np.float32)
        r, p = best_matches(a, b)
        mutual = (a @ b.T).argmax(0)[(a @ b.T).argmax(1)] == np.arange(len(a))
        wa, wb = piece_weights(e5, s.source), piece_weights(e5, s.target)
        if len(wa) != len(r) or len(wb) != len(p):  # texts cut into windows: unweighted
            wa, wb = np.ones(len(r)), np.ones(len(p))
        out["R"].append(r.mean())
        out["P"].append(p.mean())
        out["Rw"].append((r * wa).sum() / wa.sum())
        out["Pw"].append((p * wb).sum() / wb.sum())
        out["mR"].append(mutual.mean())
        out["mP"].append(mutual.sum() / len(b))
    return {k: np.array(v) for k, v in out.items()}


def f_beta(r: np.ndarray, p: np.ndarray, beta: float) -> np.ndarray:
    f = (1 + beta**2) * r * p / (beta**2 * p + r)
    return np.where(np.isnan(f), np.nanmean(f), f)


def filled(*cols: np.ndarray) -> np.ndarray:
    """Columns side by side, a missing value (blank side) as the column mean."""
    x = np.column_stack(cols)
    return np.where(np.isnan(x), np.nanmean(x, 0), x)


def negation_gap(segs: list) -> np.ndarray:
    def english(t: str) -> int:
        return sum(t[a:b].lower() not in EN_WEAK_NEGATION for a, b in target_negations(t))

    return np.array(
        [abs(english(s.target or "") - licensed_count(s.source or "")) for s in segs], float
    )


def token_counts(e5: Embedder, segs: list) -> np.ndarray:
    """Tokens of the shorter side under e5's tokenizer (0 for a blank side)."""
    tok = e5.runtime.tok
    return np.array(
        [min(len(tok.encode(s.source or "")), len(tok.encode(s.target or ""))) for s in segs],
        float,
    )


def shrunk(match: np.ndarray, n: np.ndarray, k: float) -> np.ndarray:
    median = float(np.nanmedian(match))
    return (n * match + k * median) / (n + k)


def document_means(x: np.ndarray, da: list) -> np.ndarray:
    """Each column's mean over the rows of the same (document, system)."""
    keys = [(r.doc_id, r.system) for r in da]
    index: dict[tuple, list[int]] = {}
    for i, k in enumerate(keys):
        index.setdefault(k, []).append(i)
    means = {k: x[v].mean(0) for k, v in index.items()}
    return np.array([means[k] for k in keys])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    args = ap.parse_args()
    data = wmt22.load(args.data)
    y = np.array([r.raw < fit_risk.POOR_BELOW for r in data.da], int)
    z = np.array([r.z_mean for r in data.da])
    groups = [r.doc_id for r in data.da]
    segs = fit_risk.segments(data, "offline")
    models = Models()
    rows = fit_risk.feature_rows(data, "offline", False, models)
    names = fit_risk.MODELS["offline"][1]
    base = fit_risk.matrix(rows, names)
    m = match_variants(models.embedder, segs)

    def cv(x: np.ndarray) -> np.ndarray:
        return fit_risk.oof_predictions(x, y, z, groups)

    def tau(pred: np.ndarray) -> float:
        return round(float(kendalltau(-pred, z, variant="b").statistic), 4)

    def lifted(pred: np.ndarray) -> np.ndarray:
        return fit_risk.with_findings(pred, rows)

    def with_match(f: np.ndarray) -> np.ndarray:
        x = base.copy()
        x[:, names.index("e5_match")] = f
        return x

    plain = cv(base)
    table = {
        "shipped offline model (findings lift risk)": tau(lifted(plain)),
        "e5_match piece-weighted": tau(lifted(cv(with_match(f_beta(m["Rw"], m["Pw"], 1))))),
        "e5_match F1.5 (recall-weighted)": tau(lifted(cv(with_match(f_beta(m["R"], m["P"], 1.5))))),
        "e5_match F2": tau(lifted(cv(with_match(f_beta(m["R"], m["P"], 2))))),
        "e5_match as recall + precision features": tau(
            lifted(cv(np.c_[np.delete(base, names.index("e5_match"), 1), filled(m["R"], m["P"])]))
        ),
        "+ mutual-argmax coverage (source, target)": tau(
            lifted(cv(np.c_[base, filled(m["mR"], m["mP"])]))
        ),
        "+ signed length ratio": tau(lifted(cv(np.c_[base, fit_risk.matrix(rows, ["len_ratio"])]))),
        "+ negation-count gap": tau(lifted(cv(np.c_[base, negation_gap(segs)]))),
    }
    n_tok, match = token_counts(models.embedder, segs), base[:, names.index("e5_match")]
    for k in (2, 5, 10):
        table[f"e5_match shrunk for short segments, k={k}"] = tau(
            lifted(cv(with_match(shrunk(match, n_tok, k))))
        )
    signals = [i for i, n in enumerate(names) if n not in risk.FINDING_COUNTS]
    table["+ document means of the signals"] = tau(
        lifted(cv(np.c_[base, document_means(base[:, signals], data.da)]))
    )
    table |= {
        "no lift (model order only)": tau(plain),
    }
    crit = np.array([r["n_critical"] for r in rows])
    with_crit = cv(np.c_[base, crit])
    table["+ n_critical feature, no lift"] = tau(with_crit)
    cut = risk.load_models()["offline"].thresholds["standard"]
    findings = np.array([bool(r["n_critical"] or r["n_major"]) for r in rows])
    table["+ n_critical, findings floored at the standard cut"] = tau(
        np.where(findings, np.maximum(with_crit, cut), with_crit)
    )
    print("| offline risk variant | CV τ_b pooled |\n|---|---:|")
    for k, v in table.items():
        print(f"| {k} | {v} |")
    coverage = np.c_[np.delete(base, names.index("e5_match"), 1), filled(m["R"], m["P"])]
    coef, _ = fit_risk.fit(coverage, y, z)
    print(
        f"\nweights fitted on all rows (standardised; negative = more is safer): token recall "
        f"{coef[-2]:+.3f}, token precision {coef[-1]:+.3f}"
    )


if __name__ == "__main__":
    main()
