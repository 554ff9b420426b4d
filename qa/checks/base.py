"""The check registry (after translate-toolkit's filters: tiny checks, each with a category).

A check takes one Segment and the run's Context and yields `Finding`s: a message, a character
span and, where a check can emit more than one severity, which one. The runner turns them into
`Issue`s, filling in the registered name and default severity, so a check never restates them.
A check that needs run-wide preparation (the document's cast of people, one embedding batch)
registers a `prepare(segments, ctx) -> state` step; the runner calls it once per run and hands
the state back as `ctx.state`. Checks never print and never raise on odd text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from qa.checks.typology import category
from qa.lang import is_japanese
from qa.model import Issue, Segment, Severity

if TYPE_CHECKING:
    from qa.runtime import Models


@dataclass(frozen=True)
class Finding:
    """What a check yields; the runner adds the check's name (and default severity)."""

    message: str
    span: tuple[int, int] | None = None
    side: Literal["source", "target"] = "target"
    severity: Severity | None = None  # None: the check's registered severity
    data: dict[str, Any] | None = None  # structured detail, e.g. {"terms": [...]}


@dataclass(frozen=True)
class Context:
    """What a check may need beyond the segment itself."""

    glossary: dict[str, str] = field(default_factory=dict)
    # What one segment is, for messages: "paragraph", "sentence" (documents) or "segment".
    unit: str = "segment"
    # The run's models (e5 for added_sentence); None in unit tests of model-free checks.
    models: Models | None = None
    # What the readers cut from over-long segments (qa.limits.Oversized as dicts).
    oversized: tuple[dict[str, Any], ...] = ()
    # The signals this run computes (the `lm_span` check speaks only when the LM ran).
    signals: frozenset[str] = frozenset()
    # What this check's `prepare` returned for the run (None for checks without one).
    state: Any = None


CheckFn = Callable[[Segment, Context], Iterable[Finding]]
PrepareFn = Callable[[list[Segment], Context], Any]


@dataclass(frozen=True)
class CheckInfo:
    name: str
    severity: Severity
    title: str
    fn: CheckFn
    # False for checks that read the target as English: on a target still in Japanese they
    # only restate the `untranslated` finding (every name "missing", quotes "dropped").
    any_script: bool = False
    # Every severity the check can emit (its default first).
    severities: tuple[Severity, ...] = ()
    prepare: PrepareFn | None = None


CHECKS: dict[str, CheckInfo] = {}


def register(
    name: str,
    severity: Severity,
    title: str,
    any_script: bool = False,
    also: tuple[Severity, ...] = (),
    prepare: PrepareFn | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check; `also` lists the other severities it may emit."""

    def deco(fn: CheckFn) -> CheckFn:
        if name in CHECKS and CHECKS[name].fn is not fn:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = CheckInfo(name, severity, title, fn, any_script, (severity, *also), prepare)
        return fn

    return deco


def to_issue(info: CheckInfo, f: Finding) -> Issue:
    severity = f.severity or info.severity
    if severity not in info.severities:
        raise ValueError(f"check {info.name!r} emitted undeclared severity {severity!r}")
    return Issue(
        info.name,
        severity,
        f.message,
        span=f.span,
        side=f.side,
        data=f.data,
        mqm=category(info.name),
    )


def prepare_checks(
    segments: list[Segment], ctx: Context, disabled: Iterable[str] = ()
) -> dict[str, Context]:
    """One Context per enabled check, holding its run-wide state."""
    skip = set(disabled)
    return {
        name: replace(ctx, state=info.prepare(segments, ctx)) if info.prepare else ctx
        for name, info in CHECKS.items()
        if name not in skip
    }


def run_checks(seg: Segment, contexts: dict[str, Context]) -> list[Issue]:
    """Every prepared check on one segment, in registry order."""
    japanese_target = is_japanese(seg.target or "")
    issues: list[Issue] = []
    for name, ctx in contexts.items():
        info = CHECKS[name]
        if info.any_script or not japanese_target:
            issues.extend(to_issue(info, f) for f in info.fn(seg, ctx))
    return issues
