"""Split documents into paragraphs and sentences, keeping character offsets into the text.

Paragraphs are separated by blank lines (or, in a file without any blank line, each line is a
paragraph). A heading is a short paragraph without sentence-final punctuation. Japanese
sentences end at 。！？ (and their half-width forms ｡!?), with closing brackets kept on the
sentence, and never inside a 「…」 quotation; English sentences come from pysbd, which knows
abbreviations ("U.S.", "Dr.") and decimals ("3.5").

A paragraph longer than `qa.limits.MAX_SEGMENT_CHARS` is split into pieces at sentence ends
(else line breaks, else spaces; a text with none is cut at the limit), so that no unit handed
on is larger: the checks, the e5 signals, MeCab and pysbd all slow down or fail on megabytes of
text in one piece. Each piece carries `split_from`, the span of the paragraph it came from,
so the pipeline can report the split (`oversized_units`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from qa.lang import is_japanese
from qa.limits import MAX_SEGMENT_CHARS, MAX_SENTENCE_SPLIT_CHARS, pieces

Level = Literal["paragraph", "sentence"]
LEVELS: tuple[Level, ...] = ("paragraph", "sentence")


@dataclass(frozen=True)
class Span:
    """A piece of a document: `text == document[start:end]`."""

    text: str
    start: int
    end: int
    heading: bool = False
    # Set on the pieces of a paragraph longer than MAX_SEGMENT_CHARS: that paragraph's span.
    split_from: tuple[int, int] | None = None


_BLANK_LINE = re.compile(r"\n[ \t\u3000\r]*\n")
_JA_ENDS = "。！？｡!?"
_JA_CLOSERS = "」』）)】〉》〕］”’"
_JA_OPENERS = "「『（(【〈《〔［“‘"
_SENTENCE_FINAL = _JA_ENDS + ".:;…"
# Longer than this, a paragraph without final punctuation is prose, not a heading.
_HEADING_MAX_CHARS = 80


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans of `text`, stripped of surrounding whitespace, in document order."""
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans, pos = [], 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        span = _strip(text, pos, end)
        if span is not None:
            spans.append(span)
        pos = m.end() if m else len(text)
    return [piece for s in spans for piece in _split_oversized(text, _mark_heading(s))]


def _split_oversized(text: str, p: Span, limit: int = MAX_SEGMENT_CHARS) -> list[Span]:
    """`p` itself, or pieces of at most `limit` characters when it is longer."""
    if len(p.text) <= limit:
        return [p]
    out = []
    for a, b in pieces(p.text, limit):
        s = _strip(text, p.start + a, p.start + b)
        if s is not None:
            out.append(Span(s.text, s.start, s.end, split_from=(p.start, p.end)))
    return out


def oversized_units(units: list[Span]) -> list[tuple[tuple[int, int], int]]:
    """(paragraph span, number of pieces) for each over-long paragraph that was split."""
    counts: dict[tuple[int, int], int] = {}
    for u in units:
        if u.split_from is not None:
            counts[u.split_from] = counts.get(u.split_from, 0) + 1
    return list(counts.items())


def segment_japanese(text: str, level: Level = "paragraph") -> list[Span]:
    """Japanese paragraphs, or sentences within them."""
    paras = paragraphs(text)
    if level == "paragraph":
        return paras
    return [s for p in paras for s in _japanese_sentences(p)]


def segment_english(text: str, level: Level = "paragraph") -> list[Span]:
    """English paragraphs, or sentences within them. A paragraph still in Japanese (left
    untranslated) is split with the Japanese rules, so it lines up with its source sentences."""
    paras = paragraphs(text)
    if level == "paragraph":
        return paras
    out: list[Span] = []
    for p in paras:
        out.extend(_japanese_sentences(p) if is_japanese(p.text) else _english_sentences(p))
    return out


def _strip(text: str, start: int, end: int) -> Span | None:
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right <= left:
        return None
    return Span(chunk[left:right], start + left, start + right)


def looks_like_heading(text: str) -> bool:
    """Headlines and section titles: one short line that does not end like a sentence
    (a closing bracket counts as an end only after a terminator: 「…。」 but not 「…」).
    A Japanese terminator anywhere means prose ("はい。終わり")."""
    text = text.strip()
    if not text or "\n" in text or len(text) > _HEADING_MAX_CHARS:
        return False
    body = text.rstrip(_JA_CLOSERS + "\"'") or text
    return body[-1] not in _SENTENCE_FINAL and not any(ch in _JA_ENDS[:4] for ch in text)


def _mark_heading(p: Span) -> Span:
    return Span(p.text, p.start, p.end, heading=looks_like_heading(p.text))


def _japanese_sentences(p: Span) -> list[Span]:
    if p.heading:
        return [p]
    out, begin, depth, i, t = [], 0, 0, 0, p.text
    while i < len(t):
        ch = t[i]
        if ch in _JA_OPENERS:
            depth += 1
        elif ch in _JA_CLOSERS:
            depth = max(0, depth - 1)
            if depth == 0 and _quote_ends_sentence(t, i):
                i = _end_of_run(t, i)
                out.append((begin, i))
                begin = i
                continue
        elif ch in _JA_ENDS and depth == 0:
            i = _end_of_run(t, i)
            out.append((begin, i))
            begin = i
            continue
        i += 1
    out.append((begin, len(t)))
    return _spans_in(p, out)


def _quote_ends_sentence(t: str, i: int) -> bool:
    """A quotation 「…。」 that ends on a terminator ends the sentence, unless hiragana follows
    (「…！」と言った continues the sentence)."""
    after = t[i + 1] if i + 1 < len(t) else ""
    return i > 0 and t[i - 1] in _JA_ENDS and not ("\u3041" <= after <= "\u309f")


def _end_of_run(t: str, i: int) -> int:
    """Index after a run of terminators (「！？」) and the closing brackets that follow."""
    while i < len(t) and t[i] in _JA_ENDS:
        i += 1
    while i < len(t) and t[i] in _JA_CLOSERS:
        i += 1
    return i


# A list item's number or letter, which pysbd makes a sentence of its own from three digits
# on ("101. The wired version" → "101.", "The wired version"): it joins the sentence after it.
_LIST_MARKER = re.compile(r"\(?(?:\d{1,4}|[A-Za-z]|[IVXivx]{1,5})[.)]")


def _english_sentences(p: Span) -> list[Span]:
    if p.heading:
        return [p]
    bounds: list[tuple[int, int]] = []
    marker: int | None = None
    # pysbd is quadratic in its input (38 s for 100,000 characters): bounded pieces only.
    for a, b in pieces(p.text, MAX_SENTENCE_SPLIT_CHARS):
        cursor = a
        for sent in _pysbd().segment(p.text[a:b]):
            s = sent.strip()
            at = p.text.find(s, cursor, b) if s else -1
            if at < 0:  # pysbd changed the text (should not happen with clean=False):
                if cursor < b:  # the rest of this piece is one sentence
                    bounds.append((cursor, b))
                break
            if bounds and not any(ch.isalnum() for ch in s):
                bounds[-1] = (bounds[-1][0], at + len(s))  # a stray quote mark joins
            elif marker is None and _LIST_MARKER.fullmatch(s):
                marker = at  # "101." or "(12)" alone: it numbers the sentence after it
            else:
                bounds.append((at if marker is None else marker, at + len(s)))
                marker = None
            cursor = at + len(s)
        if marker is not None:  # a marker with nothing after it in its piece stays
            bounds.append((marker, cursor))
            marker = None
    if not bounds:
        return [p]
    # Whatever pysbd did not account for joins the last sentence, so spans cover the paragraph.
    bounds[-1] = (bounds[-1][0], len(p.text))
    return _spans_in(p, bounds)


def _spans_in(p: Span, bounds: list[tuple[int, int]]) -> list[Span]:
    out = []
    for a, b in bounds:
        s = _strip(p.text, a, b)
        if s is not None:
            out.append(Span(s.text, p.start + s.start, p.start + s.end, split_from=p.split_from))
    return out


@lru_cache(maxsize=1)
def _pysbd():  # loaded lazily: pysbd compiles many regexes at construction
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)
