"""Punctuation: the sentence ends the way the source does (a question stays a question), and
Japanese punctuation (。、「」) is not left behind in the English."""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.lang import japanese_runs
from qa.langdata import FINAL_PUNCT, JA_PUNCTUATION
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


# Major: a question answered as a statement changes what is said (on WMT22 human references
# it fires on 0.25%, rhetorical questions rendered as statements).
@register("punctuation_final", "major", "A question in the source ends as a statement")
def punctuation_final(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target or not seg.target.strip():
        return
    src, _ = final_mark(seg.source)
    tgt, at = final_mark(seg.target)
    # Only a lost question is reported: "。" vs "!" or a missing stop is style, not meaning.
    if src == "question" and tgt != "question":
        span = (at, at + 1) if at >= 0 else None
        yield Finding("the source ends with a question mark but the target does not", span=span)


@register("punctuation_japanese", "minor", "Japanese punctuation left in the English target")
def punctuation_japanese(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.target:
        return
    # Inside an untranslated Japanese passage the punctuation is the untranslated check's.
    inside = [range(a, b) for a, b in japanese_runs(seg.target)]
    for i, ch in enumerate(seg.target):
        if ch in JA_PUNCTUATION and not any(i in r for r in inside):
            yield Finding(f"Japanese punctuation {ch!r} in the target", span=(i, i + 1))
