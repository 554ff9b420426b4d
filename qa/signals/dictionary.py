"""Dictionary coverage: how many source content words have a JMdict gloss in the target.

A Japanese content word whose every English gloss is absent from the target was possibly left
untranslated, mistranslated or dropped. Paraphrase makes single misses weak evidence, so the
per-segment rate is a signal for the risk model and the words themselves are minor findings
(qa/checks/terms.py) that say where to look. Words whose gloss can't be established (no JMdict
entry, hiragana-only words whose kana lookup is ambiguous) are not counted either way. An
English word shows a gloss by its own 5-letter prefix or its lemma's ("bought" for "buy"); a word
the target transliterates (its reading romanised: 初詣 as "Hatsumode", 小松 as "Komatsu", where
JMdict glosses "first shrine visit of New Year" and "small pine") is not missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from qa import lexicon
from qa.model import Segment
from qa.signals.base import register

if TYPE_CHECKING:
    from qa.runtime import Models

_CONTENT_POS = {("名詞", "普通名詞"), ("名詞", "固有名詞"), ("動詞", "一般"), ("形容詞", "一般")}
_KANJI_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff々]")
# Gloss words that say nothing about the meaning of the word glossed.
_STOP = set(
    "a an the to of in on at for by with and or be is are as one's something someone "
    "oneself etc esp e g i thing things person people way very do make get".split()
)
# English words compare by a 5-letter prefix: supply/supplies, expansion/expand, negotiate/…
PREFIX = 5
# Country names whose adjective or demonym shares no 5-letter prefix with the gloss.
DEMONYMS = {
    "china": {"chinese"},
    "japan": {"japanese"},
    "america": {"american", "us", "usa", "united"},
    "united states": {"us", "usa", "american"},
    "france": {"french"},
    "britain": {"british", "uk", "england", "english"},  # イギリス: "English tea" is usual
    "england": {"english", "british", "uk"},
    "netherlands": {"dutch"},
    "switzerland": {"swiss"},
    "korea": {"korean"},
    "sweden": {"swedish", "swede", "swedes"},
    "denmark": {"danish", "dane", "danes"},
    "finland": {"finnish", "finn", "finns"},
    "norway": {"norwegian"},
    "spain": {"spanish", "spaniard"},
    "greece": {"greek"},
    "thailand": {"thai"},
    "turkey": {"turkish", "turk"},
    "poland": {"polish", "pole"},
    "ireland": {"irish"},
    "scotland": {"scottish", "scots"},
    "wales": {"welsh"},
    "philippines": {"filipino", "philippine"},
    "new zealand": {"kiwi", "nz"},
}


@dataclass(frozen=True)
class Term:
    word: str  # dictionary form looked up in JMdict
    start: int  # span in the source
    end: int
    glosses: tuple[str, ...]


def _key(word: str) -> str:
    return word[:PREFIX]


@lru_cache(maxsize=65536)  # as many as lexicon.glosses keeps words: the same glosses recur
def gloss_keys(gloss: str) -> frozenset[str]:
    """Prefix keys of the meaningful words of one gloss, plus demonyms of country names."""
    text = lexicon.drop_parens(lexicon.fold(gloss))
    keys = {_key(w) for w in lexicon.words(text) if w not in _STOP and len(w) > 1}
    for name, extra in DEMONYMS.items():
        if text.strip() == name:
            keys |= {_key(e) for e in extra}
    return frozenset(keys)


def target_keys(target: str) -> set[str]:
    return {k for w in lexicon.words(target) for k in word_keys(w)}


@lru_cache(maxsize=65536)
def word_keys(word: str) -> tuple[str, ...]:
    """Prefix keys of an English word and of its lemma (simplemma): the 5-letter prefix joins
    "supply" and "supplies", but a gloss of four letters or fewer needs the lemma ("times" is
    "time", "came" "come", "bought" "buy"; 10.8% of the WMT22 references' missing terms)."""
    import simplemma

    lemma = simplemma.lemmatize(word, lang="en").lower()
    return (_key(word),) if lemma == word else (_key(word), _key(lemma))


def _is_content(tok: lexicon.Token) -> bool:
    return (tok.pos1, tok.pos2) in _CONTENT_POS and bool(_KANJI_KATAKANA.search(tok.surface))


def terms(source: str) -> list[Term]:
    """Content words of `source` with their glosses; adjacent nouns merge when JMdict knows
    the compound (天然 + ガス → 天然ガス: one term, glossed "natural gas")."""
    toks = lexicon.tokens(source)
    out, i = [], 0
    while i < len(toks):
        term, i = _longest_term(toks, i)
        if term is not None:
            out.append(term)
    return out


def _longest_term(toks: tuple[lexicon.Token, ...], i: int) -> tuple[Term | None, int]:
    for n in (3, 2):  # noun compounds first
        group = toks[i : i + n]
        if len(group) == n and all(t.pos1 == "名詞" and _is_content(t) for t in group):
            word = "".join(t.surface for t in group)
            senses = lexicon.glosses(word)
            if senses:
                return _term(word, group[0].start, senses), i + n
    tok = toks[i]
    senses = lexicon.glosses(tok.lemma) if _is_content(tok) else ()
    if not senses and _is_content(tok) and tok.pos2 == "固有名詞":
        senses = tuple((g,) for g, _ in lexicon.names(tok.surface)[: lexicon.MAX_SENSES])
    if not senses:
        return None, i + 1
    return Term(tok.lemma, tok.start, tok.start + len(tok.surface), _flat(senses)), i + 1


def _term(word: str, start: int, senses: tuple[tuple[str, ...], ...]) -> Term:
    return Term(word, start, start + len(word), _flat(senses))


def _flat(senses: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return tuple(g for sense in senses for g in sense)


@lru_cache(maxsize=4096)
def source_terms(source: str) -> tuple[tuple[Term, frozenset[str]], ...]:
    """Terms of a source with the keys any one of which shows the term in a target (cached:
    the same source is checked against many targets)."""
    out: dict[str, tuple[Term, frozenset[str]]] = {}
    for t in terms(source):
        keys = frozenset(k for g in t.glosses for k in gloss_keys(g))
        if keys and t.word not in out:  # one entry per word type, at its first occurrence
            out[t.word] = (t, keys)
    return tuple(out.values())


def source_keys(source: str) -> frozenset[str]:
    """The keys of every gloss of the source's terms: the English words its dictionary
    entries attest (高い: high, tall, expensive)."""
    return frozenset(k for _, keys in source_terms(source) for k in keys)


def missing_terms(source: str, target: str) -> tuple[int, list[Term]]:
    """(number of glossable source terms, those none of whose glosses is in the target and
    that the target does not transliterate either: "Hatsumode" shows 初詣, "Komatsu" 小松)."""
    have = target_keys(target)
    checked = source_terms(source)
    missing = [t for t, keys in checked if not keys & have]
    if missing:
        spelled = {lexicon.romaji_key(w) for w in lexicon.words(target)}
        missing = [
            t for t in missing if lexicon.reading_key(source[t.start : t.end]) not in spelled
        ]
    return len(checked), missing


@register("dict_coverage", "Share of source content words with a JMdict gloss in the target")
def dict_coverage(segments: list[Segment], models: Models | None = None) -> list[float | None]:
    out: list[float | None] = []
    for s in segments:
        if not (s.source and s.target and s.target.strip()):
            out.append(None)
            continue
        n, missing = missing_terms(s.source, s.target)
        out.append(1 - len(missing) / n if n else None)
    return out
