"""The records every stage shares: a Segment in, a Result out.

Readers yield Segments; the pipeline attaches scores, issues and risk; every report format
renders the same Result. Field names here are the stable JSON schema other tools read. The
per-segment records have slots: a big run holds a million of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "major", "minor"]
SEVERITIES: tuple[Severity, ...] = ("critical", "major", "minor")


@dataclass(slots=True)
class Segment:
    """One unit to check. Either side may be None (omission: no target; addition: no source)."""

    id: str
    source: str | None
    target: str | None
    reference: str | None = None
    retranslation: str | None = None
    # Character offsets [start, end) in the original files, when read from documents.
    source_span: tuple[int, int] | None = None
    target_span: tuple[int, int] | None = None
    # How the segment was aligned, e.g. "1-1", "2-1", "1-0" (omission), "0-1" (addition).
    link: str | None = None
    # The same spans as 1-based line ranges [first, last] of the files (documents only).
    source_lines: tuple[int, int] | None = None
    target_lines: tuple[int, int] | None = None

    @property
    def has_both_sides(self) -> bool:
        """Source and target both hold text (not None, not only whitespace)."""
        return bool(self.source and self.source.strip() and self.target and self.target.strip())


@dataclass(slots=True)
class Issue:
    """A finding of one check. `span` is a [start, end) character range in `side`'s text."""

    check: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None
    side: Literal["source", "target"] = "target"
    # Structured detail for programs (e.g. {"term": ...} of dict_terms): never parse messages.
    # Findings of one run with equal data share one dict: read it, don't change it.
    data: dict[str, Any] | None = None
    mqm: str | None = None  # MQM category, e.g. "accuracy/omission" (qa/checks/typology.py)
    # Stable id of this finding on this segment (qa/fingerprint.py): what an ignore file lists.
    fingerprint: str | None = None
    ignored: bool = False  # listed in an ignore file: shown, but flags nothing

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
        }
        if self.span is not None:
            d["span"] = list(self.span)
            d["side"] = self.side
        if self.data is not None:
            d["data"] = self.data
        if self.mqm is not None:
            d["mqm"] = self.mqm
        if self.fingerprint is not None:
            d["fingerprint"] = self.fingerprint
        if self.ignored:
            d["ignored"] = True
        return d


@dataclass(slots=True)
class SegmentResult:
    segment: Segment
    scores: dict[str, float | None] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    risk: float = 0.0
    flagged: bool = False
    # Why a flagged segment was flagged: its critical/major findings ("check: message"), then
    # `evidence`, the risk model's strongest pushes in words. Empty, they are the one empty
    # tuple rather than two fresh lists a segment (a million segments: ~140 MB).
    reasons: Sequence[str] = ()
    evidence: Sequence[str] = ()
    # sacrebleu's sufficient statistics behind `scores` (qa.metrics.segment_stats), from which
    # the corpus scores are summed (None: not computed); not part of the JSON.
    metric_stats: dict[str, Any] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        s = self.segment
        d: dict[str, Any] = {
            "id": s.id,
            "source": s.source,
            "target": s.target,
            "retranslation": s.retranslation,
            "scores": {k: _round(v) for k, v in self.scores.items()},
            "risk": round(self.risk, 4),
            "flagged": self.flagged,
            "issues": [i.to_dict() for i in self.issues],
            "reasons": list(self.reasons),
        }
        if s.reference is not None:
            d["reference"] = s.reference
        if s.link is not None:
            d["link"] = s.link
        if s.source_span is not None or s.target_span is not None:
            d["source_span"] = list(s.source_span) if s.source_span else None
            d["target_span"] = list(s.target_span) if s.target_span else None
        if s.source_lines is not None or s.target_lines is not None:
            d["source_lines"] = list(s.source_lines) if s.source_lines else None
            d["target_lines"] = list(s.target_lines) if s.target_lines else None
        return d


@dataclass(frozen=True)
class Flagging:
    """How segments were flagged: the risk model used and the cut on its risk."""

    risk_model: str | None
    risk_features: list[str]
    threshold: float
    preset: str | None  # None when --threshold overrode the preset


@dataclass
class Summary:
    """Run-level facts. `to_dict` is the stable JSON form: the reader's facts first (input kind,
    level, encodings, unit counts), then these fields, with `flagging` spread in."""

    input: dict[str, Any]
    mt: str
    segments: int
    flagged: int
    flagging: Flagging
    issues_by_check: dict[str, int]
    issues_by_severity: dict[str, int]
    corpus_scores: dict[str, float]
    ignored: int = 0  # findings an ignore file listed (not in the counts above)
    # "default" (e5 + the English LM), "fast" (e5 only), or "fast (LM unavailable: …)".
    path: str = "fast"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.input,
            "mt": self.mt,
            "path": self.path,
            "segments": self.segments,
            "flagged": self.flagged,
            **asdict(self.flagging),
            "issues_by_check": self.issues_by_check,
            "issues_by_severity": self.issues_by_severity,
            "corpus_scores": self.corpus_scores,
            "ignored": self.ignored,
        }


@dataclass
class Result:
    """Everything one `check` run produced; every output format renders this object. Past
    50,000 segments `segments` is a read-only sequence on disk, read a chunk at a time
    (qa/spill.py): iterate it; its items are copies."""

    segments: Sequence[SegmentResult]
    summary: Summary
    signatures: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "segments": [r.to_dict() for r in self.segments],
            "summary": self.summary.to_dict(),
            "signatures": self.signatures,
        }

    def to_pandas(self):  # noqa: ANN201 - a pandas.DataFrame
        """One row per segment: the segment's fields, every score as a column, `issues` as a
        list of issue dicts (check, severity, message, span, fingerprint, mqm)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install 'mtqa[notebook]'") from None
        rows = []
        for r in self.segments:
            row = {k: v for k, v in r.to_dict().items() if k not in ("scores", "issues")}
            row.update(r.scores)
            row["issues"] = [i.to_dict() for i in r.issues]
            rows.append(row)
        return pd.DataFrame(rows).set_index("id")


def _round(v: float | None) -> float | None:
    return None if v is None else round(float(v), 4)
