"""Length ratio of target to source, relative to human translations of WMT22 ja→en.

English needs ~2–3 characters per Japanese character; a target much shorter than that
suggests an omission, much longer an addition or hallucination. The calibration (median and
spread of the log ratio over the WMT22 human reference) is fitted by bench/fit_risk.py and
stored beside the risk model, so no number here is tuned by eye.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from qa.data import calibration
from qa.model import Segment
from qa.signals.base import register

if TYPE_CHECKING:
    from qa.runtime import Models


def chars(text: str) -> int:
    """Characters that carry content (whitespace excluded: Japanese has none)."""
    return sum(1 for c in text if not c.isspace())


def log_ratio(source: str, target: str) -> float:
    # +1 keeps one-character segments finite and damps the noise of very short ones.
    return math.log((chars(target) + 1) / (chars(source) + 1))


@register("len_ratio", "Log length ratio target/source minus the human-translation median")
def len_ratio(segments: list[Segment], models: Models | None = None) -> list[float | None]:
    median = calibration()["len_log_ratio_median"]
    return [
        log_ratio(s.source, s.target) - median if s.has_both_sides else None  # type: ignore[arg-type]
        for s in segments
    ]


@register(
    "len_ratio_dev",
    "How far the length ratio is from human translations (in robust SDs)",
    higher_is_better=False,
)
def len_ratio_dev(segments: list[Segment], models: Models | None = None) -> list[float | None]:
    spread = calibration()["len_log_ratio_mad"]
    return [None if v is None else abs(v) / spread for v in len_ratio(segments, models)]
