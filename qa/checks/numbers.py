"""Numbers: every number in the source must reappear, with the same value, in the target.

Values are compared, not strings: 100億 = "10 billion", 1.5万 = "15,000", 二十五 = "25",
４月 = "April". Japanese numerals are found by unidic (数詞 tokens), so 一般/一緒 are not
numbers. What a faithful English translation legitimately changes is allowed for: 1 becomes
"a"/"an" (so value 1 is owed nothing), 15時 becomes "3 p.m.", 令和4年 becomes 2022, 5割 becomes
50%, and vague amounts (数十, 十数) owe no exact number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.checks.base import Context, Finding, register
from qa.langdata import (
    EN_MONTHS,
    EN_NUMBER_LIKE,
    EN_ORDINALS,
    EN_SCALES,
    EN_UNITS,
    ERAS,
    FULLWIDTH_TO_ASCII,
    KANJI_BIG_UNITS,
    KANJI_DIGITS,
    KANJI_SMALL_UNITS,
    VAGUE_AFTER,
    VAGUE_BEFORE,
)
from qa.lexicon import morphs
from qa.model import Segment


@dataclass(frozen=True)
class Number:
    """A number found in one side: its text, span, value and the values it may appear as."""

    text: str
    span: tuple[int, int]
    value: float
    accepted: frozenset[float]


# ------------------------------------------------------------------ Japanese side

_JA_PART = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九]|[十百千]|[万億兆]")


def parse_japanese_number(text: str) -> float | None:
    """Value of a numeral like 1億2000万, 3.5万, 二十五, 百, 二〇二二; None if not a numeral."""
    text = text.translate(FULLWIDTH_TO_ASCII).replace("・", ".")
    if re.search(r",(?!\d{3}(?!\d))", text):
        return None  # "2,3" is "2 or 3", not one number
    text = text.replace(",", "")
    parts = _JA_PART.findall(text)
    if not parts or "".join(parts) != text:
        return None
    total, section, current, kanji_run = 0.0, 0.0, None, False
    for p in parts:
        if p in KANJI_DIGITS:
            # Digit-by-digit kanji (二〇二二) keeps appending; otherwise a new digit starts.
            d = KANJI_DIGITS[p]
            current = current * 10 + d if kanji_run and current is not None else float(d)
            kanji_run = True
            continue
        kanji_run = False
        if p in KANJI_SMALL_UNITS:
            section += (current if current is not None else 1) * KANJI_SMALL_UNITS[p]
            current = None
        elif p in KANJI_BIG_UNITS:
            block = section + (current or 0)
            total += (block if block else 1) * KANJI_BIG_UNITS[p]
            section, current = 0.0, None
        else:
            current = float(p)
    return total + section + (current or 0)


# "1,000" and "1.5" are one numeral; so is "1・5" (a Japanese decimal point); "２，３" is "2 or 3".
_NUMERAL_JOINERS = (".", "．", "・", ",", "，")


def _continues_numeral(joiner: str, nxt: str) -> bool:
    digits = nxt.translate(FULLWIDTH_TO_ASCII)
    if joiner in (",", "，"):
        return len(digits) == 3 and digits.isdigit()
    return digits[:1].isdigit()


def _numeral_spans(text: str) -> Iterator[tuple[int, int]]:
    """Maximal runs of unidic 数詞 tokens, joined across the '.'/',' inside one numeral."""
    toks = morphs(text)
    i = 0
    while i < len(toks):
        if toks[i].pos2 != "数詞":
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and (
            toks[j + 1].pos2 == "数詞"
            or (
                toks[j + 1].surface in _NUMERAL_JOINERS
                and j + 2 < len(toks)
                and _continues_numeral(toks[j + 1].surface, toks[j + 2].surface)
            )
        ):
            j += 1
        yield toks[i].start, toks[j].end
        i = j + 1


def _alternatives(value: float, before: str, after: str) -> set[float]:
    """Other values a correct English rendering may use for this Japanese number."""
    alts = {value}
    if after.startswith("割"):
        alts.add(value * 10)  # 5割 = 50%
    if after.startswith(("時", ":")) and value > 12:
        alts.add(value - 12)  # 15時 = 3 p.m., 20:00 = 8:00pm
    if after.startswith(("時", ":")) and value == 0:
        alts.add(12)  # 午後0時 = 12:31am/12 noon
    year = after.startswith("年")
    era = next((base for name, base in ERAS.items() if before.endswith(name)), None)
    if year and era is not None:
        alts.add(value + era)  # 令和4年 = 2022
    elif value < 100 and (year or _SEASON_CODE.search(before)):
        alts.update({value + 2000, value + 1900})  # 22年, FW21, SS22, '21 = 2021
    return alts


# What a two-digit year follows in a season's code or an abbreviated year: FW21, SS22, '21.
_SEASON_CODE = re.compile(r"(?:[A-Z]{2}|['’])$")


def _owes_nothing(value: float, before: str, after: str) -> bool:
    """Numbers a good translation may legitimately not spell out."""
    if value == 1:
        return True  # 1人/1つ/一度 -> "a person", "one", "once": too many renderings
    if before.endswith(VAGUE_BEFORE) or after.startswith(VAGUE_AFTER):
        return True
    # Fractions 3分の1 -> "a third": the parts need not appear as numerals.
    return after.startswith("分の") or before.endswith("分の")


def source_numbers(text: str, owed_only: bool = True) -> list[Number]:
    """Numbers of a Japanese text; with `owed_only`, those a translation owes (not 1, vague)."""
    out = []
    for start, end in _numeral_spans(text):
        value = parse_japanese_number(text[start:end])
        if value is None:
            continue
        before, after = text[max(0, start - 3) : start], text[end : end + 3]
        if owed_only and _owes_nothing(value, before, after):
            continue
        alts = _alternatives(value, before, after)
        out.append(Number(text[start:end], (start, end), value, frozenset(alts)))
    return out


# ------------------------------------------------------------------ English side

_WORDS = "|".join(
    sorted([*EN_UNITS, *EN_ORDINALS, *EN_NUMBER_LIKE, *EN_MONTHS, "hundred", "thousand"], key=len)[
        ::-1
    ]
)
_SCALE = "|".join(sorted(EN_SCALES, key=len)[::-1])
_EN_NUM = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*-?(?P<scale>{_SCALE})\b)?"
    rf"|\b(?P<word>(?:{_WORDS})(?:[\s-]+(?:{_WORDS}|and))*)\b",
    re.IGNORECASE,
)


# Upper-case Roman numerals of two letters or more (Final Fantasy VI, World War II, Part IV);
# a lone I is the pronoun and a lone X or V too often a letter.
_ROMAN = re.compile(r"\b(?=[IVX]{2,6}\b)(X{0,3})(IX|IV|V?I{0,3})\b")


def _roman_value(m: re.Match[str]) -> int:
    tail = {"IX": 9, "IV": 4}.get(m.group(2), m.group(2).count("I") + 5 * ("V" in m.group(2)))
    return 10 * len(m.group(1)) + tail


def _word_values(phrase: str) -> set[float]:
    """Values of a number-word phrase: "twenty-five" 25, "ten thousand" 10000, "May" 5."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w and w != "and"]
    vals: set[float] = set()
    total, current = 0.0, 0.0
    for w in words:
        simple = EN_UNITS.get(w, EN_ORDINALS.get(w, EN_NUMBER_LIKE.get(w, EN_MONTHS.get(w))))
        if simple is not None:
            vals.add(float(simple))
            current += simple
        elif w in EN_SCALES:
            current = (current or 1) * EN_SCALES[w]
            if EN_SCALES[w] >= 1000:
                total, current = total + current, 0.0
    vals.add(total + current)
    return vals


def target_numbers(text: str) -> list[tuple[tuple[int, int], set[float], bool]]:
    """(span, values, is_numeral) for every number-like expression of an English text."""
    text = text.translate(FULLWIDTH_TO_ASCII)
    out = []
    for m in _EN_NUM.finditer(text):
        if m.group("word"):
            out.append((m.span(), _word_values(m.group("word")), False))
            continue
        raw = float(m.group("num").replace(",", ""))
        scale = m.group("scale")
        # "802 billion" also counts as 802: the source may say 802Bcf.
        vals = {raw, raw * EN_SCALES[scale.lower()]} if scale else {raw}
        out.append((m.span(), vals, True))
    out += [(m.span(), {float(_roman_value(m))}, False) for m in _ROMAN.finditer(text) if m.group()]
    return out


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


@register(
    "numbers",
    "critical",
    "A number in the source is different in the target (critical) or missing (major)",
    also=("major",),
)
def numbers(seg: Segment, ctx: Context) -> Iterator[Finding]:
    # Precision first, as for names: a number the target renders differently is critical; one
    # it leaves out entirely is major (a good translation may say "Christmas Day" for 25日).
    if not seg.has_both_sides:
        return
    found = [v for _, vals, _ in target_numbers(seg.target) for v in vals]
    missing = [
        n
        for n in source_numbers(seg.source)
        if not any(_close(a, t) for a in n.accepted for t in found)
    ]
    others = [seg.target[a:b] for (a, b) in _unmatched(seg, words=True)] if missing else []
    for n in missing:
        shown = n.text if n.text == _fmt(n.value) else f"{n.text} ({_fmt(n.value)})"
        if others:
            message = f"source has {shown} but the target has {', '.join(others)} instead"
            yield Finding(message, span=n.span, side="source", severity="critical")
        else:
            message = f"source has {shown} but the target has no matching number"
            yield Finding(message, span=n.span, side="source", severity="major")


def _in_name(text: str, span: tuple[int, int]) -> bool:
    """Digits that are part of a name or code (Core i7, COVID-19, 24/7, 5800X) not an amount;
    an ordinal (26th, 3rd) is an amount."""
    before, after = text[max(0, span[0] - 2) : span[0]], text[span[1] : span[1] + 2]
    named = re.match(r"[A-Za-z]{2}", after) and not _ordinal(text, span)
    if before[-1:].isalpha() or named or after[:1] == "/":
        return True
    return bool(re.fullmatch(r"[A-Za-z]-", before)) or before[-1:] == "/"


def _ordinal(text: str, span: tuple[int, int]) -> bool:
    return bool(re.match(r"(?:st|nd|rd|th)(?![A-Za-z])", text[span[1] : span[1] + 3], re.I))


# A year the source names relatively (今年 "this year", 昨年, 来年): a translator may write it
# out ("support for Ukraine totals around 450 million dollars for 2021"), and no numeral of the
# source accounts for it.
_RELATIVE_YEAR = re.compile("今年|本年|昨年|去年|前年|来年|翌年|同年")


def _a_year(values: set[float]) -> bool:
    return all(v.is_integer() and 1900 <= v <= 2099 for v in values)


def _unmatched(seg: Segment, words: bool = False) -> list[tuple[int, int]]:
    """Spans of the target's numerals (and with `words` its number words and ordinals) that
    no number of the source accounts for (not 0 or 1, not part of a name or code)."""
    assert seg.source is not None and seg.target is not None
    known = {a for n in source_numbers(seg.source, owed_only=False) for a in n.accepted}
    # Digits the tagger glued to letters (１０Ｗ, 5800X) still count as the source's numbers.
    plain = seg.source.translate(FULLWIDTH_TO_ASCII)
    known.update(float(d) for d in re.findall(r"\d+(?:\.\d+)?", plain))
    relative_year = _RELATIVE_YEAR.search(seg.source) is not None
    out = []
    for span, values, is_numeral in target_numbers(seg.target):
        if relative_year and _a_year(values):
            continue
        # Only numerals: words like "one"/"first"/"both" are routinely added by translators.
        if not (is_numeral or words) or values <= {0.0, 1.0} or _in_name(seg.target, span):
            continue
        if not words and _ordinal(seg.target, span):  # "the 21st century": added like "first"
            continue
        if not any(_close(v, k) for v in values for k in known):
            out.append(span)
    return out


@register("numbers_added", "major", "The target has a number that the source does not have")
def numbers_added(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    for span in _unmatched(seg):
        yield Finding(
            f"target has {seg.target[span[0] : span[1]]} but the source has no matching number",
            span=span,
        )
