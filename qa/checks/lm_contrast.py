"""A word whose opposite the English LM, reading the source, finds far likelier: "short" where
it expects "long", "unavailable" where it expects "available", a "not" where it expects the
sentence to go on without one. The opposites are asked for in the LM's one pass
(qa/signals/opposites.py), those that are one token, against the first token of the word the
target has there; the finding says how many nats likelier the opposite was.

An antonym or a flipped negation leaves fluent English, which the surprisal of `lm_span`
often misses (a plausible word is not a surprising one); asking about the opposite directly
is sharper. The cut is fitted on the dev half of the WMT22 human references
(`python -m bench.lm_span`, stored with the risk model's calibration) to fire on about 0.5% of
them. Runs only on the default path (the LM ran).
"""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.checks.lm_span import lm_analysis
from qa.model import Segment
from qa.signals.dictionary import source_keys, target_keys
from qa.signals.lm_model import TokenLogProbs
from qa.signals.opposites import Alternative, alternatives


@register(
    "lm_contrast",
    "major",
    "The English LM finds the opposite of a word (or no negation) far likelier",
    reads_signals=("lm_peak",),  # the LM's analysis of the segment, made by that signal
)
def lm_contrast(seg: Segment, ctx: Context) -> Iterator[Finding]:
    ready = lm_analysis(seg, ctx, "lm_contrast")
    if ready is None:
        return
    analysis, cut = ready
    best = strongest(analysis, seg.source or "")
    if best is None or best[1] < cut["major"]:
        return
    alt, gain = best
    word = analysis.target[alt.start : alt.end]
    shift = len(seg.target or "") - len((seg.target or "").lstrip())  # offsets: stripped text
    if alt.kind == "negation":
        what = f"{word!r} here: the LM, reading the source, finds {alt.text!r} in its place"
    else:
        what = f"{word!r} here: the LM, reading the source, finds its opposite {alt.text!r}"
    yield Finding(
        f"{what} {gain:.1f} nats likelier",
        span=(alt.start + shift, alt.end + shift),
        data={"word": word, "alternative": alt.text, "gain": round(gain, 3)},
    )


def strongest(analysis: TokenLogProbs, source: str = "") -> tuple[Alternative, float] | None:
    """The alternative the LM prefers most over the target's own word, with how much (nats).
    A word the source's own dictionary glosses attest is not contradicted by its opposite:
    高い glosses "expensive", so the LM preferring "low" to a correct "expensive" (it also
    glosses "high") says nothing."""
    attested = source_keys(source) if source else frozenset()
    target = analysis.target
    scored = [
        (a, g)
        for a, g in zip(alternatives(target), analysis.contrasts, strict=False)
        if g is not None and not (a.kind == "opposite" and _in(target[a.start : a.end], attested))
    ]
    return max(scored, key=lambda x: x[1], default=None)


def _in(word: str, keys: frozenset[str]) -> bool:
    mine = target_keys(word.lower())
    return bool(mine) and mine <= keys
