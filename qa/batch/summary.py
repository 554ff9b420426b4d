"""The batch summary: one row per pair, written as `summary.json`, `summary.csv` and a
self-contained `index.html` that links each pair's report by a relative path.

Rows hold only what a pair's result determines (no timings, no "skipped"), so a resumed or
re-run batch writes the same summary files as a clean run.
"""

from __future__ import annotations

import csv
import io
import json
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

import qa
from qa.batch.output import write_file
from qa.batch.pairs import Pair
from qa.model import Result

COLUMNS = (
    "name",
    "input",
    "source",
    "target",
    "retranslation",
    "report",
    "segments",
    "flagged",
    "critical",
    "major",
    "minor",
    "worst_risk",
    "risk_model",
    "mt",
    "error",
)
SUMMARY_FILES = ("summary.json", "summary.csv", "index.html")


def pair_row(pair: Pair, report: str | None, result: Result | None, error: str | None) -> dict:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        name=pair.name,
        source=pair.source,
        target=pair.target,
        retranslation=pair.retranslation,
        error=error,
    )
    if result is None:
        return row
    sev = result.summary.issues_by_severity
    row.update(
        input=result.summary.input.get("input"),
        report=report,
        segments=result.summary.segments,
        flagged=result.summary.flagged,
        critical=sev.get("critical", 0),
        major=sev.get("major", 0),
        minor=sev.get("minor", 0),
        worst_risk=round(max((r.risk for r in result.segments), default=0.0), 4),
        risk_model=result.summary.flagging.risk_model,
        mt=result.summary.mt,
    )
    return row


def totals(rows: list[dict]) -> dict[str, Any]:
    ok = [r for r in rows if r["error"] is None]
    return {
        "pairs": len(rows),
        "failed": len(rows) - len(ok),
        "segments": sum(r["segments"] for r in ok),
        "flagged": sum(r["flagged"] for r in ok),
        "pairs_flagged": sum(1 for r in ok if r["flagged"]),
        "critical": sum(r["critical"] for r in ok),
        "major": sum(r["major"] for r in ok),
        "minor": sum(r["minor"] for r in ok),
        "worst_risk": max((r["worst_risk"] for r in ok), default=None),
    }


def write_summaries(
    outdir: Path, rows: list[dict], settings: dict[str, Any], unpaired: list[str]
) -> None:
    doc = {
        "mtqa": qa.__version__,
        "settings": settings,
        "totals": totals(rows),
        "pairs": rows,
        "unpaired": unpaired,
    }
    write_file(outdir / "summary.json", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    write_file(outdir / "summary.csv", to_csv(rows))
    write_file(outdir / "index.html", render_index(doc))


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(["" if r[c] is None else r[c] for c in COLUMNS])
    return buf.getvalue()


def render_index(doc: dict[str, Any]) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(
        files("qa.batch").joinpath("index.html.j2").read_text(encoding="utf-8")
    )
    return template.render(
        doc=doc,
        rows=[{**r, "href": quote(r["report"]) if r["report"] else None} for r in doc["pairs"]],
        t=doc["totals"],
    )
