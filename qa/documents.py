"""Documents as Segments: segment both texts into units, align the units, and build one
Segment per link, in document order, with character spans into the decoded texts and the
link kind. Omissions have no target, additions no source; the `omission` and `addition`
checks (qa/checks/alignment.py) turn the missing sides into findings."""

from __future__ import annotations

from qa.align import Embedder, Link, align
from qa.model import Segment
from qa.segment import Level, Span, segment_english, segment_japanese


def units(source: str, target: str, level: Level) -> tuple[list[Span], list[Span]]:
    """The source's and target's units (paragraphs or sentences) with their spans."""
    return segment_japanese(source, level), segment_english(target, level)


def aligned_segments(
    src: list[Span],
    tgt: list[Span],
    embed: Embedder,
    retranslations: list[str] | None,
    links: list[Link] | None = None,
) -> list[Segment]:
    """Align the units (with the retranslations of the source units, when there are) and
    return one Segment per link; `links` given (a cached alignment of the same texts) skips
    the aligner."""
    if links is None:
        links = align_units(src, tgt, embed, retranslations)
    return [_segment(str(k + 1), lk, src, tgt, retranslations) for k, lk in enumerate(links)]


def align_units(
    src: list[Span], tgt: list[Span], embed: Embedder, retranslations: list[str] | None
) -> list[Link]:
    return align(
        [s.text for s in src], [t.text for t in tgt], retranslations=retranslations, embed=embed
    )


def _join(spans: list[Span], sep: str) -> tuple[str | None, tuple[int, int] | None]:
    """Text of consecutive units (joined with `sep`) and the span from first start to last end."""
    if not spans:
        return None, None
    return sep.join(s.text for s in spans), (spans[0].start, spans[-1].end)


def _segment(
    sid: str, link: Link, src: list[Span], tgt: list[Span], rts: list[str] | None
) -> Segment:
    source, source_span = _join([src[i] for i in link.src], "")
    target, target_span = _join([tgt[j] for j in link.tgt], " ")
    rt = " ".join(rts[i] for i in link.src) if rts is not None and link.src else None
    return Segment(
        id=sid,
        source=source,
        target=target,
        retranslation=rt,
        source_span=source_span,
        target_span=target_span,
        link=link.kind,
    )


class LineIndex:
    """Line numbers of character offsets in one decoded text (`\\n` ends a line, so `\\r\\n`
    files count as an editor shows them)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding the character at `offset`."""
        from bisect import bisect_right

        return bisect_right(self.starts, offset)

    def lines(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """[first, last] lines of a [start, end) span."""
        if span is None:
            return None
        start, end = span
        return self.line_of(start), self.line_of(max(start, end - 1))


def add_line_numbers(segments: list[Segment], source: str, target: str) -> None:
    """Each segment's spans as line ranges of the two texts (`source_lines`, `target_lines`)."""
    src, tgt = LineIndex(source), LineIndex(target)
    for s in segments:
        s.source_lines, s.target_lines = src.lines(s.source_span), tgt.lines(s.target_span)
