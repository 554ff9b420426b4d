"""The check registry (after translate-toolkit's filters: tiny checks, each with a category).

A check takes one Segment and the run's Context and returns Issues with character spans.
It never prints and never raises on odd text; `mtqa checks list` shows the registry and
`--disable NAME` turns a check off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from qa.lang import is_japanese
from qa.model import Issue, Segment, Severity


@dataclass
class Context:
    """What a check may need beyond the segment itself."""

    glossary: dict[str, str] = field(default_factory=dict)
    # All segments of the run, for checks that compare against the document (entity swaps).
    segments: list[Segment] = field(default_factory=list)
    # What one segment is, for messages: "paragraph", "sentence" (documents) or "segment".
    unit: str = "segment"
    # Per-run state a check computes once for all `segments` (keyed by the check's name).
    memo: dict[str, Any] = field(default_factory=dict)


CheckFn = Callable[[Segment, Context], Iterable[Issue]]


@dataclass(frozen=True)
class CheckInfo:
    name: str
    severity: Severity
    title: str
    fn: CheckFn
    # False for checks that read the target as English: on a target still in Japanese they
    # only restate the `untranslated` finding (every name "missing", quotes "dropped").
    any_script: bool = False


CHECKS: dict[str, CheckInfo] = {}


def register(
    name: str, severity: Severity, title: str, any_script: bool = False
) -> Callable[[CheckFn], CheckFn]:
    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[name] = CheckInfo(name, severity, title, fn, any_script)
        return fn

    return deco


def run_checks(seg: Segment, ctx: Context, disabled: Iterable[str] = ()) -> list[Issue]:
    skip = set(disabled)
    japanese_target = is_japanese(seg.target or "")
    issues: list[Issue] = []
    for info in CHECKS.values():
        if info.name not in skip and (info.any_script or not japanese_target):
            issues.extend(info.fn(seg, ctx))
    return issues
