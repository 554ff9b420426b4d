"""Machine-readable outputs: JSON (one object), JSONL (one segment a line), CSV, HTML, and the
terminal table as text; written atomically with the user's umask. JSON, JSONL and CSV also
come a segment at a time (`render_parts`), so that a big run's report is written as it is
made rather than held whole."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from qa.model import Result, SegmentResult


def to_json(result: Result) -> str:
    return "".join(json_parts(result))


def json_parts(result: Result) -> Iterator[str]:
    """`json.dumps(result.to_dict(), indent=2)` (and a newline), one segment at a time: a big
    run's report never exists as one dict or one string."""
    rest = {"segments": [], "summary": result.summary.to_dict(), "signatures": result.signatures}
    text = json.dumps(rest, ensure_ascii=False, indent=2) + "\n"
    if not result.segments:
        yield text
        return
    head, tail = text.split('"segments": []', 1)  # the first key: no value can hold it first
    yield head + '"segments": ['
    for n, r in enumerate(result.segments):
        item = json.dumps(r.to_dict(), ensure_ascii=False, indent=2)  # no raw newline in values
        yield ("," if n else "") + "\n    " + item.replace("\n", "\n    ")
    yield "\n  ]" + tail


def to_jsonl(result: Result) -> str:
    return "".join(jsonl_parts(result))


def jsonl_parts(result: Result) -> Iterator[str]:
    for r in result.segments:
        yield json.dumps(r.to_dict(), ensure_ascii=False) + "\n"


CSV_FIXED = ["id", "link", "source", "target", "retranslation", "reference"]
CSV_TAIL = ["risk", "flagged", "issues", "reasons", "spans", "fingerprints", "mqm"]


def to_csv(result: Result, bom: bool = True) -> str:
    """One row per segment, the same information as the JSON: issues as `[severity] check:
    message` joined by " | ", spans as `side:start-end` in issue order, and fingerprints.
    UTF-8 with a BOM by default, so spreadsheet programs read the Japanese."""
    return "".join(csv_parts(result, bom))


def csv_parts(result: Result, bom: bool = True) -> Iterator[str]:
    """`to_csv`'s text, a row at a time."""
    names = sorted({k for r in result.segments for k in r.scores})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*CSV_FIXED, *names, *CSV_TAIL])
    yield ("\ufeff" if bom else "") + buf.getvalue()
    for r in result.segments:
        buf.seek(0)
        buf.truncate()
        s = r.segment
        fixed = [s.id, s.link, s.source, s.target, s.retranslation, s.reference]
        w.writerow([*fixed, *(_cell(r.scores.get(n)) for n in names), *_tail(r)])
        yield buf.getvalue()


def _tail(r: SegmentResult) -> list[str]:
    return [
        f"{r.risk:.4f}",
        str(r.flagged).lower(),
        " | ".join(f"[{i.severity}] {i.check}: {i.message}" for i in r.issues),
        " | ".join(r.reasons),
        " | ".join(f"{i.side}:{i.span[0]}-{i.span[1]}" if i.span else "-" for i in r.issues),
        " | ".join(i.fingerprint or "" for i in r.issues),
        " | ".join(i.mqm or "" for i in r.issues),
    ]


def _cell(v: float | None) -> str:
    return "" if v is None else f"{v:.4f}"


def to_html(result: Result) -> str:
    from qa.report.html import render_html  # jinja2 loads only for --format html

    return render_html(result.to_dict())


def to_table(result: Result, width: int = 120, show_all: bool = False) -> str:
    """The terminal table as plain text (for `--format table -o FILE`)."""
    from rich.console import Console

    from qa.report.table import print_table

    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    print_table(result, console, show_all=show_all)
    return console.file.getvalue()  # type: ignore[attr-defined]


FORMATS: dict[str, Callable[[Result], str]] = {
    "json": to_json,
    "jsonl": to_jsonl,
    "csv": to_csv,
    "html": to_html,
    "table": to_table,
}


# The formats whose text can be written piece by piece (the others render whole).
PARTS: dict[str, Callable[[Result], Iterator[str]]] = {
    "json": json_parts,
    "jsonl": jsonl_parts,
    "csv": csv_parts,
}


def render(result: Result, fmt: str) -> str:
    return FORMATS[fmt](result)


def render_parts(result: Result, fmt: str) -> Iterator[str]:
    """`render(result, fmt)` in pieces that join to it (one piece for HTML and the table)."""
    if fmt in PARTS:
        return PARTS[fmt](result)
    return iter([render(result, fmt)])


def write_atomic(path: Path, data: str | bytes | Iterable[str]) -> None:
    """Write via a temporary file in the same folder, so a failure leaves nothing half-written;
    the file gets the permissions the umask gives a new file (mkstemp's are 0600). `data`
    may come in pieces (`render_parts`), written as they come."""
    path = Path(path)
    parts = [data] if isinstance(data, (str, bytes)) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part.encode("utf-8") if isinstance(part, str) else part)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
