"""The check registry (after translate-toolkit's filters: tiny checks, each with a category).

A check takes one Segment and the run's Context and yields `Finding`s: a message, a character
span and, where a check can emit more than one severity, which one. The runner turns them into
`Issue`s, filling in the registered name and default severity, so a check never restates them.
A check that needs run-wide preparation (the document's cast of people, one embedding batch)
registers a `prepare(segments, ctx) -> state` step; the runner calls it once per run and hands
the state back as `ctx.state`. Checks never print and never raise on odd text.

What the feature cache (`qa/features.py`) may keep depends on what `prepare` does, so a check
says it: no `prepare`, or one that only batches work (`batching_only=True`: added_sentence
embeds every text at once) — findings depend on the segment alone; a `RunState` — findings
depend on a state assembled from one JSON-able part per segment (entity: the people each
source names), so parts are kept per segment and findings per state; any other `prepare` is
opaque and its check runs again on every run. `version` (default: mtqa's) is part of the
cache key: bump it when a check's findings change outside mtqa's own release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from qa import __version__
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
class RunState:
    """A `prepare` step built from one part per segment: `part(segment)` (JSON-able: what the
    segment contributes, e.g. the people its source names) and `combine(parts)`, the run's
    state. Called like any `prepare`; a cache keeps the parts and rebuilds the state."""

    part: Callable[[Segment], Any]
    combine: Callable[[list[Any]], Any]

    def __call__(self, segments: list[Segment], ctx: Context) -> Any:
        return self.combine([self.part(s) for s in segments])


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
    # The `prepare` step only batches work (findings depend on the segment alone).
    batching_only: bool = False
    version: str = __version__
    # Signals whose in-process results the check reads, or whose running it asks about in
    # `ctx.signals` (lm_span: lm_peak and the LM's analysis behind it): part of the feature
    # cache's key, and computed again for the segments a cached run runs the check on.
    reads_signals: tuple[str, ...] = ()


CHECKS: dict[str, CheckInfo] = {}


def register(
    name: str,
    severity: Severity,
    title: str,
    any_script: bool = False,
    also: tuple[Severity, ...] = (),
    prepare: PrepareFn | None = None,
    batching_only: bool = False,
    version: str = __version__,
    reads_signals: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check; `also` lists the other severities it may emit."""

    def deco(fn: CheckFn) -> CheckFn:
        if name in CHECKS and CHECKS[name].fn is not fn:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = CheckInfo(
            name, severity, title, fn, any_script, (severity, *also), prepare, batching_only,
            version, reads_signals,
        )  # fmt: skip
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


def in_order() -> list[CheckInfo]:
    """The registered checks in a fixed order — by module name, then as each module registers
    them — whatever order their modules were imported in (a test that imports one check first
    must not reorder another run's findings)."""
    return sorted(CHECKS.values(), key=lambda info: info.fn.__module__)


def run_check(
    info: CheckInfo, seg: Segment, ctx: Context, japanese_target: bool | None = None
) -> list[Issue]:
    """One prepared check on one segment (none on a Japanese target unless `any_script`)."""
    if japanese_target is None:
        japanese_target = is_japanese(seg.target or "")
    if not info.any_script and japanese_target:
        return []
    return [to_issue(info, f) for f in info.fn(seg, ctx)]
