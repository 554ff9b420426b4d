"""A self-contained HTML report: one file, inline CSS and JS, nothing fetched when it is viewed.

`render_html` takes the JSON form of a Result (`Result.to_dict()`), so it renders what the JSON
output holds and nothing else. All text goes through jinja2's autoescaping; highlighted spans are
cut into plain-text pieces here (`split_spans`) and the template escapes each piece, so overlapping
or malformed spans can never produce markup.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import jinja2

SEVERITIES = ("critical", "major", "minor")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
# Scores shown in each segment's details, in this order; others follow alphabetically.
_SCORE_ORDER = (
    "chrf",
    "bleu",
    "ter",
    "e5_sim",
    "e5_retr",
    "e5_match",
    "e5_recall",
    "dict_coverage",
    "lm",
)
_BINS = 10


@dataclass(frozen=True)
class Piece:
    """A run of text covered by the same issues (`keys` index the segment's issue list)."""

    text: str
    keys: tuple[int, ...] = ()
    severity: str = ""


def split_spans(text: str, spans: list[tuple[int, int, int, str]]) -> list[Piece]:
    """Cut `text` at every span boundary; each piece lists the spans (key, severity) covering it.

    `spans` holds (start, end, key, severity) with [start, end) in characters of `text`. Spans are
    clipped to the text; empty ones are dropped. Overlapping spans give pieces with several keys.
    """
    n = len(text)
    valid = []
    for start, end, key, sev in spans:
        s, e = max(0, min(n, int(start))), max(0, min(n, int(end)))
        if s < e:
            valid.append((s, e, key, sev))
    cuts = sorted({0, n, *(s for s, _, _, _ in valid), *(e for _, e, _, _ in valid)})
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [(k, sev) for s, e, k, sev in valid if s <= a and b <= e]
        keys = tuple(k for k, _ in cover)
        worst = min((sev for _, sev in cover), key=_severity_rank, default="")
        pieces.append(Piece(text[a:b], keys, _sev_class(worst) if keys else ""))
    return pieces


def _severity_rank(sev: str) -> int:
    return _RANK.get(sev, len(SEVERITIES))


def _sev_class(sev: str) -> str:
    """A CSS-safe class suffix for a severity (unknown ones share one style)."""
    return sev if sev in _RANK else "other"


def _issue_view(k: int, issue: dict[str, Any]) -> dict[str, Any]:
    span = issue.get("span")
    side = issue.get("side")
    has_span = isinstance(span, list | tuple) and len(span) == 2 and side in ("source", "target")
    return {
        "key": k,
        "check": str(issue.get("check", "")),
        "severity": str(issue.get("severity", "")),
        "sev_class": _sev_class(str(issue.get("severity", ""))),
        "message": str(issue.get("message", "")),
        "mqm": issue.get("mqm"),
        "fingerprint": issue.get("fingerprint"),
        "ignored": bool(issue.get("ignored", False)),
        "span": list(span) if has_span else None,
        "side": side if has_span else None,
    }


def _text_pieces(text: str | None, issues: list[dict[str, Any]], side: str) -> list[Piece] | None:
    if text is None:
        return None
    spans = [
        (i["span"][0], i["span"][1], i["key"], i["severity"])
        for i in issues
        if i["side"] == side and not i["ignored"]
    ]
    return split_spans(text, spans)


def _scores_view(scores: dict[str, Any]) -> list[tuple[str, str]]:
    order = {n: i for i, n in enumerate(_SCORE_ORDER)}
    names = sorted(scores, key=lambda n: (order.get(n, len(order)), n))
    return [(n, _fmt(scores[n])) for n in names]


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return f"{v:.1f}" if abs(v) >= 10 else f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def _segment_view(index: int, seg: dict[str, Any]) -> dict[str, Any]:
    issues = [_issue_view(k, i) for k, i in enumerate(seg.get("issues") or [])]
    active = [i for i in issues if not i["ignored"]]
    risk = seg.get("risk")
    risk_f = float(risk) if isinstance(risk, int | float) else 0.0
    worst = min((i["severity"] for i in active), key=_severity_rank, default="")
    return {
        "index": index,
        "id": str(seg.get("id", index + 1)),
        "source": _text_pieces(seg.get("source"), issues, "source"),
        "target": _text_pieces(seg.get("target"), issues, "target"),
        "retranslation": seg.get("retranslation"),
        "reference": seg.get("reference"),
        "link": seg.get("link"),
        "risk": risk_f,
        "risk_pct": max(0.0, min(100.0, risk_f * 100)),
        "flagged": bool(seg.get("flagged", False)),
        "issues": issues,
        "reasons": [str(r) for r in seg.get("reasons") or []],
        "scores": _scores_view(seg.get("scores") or {}),
        # check:severity pairs of the active issues, what the filters match on.
        "pairs": " ".join(sorted({f"{i['check']}:{i['severity']}" for i in active})),
        "worst": _sev_class(worst) if worst else "",
        "counts": Counter(i["severity"] for i in active),
    }


def _histogram(segments: list[dict[str, Any]], threshold: Any) -> dict[str, Any]:
    """Risk counts in ten bins over [0, 1], flagged and not flagged apart, as SVG geometry."""
    flagged, other = [0] * _BINS, [0] * _BINS
    for s in segments:
        b = min(_BINS - 1, max(0, int(s["risk"] * _BINS)))
        (flagged if s["flagged"] else other)[b] += 1
    top = max([f + o for f, o in zip(flagged, other, strict=True)] + [1])
    width, height, bar = 300, 80, 30
    bars = []
    for b in range(_BINS):
        hf = flagged[b] / top * height
        ho = other[b] / top * height
        bars.append(
            {
                "x": b * bar,
                "hf": round(hf, 2),
                "ho": round(ho, 2),
                "yf": round(height - hf, 2),
                "yo": round(height - hf - ho, 2),
                "label": f"risk {b / _BINS:.1f}–{(b + 1) / _BINS:.1f}: "
                f"{flagged[b] + other[b]} segments ({flagged[b]} flagged)",
            }
        )
    t = float(threshold) if isinstance(threshold, int | float) else None
    risks = sorted(s["risk"] for s in segments)
    mid = len(risks) // 2
    median = None
    if risks:
        median = risks[mid] if len(risks) % 2 else (risks[mid - 1] + risks[mid]) / 2
    return {
        "median": median,
        "above": None if t is None else sum(r >= t for r in risks),
        "bars": bars,
        "width": width,
        "height": height,
        "bar": bar,
        "threshold_x": None if t is None else round(max(0.0, min(1.0, t)) * width, 2),
        "threshold": t,
    }


def _corpus_row(name: str, value: Any, signatures: dict[str, Any]) -> tuple[str, str, Any]:
    """(name, shown value, signature): a bare number, or a {"score", "signature"} mapping."""
    sig = signatures.get(f"corpus_{name}") or signatures.get(name)
    if isinstance(value, dict):
        sig = value.get("signature") or sig
        value = value.get("score")
    return name, _fmt(value), sig


def _report_id(result: dict[str, Any]) -> str:
    """A short id for this report's content: the key its false-positive marks are saved under."""
    h = hashlib.sha1()
    for s in result.get("segments") or []:
        h.update(repr((s.get("id"), s.get("source"), s.get("target"))).encode("utf-8", "replace"))
    return h.hexdigest()[:16]


@functools.cache
def _template() -> jinja2.Template:
    text = files("qa.report").joinpath("templates/report.html.j2").read_text("utf-8")
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.from_string(text)


def render_html(result_dict: dict[str, Any]) -> str:
    """The whole report as one HTML document, from the JSON form of a Result."""
    summary = dict(result_dict.get("summary") or {})
    signatures = dict(result_dict.get("signatures") or {})
    segments = [_segment_view(n, s) for n, s in enumerate(result_dict.get("segments") or [])]
    all_issues = [i for s in segments for i in s["issues"] if not i["ignored"]]
    by_check = summary.get("issues_by_check") or dict(Counter(i["check"] for i in all_issues))
    by_sev = summary.get("issues_by_severity") or dict(Counter(i["severity"] for i in all_issues))
    sev_items = sorted(by_sev.items(), key=lambda kv: (_severity_rank(kv[0]), kv[0]))
    filter_checks = Counter(i["check"] for i in all_issues)
    filter_sevs = Counter(i["severity"] for i in all_issues)
    corpus = [
        _corpus_row(n, v, signatures) for n, v in (summary.get("corpus_scores") or {}).items()
    ]
    n_flagged = sum(s["flagged"] for s in segments)
    return _template().render(
        summary=summary,
        signatures=signatures,
        segments=segments,
        n_segments=len(segments),
        n_flagged=n_flagged,
        n_ignored=sum(i["ignored"] for s in segments for i in s["issues"]),
        by_check=sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])),
        by_severity=sev_items,
        filter_checks=sorted(filter_checks.items()),
        filter_severities=sorted(filter_sevs.items(), key=lambda kv: _severity_rank(kv[0])),
        corpus=corpus,
        histogram=_histogram(segments, summary.get("threshold")),
        report_id=_report_id(result_dict),
        fmt=_fmt,
        default_flagged_only=n_flagged > 0,
        has_fingerprints=any(i["fingerprint"] for s in segments for i in s["issues"]),
    )
