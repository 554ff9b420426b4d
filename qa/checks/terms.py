"""Source words whose dictionary glosses are all absent from the target (minor: paraphrase is
common; these say where to look, the dict_coverage signal carries the weight in risk)."""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.model import Segment
from qa.signals.dictionary import missing_terms

CHECK = "dict_terms"


@register(CHECK, "minor", "Source term with no dictionary gloss in the target")
def dict_terms(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not (seg.source and seg.target and seg.target.strip()):
        return
    _, missing = missing_terms(seg.source, seg.target)
    for t in missing:
        shown = ", ".join(t.glosses[:3])
        yield Finding(
            f"possibly untranslated or mistranslated term: {t.word} ({shown})",
            span=(t.start, t.end),
            side="source",
            data={"term": t.word},
        )
