"""Prices: whether a price includes tax, turned around (税込 "tax included" as "excluding tax",
税抜/税別 "before tax" as "including tax"). The amount a buyer pays changes by the tax, so it
is an error of meaning, common where shop and campaign texts are translated (20 of the 2,008
WMT22 sources state a tax status).

As `relative_date` does, it reports only a contradiction: the translation says the other
status and never the source's. A status left out is often fair (a headline price), and a
source with both (税抜1980円（税込2178円）) constrains nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment

_TAX = r"(?:(?:sales|consumption) )?tax(?:es)?"
# (status, the source's words, the English that says it). "not including tax" excludes it.
STATUSES = (
    (
        "included",
        ("税込", "内税"),
        re.compile(
            rf"(?<!not )\b(?:incl(?:uding|usive of|\.|uded)? {_TAX}"
            rf"|{_TAX}[- ]incl(?:uded|usive|\.)?|tax[- ]inclusive|with {_TAX}|after {_TAX}"
            rf"|tax[- ]in)\b",
            re.I,
        ),
    ),
    (
        "excluded",
        ("税抜", "税別", "外税"),
        re.compile(
            rf"\b(?:excl(?:uding|usive of|\.|uded)? {_TAX}"
            rf"|{_TAX}[- ](?:excl(?:uded|usive|\.)?|extra)|tax[- ]exclusive"
            rf"|(?:before|without|plus|pre-?) ?{_TAX}|not including {_TAX}"
            rf"|{_TAX} (?:is |are )?not included)\b",
            re.I,
        ),
    ),
)


@register("tax_status", "major", "A price's tax status is turned around (tax included → excluded)")
def tax_status(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    named = [i for i, (_, words, _) in enumerate(STATUSES) if any(w in seg.source for w in words)]
    if len(named) != 1:  # no status, or both (a price before tax and after)
        return
    said = [pattern.search(seg.target) for _, _, pattern in STATUSES]
    (mine,) = named
    if said[mine] is not None:
        return
    status, words, _ = STATUSES[mine]
    source = next(w for w in words if w in seg.source)
    for other in said:
        if other is not None:
            yield Finding(
                f"the source says {source} (tax {status}), the translation {other.group()!r}",
                span=other.span(),
            )
