"""English word-order fluency: how much more likely each word is after its left neighbour
than on its own, under English bigram counts (mean pointwise mutual information).

Scrambled or garbled English ("revealed at a new agreement", shuffled word order) pairs words
that rarely follow each other; fluent English gains from context. The counts are the
Google Books n-gram unigram and bigram lists that ship with symspellpy (MIT), so the signal
needs no model download and scores thousands of segments per second.
"""

from __future__ import annotations

import math
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from qa.model import Segment
from qa.signals.base import register

if TYPE_CHECKING:
    from qa.runtime import Models

_WORD = re.compile(r"[a-z]+")
_BACKOFF = 0.4  # "stupid backoff" weight for a bigram the list does not have


@cache
def _unigrams() -> tuple[dict[str, int], int]:
    text = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt")
    unigrams: dict[str, int] = {}
    for line in text.read_text().splitlines():
        word, count = line.split()
        unigrams[word] = int(count)
    return unigrams, sum(unigrams.values())


@cache
def _bigrams() -> dict[tuple[str, str], int]:
    """Loaded apart from the unigrams: `known_english` (the lm_span check) needs only those."""
    text = resources.files("symspellpy").joinpath("frequency_bigramdictionary_en_243_342.txt")
    bigrams: dict[tuple[str, str], int] = {}
    for line in text.read_text().splitlines():
        first, second, count = line.split()
        bigrams[(first, second)] = int(count)
    return bigrams


def bigram_pmi(text: str | None) -> float | None:
    """Mean log P(word | previous word) - log P(word); None for fewer than two words."""
    words = _WORD.findall((text or "").lower())
    if len(words) < 2:
        return None
    (unigrams, total), bigrams = _unigrams(), _bigrams()
    gain = 0.0
    for prev, word in zip(words, words[1:], strict=False):
        p_word = max(unigrams.get(word, 0), 1) / total
        pair, prev_count = bigrams.get((prev, word)), unigrams.get(prev, 0)
        p_cond = pair / prev_count if pair and prev_count else _BACKOFF * p_word
        gain += math.log(p_cond) - math.log(p_word)
    return gain / (len(words) - 1)


_LETTERS = re.compile(r"[a-z]+(?:'[a-z]+)?")


def known_english(word: str) -> bool:
    """Every word in `word` ("Ozeki?", "rear-end", "Tanjiro's") is in the English unigram
    list, as it is or without its 's/'ll ending. Names and romanised Japanese (Tonegawa,
    yokan, Gonnegi) are not; text without letters counts as known."""
    unigrams = _unigrams()[0]
    forms = _LETTERS.findall(word.lower().replace("\u2019", "'"))
    return all(f in unigrams or f.split("'")[0] in unigrams for f in forms)


@register("fluency", "English word-order fluency: mean bigram PMI of the target")
def fluency(segments: list[Segment], models: Models | None = None) -> list[float | None]:
    return [bigram_pmi(s.target) for s in segments]
