"""Doubled words and phrases ("the the", "in the city in the city"): a typing slip or an MT
decoder stuck in a loop."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from qa import lexicon
from qa.checks.base import Context, Finding, register
from qa.langdata import EN_OK_DOUBLES
from qa.model import Segment

# One to four words (numbers and times count as words: "23:59 on 23:59 on"), then the same
# words again (case-insensitive), on word boundaries, separated by spaces and at most a few
# sentence marks ("found it! found it!", "What to do... What to do", "- Opening - Opening").
# Not commas or brackets: "the citizens beat the slaves, the slaves…", "Kimetsu, Kimetsu",
# "[Takasu] Takasu" are how English writes figures, appositions and headings.
_REPEAT = re.compile(r"\b((?:[\w']+\W{1,2}){0,3}[\w']+)\s*[.!?…:\-–—~]{0,3}\s+\1\b", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_TOKEN = re.compile(r"\S+")
_MAX_WORDS = 4
# Words English iterates with "and" ("again and again and again"): there the repeat is meant.
_ITERATED = frozenset({"again", "over", "more", "on", "round", "around", "less", "through"})


@register("doubled_words", "major", "A word or phrase is repeated back to back")
def doubled_words(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.target:
        return
    found: list[tuple[int, int]] = []
    candidates = [(m.group(1), m.span()) for m in _REPEAT.finditer(seg.target)]
    candidates += list(_token_repeats(seg.target))
    for phrase, span in candidates:
        if any(a < span[1] and span[0] < b for a, b in found):
            continue  # one finding per repeat, whichever pass saw it first
        if _allowed(phrase, seg.source):
            continue
        found.append(span)
        yield Finding(f"{phrase!r} is repeated", span=span)


def _token_repeats(text: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """Runs of 1-4 whitespace tokens repeated at once, punctuation and all (case-insensitive).

    This catches what the word-boundary pattern cannot see: repeats with brackets, quotes,
    commas or symbols inside ("(HIGASHIYA) (HIGASHIYA)", '"This "This', "For example, For
    example,", "50% to 50%"). Tokens must match exactly, so the figures the pattern spares
    stay spared: "the slaves, the slaves…" and "Kimetsu, Kimetsu" differ in their marks.
    """
    tokens = list(_TOKEN.finditer(text))
    words = [t.group().casefold() for t in tokens]
    for n in range(1, _MAX_WORDS + 1):
        for i in range(len(tokens) - 2 * n + 1):
            if words[i : i + n] == words[i + n : i + 2 * n]:
                phrase = " ".join(t.group() for t in tokens[i : i + n])
                yield phrase, (tokens[i].start(), tokens[i + 2 * n - 1].end())


def _allowed(phrase: str, source: str | None) -> bool:
    """Repeats English or the source licenses: "had had", "again and again and again",
    a score "2 2" for 2対2, a repeated source word (ラボラボ → "Labo Labo")."""
    if not _LETTER.search(phrase):
        return _numbers_echo_source(phrase, source)
    words = re.findall(r"[\w']+", phrase.casefold())
    if len(words) == 1 and words[0] in EN_OK_DOUBLES:
        return True
    if set(words) <= _ITERATED | {"and"}:
        return True  # "again and again and again", "more and more and more"
    return _echoes_source(phrase, source) or _source_name(f"{phrase} {phrase}", source)


def _source_name(doubled: str, source: str | None) -> bool:
    """A name that is its own word twice (曹操 → "Cao Cao", per JMnedict)."""
    want = lexicon.fold(doubled)
    for tok in lexicon.tokens(source or ""):
        if tok.pos1 != "名詞":
            continue
        for gloss, _ in lexicon.names(tok.surface):
            if lexicon.fold(lexicon.drop_parens(gloss).split(",")[0]).strip() == want:
                return True
    return False


# A source that repeats itself (何度も何度も, ラボラボ) licenses a repeated translation, but
# only of one word: a reduplicated Japanese word becomes one doubled English word at most.
_JA_REPEAT = re.compile(r"(\w{2,})\1")


def _echoes_source(phrase: str, source: str | None) -> bool:
    if not source:
        return False
    squeezed = re.sub(r"\s", "", source.casefold())
    if phrase.casefold() * 2 in squeezed:
        return True
    return len(phrase.split()) == 1 and bool(_JA_REPEAT.search(squeezed))


def _numbers_echo_source(phrase: str, source: str | None) -> bool:
    """A repeated number ("2 2") is fine when the source has it twice too (2対2); a number
    said once in the source and twice in the target ("2021 2021 brand") is a slip."""
    numbers = _DIGITS.findall(phrase.replace(",", ""))
    if not numbers:
        return True  # only symbols repeated ("- -", "→ →"): not a word to flag
    text = unicodedata.normalize("NFKC", source or "").replace(",", "")
    return all(len(re.findall(rf"(?<![\d.]){re.escape(x)}(?![\d.])", text)) >= 2 for x in numbers)
