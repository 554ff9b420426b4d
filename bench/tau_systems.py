"""Kendall τ_b per WMT22 system of the cross-validated risk of each path, from the
out-of-fold predictions `bench.fit_lm` saves (run it first; nothing is recomputed here).

    python -m bench.tau_systems --data ../shared/data/wmt22-jaen

On the LM's 1/8 of the documents (2,964 rows, ~210 a system): the default path (`offline_lm`)
and `--fast` (`offline`, the same features without the LM, refitted on those rows), each
offline and with a retranslation (`mt_lm`, `mt`), and with a human reference (`ref_lm`,
`ref`). τ against the crowd `z_mean`, per system, then pooled and the mean over systems.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from bench import fit_risk, wmt22
from bench.fit_lm import subsample

COLUMNS = {  # label: out-of-fold file of bench.fit_lm
    "default, offline": "offline_lm",
    "--fast, offline": "offline_lmrows",
    "default + MT": "mt_lm",
    "--fast + MT": "mt_lmrows",
    "default + reference": "ref_lm",
    "--fast + reference": "ref_lmrows",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--share", type=int, default=fit_risk.LM_SHARE, help="as fit_lm was run")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    da = [data.da[i] for i in subsample(data, args.share)]
    z = np.array([r.z_mean for r in da])
    system = np.array([r.system for r in da])
    risks = {}
    for label, name in COLUMNS.items():
        path = fit_risk.CACHE / f"oof_{name}.json"
        if not path.exists():
            raise SystemExit(f"{path} not found: run python -m bench.fit_lm first")
        risks[label] = -np.array(json.loads(path.read_text()), float)  # higher = better
    print("| system | rows | " + " | ".join(COLUMNS) + " |")
    print("|---|---:|" + "---:|" * len(COLUMNS))
    per = {label: [] for label in COLUMNS}
    for name in sorted(set(system)):
        keep = system == name
        cells = []
        for label, v in risks.items():
            tau = _tau(v[keep], z[keep])
            per[label].append(tau)
            cells.append(f"{tau:.3f}")
        print(f"| {name} | {keep.sum()} | " + " | ".join(cells) + " |")
    print(
        "| **pooled** | "
        + f"{len(z)} | "
        + " | ".join(f"{_tau(v, z):.3f}" for v in risks.values())
        + " |"
    )
    print(
        "| **mean over systems** | | "
        + " | ".join(f"{np.mean(t):.3f}" for t in per.values())
        + " |"
    )


def _tau(v: np.ndarray, z: np.ndarray) -> float:
    ok = ~np.isnan(v)
    return float(kendalltau(v[ok], z[ok], variant="b").statistic)


if __name__ == "__main__":
    main()
