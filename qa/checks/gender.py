"""Gender: the target names the other gender than the source ("彼女は" → "he said", 母 →
"father", 女性 → "a man").

Japanese marks gender with few words, and often none (pronouns are dropped). So this fires
only where the source names one side of a pair (`qa/langdata.py`: 彼女/彼, 母/父, 娘/息子,
女性/男性, …) and not the other, and the target has none of that side's English words but
some of the other side's: a swap, not a paraphrase or a name used instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.langdata import GENDER_PAIRS
from qa.lexicon import morphs
from qa.model import Segment

_WORD = re.compile(r"[A-Za-z]+")


@register("gender", "major", "The target names the other gender than the source (she → he)")
def gender(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.has_both_sides:
        return
    tokens = morphs(seg.source)
    # 彼ら is "they", not "he"
    surfaces = {
        m.surface
        for i, m in enumerate(tokens)
        if not (m.surface == "彼" and tokens[i + 1 : i + 2] and tokens[i + 1].surface == "ら")
    }
    words = [(m.group().lower(), m.span()) for m in _WORD.finditer(seg.target)]
    said = {w for w, _ in words}
    named = [(ja, en, other) for ja, en, other in GENDER_PAIRS if ja & surfaces]
    source_en = set().union(*(en for _, en, _ in named))
    for ja, en, other in named:
        if said & en or not said & other or other & source_en:
            continue
        word, span = next((w, sp) for w, sp in words if w in other)
        cue = next(m.surface for m in tokens if m.surface in ja)
        yield Finding(f"source has {cue} but the target has '{word}'", span=span)
