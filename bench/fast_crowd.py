"""The shipped `--fast` path against the WMT22 crowd: every system's output checked as it is
(`qa.api.check(..., fast=True)`, no retranslation), its risk and one signal set beside the
crowd judgments of all 23,326 rated rows. A before/after for a change to a signal or check
that leaves the models as they are (no refit, so no folds are needed: nothing is fitted here).

    python -m bench.fast_crowd --data ../shared/data/wmt22-jaen [--signal dict_coverage]

Prints Kendall τ_b of −risk and of the signal against z_mean (pooled), the share flagged at
the standard preset, and the precision and recall of the flags for the models' own label
(raw DA < 50).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from bench import wmt22
from qa.api import check
from qa.model import Segment
from qa.runtime import Models


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--signal", default="dict_coverage", help="a higher-is-better score")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    models = Models()
    got: dict[tuple[str, int], tuple[float, float, bool]] = {}
    for name, hyp in data.systems.items():
        segs = [
            Segment(str(i), s, t) for i, (s, t) in enumerate(zip(data.src, hyp, strict=True), 1)
        ]
        for i, r in enumerate(check(segs, models=models, fast=True).segments, 1):
            value = r.scores.get(args.signal)
            got[(name, i)] = (r.risk, np.nan if value is None else value, r.flagged)
    rows = [
        (*got[(d.system, d.line)], d.z_mean, d.raw) for d in data.da if (d.system, d.line) in got
    ]
    risk, signal, flagged, z, raw = (np.array(c) for c in zip(*rows, strict=True))
    flagged, bad, ok = flagged.astype(bool), raw < 50, ~np.isnan(signal)
    tau_risk = kendalltau(-risk, z, variant="b").statistic
    tau_signal = kendalltau(signal[ok], z[ok], variant="b").statistic
    print(
        f"{len(z)} rated rows: τ_b(−risk) {tau_risk:.4f}, τ_b({args.signal}) {tau_signal:.4f} "
        f"({ok.sum()} rows with a value); flagged {flagged.mean():.3f}, precision "
        f"{bad[flagged].mean():.3f}, recall {flagged[bad].mean():.3f} (raw DA < 50)"
    )


if __name__ == "__main__":
    main()
