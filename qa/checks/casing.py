"""Capitalisation: the translation of a whole sentence starts with a capital letter, names keep
theirs, and so does the pronoun I.

A lower-case start ("the size of one rash is growing") is what a lower-cased sentence or a
lost first capital looks like; it is only reported when both sides are whole sentences (the
source and the target end like one), so UI strings ("open file") and fragments that
continue the line before pass. A first word with a capital or digit inside it is a name
(iOS, xVASynth, eBay) and passes too.

A name in lower case ("the tornado hit kentucky", "a swedish student") is what a lower-cased
sentence leaves in the middle of a line, where the first letter may be fine. The names are those
WordNet writes only with a capital and whose lower case is no English word
(`qa/data/wordnet_names.txt`, built by `bench/wordnet_antonyms.py`: Kentucky, Sunday, Swedish,
not China/china or Mars/mars). A word joined to @, #, /, a dot or a hyphen (a handle, a tag, a
file or web address) passes, as does one the source itself writes so in Latin letters.

The pronoun in lower case ("i think", "i'm", "so i was") is no reference's on WMT22 and 137
of 28,112 system outputs' (Online-G's chat-style output 61 times).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from qa import data
from qa.checks.base import Context, Finding, register
from qa.checks.punctuation import final_mark
from qa.model import Segment

# The first word after opening quotes and brackets.
_FIRST_WORD = re.compile(r"^[\s\"'“‘(\[「『]*([A-Za-z][\w'’-]*)")
# A lower-case word standing alone: not part of a handle, tag, path, address or file name.
_LOWER_WORD = re.compile(r"(?<![\w@#/.\-])[a-z]+(?![\w@/\-]|\.\w)")
# "i" as the pronoun: before 'm/'ve/'ll/'d or a lower-case word; not "i.e.", "(i)", "i-th".
_LOWER_I = re.compile(r"(?<![\w.'’@#/(\-])i(?=['’](?:m|ve|ll|d)\b|\s+[a-z])")
# A Latin "i" of its own in the source (a list item, a variable) excuses one in the target.
_SOURCE_I = re.compile(r"(?<![A-Za-z])i(?![A-Za-z])")


@register("lowercase_start", "major", "A whole sentence's translation starts in lower case")
def lowercase_start(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    m = _FIRST_WORD.match(seg.target)
    if m is None or not m.group(1)[0].islower():
        return
    word = m.group(1)
    if any(ch.isupper() or ch.isdigit() for ch in word[1:]):
        return
    if final_mark(seg.source)[0] is None or final_mark(seg.target)[0] is None:
        return
    yield Finding(
        f'the target starts with "{word}" in lower case, the source is a whole sentence',
        span=m.span(1),
    )


@register("lowercase_name", "major", "A name is written in lower case")
def lowercase_name(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    for m in _LOWER_WORD.finditer(seg.target):
        name = _names().get(m.group())
        if name and m.group() not in seg.source:  # as the source writes it: "redditで"
            yield Finding(f'"{m.group()}" is a name, written "{name}"', span=m.span())


@cache
def _names() -> dict[str, str]:
    """Lower case → the name as WordNet writes it."""
    return {n.lower(): n for n in data.text("wordnet_names.txt").split()}


@register("lowercase_i", "major", "The pronoun I is written in lower case")
def lowercase_i(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target or _SOURCE_I.search(seg.source):
        return
    for m in _LOWER_I.finditer(seg.target):
        yield Finding('the pronoun "I" in lower case', span=m.span())
