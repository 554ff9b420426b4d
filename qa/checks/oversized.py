"""Segments cut to the size the analysers can take (qa/limits.py): only their start was checked,
so a human must look at the rest. The readers and the pipeline record what they cut; this check
turns each cut into a finding."""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.limits import Oversized
from qa.model import Segment


def _cuts(segments: list[Segment], ctx: Context) -> dict[str, list[Oversized]]:
    """Segment id → what was cut from it (the run's notes, gathered once)."""
    out: dict[str, list[Oversized]] = {}
    for d in ctx.oversized:
        note = Oversized(**d)
        out.setdefault(note.id, []).append(note)
    return out


@register(
    "oversized",
    "major",
    "Segment too long to check whole: only its start was checked",
    any_script=True,
    prepare=_cuts,
)
def oversized(seg: Segment, ctx: Context) -> Iterator[Finding]:
    for note in ctx.state.get(seg.id, ()):
        yield Finding(note.message(), side="source" if note.side == "source" else "target")
