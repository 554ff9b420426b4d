"""Kendall τ_b (and Pearson r) between an `mtqa check` JSON report's `risk` and the WMT22
crowd DA z_mean of the scored system, over the rows that have a human score.

    mtqa check ../shared/data/wmt22-jaen/src.ja ../shared/data/wmt22-jaen/systems/NT5.en \\
        --aligned --retranslation ../shared/data/wmt22-jaen/systems/Online-W.en \\
        --format json -o nt5.json
    python -m bench.tau nt5.json --system NT5

Risk is "higher = worse", so the reported τ is that of -risk (and of each "higher is better"
score) against z_mean: positive means agreement with the human judgments.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, pearsonr

from bench import wmt22

LOWER_IS_BETTER = {"risk", "ter", "ter_ref"}


def main() -> None:
    ap = argparse.ArgumentParser(description="τ of an mtqa JSON report against WMT22 DA")
    ap.add_argument("report", type=Path)
    ap.add_argument("--system", required=True, help="the WMT22 system whose output was checked")
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    args = ap.parse_args()
    segs = json.loads(args.report.read_text(encoding="utf-8"))["segments"]
    z_by_line = {r.line: r.z_mean for r in wmt22.load(args.data).da if r.system == args.system}
    if not z_by_line:
        raise SystemExit(f"no DA rows for system {args.system!r}")
    rows = [(s, z_by_line[int(s["id"])]) for s in segs if int(s["id"]) in z_by_line]
    z = np.array([zz for _, zz in rows])
    names = ["risk"] + sorted({k for s, _ in rows for k in s["scores"]})
    print(f"{args.system}: {len(rows)} of {len(segs)} segments have a DA score\n")
    print("| score | Kendall τ_b | Pearson r |\n|---|---|---|")
    for name in names:
        v = np.array([_value(s, name) for s, _ in rows], float)
        ok = ~np.isnan(v)
        if ok.sum() < 3:
            continue  # e.g. e5_retr in a run without a retranslation
        sign = -1 if name in LOWER_IS_BETTER else 1
        tau = kendalltau(sign * v[ok], z[ok], variant="b").statistic
        r = pearsonr(sign * v[ok], z[ok]).statistic
        print(f"| {name} | {tau:.3f} | {r:.3f} |")


def _value(seg: dict, name: str) -> float:
    v = seg["risk"] if name == "risk" else seg["scores"].get(name)
    return np.nan if v is None else float(v)


if __name__ == "__main__":
    main()
