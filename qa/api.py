"""The library entry point: `check(segments, ...) -> Result`. The CLI is a thin layer on it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from qa import metrics, risk
from qa.checks.base import Context, run_checks
from qa.model import Result, Segment, SegmentResult
from qa.signals.base import run_signals
from qa.translate.base import Translator


def _load_plugins() -> None:
    """Import the modules that register checks and signals (kept out of `import qa`)."""
    import qa.checks.all  # noqa: F401
    import qa.signals.all  # noqa: F401


def retranslate(segments: list[Segment], translator: Translator | None) -> None:
    """Fill `retranslation` for segments that have a source and none yet."""
    if translator is None:
        return
    todo = [s for s in segments if s.retranslation is None and s.source and s.source.strip()]
    texts = [s.source or "" for s in todo]  # non-empty: filtered above
    for seg, text in zip(todo, translator.translate(texts), strict=True):
        seg.retranslation = text


def evaluate(
    segments: list[Segment],
    *,
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    glossary: dict[str, str] | None = None,
    unit: str = "segment",
) -> list[SegmentResult]:
    """Scores (sacrebleu metrics + signals) and rule findings for every segment."""
    _load_plugins()
    disabled = set(disable)
    results = [SegmentResult(segment=s) for s in segments]
    for r, row in zip(results, metrics.segment_scores(segments), strict=True):
        r.scores.update(row)
    for name, values in run_signals(segments, disabled, enable).items():
        for r, v in zip(results, values, strict=True):
            r.scores[name] = v
    ctx = Context(glossary=glossary or {}, segments=segments, unit=unit)
    for r in results:
        r.issues = run_checks(r.segment, ctx, disabled)
    return results


def check(
    segments: list[Segment],
    *,
    translator: Translator | None = None,
    preset: str = "standard",
    threshold: float | None = None,
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    glossary: dict[str, str] | None = None,
    meta: dict[str, Any] | None = None,
) -> Result:
    """Retranslate (when a translator is given), score, check and flag every segment."""
    retranslate(segments, translator)
    unit = (meta or {}).get("level", "segment")
    results = evaluate(segments, disable=disable, enable=enable, glossary=glossary, unit=unit)
    flagging = risk.assess(results, preset=preset, threshold=threshold)
    corpus, sigs = metrics.corpus_scores(segments)
    if corpus:
        sigs.update(metrics.sentence_signatures())
    summary = {
        **(meta or {}),
        "mt": _mt_summary(segments, translator),
        "segments": len(results),
        "flagged": sum(r.flagged for r in results),
        **flagging,
        "issues_by_check": dict(Counter(i.check for r in results for i in r.issues)),
        "issues_by_severity": dict(Counter(i.severity for r in results for i in r.issues)),
        "corpus_scores": corpus,
    }
    return Result(segments=results, summary=summary, signatures=sigs)


def _mt_summary(segments: list[Segment], translator: Translator | None) -> str:
    if translator is not None:
        return translator.name
    if any(s.retranslation is not None for s in segments):
        return "precomputed"
    return "none: no retranslation, so no chrF/BLEU/TER against MT; risk from offline signals"
