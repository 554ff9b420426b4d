"""Refit the risk models of runs that have a human reference, on the seeded 1/8 of the WMT22
documents that `fit_risk` scores the LM on (`--share 1`: on all of them), with the same
document-grouped cross-validation, and store them in qa/data/risk_model.json beside the models
`fit_risk` fits on all rows (which this leaves as they are). The default path's crowd-only fits
are printed for comparison; the shipped `offline_lm` and `mt_lm` come from `bench.fit_pairs`,
which adds the perturbation suite's dev-half pairs to these rows.

    python -m bench.fit_lm --data ../shared/data/wmt22-jaen [--share 1]

Models: `offline_lm` and `mt_lm` (the offline / with-retranslation features plus `lm` and
`lm_peak`; printed only), `ref` and `ref_lm` (chrF, BLEU and TER of the target against the
human reference plus the offline features, without and with the LM). Each is printed beside
the model without the LM refitted on the same rows. Features are computed by the pipeline on
those rows only, as one run per mode (the entity check's cast of people is the subsample's).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from bench import fit_risk, wmt22
from qa import metrics
from qa.model import Segment, SegmentResult
from qa.pipeline import LM_SIGNALS, Settings, find_issues, load_plugins
from qa.risk import features
from qa.runtime import Models
from qa.signals.base import active

REF = ["chrf_ref", "bleu_ref", "ter_ref"]


def subsample(data: wmt22.WMT22, share: int = fit_risk.LM_SHARE) -> list[int]:
    """DA rows of the seeded 1/`share` of the documents (as fit_risk.lm_rows picks them)."""
    docs = sorted({r.doc_id for r in data.da})
    random.Random(0).shuffle(docs)
    keep = set(docs[: len(docs) // share])
    return [i for i, r in enumerate(data.da) if r.doc_id in keep]


def rows_for(segs: list[Segment], models: Models, lm: bool) -> list[dict]:
    """What the risk model sees for each segment, computed by the pipeline's own pieces."""
    load_plugins()
    results = [SegmentResult(segment=s) for s in segs]
    for r, row in zip(results, metrics.segment_scores(segs), strict=True):
        r.scores.update(row)
    for info in active(enabled=LM_SIGNALS if lm else ()):
        for r, v in zip(results, info.fn(segs, models), strict=True):
            r.scores[info.name] = v
    settings = Settings(enable=LM_SIGNALS if lm else ())
    for r, issues in zip(results, find_issues(segs, settings, models), strict=True):
        r.issues = issues
    return [{**features(r), "n_critical": fit_risk._n_critical(r)} for r in results]


def cached_rows(
    data: wmt22.WMT22, mode: str, idx: list[int], share: int, models: Models
) -> list[dict]:
    """`rows_for` the rows `idx` (1/`share` of the documents) in `mode` ("offline", "mt":
    with the LM; "ref": with the human reference, no LM), cached in bench/out."""

    def compute() -> list[dict]:
        every = fit_risk.segments(data, "offline" if mode == "ref" else mode)
        segs = [every[i] for i in idx]
        if mode == "ref":
            segs = [
                Segment(s.id, s.source, s.target, reference=data.ref[data.da[i].line - 1])
                for s, i in zip(segs, idx, strict=True)
            ]
        return rows_for(segs, models, mode != "ref")

    return fit_risk._cached(rows_name(mode, share), False, compute)


def with_reference(offline: list[dict], ref: list[dict]) -> list[dict]:
    """The offline rows with the reference metrics of the same rows ("ref" mode's rows)."""
    return [
        {**o, **{k: v for k, v in x.items() if k in REF}} for o, x in zip(offline, ref, strict=True)
    ]


def rows_name(mode: str, share: int) -> str:
    """The bench/out cache (`wmt22_<name>.json`) of `cached_rows`."""
    return f"lmrows_{mode}" + ("" if share == fit_risk.LM_SHARE else f"_share{share}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument(
        "--share", type=int, default=fit_risk.LM_SHARE,
        help="fit on 1/SHARE of the documents (1: all 23,326 rows, ~30 min on 2 cores)",
    )  # fmt: skip
    args = ap.parse_args()
    data = wmt22.load(args.data)
    idx = subsample(data, args.share)
    da = [data.da[i] for i in idx]
    y = np.array([r.raw < fit_risk.POOR_BELOW for r in da], int)
    models = Models()
    rows = {mode: cached_rows(data, mode, idx, args.share, models) for mode in ("offline", "mt")}
    ref = cached_rows(data, "ref", idx, args.share, models)
    rows["ref"] = with_reference(rows["offline"], ref)
    lm = ["lm", "lm_peak"]
    shipped: dict[str, dict] = {}
    for base, mode, names in (
        ("offline", "offline", fit_risk.MODELS["offline"][1]),
        ("mt", "mt", fit_risk.MODELS["mt"][1]),
        ("ref", "ref", [*REF, *fit_risk.MODELS["offline"][1]]),
    ):
        without = fit_risk.fit_one(f"{base}_lmrows", names, rows[mode], y, da)
        with_lm = fit_risk.fit_one(f"{base}_lm", [*names, *lm], rows[mode], y, da)
        if base == "ref":  # offline_lm and mt_lm ship from bench.fit_pairs (crowd + pairs)
            shipped.update(ref=without, ref_lm=with_lm)
    out = json.loads(fit_risk.OUT.read_text(encoding="utf-8"))
    out["models"].update(shipped)
    fit_risk.OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {', '.join(shipped)} into {fit_risk.OUT}")


if __name__ == "__main__":
    main()
