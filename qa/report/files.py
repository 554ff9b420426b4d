"""Machine-readable outputs: JSON (one object), JSONL (one segment a line), CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from qa.model import Result


def to_json(result: Result) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def to_jsonl(result: Result) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in result.segments)


def to_csv(result: Result) -> str:
    names = sorted({k for r in result.segments for k in r.scores})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "source", "target", "retranslation", *names, "risk", "flagged", "issues"])
    for r in result.segments:
        s = r.segment
        scores = [_cell(r.scores.get(n)) for n in names]
        issues = "; ".join(f"[{i.severity}] {i.check}: {i.message}" for i in r.issues)
        w.writerow(
            [
                s.id,
                s.source,
                s.target,
                s.retranslation,
                *scores,
                f"{r.risk:.4f}",
                str(r.flagged).lower(),
                issues,
            ]
        )
    return buf.getvalue()


def _cell(v: float | None) -> str:
    return "" if v is None else f"{v:.4f}"


FORMATS: dict[str, Callable[[Result], str]] = {"json": to_json, "jsonl": to_jsonl, "csv": to_csv}


def render(result: Result, fmt: str) -> str:
    return FORMATS[fmt](result)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a failure leaves nothing half-written."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
