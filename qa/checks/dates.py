"""Dates the source names relative to a week or to now.

`weekday`: a day of the week the source names is in the translation ("12/24(日)" → "Sunday,
December 24", not "that day" or "Monday").

The source's weekdays are those of 月曜日 … 日曜(日) (not 日曜大工, "DIY") and the bracketed
day after a date: "10日(金)", "3/24(日)", "(土・祝)", "(土日)". The translation has one where
it writes the day's name (in any case; "Sundays"), its abbreviation ("Sun", "SUN", or
"(sun)" in brackets), "weekend" for Saturday or Sunday, or "weekday(s)" for Monday to Friday. On the
2,008 WMT22 sources 18 name a weekday; the references miss one in 2 (one drops both days of
"9日(木)と10日(金)").

`relative_date`: a day, week, month or year counted from now that the translation turns
around: 明日 as "yesterday", 来年 as "last year" (`qa/langdata.py`, RELATIVE_DATES). Only a
contradiction is reported — the translation says another of the three and not the source's —
as a dropped 今日 is often a fair rendering. It fires on none of the 2,008 WMT22 references
nor any of the 14 systems' outputs: a rare error of MT, and a grave one where it happens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.langdata import EN_WEEKDAYS, JA_WEEKDAYS, RELATIVE_DATES
from qa.model import Segment

_DAY = f"[{JA_WEEKDAYS}]"
# 金曜日, 日曜: the kanji before 曜 (not 日曜大工, do-it-yourself).
_NAMED = re.compile(f"({_DAY})曜(?!大工)")
# A bracket of weekdays right after a date's digit or 日: 10日(金), 3/24(日), 1日（土・祝）.
_BRACKET = re.compile(f"(?<=[0-9０-９日])\\s*[(（]((?:{_DAY}|祝日?|休日|[・･/／、,〜~\\s-])+)[)）]")


def source_weekdays(text: str) -> list[tuple[int, tuple[int, int]]]:
    """(weekday 0-6 from Monday, the kanji's span) for each weekday the source names."""
    found = [(m.group(1), m.start(1)) for m in _NAMED.finditer(text)]
    for m in _BRACKET.finditer(text):
        found += [(ch, m.start(1) + i) for i, ch in enumerate(m.group(1)) if ch in JA_WEEKDAYS]
    return sorted((JA_WEEKDAYS.index(ch), (at, at + 1)) for ch, at in found)


def says_weekday(english: str, day: int) -> bool:
    name, abbreviations = EN_WEEKDAYS[day]
    if re.search(f"\\b{name}s?\\b", english, re.I):
        return True
    if any(re.search(f"\\b(?:{a}|{a.upper()})\\b", english) for a in abbreviations):
        return True
    if any(re.search(f"[(（]{a}\\.?[)）]", english, re.I) for a in abbreviations):
        return True
    general = r"\bweekends?\b" if day >= 5 else r"\bweekdays?\b"
    return re.search(general, english, re.I) is not None


@register("weekday", "major", "A weekday of the source is not in the translation")
def weekday(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    reported = set()
    for day, span in source_weekdays(seg.source):
        if day in reported or says_weekday(seg.target, day):
            continue
        reported.add(day)
        others = [
            n for d, (n, _) in enumerate(EN_WEEKDAYS) if d != day and says_weekday(seg.target, d)
        ]
        said = f"; it says {', '.join(others)}" if others else ""
        yield Finding(
            f"weekday {JA_WEEKDAYS[day]} ({EN_WEEKDAYS[day][0]}) not in the translation{said}",
            span=span,
            side="source",
        )


@register("relative_date", "major", "A date relative to now is turned around")
def relative_date(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    for forms in RELATIVE_DATES.values():
        named = [i for i, (ja, _) in enumerate(forms) if any(w in seg.source for w in ja)]
        if not named:
            continue
        said = {i: re.search(en, seg.target, re.I) for i, (_, en) in enumerate(forms)}
        if any(said[i] for i in named):
            continue
        words, pattern = forms[named[0]]
        source = next(w for w in words if w in seg.source)
        for m in said.values():
            if m is not None:
                yield Finding(
                    f"the source says {source} ({_plain(pattern)}), the translation {m.group()!r}",
                    span=m.span(),
                )


def _plain(pattern: str) -> str:
    """The first English wording of a RELATIVE_DATES pattern: "tomorrow", "last year"."""
    return pattern.split("|")[0].replace("\\b", "")
