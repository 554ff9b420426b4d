"""Turn scores and findings into a per-segment `risk` in [0, 1], `flagged`, and reasons.

The model is a logistic regression over named features, fitted by `bench/fit_risk.py` on
WMT22 ja-en with crowd judgments (target: annotators rated the segment below 50/100) and
saved in `qa/data/risk_model.json`. One model per feature set: the run uses the richest
model whose features are all available (e.g. "mt" needs a retranslation). Risk is thus an
estimated probability that a human rater would judge the translation poor.

Findings flag a segment on their own, whatever the preset: a critical one lifts its risk
into [CRITICAL_FLOOR, 1], a major one into [MAJOR_FLOOR, CRITICAL_FLOOR), both above every
preset threshold, keeping the model's order among segments with findings of one severity.
A reviewer acts on each such finding anyway, and ranking by risk then puts them first.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from qa.data import risk_file
from qa.model import Flagging, Issue, SegmentResult
from qa.spill import SpilledResults

CRITICAL_FLOOR = 0.95
MAJOR_FLOOR = 0.6
PRESETS = ("strict", "standard", "lenient")

# How each feature is phrased in a reason: (label, unit-format, "low"/"high" means bad).
FEATURE_TEXT: dict[str, str] = {
    "chrf": "chrF {v:.0f} vs retranslation (corpus median {m:.0f})",
    "bleu": "BLEU {v:.0f} vs retranslation (corpus median {m:.0f})",
    "ter": "TER {v:.0f} vs retranslation (corpus median {m:.0f})",
    "e5_sim": "e5 source-target similarity {v:.2f} (corpus median {m:.2f})",
    "e5_match": "source and target words match poorly: e5 token match {v:.2f} "
    "(corpus median {m:.2f})",
    "e5_recall": "part of the source has no close counterpart in the English: e5 source "
    "recall {v:.2f} (corpus median {m:.2f})",
    "e5_retr": "e5 similarity to the retranslation {v:.2f} (corpus median {m:.2f})",
    "len_ratio": "length ratio off the usual for ja→en by {v:+.2f} (log; corpus median {m:+.2f})",
    "len_ratio_dev": "unusual length for a translation of this source ({v:.1f} robust SDs "
    "from human translations; corpus median {m:.1f})",
    "dict_coverage": "{terms}",
    "fluency": "unusual English word order: bigram fluency {v:.2f} (corpus median {m:.2f})",
    "lm": "the English is unlikely after its source: LM log-prob {v:.2f} a token "
    "(corpus median {m:.2f})",
    "lm_quality": "the LM's reading of source and English predicts a low crowd score: "
    "{v:+.2f} (DA z; corpus median {m:+.2f})",
    "n_major": "{v:.0f} major findings",
    "n_minor": "{v:.0f} minor findings",
}
# Findings whose evidence already reaches the model as a signal: counting them again in
# n_minor would double it (dict_terms lists the words behind dict_coverage); and formatting
# the models were not fitted with, which says nothing about meaning (double_space).
NOT_COUNTED = {"dict_terms", "double_space"}
# Features `features` derives from findings; the rest are the signals' scores.
FINDING_COUNTS = ("n_major", "n_minor")


@dataclass(frozen=True)
class RiskModel:
    name: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    thresholds: dict[str, float]

    def contributions(self, x: dict[str, float | None]) -> list[float]:
        """Each feature's push on the log-odds (missing values count as the training mean)."""
        out = []
        for f, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            v = x.get(f)
            out.append(0.0 if v is None else w * (v - mu) / sd)
        return out

    def predict(self, x: dict[str, float | None]) -> float:
        z = self.intercept + sum(self.contributions(x))
        return 1.0 / (1.0 + math.exp(-z))


@cache
def load_models() -> dict[str, RiskModel]:
    raw = risk_file()["models"]
    return {
        name: RiskModel(
            name=name,
            features=tuple(m["features"]),
            mean=tuple(m["mean"]),
            scale=tuple(m["scale"]),
            coef=tuple(m["coef"]),
            intercept=m["intercept"],
            thresholds=m["thresholds"],
        )
        for name, m in raw.items()
    }


def features(r: SegmentResult) -> dict[str, float | None]:
    """What the risk model sees: every score, plus counts of non-critical findings."""
    x: dict[str, float | None] = dict(r.scores)
    n_major, n_minor = FINDING_COUNTS
    live = active(r)
    x[n_major] = float(sum(i.severity == "major" for i in live))
    x[n_minor] = float(sum(i.severity == "minor" and i.check not in NOT_COUNTED for i in live))
    return x


def lift(risk: float, severities: Collection[str]) -> float:
    """Risk after findings: critical into [CRITICAL_FLOOR, 1], major into [MAJOR_FLOOR,
    CRITICAL_FLOOR); a monotone map, so the model's order survives within each band."""
    if "critical" in severities:
        return CRITICAL_FLOOR + (1 - CRITICAL_FLOOR) * risk
    if "major" in severities:
        return MAJOR_FLOOR + (CRITICAL_FLOOR - MAJOR_FLOOR) * risk
    return risk


def choose_model(available: set[str]) -> RiskModel | None:
    """The model using the most features, all of which this run has."""
    fits = [m for m in load_models().values() if set(m.features) <= available]
    return max(fits, key=lambda m: len(m.features), default=None)


def threshold_for(model: RiskModel | None, preset: str, threshold: float | None) -> float:
    if threshold is not None:
        return threshold
    if model is None:
        return 0.5  # no model: only findings drive risk; CRITICAL_FLOOR is above 0.5
    return model.thresholds[preset]


def assess(
    results: Sequence[SegmentResult],
    preset: str = "standard",
    threshold: float | None = None,
    then: Callable[[SegmentResult], None] | None = None,
) -> Flagging:
    """Fill risk, flagged, reasons and evidence in place (`update`d, if on disk), handing each
    result to `then` once assessed; return how flagging was done. One pass gathers every
    feature's values, a second assesses: each segment's features are made anew in each pass
    rather than kept for all at once."""
    table = _FeatureTable()
    for r in results:
        table.add(features(r), _critical(r))
    model = choose_model(table.available())
    cut = threshold_for(model, preset, threshold)
    medians = table.medians(model.features if model else ())

    def one(r: SegmentResult) -> None:
        _assess_one(r, features(r), model, cut, medians)
        if then is not None:
            then(r)

    if isinstance(results, SpilledResults):
        results.update(one)
    else:
        for r in results:
            one(r)
    return Flagging(
        risk_model=model.name if model else None,
        risk_features=list(model.features) if model else [],
        threshold=cut,
        preset=preset if threshold is None else None,
    )


def _assess_one(
    r: SegmentResult, x: dict, model: RiskModel | None, cut: float, medians: dict
) -> None:
    scorer = model if model is not None and _scored(x, model) else None
    severities = {i.severity for i in active(r)}
    r.risk = lift(scorer.predict(x) if scorer else 0.0, severities)
    r.flagged = r.risk >= cut or bool(severities & {"critical", "major"})
    r.reasons, r.evidence = (), ()
    if not r.flagged:
        return
    findings = [f"{i.check}: {i.message}" for i in active(r) if i.severity != "minor"]
    if scorer is not None:
        r.evidence = _reasons(scorer, x, medians, r)
        if not (findings or r.evidence):  # flagged by many small pushes: name the strongest
            r.evidence = _reasons(scorer, x, medians, r, min_push=0.0)[:1]
    r.reasons = [*findings, *r.evidence]


def _scored(x: dict, model: RiskModel) -> bool:
    """Whether the segment has any signal: one signal missing (dict_coverage where the source
    has no glossable term) counts as its training mean, as in the fit, rather than voiding the
    risk (which left such segments at 0, below every clean one)."""
    return any(x.get(f) is not None for f in model.features if f not in FINDING_COUNTS)


def _reasons(
    model: RiskModel,
    x: dict,
    medians: dict[str, float],
    r: SegmentResult | None = None,
    min_push: float = 0.25,
) -> list[str]:
    """Features that pushed the risk up by at least `min_push` on the log-odds (a
    meaningful amount), strongest first."""
    pushes = sorted(zip(model.contributions(x), model.features, strict=True), reverse=True)
    out = []
    for push, f in pushes:
        if push < min_push or push <= 0 or x.get(f) is None:
            break
        if f == "n_major":
            continue  # the major findings are listed themselves, before these reasons
        template = FEATURE_TEXT.get(f, f + " {v:.2f} (corpus median {m:.2f})")
        terms = _terms_text(r, x[f]) if f == "dict_coverage" else ""
        out.append(template.format(v=x[f], m=medians.get(f, float("nan")), terms=terms))
    return out


def _terms_text(r: SegmentResult | None, coverage: float) -> str:
    """E.g. "3 of 9 source terms not found in target: 天然ガス, 供給, …" (dict_terms findings)."""
    words = [i.data["term"] for i in (r.issues if r else []) if i.check == "dict_terms" and i.data]
    if not words or coverage >= 1:
        return f"dictionary coverage {coverage:.2f}"
    total = round(len(words) / (1 - coverage))
    shown = ", ".join(words[:4]) + (", …" if len(words) > 4 else "")
    return f"{len(words)} of {total} source terms not found in target: {shown}"


def _critical(r: SegmentResult) -> bool:
    return any(i.severity == "critical" for i in active(r))


def active(r: SegmentResult) -> list[Issue]:
    """The findings that count: those an ignore file does not list."""
    return [i for i in r.issues if not i.ignored]


class _FeatureTable:
    """Every feature's value on every segment (NaN: missing), in arrays of doubles (8 MB a
    million values, where a list of new floats is 32), and which segments are usable."""

    def __init__(self) -> None:
        self.values: dict[str, array[float]] = {}
        self.usable = bytearray()  # 1: no critical finding

    def add(self, x: dict[str, float | None], critical: bool) -> None:
        n = len(self.usable)
        for f, v in x.items():
            if f not in self.values:
                self.values[f] = array("d", [math.nan]) * n  # a feature first seen here
            self.values[f].append(math.nan if v is None else v)
        for vals in self.values.values():
            if len(vals) == n:  # a feature this segment lacks
                vals.append(math.nan)
        self.usable.append(not critical)

    def available(self) -> set[str]:
        return {f for f, vals in self.values.items() if not np.isnan(np.frombuffer(vals)).all()}

    def medians(self, names: tuple[str, ...]) -> dict[str, float]:
        """The "corpus median" of reasons, over the run's usable segments: a file with
        Japanese paragraphs left in would otherwise set e5 medians at ~1.0 (a text matches
        itself). Over all segments when none is usable."""
        usable = np.frombuffer(bytes(self.usable), dtype=np.uint8).astype(bool)
        if not usable.any():
            usable[:] = True
        out = {}
        for f in names:
            if f not in self.values:
                continue
            vals = np.frombuffer(self.values[f])[usable]  # every array has a value a segment
            vals = vals[~np.isnan(vals)]
            if len(vals):
                out[f] = float(np.median(vals))
        return out
