"""Doubled words and phrases ("the the", "in the city in the city"): a typing slip or an MT
decoder stuck in a loop."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, register
from qa.langdata import EN_OK_DOUBLES
from qa.model import Issue, Segment

# One to four words (numbers and times count as words: "23:59 on 23:59 on"), then the same
# words again (case-insensitive), on word boundaries, separated by spaces and at most a few
# sentence marks ("found it! found it!", "What to do... What to do", "- Opening - Opening").
# Not commas or brackets: "the citizens beat the slaves, the slaves…", "Kimetsu, Kimetsu",
# "[Takasu] Takasu" are how English writes figures, appositions and headings.
_REPEAT = re.compile(r"\b((?:[\w']+\W{1,2}){0,3}[\w']+)\s*[.!?…:\-–—~]{0,3}\s+\1\b", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")


@register("doubled_words", "major", "A word or phrase is repeated back to back")
def doubled_words(seg: Segment, ctx: Context) -> Iterator[Issue]:
    if not seg.target:
        return
    for m in _REPEAT.finditer(seg.target):
        phrase = m.group(1)
        if not _LETTER.search(phrase):
            continue  # "2 2", "10, 10": scores and lists of numbers
        if phrase.lower() in EN_OK_DOUBLES or _echoes_source(phrase, seg.source):
            continue
        yield Issue("doubled_words", "major", f"{phrase!r} is repeated", span=m.span())


# A source that repeats itself (何度も何度も, ラボラボ) licenses a repeated translation.
_JA_REPEAT = re.compile(r"(\w{2,})\1")


def _echoes_source(phrase: str, source: str | None) -> bool:
    if not source:
        return False
    squeezed = re.sub(r"\s", "", source.casefold())
    return phrase.casefold() * 2 in squeezed or bool(_JA_REPEAT.search(squeezed))
