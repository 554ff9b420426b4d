"""Set the `standard` preset of the default-path and fast-path risk models to the cut that
flags 20% of good translations: the WMT22 human references of the perturbation suite's dev
half (findings flag some on their own; the cut is chosen on the rest). The crowd-fitted
`strict` and `lenient` cuts stay as `fit_risk` set them.

    python -m bench.ref_cuts --data ../shared/data/wmt22-jaen [--refs 1000] [--write]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench import perturb
from qa.api import check
from qa.model import Segment
from qa.runtime import Models

OUT = Path(__file__).resolve().parents[1] / "qa" / "data" / "risk_model.json"
GOOD_FLAGGED = 0.20


def cut_for(risks: np.ndarray, by_findings: np.ndarray, share: float) -> float:
    """The risk cut at which `share` of all rows are flagged, findings counted first."""
    need = share - by_findings.mean()
    rest = risks[~by_findings]
    if need <= 0 or rest.size == 0:
        return 1.0
    return float(np.quantile(rest, 1 - need / (1 - by_findings.mean())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=perturb.DEFAULT_DATA)
    ap.add_argument("--refs", type=int, default=1000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    dev = perturb.split_halves(perturb.load_lines(args.data), 0)["dev"]
    dev = [x for x in dev if x.src.strip() and x.ref.strip()][: args.refs]
    mt = (args.data / "systems" / "Online-W.en").read_text(encoding="utf-8").split("\n")[:-1]
    models, cuts = Models(), {}
    for fast in (False, True):
        for with_mt in (False, True):
            segs = [
                Segment(str(i), x.src, x.ref, retranslation=mt[x.n] if with_mt else None)
                for i, x in enumerate(dev)
            ]
            res = check(segs, models=models, fast=fast)
            found = np.array(
                [any(i.severity in ("critical", "major") for i in r.issues) for r in res.segments]
            )
            risks = np.array([r.risk for r in res.segments])
            name = res.summary.flagging.risk_model
            cuts[name] = round(cut_for(risks, found, GOOD_FLAGGED), 3)
            print(f"{name}: findings flag {found.mean():.3f}; standard cut {cuts[name]}")
    if args.write:
        data = json.loads(OUT.read_text(encoding="utf-8"))
        for name, cut in cuts.items():
            data["models"][name]["thresholds"]["standard"] = cut
        OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote standard cuts into {OUT}")


if __name__ == "__main__":
    main()
