"""Negation: a negated Japanese predicate (〜ない, 〜ません, 〜ず, 〜なかった) must come out
negated in English, and an English negation needs a negation in the source.

The Japanese side is read with unidic (auxiliaries ない/ぬ/ず and the adjective 無い), minus
the constructions whose English is affirmative: なければならない "must", かもしれない "may",
しか…ない "only", に違いない "must be". The English side counts not/n't/no/never/without/
fail/lack/un-…/-less words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, register
from qa.langdata import (
    EN_EXPLICIT_NEGATION,
    EN_NEGATION_WORDS,
    EN_NOT_NEGATION,
    JA_NEGATION_LEMMAS,
    JA_NEGATIVE_WORDS,
    JA_NOT_NEGATION_PATTERNS,
    morphs,
)
from qa.model import Issue, Segment

_NOT_NEGATION = re.compile("|".join(JA_NOT_NEGATION_PATTERNS))
_EN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_EN_NOT_NEGATION = re.compile(r"\b(?:" + "|".join(EN_NOT_NEGATION) + r")\b", re.IGNORECASE)
# Romanised Japanese titles: "Kimetsu no Yaiba", "Ai no Bushotai".
_ROMAJI_NO = re.compile(r"[A-Z][a-z]+ no [A-Z]")
# un-/-less words that are not negative.
_EN_FALSE_AFFIX = frozenset(
    {"under", "understand", "understood", "understanding", "until", "unit", "units", "united",
     "union", "unique", "universe", "universal", "university", "unless", "uncle", "unlock",
     "bless", "unto", "undergo", "underground", "unveil", "unveiled", "unfold", "unload"}
)  # fmt: skip


def source_negations(text: str, all_forms: bool = False) -> list[tuple[int, int]]:
    """Spans of negated predicates in Japanese text; unless `all_forms`, not those meaning
    must/may/only (なければならない, かもしれない, しか…ない)."""
    blocked = [] if all_forms else [m.span() for m in _NOT_NEGATION.finditer(text)]
    out = []
    for m in morphs(text):
        if m.lemma not in JA_NEGATION_LEMMAS or m.pos1 not in ("助動詞", "形容詞"):
            continue
        # +4: a pattern may stop short of the ない it licenses (かもしれ|ない).
        if any(a <= m.start < b + 4 for a, b in blocked):
            continue
        out.append((m.start, m.end))
    return out


def _en_negative(word: str, explicit_only: bool) -> bool:
    w = word.lower().replace("’", "'")
    if w.endswith("n't") or w in ("cannot", "not"):
        return True
    if explicit_only:
        return w in EN_EXPLICIT_NEGATION
    if w in EN_NEGATION_WORDS:
        return True
    if w in _EN_FALSE_AFFIX:
        return False
    return (w.startswith(("un", "non")) and len(w) > 5) or (w.endswith("less") and len(w) > 6)


def target_negations(text: str, explicit_only: bool = False) -> list[tuple[int, int]]:
    """Spans of English negation cues (`explicit_only`: not/n't/never/no/nothing/none...)."""
    if explicit_only:
        # Blank out phrases whose negative word means nothing negative, keeping offsets.
        for pattern in (_EN_NOT_NEGATION, _ROMAJI_NO):
            text = pattern.sub(lambda m: " " * len(m.group()), text)
    return [m.span() for m in _EN_WORD.finditer(text) if _en_negative(m.group(), explicit_only)]


def _usable(seg: Segment) -> bool:
    return bool(seg.source and seg.source.strip() and seg.target and seg.target.strip())


@register("negation_lost", "major", "The source negates but the translation does not")
def negation_lost(seg: Segment, ctx: Context) -> Iterator[Issue]:
    if not _usable(seg):
        return
    negs = source_negations(seg.source or "")
    if negs and not target_negations(seg.target or ""):
        a, b = negs[0]
        yield Issue(
            "negation_lost",
            "major",
            f"source negates ({(seg.source or '')[max(0, a - 3) : b]}) but the target has no "
            "negation (not, no, never, without, …)",
            span=(a, b),
            side="source",
        )


@register("negation_added", "critical", "The translation negates but the source does not")
def negation_added(seg: Segment, ctx: Context) -> Iterator[Issue]:
    if not _usable(seg):
        return
    source = seg.source or ""
    if source_negations(source, all_forms=True) or any(w in source for w in JA_NEGATIVE_WORDS):
        return
    cues = target_negations(seg.target or "", explicit_only=True)
    if cues:
        a, b = cues[0]
        yield Issue(
            "negation_added",
            "critical",
            f"target says {(seg.target or '')[a:b]!r} but the source has no negation",
            span=(a, b),
        )
