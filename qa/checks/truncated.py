"""A translation that stops mid-sentence: its last word is one English never ends a sentence
on, so the rest of the sentence (and of the source's meaning) is missing — e.g. "…sanctions
on the.", "…and even if", "…a price plan offered by.", "…something that you.".

Only endings that grammatically need something after them are listed:
- articles, possessive determiners, the coordinators and/or/nor, connectives like "of",
  "than", "because", "although": never a last word;
- the prepositions English strands, only where nothing earlier moved their object away (a
  question or relative word, an infinitive: "what is it for?", "a set to choose from");
- a subject pronoun, except in a tag or a comparison ("aren't they?", "taller than I"), or
  "you"/"it" as the whole subject of a clause ("…something that you.");
- "even" right after a coordinator ("…and even!").
Not "that", "so", "more", nor particles ("sale now on", "turn it in"). On WMT22 ja-en human
references none of these fires; on system outputs they fire mostly on garbled text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment

DANGLING = frozenset(
    {"a", "an", "the", "my", "your", "our", "their", "its", "whose", "and", "or", "nor",
     "of", "than", "very", "because", "if", "into", "although", "unless", "whereas",
     "wherever", "whenever"}
)  # fmt: skip
STRANDABLE = frozenset({"about", "against", "at", "by", "for", "from", "with"})
# Words that let a later preposition lose its object: questions, relatives, infinitives.
MOVERS = frozenset(
    {"what", "which", "who", "whom", "whose", "where", "how", "why", "that", "whatever",
     "whoever", "to"}
)  # fmt: skip
SUBJECTS = frozenset({"i", "he", "she", "we", "they"})
# Before a final subject pronoun: a tag ("…, aren't they?") or a comparison ("than I").
TAG_OR_COMPARISON = frozenset(
    {"than", "as", "am", "is", "are", "was", "were", "do", "does", "did", "have", "has",
     "had", "will", "would", "can", "could", "shall", "should", "may", "might", "must"}
)  # fmt: skip
CLAUSE_OPENERS = frozenset({"that", "because", "if", "although", "unless", "whereas"})
COORDINATORS = frozenset({"and", "or", "but"})

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# The last word, then only closing punctuation, quotes and brackets.
_LAST_WORD = re.compile(r"\b([A-Za-z]+)[\s.!?…,;:\"'”’)\]]*$")


def _tag_or_comparison(word: str) -> bool:
    w = word.lower().replace("’", "'")
    return w in TAG_OR_COMPARISON or w.endswith("n't")


def _stranded_pronoun(last: str, before: list[str]) -> bool:
    """A subject pronoun with no verb after it ("…wives said that they.")."""
    prev = before[-1] if before else ""
    if last.lower() in SUBJECTS:
        numeral = last == "I" and prev[:1].isupper()  # "World War I", "Tiger I"
        return bool(prev) and not (_tag_or_comparison(prev) or numeral)
    if last.lower() in ("you", "it") and prev.lower() in CLAUSE_OPENERS:
        # "Is that you?": "that" is then itself the subject.
        return not (len(before) > 1 and _tag_or_comparison(before[-2]))
    return False


def dangling_word(text: str) -> tuple[int, int] | None:
    """The span of the last word if the text cannot end on it, else None."""
    m = _LAST_WORD.search(text)
    if m is None:
        return None
    last, before = m.group(1), _WORD.findall(text[: m.start(1)])
    low, prev = last.lower(), (before[-1].lower() if before else "")
    if (
        low in DANGLING
        or _stranded_pronoun(last, before)
        or (low in STRANDABLE and not MOVERS & {w.lower() for w in before})
        or (low == "even" and prev in COORDINATORS)
    ):
        return m.span(1)
    return None


@register("truncated", "major", "The translation stops mid-sentence")
def truncated(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not (seg.source and seg.source.strip() and seg.target):
        return
    span = dangling_word(seg.target)
    if span is not None:
        last = seg.target[span[0] : span[1]]
        yield Finding(
            f"the target ends on {last!r}: the rest of the sentence is missing", span=span
        )
