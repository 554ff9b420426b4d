"""Bilingual tables: TSV/CSV with a header row, or JSONL, with `source` and `target`
(optional `id`, `reference`, `retranslation`). Ids default to the 1-based row number."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text
from qa.model import Segment

REQUIRED = ("source", "target")
OPTIONAL = ("id", "reference", "retranslation")
TABLE_SUFFIXES = (".tsv", ".csv", ".jsonl")


def read_table(path: Path) -> tuple[list[Segment], dict]:
    text, enc = read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = list(_jsonl_rows(path, text))
    elif suffix in (".tsv", ".csv"):
        rows = list(_delimited_rows(path, text, "\t" if suffix == ".tsv" else ","))
    else:
        raise InputError(f"{path}: unknown table format (use .tsv, .csv or .jsonl)")
    if not rows:
        raise InputError(f"{path}: no rows to check")
    segments = [_segment(path, n, row) for n, row in enumerate(rows, 1)]
    ids = [s.id for s in segments]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{path}: duplicate id {dup!r}")
    return segments, {"input": suffix.lstrip("."), "encoding": enc}


def _delimited_rows(path: Path, text: str, delimiter: str) -> Iterator[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    _check_header(path, reader.fieldnames or [])
    for row in reader:
        if None in row:  # more cells than header columns
            raise InputError(f"{path}: line {reader.line_num} has more fields than the header")
        yield row


def _jsonl_rows(path: Path, text: str) -> Iterator[dict]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: line {n} is not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}: line {n} is not a JSON object")
        _check_header(path, list(row), where=f"line {n}")
        yield row


def _check_header(path: Path, names: Sequence[str], where: str = "header") -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"{path}: {where} lacks column(s) {', '.join(missing)}")


def _segment(path: Path, n: int, row: dict) -> Segment:
    def text(key: str) -> str | None:
        v = row.get(key)
        if v is None:
            return None
        if not isinstance(v, str | int | float):
            raise InputError(f"{path}: row {n}: {key} must be text")
        return str(v)

    rid = text("id")
    return Segment(
        id=rid if rid not in (None, "") else str(n),
        source=text("source"),
        target=text("target"),
        reference=text("reference") or None,
        retranslation=text("retranslation") or None,
    )
