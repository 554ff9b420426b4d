"""Words the English LM finds far less likely after the source than it expected there: the
least likely 1–3 words of the target (qa/signals/lm.py, `lm_peak`), as a finding that points at
them. A single wrong word — an antonym, a dropped verb or subject, a swapped name, a changed
tense — leaves the rest of the sentence ordinary, so the mean log-probability hardly moves,
while the surprisal at the damaged words stands out.

The cuts are fitted on the dev half of the WMT22 human references (`python -m bench.lm_span`,
stored with the risk model's calibration): `major` fires on about 3% of good translations,
`minor` (shown, not flagging) on about 10%. Runs only on the default path (the LM ran).
"""

from __future__ import annotations

from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.data import calibration
from qa.model import Segment
from qa.signals.fluency import known_english
from qa.signals.lm_model import Span, TokenLogProbs, least_likely_spans


@register(
    "lm_span",
    "minor",
    "Words the English LM finds very unlikely after the source",
    also=("major",),
    reads_signals=("lm_peak",),  # the LM's analysis of the segment, made by that signal
)
def lm_span(seg: Segment, ctx: Context) -> Iterator[Finding]:
    ready = lm_analysis(seg, ctx, "lm_span")
    if ready is None:
        return
    analysis, cuts = ready
    span = least_likely(analysis)
    if span is None or span.score < cuts["minor"]:
        return
    words = analysis.target[span.start : span.end]
    # The analysis is of the stripped target: shift its offsets into the segment's text.
    shift = len(seg.target or "") - len((seg.target or "").lstrip())
    yield Finding(
        f"unexpected here: {words!r} (the LM finds it {span.score:.1f} nats less likely "
        "than usual after this source)",
        span=(span.start + shift, span.end + shift),
        severity="major" if span.score >= cuts["major"] else "minor",
        data={"surprisal": round(span.score, 3)},
    )


def lm_analysis(
    seg: Segment, ctx: Context, check: str
) -> tuple[TokenLogProbs, dict[str, float]] | None:
    """The LM's analysis of `seg` (made by the `lm_peak` signal in this run) and `check`'s
    cuts; None where the LM did not run (the fast path) or the cuts are not fitted."""
    if "lm_peak" not in ctx.signals or ctx.models is None or not seg.has_both_sides:
        return None
    cuts = calibration().get(check)
    analysis = ctx.models.lm.cached(seg)
    return (analysis, cuts) if cuts and analysis is not None else None


def least_likely(analysis: TokenLogProbs) -> Span | None:
    """The least likely 1–3 words among those English knows. A name or a romanised word
    (Tonegawa, Gonnegi, yokan) surprises the LM in a correct translation as much as in a wrong
    one, so it is never part of the span: such words were in 17 of the 44 dev references'
    spans above the old major cut (which by then fired on 4.4% of them, not 3%)."""
    spans = least_likely_spans(analysis, top=1, judged=known_english)
    return spans[0] if spans else None
