"""Missing text is a finding, never a silent zero score."""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment


def _blank(text: str | None) -> bool:
    return text is None or text.strip() == ""


@register(
    "empty_target", "critical", "Source has text but the translation is empty", any_script=True
)
def empty_target(seg: Segment, ctx: Context) -> Iterator[Finding]:
    # Document alignment reports a missing target as an omission instead.
    if seg.target is not None and _blank(seg.target) and not _blank(seg.source):
        yield Finding("source has text but the target is empty")


@register("empty_source", "major", "Translation has text but the source is empty", any_script=True)
def empty_source(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if seg.source is not None and _blank(seg.source) and not _blank(seg.target):
        yield Finding("target has text but the source is empty")


@register("empty_retranslation", "minor", "The MT retranslation came back empty", any_script=True)
def empty_retranslation(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if seg.retranslation is not None and _blank(seg.retranslation) and not _blank(seg.source):
        yield Finding("retranslation is empty, so this segment has no scores against it")
