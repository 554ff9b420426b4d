"""Glossary: where a source term of the user's glossary (`--glossary terms.tsv`) occurs, its
required English term must occur in the target."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment


def _has_term(target: str, term: str) -> bool:
    """Case-insensitive, on a word start, with inflection allowed after it (server -> servers)."""
    lead = r"\b" if term[:1].isalnum() else ""
    return re.search(lead + re.escape(term), target, re.IGNORECASE) is not None


@register("glossary", "major", "A glossary term in the source is not translated as required")
def glossary(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not ctx.glossary or not seg.source or seg.target is None or not seg.target.strip():
        return
    for src_term, tgt_term in ctx.glossary.items():
        at = seg.source.find(src_term)
        if at < 0 or _has_term(seg.target, tgt_term):
            continue
        yield Finding(
            f"glossary: {src_term} must be translated as {tgt_term!r}, which the target lacks",
            span=(at, at + len(src_term)),
            side="source",
        )
