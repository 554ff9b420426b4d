"""Negation: a negated Japanese predicate (〜ない, 〜ません, 〜ず, 〜なかった) must come out
negated in English, and an English negation needs a negation in the source.

The Japanese side is read with unidic (auxiliaries ない/ぬ/ず and the adjective 無い), minus
the constructions whose English is affirmative: なければならない "must", かもしれない "may",
しか…ない "only", に違いない "must be". The English side counts not/n't/no/never/without/
fail/lack/un-…/-less words. A negative word the English renders affirmatively by its own
gloss (不眠症 "insomnia", 防水 "waterproof") licenses no other negation, and an English "only"
the source's のみ/だけ accounts for renders no negated predicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice

from qa.checks.base import Context, Finding, register
from qa.langdata import (
    EN_EXPLICIT_NEGATION,
    EN_NEGATION_WORDS,
    EN_NOT_NEGATION,
    EN_WEAK_NEGATION,
    JA_NEGATION_LEMMAS,
    JA_NEGATIVE_VERB_ONLY,
    JA_NEGATIVE_WORD_END,
    JA_NEGATIVE_WORDS,
    JA_NOT_NEGATION_PATTERNS,
    JA_NOT_NEGATIVE_WORDS,
)
from qa.lexicon import morphs
from qa.model import Segment
from qa.signals.dictionary import Term, gloss_keys, source_terms, target_keys
from qa.signals.opposites import negative_prefix

_NOT_NEGATION = re.compile("|".join(JA_NOT_NEGATION_PATTERNS))
# One word, or a non- word whole ("non-native": the negation is the prefix).
_EN_WORD = re.compile(r"(?:[Nn]on-)?[A-Za-z]+(?:['’][A-Za-z]+)?")
_EN_NOT_NEGATION = re.compile(r"\b(?:" + "|".join(EN_NOT_NEGATION) + r")\b", re.IGNORECASE)
# "No." as the abbreviation of "number": "Typhoon No. 10", "world No.1", "Nos. 3 and 4", and a
# capitalised "No" before a numeral mid-sentence ("ranked No 1").
_NUMBER_NO = re.compile(r"\b[Nn]os?\.\s*(?=\d)|(?<=\s)No\s+(?=\d)")
# Romanised Japanese titles: "Kimetsu no Yaiba", "Ai no Bushotai".
_ROMAJI_NO = re.compile(r"[A-Z][a-z]* no [A-Z]")
# Tag questions ("…, aren't they?", "…, isn't it."): a negative form asking for agreement
# with an affirmative statement (〜ですよね), not a negation.
_TAG_QUESTION = re.compile(
    r",\s*(?:(?:is|are|was|were|do|does|did|have|has|had|could|would|should)n['’]t|won['’]t|"
    r"can['’]t)\s+(?:it|they|you|we|he|she|I|there|that|this)\s*(?=[?.!…]|$)",
    re.IGNORECASE,
)
# un-/non-/-less words that are not negative.
_EN_FALSE_AFFIX = frozenset(
    {"under", "understand", "understood", "understanding", "until", "unit", "units", "united",
     "union", "unique", "universe", "universal", "university", "unless", "uncle", "unlock",
     "bless", "unto", "undergo", "underground", "unveil", "unveiled", "unfold", "unload",
     "wireless", "regardless", "nevertheless", "nonetheless", "nonprofit"}
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


_HAS_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")


# Verb stems in the irrealis (未然形) a-row, before which ん is the negative ぬ (合わん "won't
# fit"), not the explanatory の (行くんです) that unidic-lite often tags it as.
_IRREALIS_END = tuple("あかがさざただなばぱまやらわ")


def source_negative_words(text: str) -> list[str]:
    """Words of JA_NEGATIVE_WORDS in `text` that license an English negation. Entries with a
    kanji (無, 未, 不, 禁…) are morphemes matched on unidic tokens: where a word starts with
    them (不要, 禁止, 失う, the prefix 不 of 不安定), not inside a word (間違い, 県外) nor in a
    word whose meaning is affirmative (無事, 非常に, 未来); kana and digit entries only where a
    word starts (なく in なくなった, not in 少なく's middle; 0 alone, not in 1905), and a
    one-kana entry (ん, ず, ぬ) only as the negative auxiliary, not in 姉さん, 恥ずかしい or
    行くんです."""
    return [w for w, _ in negative_word_starts(text)]


@lru_cache(maxsize=4096)  # each of the three negation checks asks, for the same source
def negative_word_starts(text: str) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """`source_negative_words`, each with where it occurs as a negative word (the starts of
    the tokens it was found at; none for the prohibitive な! that spacing can split)."""
    toks = [m for m in morphs(text) if m.surface.strip()]
    squeezed = re.sub(r"\s+", "", text)
    surfaces = "".join(m.surface for m in toks)  # what `_word_at` can join: w must be in it
    found = []
    for w in JA_NEGATIVE_WORDS:
        if _HAS_KANJI.search(w):
            at = [i for i in range(len(toks)) if _kanji_word_at(toks, i, w)] if w in text else []
        elif not w.isalnum():  # な」 な! (prohibitive): spacing varies ("な ! !")
            at = [-1] if w in squeezed else []
        elif len(w) == 1:
            at = [i for i, m in enumerate(toks) if m.surface == w and _negative_kana(toks, i)]
        else:
            at = [i for i in range(len(toks)) if _word_at(toks, i, w)] if w in surfaces else []
        if at:
            found.append((w, tuple(toks[i].start for i in at if i >= 0)))
    return tuple(found)


def rendered_words(source: str, target: str) -> set[str]:
    """Negative words of the source (`source_negative_words`) that the target already renders
    without a negation, by a one-word gloss of their own term: 不眠症 "insomnia", 防水
    "waterproof", 欠けた "chipped", 違う "different". Such a word accounts for that English
    word, not for a "not" elsewhere. Not counted: a gloss that negates (不要 "unnecessary"),
    one of several words ("tax" of 税抜 "before tax" renders 税, not 抜), and an English word
    a negation governs (外す "leave" in "did not leave the pin in")."""
    starts = negative_word_starts(source)
    if not starts:
        return set()
    negated = [c for c in target_negations(target) if not _weak(target, c)]
    have = target_keys(_blank(target, [(a, _governed_end(target, b)) for a, b in negated]))
    out = set()
    for w, at in starts:
        for term, _ in source_terms(source):
            if any(term.start <= a < term.end for a in at) and _one_word_keys(term) & have:
                out.add(w)
    return out


@lru_cache(maxsize=65536)  # the same terms recur across a run's sources
def _one_word_keys(term: Term) -> frozenset[str]:
    keys = (gloss_keys(g) for g in term.glosses if not _negates(g))
    return frozenset(k for ks in keys if len(ks) == 1 for k in ks)


def _negates(gloss: str) -> bool:
    return any(not _weak(gloss, c) for c in target_negations(gloss))


def _weak(text: str, cue: tuple[int, int]) -> bool:
    return text[cue[0] : cue[1]].lower() in EN_WEAK_NEGATION


# The words a negation governs: up to three after it, within the clause.
_GOVERNED = re.compile(r"(?:\s+[A-Za-z'’-]+){0,3}")


def _governed_end(text: str, end: int) -> int:
    return end + len(_GOVERNED.match(text, end).group())  # type: ignore[union-attr]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _kanji_word_at(toks: list, i: int, w: str) -> bool:
    """Kanji entry `w` as a negative morpheme at token i: the token (or tokens, for 無理,
    見落とす) starts with it and is not a lexicalised affirmative word (無事 "safe")."""
    m = toks[i]
    if m.lemma in JA_NOT_NEGATIVE_WORDS or m.surface in JA_NOT_NEGATIVE_WORDS:
        return False
    if w in JA_NEGATIVE_VERB_ONLY and m.pos1 != "動詞":
        return False
    if w == "別":  # 別に "(not) particularly", the adverb; 別の "another" is not negative
        nxt = toks[i + 1].surface if i + 1 < len(toks) else ""
        return m.surface == "別" and nxt == "に"
    if w in JA_NEGATIVE_WORD_END and w in m.surface[1:] and m.pos1 == "名詞":
        return True
    if m.surface.startswith(w):
        return m.pos1 not in ("助詞", "助動詞", "補助記号", "記号")
    joined = m.surface
    for n in toks[i + 1 :]:
        if joined == w or not w.startswith(joined):
            break
        joined += n.surface
    return joined.startswith(w) and joined != m.surface


def _negative_kana(toks: list, i: int) -> bool:
    m = toks[i]
    if m.pos1 == "助動詞":
        return True
    prev = toks[i - 1] if i else None
    return (
        m.surface == "ん"
        and prev is not None
        and prev.pos1 == "動詞"
        and prev.surface.endswith(_IRREALIS_END)
    )


def _word_at(toks: list, i: int, w: str) -> bool:
    """`w` starts at token i and ends at a token end, or is the start of a content word."""
    joined = ""
    for m in islice(toks, i, None):  # not toks[i:]: a copy per start made this quadratic
        joined += m.surface
        if joined == w:
            return True
        if joined.startswith(w):  # a word it starts: なくなった, not ナイト "night", ダメージ
            return (
                m is toks[i]
                and m.pos1 in ("動詞", "形容詞", "名詞", "感動詞")
                and not _KATAKANA.fullmatch(w)
            )
        if not w.startswith(joined):
            return False
    return False


def _en_negative(word: str, explicit_only: bool) -> bool:
    w = word.lower().replace("’", "'")
    if w.endswith("n't") or w in ("cannot", "not"):
        return True
    if explicit_only:
        return w in EN_EXPLICIT_NEGATION
    return w in EN_NEGATION_WORDS or _negative_affix(w)


def _negative_affix(w: str) -> bool:
    """An un-/non-/-less word (unknown, nonstop, useless), not one that only looks like it,
    or an adjective with a Latin negative prefix (`_latin_negative`: immobile, incorrect)."""
    if w in _EN_FALSE_AFFIX or w.startswith("under"):  # underestimate: "under", not "un-"
        return False
    return (
        (w.startswith(("un", "non")) and len(w) > 5)
        or (w.endswith("less") and len(w) > 6)
        or _latin_negative(w)
    )


# in-/im-/il-/ir-/dis- negate an adjective ("trapped and immobile" for 身動きの取れなくなった,
# "incorrect", "illegal", "irregular"): the opposites' prefix rule (qa/signals/opposites.py),
# with adjective endings only. Not participles or verbs: displayed, informed, disappear are
# words of their own.
_ADJECTIVE_ENDS = ("able", "ible", "ary", "ful", "ive", "ent", "ant", "ous", "al", "ic", "lar",
                   "ate", "ct", "ile")  # fmt: skip
# Such words whose meaning is not "not …": invaluable is very valuable, immediate is not
# "not mediate", incorporate and infiltrate are verbs; and nouns in -ment (investment).
_LATIN_NOT_NEGATIVE = frozenset(
    {"invaluable", "incredible", "incorporate", "incorporated", "independent", "dismissal",
     "inflammable", "infamous", "impassive", "immediate", "inhabitant", "infiltrate",
     "impersonate", "irradiate", "invalidate"}
)  # fmt: skip


def _latin_negative(w: str) -> bool:
    if w in _LATIN_NOT_NEGATIVE or w.endswith("ment"):
        return False
    # distract, disinfect: verbs
    return any(p != "dis" or not w.endswith("ct") for p, _ in negative_prefix(w, _ADJECTIVE_ENDS))


def target_negations(text: str, explicit_only: bool = False) -> list[tuple[int, int]]:
    """Spans of English negation cues (`explicit_only`: not/n't/never/no/nothing/none...)."""
    # Blank out words and phrases whose negative word means nothing negative, keeping offsets.
    patterns = (
        (_NUMBER_NO, _EN_NOT_NEGATION, _ROMAJI_NO, _TAG_QUESTION)
        if explicit_only
        else (_NUMBER_NO,)
    )
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return [m.span() for m in _EN_WORD.finditer(text) if _en_negative(m.group(), explicit_only)]


@register("negation_lost", "major", "The source negates but the translation does not")
def negation_lost(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    source, target = seg.source or "", seg.target or ""
    negs = [n for n in source_negations(source) if not _asked(source, n, target)]
    if negs and not _unaccounted(source, target):
        a, b = negs[0]
        yield Finding(
            f"source negates ({source[max(0, a - 3) : b]}) but the target has no "
            "negation (not, no, never, without, …)",
            span=(a, b),
            side="source",
        )


# A negative yes/no question (紅白歌合戦は無いのですか "isn't there …?", 興味を持っていなかった
# のですか "weren't you interested?") is as often asked affirmatively in English ("will there
# be …?", "were you interested?"). Not a why-question: "why didn't you go?" keeps its "not".
_QUESTION_TAIL = re.compile(r"(?:っ?た)?(?:の|ん)(?:です|でしょう)?か")
_WHY = re.compile(r"なぜ|何故|どうして|なんで|何で")


def _asked(source: str, neg: tuple[int, int], target: str) -> bool:
    return (
        target.rstrip().endswith(("?", "？"))
        and _QUESTION_TAIL.match(source, neg[1]) is not None
        and not _WHY.search(source)
    )


# Japanese "only" words, which an English "only" renders rather than a negated predicate.
_ONLY_WORDS = re.compile(r"のみ|だけ|ばかり")


def _unaccounted(source: str, target: str) -> list[tuple[int, int]]:
    """The target's negation cues less the "only"s the source's own のみ/だけ/ばかり account
    for: "adults cannot choose those with card functions only" (選べない … のみ) keeps its
    "cannot"; "adults can choose those … only" has nothing left to render 選べない."""
    cues = target_negations(target)
    only = [c for c in cues if target[c[0] : c[1]].lower() == "only"]
    spare = min(len(only), len(_ONLY_WORDS.findall(source)))
    return [c for c in cues if c not in only[:spare]]


# Negative forms that never come out negated in English: かもしれない "may", すみません
# "sorry/excuse me". The other constructions of JA_NOT_NEGATION_PATTERNS may ("have no choice
# but" ざるを得ない, "nothing but" しか…ない, "won't you…?" ませんか), so they still license one.
_NEVER_NEGATED = re.compile(
    r"(?:かも(?:しれ|知れ)|す(?:い|み))(?:ない|なかった|ません(?:でした)?|ねえ|ん)"
)


# のでは？ is ではないか cut short ("isn't it that …?", 殺人者なのでは？ "isn't Kairi a
# murderer?"): a negated question with no ない left, which the English may keep negated.
_CUT_SHORT = re.compile(r"[のん]では[？?]")


@register("negation_added", "critical", "The translation negates but the source does not")
def negation_added(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    source, target = _NEVER_NEGATED.sub("。", seg.source or ""), seg.target or ""
    if source_negations(source, all_forms=True) or _CUT_SHORT.search(source):
        return
    words = source_negative_words(source)
    rendered = rendered_words(source, target)
    if set(words) - rendered:
        return
    cues = target_negations(target, explicit_only=True)
    if cues:
        a, b = cues[0]
        why = f" (its {', '.join(sorted(rendered))} rendered without one)" if rendered else ""
        yield Finding(
            f"target says {target[a:b]!r} but the source has no negation{why}", span=(a, b)
        )


# Entries of JA_NEGATIVE_WORDS that are forms of the negative auxiliary itself (ず, ん, なく
# of 行かなく): `source_negations` already counts each, so counting the word again would let
# one Japanese negation license two English ones.
_AUXILIARY_WORDS = frozenset({"ず", "ずに", "ん", "ぬ", "せん", "ねえ", "ねー", "ナイ", "なく"})


def licensed_count(source: str, target: str = "") -> int:
    """How many English negations the source can account for: its negated predicates (all
    forms but "may"/"sorry") plus its negative words other than the auxiliary's own forms —
    or, where the source has no negated predicate, all of its negative words (なくなった
    "gone" is a word) — less the words `target` renders without a negation."""
    source = _NEVER_NEGATED.sub("。", source)
    predicates = len(source_negations(source, all_forms=True)) + len(_CUT_SHORT.findall(source))
    rendered = rendered_words(source, target) if target else set()
    words = [w for w in source_negative_words(source) if w not in rendered]
    if predicates:
        words = [w for w in words if w not in _AUXILIARY_WORDS]
    return predicates + len(words)


@register("negation_extra", "major", "The translation negates more often than the source")
def negation_extra(seg: Segment, ctx: Context) -> Iterator[Finding]:
    """A negation added beside the source's own ("目の見えない人" "a blind person" → "not like
    a blind person"): more English negations (not, n't, never, without, un-/-less words; not
    the leaning ones like "only", "few") than the source has negated predicates and negative
    words together, one of them explicit. Sources with none are `negation_added`'s."""
    if not seg.has_both_sides:
        return
    source, target = seg.source or "", seg.target or ""
    licensed = licensed_count(source, target)
    explicit = target_negations(target, explicit_only=True)
    if not (licensed and explicit):
        return
    cues = [
        (a, b)
        for a, b in target_negations(target)
        if not _weak(target, (a, b)) and not _litotes(target, (a, b), explicit)
    ]
    if len(cues) > licensed:
        a, b = explicit[-1]
        yield Finding(
            f"target has {len(cues)} negations (last {target[a:b]!r}) but the source {licensed}",
            span=(a, b),
        )


# Up to two words between a negation and the un-/-less word it negates ("not uncommon",
# "didn't become unbalanced", "isn't entirely unexpected"), no punctuation.
_LITOTES_GAP = re.compile(r"\s+(?:[A-Za-z]+\s+){0,2}")


def _litotes(target: str, cue: tuple[int, int], explicit: list[tuple[int, int]]) -> bool:
    """An un-/non-/-less word negated right before ("not uncommon", "didn't become
    unbalanced"): one meaning said with two negations, as one Japanese negation often is
    (もたつかず "didn't become unbalanced"). Not a negative word ("not taken without payment"
    says two things)."""
    word = target[cue[0] : cue[1]].lower()
    if cue in explicit or word in EN_NEGATION_WORDS or not _negative_affix(word):
        return False
    return any(_LITOTES_GAP.fullmatch(target[b : cue[0]]) for _, b in explicit if b <= cue[0])
