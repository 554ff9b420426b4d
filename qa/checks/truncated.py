"""A translation that stops mid-sentence: its last word is one English never ends a sentence
on, so the rest of the sentence (and of the source's meaning) is missing — e.g. "…sanctions
on the." or "…and even if".

Only words that grammatically need something after them are listed: articles, possessive
determiners, the coordinators and/or/nor, and connectives like "of", "than", "because". Not
prepositions that English strands ("what is it for?", "the one I looked at") nor "that",
"so", "more". On WMT22 ja-en human references none of them ends a segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, register
from qa.model import Issue, Segment

DANGLING = frozenset(
    {"a", "an", "the", "my", "your", "our", "their", "its", "whose", "and", "or", "nor",
     "of", "than", "very", "because", "if", "into"}
)  # fmt: skip
# The last word, then only closing punctuation, quotes and brackets.
_LAST_WORD = re.compile(r"\b([A-Za-z]+)[\s.!?…,;:\"'”’)\]]*$")


@register("truncated", "major", "The translation stops mid-sentence")
def truncated(seg: Segment, ctx: Context) -> Iterator[Issue]:
    if not (seg.source and seg.source.strip() and seg.target):
        return
    m = _LAST_WORD.search(seg.target)
    if m and m.group(1).lower() in DANGLING:
        yield Issue(
            "truncated",
            "major",
            f"the target ends on {m.group(1)!r}: the rest of the sentence is missing",
            span=m.span(1),
        )
