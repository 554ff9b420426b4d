"""Kendall τ_b per WMT22 system of the cross-validated risk of each path, from the
out-of-fold predictions `bench.fit_lm` saves (run it first; nothing is recomputed here).

    python -m bench.tau_systems --data ../shared/data/wmt22-jaen

On the LM's 1/8 of the documents (2,964 rows, ~210 a system): the default path (`offline_lm`)
and `--fast` (`offline`, the same features without the LM, refitted on those rows), each
offline and with a retranslation (`mt_lm`, `mt`), and with a human reference (`ref_lm`,
`ref`). τ against the crowd `z_mean`, per system, then pooled and the mean over systems.

    python -m bench.tau_systems --data ../shared/data/wmt22-jaen --shipped

`--shipped`: the shipped models fitted on that 1/8 (`offline_lm`, `mt_lm`, `mt_lmq`, `ref`,
`ref_lm`), each scoring the other 7/8 of the documents, which no fit saw: a held-out τ; beside
them, on the same rows, the out-of-fold risks of the all-rows fits, among them the shipped
`offline_lmq` (`bench.fit_pairs --models offline_lmq --share 1 --write` saves them). It reads
the feature rows and out-of-fold risks `bench.fit_lm --share 1` leaves in bench/out (run that
first). `lm_quality` on those rows is `bench.fit_quality.columns`': out of fold on the
dev-half documents, the shipped probe (which never saw them) on the test-half ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from bench import fit_lm, fit_quality, fit_risk, wmt22
from bench.fit_lm import subsample
from qa import risk

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
    ap.add_argument("--shipped", action="store_true", help="the shipped 1/8 fits, held out")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    if args.shipped:
        da, risks = held_out(data, args.data)
    else:
        da = [data.da[i] for i in subsample(data, args.share)]
        risks = out_of_fold()
    table(da, risks)


def out_of_fold() -> dict[str, np.ndarray]:
    risks = {}
    for label, name in COLUMNS.items():
        path = fit_risk.CACHE / f"oof_{name}.json"
        if not path.exists():
            raise SystemExit(f"{path} not found: run python -m bench.fit_lm first")
        risks[label] = -np.array(json.loads(path.read_text()), float)  # higher = better
    return risks


MODES = ("offline", "mt", "ref")
SHIPPED = {  # label: (shipped model, fit_lm's cached rows)
    "default, offline": ("offline_lm", "offline"),
    "default + MT": ("mt_lm", "mt"),
    "default + MT, lm_quality": ("mt_lmq", "mt"),
    "default + reference": ("ref_lm", "ref"),
    "--fast + reference": ("ref", "ref"),
}


LMQ = "default, offline, lm_quality"


def held_out(data: wmt22.WMT22, path: Path) -> tuple[list[wmt22.DARow], dict[str, np.ndarray]]:
    """The DA rows outside the shipped fits' 1/8 of the documents, and each shipped model's
    risk on them (findings lifting it, as in a run), negated: higher = better."""
    seen = set(subsample(data))
    rest = [i for i in range(len(data.da)) if i not in seen]
    paths = {m: fit_risk.cache_path(fit_lm.rows_name(m, 1)) for m in MODES}
    if not all(p.exists() for p in paths.values()):
        raise SystemExit("no cached rows: run python -m bench.fit_lm --share 1 first")
    rows = {m: json.loads(p.read_text()) for m, p in paths.items()}
    rows["ref"] = fit_lm.with_reference(rows["offline"], rows["ref"])
    alpha = json.loads(fit_quality.OUT.read_text(encoding="utf-8"))["alpha"]
    quality, _ = fit_quality.columns(path, list(range(len(data.da))), [], 150, alpha)
    models = risk.load_models()
    oof = -np.array(json.loads((fit_risk.CACHE / "oof_offline_lmq.json").read_text()), float)
    all_rows = len(oof) == len(data.da)  # offline_lmq ships as the all-rows fit, or a 1/8 one
    shipped = SHIPPED if all_rows else {**SHIPPED, LMQ: ("offline_lmq", "offline")}
    risks = {}
    for label, (model, mode) in shipped.items():
        held = [{**rows[mode][i], "lm_quality": quality[i]} for i in rest]
        pred = np.array([models[model].predict(x) for x in held])
        risks[label] = -fit_risk.with_findings(pred, held)
    for label, v in out_of_fold().items():  # the all-rows fits of fit_lm --share 1, same rows
        if label in SHIPPED and len(v) == len(data.da):
            risks[f"{label}: all-rows CV"] = v[rest]
    if all_rows:
        risks[f"{LMQ} (shipped): all-rows CV"] = oof[rest]
    return [data.da[i] for i in rest], risks


def table(da: list[wmt22.DARow], risks: dict[str, np.ndarray]) -> None:
    z = np.array([r.z_mean for r in da])
    system = np.array([r.system for r in da])
    print("| system | rows | " + " | ".join(risks) + " |")
    print("|---|---:|" + "---:|" * len(risks))
    per: dict[str, list[float]] = {label: [] for label in risks}
    for name in sorted(set(system)):
        keep = system == name
        cells = []
        for label, v in risks.items():
            tau = _tau(v[keep], z[keep])
            per[label].append(tau)
            cells.append(_cell(tau))
        print(f"| {name} | {keep.sum()} | " + " | ".join(cells) + " |")
    print(
        "| **pooled** | "
        + f"{len(z)} | "
        + " | ".join(_cell(_tau(v, z)) for v in risks.values())
        + " |"
    )
    print(
        "| **mean over systems** | | "
        + " | ".join(_cell(float(np.mean(t))) for t in per.values())
        + " |"
    )


def _cell(tau: float) -> str:
    return f"{round(tau, 3) + 0.0:.3f}"  # + 0.0: no "-0.000"


def _tau(v: np.ndarray, z: np.ndarray) -> float:
    ok = ~np.isnan(v)
    return float(kendalltau(v[ok], z[ok], variant="b").statistic)


if __name__ == "__main__":
    main()
