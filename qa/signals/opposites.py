"""Opposite readings of the target's words, for the English LM to weigh against the words the
translation chose (the `lm_contrast` check): where the target says "short", would the LM, reading
the source, rather have said "long"? Where it says "not", rather have gone on without it?

Opposites come from data and grammar, not from a hand-made list (the perturbation suite's
antonyms are hand-made; a detector copied from them would measure itself):
- Princeton WordNet 3.0's antonym pairs of one word each (6,609: long/short, new/old,
  increase/decrease, buy/sell; `qa/data/wordnet_antonyms.tsv`, built by
  `bench/wordnet_antonyms.py`, licence in `qa/data/WORDNET_LICENSE`), and their regular forms
  with the same ending where both are English words (increased/decreased, longer/shorter).
  JMdict's antonym links between senses were used before: fewer (961 words) and noisier
  through their glosses (高い "expensive" ↔ 安い "cheap" but also "low" ↔ "elegance");
- English negative prefixes: un-/in-/im-/il-/ir-/dis- where both forms are English words and
  the base (five letters or more) reads as an adjective or participle by its ending
  (available/unavailable, possible/impossible, connected/disconnected);
- negation: at "not"/"never", the sentence going on without it; "without" → "with". Not the
  contractions: the first token of "isn't" is "isn", of "is not" "is", so "is" would gather
  the negated sentences' probability too ("cannot" → "can" fired on correct text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from qa import data
from qa.signals.fluency import known_english

_PREFIXES = ("un", "in", "im", "il", "ir", "dis")
# Endings of adjectives and participles: where a negative prefix makes an opposite (unable,
# impossible, disconnected), not a new word (inform, discover, invest).
_ADJECTIVE_ENDS = ("able", "ible", "ary", "ful", "ive", "ent", "ant", "ous", "al", "ed", "ing",
                   "ic", "ar", "ate", "ly", "ct", "ear")  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


@dataclass(frozen=True)
class Alternative:
    start: int  # the target's word, [start, end)
    end: int
    text: str  # what the LM is asked about in its place (weighed where it is one token)
    kind: str  # "opposite" or "negation" (the target's negation, dropped)


def alternatives(target: str) -> list[Alternative]:
    """Per word of `target` with an opposite reading, that reading (in the word's case)."""
    found = list(_WORD.finditer(target))
    out = []
    for i, m in enumerate(found):
        word = m.group().replace("’", "'")
        low = word.lower()
        if low in ("not", "never", "without"):
            after = found[i + 1].group() if i + 1 < len(found) else None
            alt = "with" if low == "without" else after
            if alt:
                out.append(Alternative(m.start(), m.end(), alt, "negation"))
        else:
            for alt in sorted(opposites(low)):
                out.append(Alternative(m.start(), m.end(), _cased(alt, word), "opposite"))
    return out


def opposites(word: str) -> frozenset[str]:
    """The opposites of a lower-case word: WordNet's antonyms and the prefix rule's."""
    return _wordnet().get(word, frozenset()) | _prefixed(word)


def _cased(alt: str, word: str) -> str:
    return alt.capitalize() if word[:1].isupper() else alt


def _prefixed(word: str) -> frozenset[str]:
    out = {base for _, base in negative_prefix(word)}
    if len(word) >= 5 and word.endswith(_ADJECTIVE_ENDS):
        out |= {p + word for p in _PREFIXES if known_english(p + word)}
    return frozenset(out)


def negative_prefix(word: str, ends: tuple[str, ...] = _ADJECTIVE_ENDS) -> list[tuple[str, str]]:
    """(prefix, base) where `word` is a negative prefix on an English word of five letters or
    more ending in one of `ends` (unable: un + able is too short; impossible: im + possible)."""
    return [
        (p, word[len(p) :])
        for p in _PREFIXES
        if word.startswith(p)
        and len(word) - len(p) >= 5
        and word.endswith(ends)
        and known_english(word[len(p) :])
    ]


@cache
def _wordnet() -> dict[str, frozenset[str]]:
    """English word → its opposites, from WordNet's antonym pairs (`bench/wordnet_antonyms.py`)."""
    lines = data.text("wordnet_antonyms.tsv").splitlines()
    return _both_ways(tuple(line.split("\t")[:2]) for line in lines)


def _both_ways(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each pair and its regular forms (increased/decreased), in both directions."""
    table: dict[str, set[str]] = {}
    for a, b in pairs:
        for x, y in [(a, b), *_inflected(a, b)] if a != b else []:
            table.setdefault(x, set()).add(y)
            table.setdefault(y, set()).add(x)
    return {w: frozenset(v) for w, v in table.items()}


_VOWELS = "aeiou"


def _inflected(a: str, b: str) -> list[tuple[str, str]]:
    """The pair's regular forms with the same ending (increased/decreased, longer/shorter,
    sells/buys is irregular and left out), where both forms are English words."""
    pairs = []
    for ending in ("s", "ed", "ing", "er", "est"):
        x, y = _form(a, ending), _form(b, ending)
        if x and y:
            pairs.append((x, y))
    return pairs


def _form(word: str, ending: str) -> str | None:
    """`word` + `ending` by the regular spelling rules, if the result is an English word."""
    if ending == "s":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            cands = [word + "es"]
        elif word.endswith("y") and word[-2:-1] not in _VOWELS:
            cands = [word[:-1] + "ies"]
        else:
            cands = [word + "s"]
    elif word.endswith("e"):
        cands = [word[:-1] + ending]  # close → closed, closing, closer
    elif word.endswith("y") and word[-2:-1] not in _VOWELS:
        cands = [word[:-1] + ("i" + ending if ending != "ing" else "ying")]
    else:
        cands = [word + word[-1] + ending, word + ending]  # big → bigger; long → longer
    return next((c for c in cands if known_english(c)), None)
