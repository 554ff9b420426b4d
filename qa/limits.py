"""Size limits: how much text mtqa hands to any one step, and how an over-long text is cut.

Measured on the build machine (2 cores; `tests/test_bad_inputs.py` keeps the cases):

- fugashi/MeCab (unidic-lite) segfaults on one call of about 1.05M characters of ASCII text
  or 1.13M characters of Japanese (fine at 1.0M / 1.125M). `qa.lexicon` therefore analyses at
  most `MAX_ANALYSE_CHARS` per call and joins the tokens; nothing is lost.
- pysbd's English splitter is quadratic: 0.44 s for 10,000 characters of prose, 11 s for
  50,000, 38 s for 100,000. `qa.segment` hands it at most `MAX_SENTENCE_SPLIT_CHARS` at once.
- The rule checks are not linear in the segment either (the negation check took 42 s on one
  20,000-character segment), and the e5 signals embed a long text window by window: a
  paragraph of a few MB ran for minutes. So no segment side is longer than
  `MAX_SEGMENT_CHARS`: documents split an over-long paragraph into pieces at sentence
  boundaries (`qa.segment`), and the line/table/XLIFF readers cut an over-long field there
  (`clip_segments`), recording what they cut in `meta["oversized"]` so the report says so.
- Files: at most `max_input_bytes()` (512 MB, `MTQA_MAX_INPUT_MB`) are read from one input;
  see `qa.io.encoding.read_bytes`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.model import Segment

# Longest text of one segment side that the checks and signals see. Ten times a long
# paragraph of Japanese prose; a field longer than this is data, not a sentence to review.
MAX_SEGMENT_CHARS = 5_000
# Longest text one MeCab call gets: a hundredth of what crashes it, and MeCab is linear, so
# smaller calls cost nothing.
MAX_ANALYSE_CHARS = 10_000
# Longest text one pysbd call gets (~0.2 s at this size, quadratic beyond).
MAX_SENTENCE_SPLIT_CHARS = 5_000
DEFAULT_MAX_INPUT_MB = 512

# Where a piece may end, best first: after sentence punctuation (and closing brackets),
# at a line break, at other whitespace. The cut looks back at most a fifth of the limit.
_SENTENCE_END = re.compile(r"[。！？｡!?.;…][」』）)】〉》〕］”’\"']*")
_LINE_BREAK = re.compile(r"\n")
_SPACE = re.compile(r"\s")


def max_input_bytes() -> int:
    """The largest input file read, from `MTQA_MAX_INPUT_MB` (default 512)."""
    raw = os.environ.get("MTQA_MAX_INPUT_MB", "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_INPUT_MB
    except ValueError:
        mb = DEFAULT_MAX_INPUT_MB
    return max(1, int(mb * 1024 * 1024))


def cut_point(text: str, limit: int, start: int = 0) -> int:
    """An index in (start, start + limit] where a piece of `text` starting at `start` may end:
    after the last sentence end in the window's last fifth, else the last line break or space
    there, else exactly at the limit (a text with no break at all: base64, one long word)."""
    end = start + limit
    if end >= len(text):
        return len(text)
    floor = end - max(1, limit // 5)
    for pattern in (_SENTENCE_END, _LINE_BREAK, _SPACE):
        last = None
        for m in pattern.finditer(text, floor, end):
            last = m.end()
        if last is not None and last > start:
            return last
    return end


def pieces(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """[start, end) ranges that cover `text` in order, each at most `limit` characters."""
    pos = 0
    while pos < len(text):
        end = cut_point(text, limit, pos)
        yield pos, end
        pos = end


@dataclass(frozen=True)
class Oversized:
    """One segment side cut to `kept` of its `chars` characters (JSON: `meta["oversized"]`)."""

    id: str
    side: str  # "source", "target", "reference" or "retranslation"
    chars: int
    kept: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "side": self.side, "chars": self.chars, "kept": self.kept}

    def message(self) -> str:
        return (
            f"{self.side} has {self.chars:,} characters; only the first {self.kept:,} were "
            f"checked (limit {MAX_SEGMENT_CHARS:,} a segment)"
        )


_SIDES = ("source", "target", "reference", "retranslation")


def clip_segments(segments: list[Segment], limit: int = MAX_SEGMENT_CHARS) -> list[Oversized]:
    """Cut every side longer than `limit` at a sentence boundary (in place) and say which.

    Readers that cannot split a segment (aligned lines, table rows, XLIFF units) call this and
    put the notes in `meta["oversized"]`; the `oversized` check turns them into findings."""
    notes = []
    for seg in segments:
        for side in _SIDES:
            text = getattr(seg, side)
            if text is not None and len(text) > limit:
                kept = cut_point(text, limit)
                setattr(seg, side, text[:kept])
                notes.append(Oversized(seg.id, side, len(text), kept))
    return notes


def oversized_meta(notes: list[Oversized]) -> dict[str, Any]:
    """The reader's meta entry for `notes` (none when nothing was cut)."""
    return {"oversized": [n.to_dict() for n in notes]} if notes else {}
