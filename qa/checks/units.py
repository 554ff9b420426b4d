"""Units: a number the target keeps while it changes the unit ("3日間" → "3 weeks", "100円" →
"100 dollars", "5キロ" → "5 miles", 午前10時 → "10 p.m.").

The numbers check compares values, so it passes these. Here each source numeral is read with
the counter after it (日, 週間, か月, 円, ドル, キロ, …; 午前/午後 before N時) and each
target number with the unit word after it or the currency sign before it (`qa/langdata.py`).
Precision first: a target quantity is flagged only when the source has the same number, every
such source number names units of the same kind (time, money, length, mass, time of day) and
none names this one. A conversion changes the number too (1週間 → "seven days", 100万円 →
"$9,000") and passes, as does any unit the tables do not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.checks.base import Context, Finding, register
from qa.checks.numbers import _close, source_numbers, target_numbers
from qa.langdata import (
    EN_CURRENCY_SIGNS,
    EN_UNIT_WORDS,
    FULLWIDTH_TO_ASCII,
    JA_CLOCK,
    JA_COUNTERS,
    JA_CURRENCY_SIGNS,
    UNIT_KIND,
)
from qa.model import Segment

_COUNTERS = sorted(JA_COUNTERS, key=len, reverse=True)
# "a week", "an hour": one of a time unit.
_A_UNIT = re.compile(r"\b(an?) (second|minute|hour|day|week|month|year|decade|century)\b", re.I)
# After an English number: ":30" of a time, then the unit word ("3 days", "3-day", "10 a.m.").
_EN_UNIT = re.compile(r"(?::\d\d)?(?:\s?-\s?|\s)?(a\.m\.|p\.m\.|[A-Za-z]+\b)")


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, with its unit
    span: tuple[int, int]
    values: frozenset[float]
    units: frozenset[str]  # empty: no unit the tables know


def source_quantities(text: str) -> list[Quantity]:
    """The source's numerals with the units their counters allow."""
    out = []
    for n in source_numbers(text, owed_only=False):
        start, end = n.span
        after = text[end : end + 8].translate(FULLWIDTH_TO_ASCII)
        before = text[max(0, start - 2) : start].upper()
        counter = next((c for c in _COUNTERS if _counts(after, c)), None)
        units = JA_COUNTERS[counter] if counter else frozenset()
        span = (start, end + len(counter or ""))
        sign = before[-1:]
        if counter is None and sign in JA_CURRENCY_SIGNS:
            units, span = frozenset({JA_CURRENCY_SIGNS[sign]}), (start - 1, end)  # ￥780
        if after.startswith(("時", ":")) and not after.startswith("時間"):
            clock = next((w for w in JA_CLOCK if before.endswith(w)), None)
            units = frozenset({JA_CLOCK[clock]}) if clock else frozenset()
            span = (start - len(clock), end) if clock else span  # 午後3時, AM9:00
        out.append(Quantity(text[span[0] : span[1]], span, n.accepted, units))
    return out


def _counts(after: str, counter: str) -> bool:
    """`after` (the text after a numeral) starts with `counter` as a unit: not 分 of 3分の1,
    not the m of "3mg"."""
    if not after.startswith(counter) or (counter == "分" and after.startswith("分の")):
        return False
    nxt = after[len(counter) : len(counter) + 1]
    return not (counter.isascii() and nxt.isascii() and nxt.isalpha())


def target_quantities(text: str) -> list[Quantity]:
    """The target's numbers with the unit named after them (or by a currency sign before)."""
    out = []
    for (start, end), values, _ in target_numbers(text):
        if text[start - 1 : start] == ":":
            continue  # the minutes of "10:30"
        unit, stop = None, end
        m = _EN_UNIT.match(text, end)
        if m and m.group(1).lower() in EN_UNIT_WORDS:
            unit, stop = EN_UNIT_WORDS[m.group(1).lower()], m.end(1)
        sign = text[max(0, start - 2) : start].rstrip()[-1:]
        if unit is None and sign in EN_CURRENCY_SIGNS:
            unit, start = EN_CURRENCY_SIGNS[sign], text.rindex(sign, 0, start)
        if unit is not None and not _ordinal_or_name(text, end):
            out.append(
                Quantity(text[start:stop], (start, stop), frozenset(values), frozenset({unit}))
            )
    for m in _A_UNIT.finditer(text):
        unit = EN_UNIT_WORDS[m.group(2).lower()]
        out.append(Quantity(m.group(), m.span(), frozenset({1.0}), frozenset({unit})))
    return out


def _ordinal_or_name(text: str, end: int) -> bool:
    """ "the 3rd day", "COVID-19": not a quantity with a unit."""
    return bool(re.match(r"(?:st|nd|rd|th)\b|[A-Za-z]*\d", text[end : end + 3]))


@register("units", "critical", "A number is kept but its unit changed (days → weeks, yen → $)")
def units(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    sources = source_quantities(seg.source)
    for t in target_quantities(seg.target):
        (unit,) = t.units
        same = [s for s in sources if any(_close(a, b) for a in s.values for b in t.values)]
        kind = UNIT_KIND[unit]
        if same and all(s.units and unit not in s.units for s in same):
            if all(kind in {UNIT_KIND[u] for u in s.units} for s in same):
                message = f"source has {same[0].text} but the target has {t.text}"
                yield Finding(message, span=t.span)
