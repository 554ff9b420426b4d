"""Placeholders, addresses and tags that a translation must copy as they are: web addresses
(https://…, www.…), e-mail addresses, @handles, Latin #hashtags, and the variables of software
strings and anonymised text ({0}, {{name}}, ${name}, %s, %1$d, #Product1#).

Checked the way CAT tools' QA checks them (Xbench, Okapi CheckMate): each must stand in the
target verbatim, as often as in the source. One whose letters and digits survive in another
form ("# Product1 #", "Product1") is minor: the content is there, the markup is broken; one
that is gone is major. On WMT22 the references copy all 180 such items (#Product1#, #URL#, a
web address) verbatim; of the 14 systems' outputs, 824 alter one (four systems space every
"# Product1 #") and 203 lose one (180 of them AIST's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment

# ASCII only: a Japanese word glued to an address ("詳細はhttps://…をご覧") is not part of it.
_URL_CHAR = r"[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]"
PLACEHOLDER = re.compile(
    rf"(?P<address>(?:https?://|www\.){_URL_CHAR}*[A-Za-z0-9/\-_~#=&%])"
    r"|(?P<email>(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    r"|(?P<variable>#[A-Za-z][A-Za-z0-9_]*#|%(?:\d+\$)?[sdif]|\{\{?[A-Za-z0-9_]*\}?\}"
    r"|\$\{[A-Za-z0-9_]+\})"
    r"|(?P<handle>(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{2,})"
    r"|(?P<hashtag>(?<![A-Za-z0-9_#&])#[A-Za-z][A-Za-z0-9_]+(?![#A-Za-z0-9_]))"
)
_WHAT = {"address": "web address", "email": "e-mail address", "variable": "placeholder",
         "handle": "handle", "hashtag": "hashtag"}  # fmt: skip


def placeholders(text: str) -> list[re.Match[str]]:
    return list(PLACEHOLDER.finditer(text))


def _core(text: str) -> str:
    """Letters and digits, lower-cased: what survives a re-spaced or re-marked placeholder."""
    return re.sub(r"[\W_]", "", text).lower()


@register("placeholder", "major", "A placeholder, address or tag is not copied as it is",
          also=("minor",))  # fmt: skip
def placeholder(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target:
        return
    seen: dict[str, int] = {}
    for m in placeholders(seg.source):
        item = m.group()
        seen[item] = seen.get(item, 0) + 1
        if seg.target.count(item) >= seen[item]:
            continue
        what = _WHAT[m.lastgroup or "variable"]
        core = _core(item)  # too short a core ("0" of {0}, "s" of %s) would be found anywhere
        if len(core) >= 3 and core in _core(seg.target):
            yield Finding(f"{what} {item} is altered in the translation (copy it as it is)",
                          span=m.span(), side="source", severity="minor")  # fmt: skip
        else:
            yield Finding(f"{what} {item} is not in the translation", span=m.span(), side="source")
