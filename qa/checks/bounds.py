"""Bounds: a limit on a number turned around (3000円以上 "3,000 yen or more" as "3,000 yen or
less", 2週間以内 "within two weeks" as "over two weeks").

Each source number followed, past its counter, by 以上/超/を超え ("at least", "over") or
以下/未満/以内 ("at most", "under", "within") is looked for in the translation by its value
(both sides parsed as `numbers` parses them); the words around each English number with that
value say which way it is bounded ("more than 3", "3 or more"; "under 3", "3 or less"). As
`relative_date` does, it reports only a contradiction: the translation bounds the number the
other way and never the source's way. A bound left out is often fair ("free shipping on
3,000 yen purchases"), and a number the translation does not keep is `numbers`' finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.checks.numbers import _close, source_numbers, target_numbers
from qa.langdata import FULLWIDTH_TO_ASCII
from qa.model import Segment

# After a number: up to four characters of counter (円, 週間, 歳, 件を), then the bound; 超 not
# as the prefix of a word (超大型 "super-large").
_JA_BOUND = re.compile(r"[^\d０-９。、！？\s]{0,4}?(以上|以下|未満|以内|超え|超(?![一-龯ァ-ヺ]))")
_UP = frozenset({"以上", "超え", "超"})

_MONEY = r"\s*(?:[$¥€£]|US\$|JPY)?\s*"
# (direction, words before the number, words after it: up to three words of unit between)
_EN_BOUNDS = (
    (
        "up",
        re.compile(
            r"\b(?:over|more than|at least|above|exceeding|upwards of|in excess of|minimum of"
            rf"|no less than|not less than){_MONEY}$",
            re.I,
        ),
        re.compile(
            r"^\s*(?:[A-Za-z°℃%-]+\s+){0,3}?(?P<w>or (?:more|above|over|higher|older|greater"
            r"|longer)|and (?:over|above|up|older))\b|^(?P<plus>\+)",
            re.I,
        ),
    ),
    (
        "down",
        re.compile(
            r"\b(?:under|less than|below|up to|within|at most|no more than|fewer than"
            rf"|maximum of|not exceeding|not more than){_MONEY}$",
            re.I,
        ),
        re.compile(
            r"^\s*(?:[A-Za-z°℃%-]+\s+){0,3}?(?P<w>or (?:less|fewer|under|below|lower|younger"
            r"|shorter)|and (?:under|below|younger))\b",
            re.I,
        ),
    ),
)
_WORDS = {"up": "or more / over", "down": "or less / under / within"}


def source_bounds(text: str) -> list[tuple[float, str, str]]:
    """(value, "up" or "down", the source's words) for each bounded number of the source."""
    if not _JA_BOUND.search(text):  # most sources have no bound word: skip parsing numbers
        return []
    out = []
    for n in source_numbers(text, owed_only=False):
        m = _JA_BOUND.match(text, n.span[1])
        if m is not None:
            way = "up" if m.group(1) in _UP else "down"
            out.append((n.value, way, text[n.span[0] : m.end()]))
    return out


def target_bounds(text: str, value: float) -> dict[str, tuple[int, int]]:
    """{direction: the span of its words} around the English numbers of `value`."""
    text = text.translate(FULLWIDTH_TO_ASCII)
    found: dict[str, tuple[int, int]] = {}
    for (a, b), values, _ in target_numbers(text):
        if not any(_close(value, v) for v in values):
            continue
        lo = max(0, a - 40)
        for way, before, after in _EN_BOUNDS:
            m = before.search(text[lo:a])
            if m is not None:
                found.setdefault(way, (lo + m.start(), lo + m.end()))
            m = after.search(text[b : b + 40])
            if m is not None:
                words = "w" if m.group("w") else "plus"
                found.setdefault(way, (b + m.start(words), b + m.end(words)))
    return found


@register("number_bound", "major", "A limit on a number is turned around (or more → or less)")
def number_bound(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    target = seg.target or ""
    for value, way, words in source_bounds(seg.source or ""):
        said = target_bounds(target, value)
        other = "down" if way == "up" else "up"
        if way in said or other not in said:
            continue
        a, b = said[other]
        yield Finding(
            f"the source says {words} ({_WORDS[way]}), the translation {target[a:b].strip()!r}",
            span=(a, b),
        )
