"""Two plain-text documents (no line alignment): segment both, align, and yield Segments.

The Segments come out in document order with character spans into the decoded files and
their link kind; omissions have no target, additions no source. The `omission` and
`addition` checks (qa/checks/alignment.py) turn the missing sides into findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.align import Link, align
from qa.errors import InputError
from qa.io.encoding import read_text
from qa.model import Segment
from qa.segment import LEVELS, Level, Span, segment_english, segment_japanese
from qa.translate.base import Translator
from qa.translate.precomputed import read_retranslations


def read_document_pair(
    source_path: Path,
    target_path: Path,
    *,
    level: Level = "paragraph",
    translator: Translator | None = None,
    retranslation_path: Path | None = None,
) -> tuple[list[Segment], dict[str, Any]]:
    """Segments of an unaligned source/target document pair, aligned, plus metadata.

    With `retranslation_path` (one line per source unit at `level`, in source order) or a
    `translator`, the retranslations feed the aligner and fill `Segment.retranslation`."""
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    src_text, src_enc = read_text(source_path)
    tgt_text, tgt_enc = read_text(target_path)
    src = segment_japanese(src_text, level)
    tgt = segment_english(tgt_text, level)
    if not src:
        raise InputError(f"{source_path}: no text to check")
    rts = _retranslations(src, translator, retranslation_path)
    links = align([s.text for s in src], [t.text for t in tgt], retranslations=rts)
    segments = [_segment(str(k + 1), lk, src, tgt, rts) for k, lk in enumerate(links)]
    meta = {
        "input": "documents",
        "level": level,
        "source_encoding": src_enc,
        "target_encoding": tgt_enc,
        "source_units": len(src),
        "target_units": len(tgt),
        "aligner": "e5" if rts is None else "chrf+e5",
    }
    return segments, meta


def _retranslations(
    src: list[Span], translator: Translator | None, path: Path | None
) -> list[str] | None:
    if path is not None:
        return read_retranslations(path, len(src))
    if translator is not None:
        return translator.translate([s.text for s in src])
    return None


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
