"""Findings of document alignment: source text with no translation, target with no source."""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment

# An omitted source unit with fewer letters than this (a stray "※" or a number) is minor.
_REAL_CONTENT = 5


@register(
    "omission",
    "critical",
    "Source text with no translation in the target document",
    any_script=True,
    also=("minor",),
)
def omission(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if seg.target is None and seg.source is not None:
        real = sum(c.isalnum() for c in seg.source) >= _REAL_CONTENT
        yield Finding(
            f"source {ctx.unit} has no translation in the target (omission)",
            span=(0, len(seg.source)),
            side="source",
            severity="critical" if real else "minor",
        )


@register(
    "addition", "major", "Target text with no counterpart in the source document", any_script=True
)
def addition(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if seg.source is None and seg.target is not None:
        yield Finding(
            f"target {ctx.unit} has no counterpart in the source (addition)",
            span=(0, len(seg.target)),
            side="target",
        )
