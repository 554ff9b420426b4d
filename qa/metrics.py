"""Per-segment and corpus sacrebleu scores of the target against the retranslation
(and against a human reference when one is given), with sacrebleu signatures.

Missing text is not scored: a segment without a target or retranslation gets None for
these metrics, and the checks report the missing side as a finding instead of a zero
that would read like a bad translation.
"""

from __future__ import annotations

from collections.abc import Callable

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

from qa.model import Segment

# name -> factory; BLEU uses effective order so short segments get a meaningful score.
METRICS: dict[str, Callable[[], Metric]] = {
    "chrf": CHRF,
    "bleu": lambda: BLEU(effective_order=True),
    "ter": TER,
}
# For BLEU/chrF higher is better; TER is an edit rate, lower is better.
HIGHER_IS_BETTER = {"chrf": True, "bleu": True, "ter": False}

# Which pseudo-reference each score suffix compares against.
REFERENCES: dict[str, Callable[[Segment], str | None]] = {
    "": lambda s: s.retranslation,
    "_ref": lambda s: s.reference,
}


def _usable(text: str | None) -> bool:
    return text is not None and text.strip() != ""


def segment_scores(segments: list[Segment]) -> list[dict[str, float | None]]:
    """chrf, bleu, ter (vs retranslation) and chrf_ref, bleu_ref, ter_ref (vs reference)."""
    metrics = {name: make() for name, make in METRICS.items()}
    out: list[dict[str, float | None]] = []
    for seg in segments:
        row: dict[str, float | None] = {}
        for suffix, pick in REFERENCES.items():
            ref = pick(seg)
            if ref is None:
                continue
            ok = _usable(seg.target) and _usable(ref)
            for name, metric in metrics.items():
                row[name + suffix] = (
                    metric.sentence_score(seg.target or "", [ref]).score if ok else None
                )
        out.append(row)
    return out


def corpus_scores(segments: list[Segment]) -> tuple[dict[str, float], dict[str, str]]:
    """Corpus-level scores over the segments where both sides exist, and their signatures."""
    scores: dict[str, float] = {}
    signatures: dict[str, str] = {}
    for suffix, pick in REFERENCES.items():
        pairs = [
            (s.target or "", pick(s) or "")
            for s in segments
            if _usable(s.target) and _usable(pick(s))
        ]
        if not pairs:
            continue
        hyps = [h for h, _ in pairs]
        refs = [[r for _, r in pairs]]
        for name, make in METRICS.items():
            metric = make()
            if name == "bleu":
                metric = BLEU()  # corpus BLEU needs no effective-order smoothing
            scores[name + suffix] = round(metric.corpus_score(hyps, refs).score, 4)
            signatures[f"corpus_{name}{suffix}"] = str(metric.get_signature())
    return scores, signatures


def sentence_signatures() -> dict[str, str]:
    """Signatures of the sentence-level metrics (one reference: the retranslation)."""
    out = {}
    for name, make in METRICS.items():
        metric = make()
        metric.sentence_score("x", ["x"])  # sacrebleu fixes nrefs on first use
        out[f"sentence_{name}"] = str(metric.get_signature())
    return out
