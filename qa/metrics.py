"""Per-segment and corpus sacrebleu scores of the target against the retranslation
(and against a human reference when one is given), with sacrebleu signatures.

Missing text is not scored: a segment without a target or retranslation gets None for
these metrics, and the checks report the missing side as a finding instead of a zero
that would read like a bad translation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from itertools import islice

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


def segment_stats(segments: list[Segment]) -> list[dict[str, list[float] | None]]:
    """Each segment's sacrebleu sufficient statistics per score ("chrf", …, "ter_ref"), None
    where the target or that reference is missing: sentence and corpus scores are both
    computed from these (a cached run keeps them instead of recomputing TER's edit distances)."""
    metrics = {name: make() for name, make in METRICS.items()}
    out: list[dict[str, list[float] | None]] = []
    for seg in segments:
        row: dict[str, list[float] | None] = {}
        for suffix, pick in REFERENCES.items():
            ref = pick(seg)
            if ref is None:
                continue
            ok = _usable(seg.target) and _usable(ref)
            for name, metric in metrics.items():
                row[name + suffix] = (
                    list(metric._extract_corpus_statistics([seg.target or ""], [[ref]])[0])
                    if ok
                    else None
                )
        out.append(row)
    return out


def sentence_scores(stats: dict[str, list[float] | None]) -> dict[str, float | None]:
    """One segment's scores from its statistics: what `sentence_score` computes."""
    metrics = _sentence_metrics()
    return {
        key: None if st is None else float(metrics[_name(key)]._aggregate_and_compute([st]).score)
        for key, st in stats.items()
    }


def segment_scores(segments: list[Segment]) -> list[dict[str, float | None]]:
    """chrf, bleu, ter (vs retranslation) and chrf_ref, bleu_ref, ter_ref (vs reference)."""
    return [sentence_scores(row) for row in segment_stats(segments)]


class CorpusStats:
    """Corpus-level scores from the segments' statistics (`segment_stats`), summed one
    segment at a time as sacrebleu's corpus scoring sums them (a big run's statistics never
    exist at once). A segment without statistics (None) makes the sum `incomplete`."""

    def __init__(self) -> None:
        self.sums: dict[str, list[float]] = {}
        self.incomplete = False

    def add(self, stats: dict[str, list[float] | None] | None) -> None:
        if stats is None:
            self.incomplete = True
            return
        for key, row in stats.items():
            if row is None:
                continue
            total = self.sums.get(key)
            if total is None:
                self.sums[key] = list(row)
            else:
                self.sums[key] = [a + b for a, b in zip(total, row, strict=True)]

    def scores(self) -> tuple[dict[str, float], dict[str, str]]:
        """Corpus scores over the segments where both sides exist, and their signatures."""
        scores: dict[str, float] = {}
        signatures: dict[str, str] = {}
        for suffix in REFERENCES:
            for name, make in METRICS.items():
                total = self.sums.get(name + suffix)
                if total is None:
                    continue
                metric = BLEU() if name == "bleu" else make()  # corpus BLEU: no effective order
                metric.num_refs = 1  # what corpus_score records for one reference per segment
                scores[name + suffix] = round(metric._aggregate_and_compute([total]).score, 4)
                signatures[f"corpus_{name}{suffix}"] = str(metric.get_signature())
        return scores, signatures


def corpus_scores(segments: Iterable[Segment]) -> tuple[dict[str, float], dict[str, str]]:
    """Corpus-level scores of `segments` and their signatures, their statistics computed (a
    thousand segments at a time: `segments` may be a big run's, read back from disk)."""
    corpus = CorpusStats()
    it = iter(segments)
    while part := list(islice(it, 1000)):
        for row in segment_stats(part):
            corpus.add(row)
    return corpus.scores()


@cache
def _sentence_metrics() -> dict[str, Metric]:
    return {name: make() for name, make in METRICS.items()}


def _name(key: str) -> str:
    return key.removesuffix("_ref")


def sentence_signatures() -> dict[str, str]:
    """Signatures of the sentence-level metrics (one reference: the retranslation)."""
    out = {}
    for name, make in METRICS.items():
        metric = make()
        metric.sentence_score("x", ["x"])  # sacrebleu fixes nrefs on first use
        out[f"sentence_{name}"] = str(metric.get_signature())
    return out
