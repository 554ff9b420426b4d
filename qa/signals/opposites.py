"""Opposite readings of the target's words, for the English LM to weigh against the words the
translation chose (the `lm_contrast` check): where the target says "short", would the LM, reading
the source, rather have said "long"? Where it says "not", rather have gone on without it?

Opposites come from data and grammar, not from a hand-made list (the perturbation suite's
antonyms are hand-made; a detector copied from them would measure itself):
- JMdict's antonym links (増加 "increase" ↔ 減少 "decrease", 長い "long" ↔ 短い "short"): the
  one-word English glosses of the first two glosses of both senses, and their regular forms
  with the same ending where both are English words (increased/decreased, longer/shorter);
- English negative prefixes: un-/in-/im-/il-/ir-/dis- where both forms are English words and
  the base (five letters or more) reads as an adjective or participle by its ending
  (available/unavailable, possible/impossible, connected/disconnected);
- negation: at "not"/"never", the sentence going on without it; "without" → "with". Not the
  contractions: the first token of "isn't" is "isn", of "is not" "is", so "is" would gather
  the negated sentences' probability too ("cannot" → "can" fired on correct text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qa.lexicon import antonym_links
from qa.signals.fluency import known_english

_PREFIXES = ("un", "in", "im", "il", "ir", "dis")
# Endings of adjectives and participles: where a negative prefix makes an opposite (unable,
# impossible, disconnected), not a new word (inform, discover, invest).
_ADJECTIVE_ENDS = ("able", "ible", "ary", "ful", "ive", "ent", "ant", "ous", "al", "ed", "ing",
                   "ic", "ar", "ate", "ly", "ct", "ear")  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_GLOSS_WORD = re.compile(r"[a-z]+")


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
    """The opposites of a lower-case word: JMdict's antonyms and the prefix rule's."""
    return _jmdict().get(word, frozenset()) | _prefixed(word)


def _cased(alt: str, word: str) -> str:
    return alt.capitalize() if word[:1].isupper() else alt


def _prefixed(word: str) -> frozenset[str]:
    out = set()
    for p in _PREFIXES:
        base = word[len(p) :]
        if word.startswith(p) and len(base) >= 5 and base.endswith(_ADJECTIVE_ENDS):
            if known_english(base):
                out.add(base)
        if len(word) >= 5 and word.endswith(_ADJECTIVE_ENDS) and known_english(p + word):
            out.add(p + word)
    return frozenset(out)


@cache
def _jmdict() -> dict[str, frozenset[str]]:
    """English word → its opposites, from JMdict's antonym links between senses."""
    table: dict[str, set[str]] = {}
    for left, right in antonym_links():
        for a in _gloss_words(left):
            for b in _gloss_words(right):
                for x, y in [(a, b), *_inflected(a, b)] if a != b else []:
                    table.setdefault(x, set()).add(y)
                    table.setdefault(y, set()).add(x)
    return {w: frozenset(v) for w, v in table.items()}


def _gloss_words(glosses: tuple[str, ...]) -> list[str]:
    """The one-word glosses ("to increase" → increase)."""
    words = [re.sub(r"^to ", "", re.sub(r"\(.*?\)", "", g).strip()) for g in glosses]
    return [w for w in words if _GLOSS_WORD.fullmatch(w)]


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
