"""Punctuation: the sentence ends the way the source does (a question stays a question),
Japanese punctuation (。、「」) is not left behind in the English, and no two spaces stand
between words (Xbench's "double blank").

A Japanese question need not end in a question mark: "…気にしますか" and "…ありませんか。"
ask with the particle か. Those count as questions too, but not のか (often "ah, so …") nor
the rhetorical "ではないでしょうか" ("surely …"); on WMT22 the references render 17 of the 18
such sources as questions (the 18th, "でしょうか。" → "I guess.", is the one false finding).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.lang import japanese_runs
from qa.langdata import (
    EN_WONDERING,
    FINAL_PUNCT,
    JA_PUNCTUATION,
    JA_QUESTION_ENDINGS,
    JA_RHETORICAL_BEFORE,
)
from qa.model import Segment

# Closing marks that may follow the final punctuation: 。」 / ?" / !)
_TRAILING = "」』）)]\"'”’ \t"


def final_mark(text: str) -> tuple[str | None, int]:
    """What the text ends with ("stop"/"question"/"exclaim" or None) and that mark's offset.

    A final cluster with a question mark anywhere in it ("?!", "！？") is a question."""
    stripped = text.rstrip(_TRAILING)
    end = len(stripped)
    start = end
    while (
        start > 0
        and stripped[start - 1] in FINAL_PUNCT
        or (start > 0 and stripped[start - 1] == " " and start < end)
    ):
        start -= 1
    marks = [FINAL_PUNCT.get(ch) for ch in stripped[start:end] if ch != " "]
    if not marks:
        return None, end - 1
    return ("question" if "question" in marks else marks[-1]), end - 1


def asks_with_ka(source: str) -> bool:
    """The source ends in a question asked with か and no question mark (…ますか。)."""
    text = source.rstrip(_TRAILING + "。．")
    ending = next((e for e in JA_QUESTION_ENDINGS if text.endswith(e)), None)
    return ending is not None and not text[: -len(ending)].endswith(JA_RHETORICAL_BEFORE)


# Major: a question answered as a statement changes what is said (on WMT22 human references
# it fires on 0.25%, rhetorical questions rendered as statements).
@register("punctuation_final", "major", "A question in the source ends as a statement")
def punctuation_final(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target or not seg.target.strip():
        return
    src, _ = final_mark(seg.source)
    tgt, at = final_mark(seg.target)
    span = (at, at + 1) if at >= 0 else None
    # Only a lost question is reported: "。" vs "!" or a missing stop is style, not meaning.
    if tgt == "question":
        return
    if src == "question":
        yield Finding("the source ends with a question mark but the target does not", span=span)
    elif asks_with_ka(seg.source) and not any(w in seg.target.lower() for w in EN_WONDERING):
        yield Finding("the source ends in a question (…か) but the target does not", span=span)


@register("punctuation_japanese", "minor", "Japanese punctuation left in the English target")
def punctuation_japanese(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.target:
        return
    # Inside an untranslated Japanese passage the punctuation is the untranslated check's.
    inside = [range(a, b) for a, b in japanese_runs(seg.target)]
    for i, ch in enumerate(seg.target):
        if ch in JA_PUNCTUATION and not any(i in r for r in inside):
            yield Finding(f"Japanese punctuation {ch!r} in the target", span=(i, i + 1))


# Two or more spaces (or no-break spaces) between two non-space characters.
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")


@register("double_space", "minor", "Two or more spaces between words in the target")
def double_space(seg: Segment, ctx: Context) -> Iterator[Finding]:
    """A typing slip a reviewer fixes in passing: shown, not counted in risk (formatting, not
    meaning). Not where the source spaces its own text so (columns, a layout it keeps)."""
    if not seg.target or (seg.source and _DOUBLE_SPACE.search(seg.source)):
        return
    for m in _DOUBLE_SPACE.finditer(seg.target):
        yield Finding("two or more spaces between words", span=m.span())
