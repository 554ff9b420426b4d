"""Capitalisation: the translation of a whole sentence starts with a capital letter.

A lower-case start ("the size of one rash is growing") is what a lower-cased sentence or a
lost first capital looks like; it is only reported when both sides are whole sentences (the
source and the target end like one), so UI strings ("open file") and fragments that
continue the line before pass. A first word with a capital or digit inside it is a name
(iOS, xVASynth, eBay) and passes too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.checks.punctuation import final_mark
from qa.model import Segment

# The first word after opening quotes and brackets.
_FIRST_WORD = re.compile(r"^[\s\"'“‘(\[「『]*([A-Za-z][\w'’-]*)")


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
