"""Bilingual tables: TSV/CSV with a header row, or JSONL, with `source` and `target`
(optional `id`, `reference`, `retranslation`). Ids default to the 1-based row number.

TSV and CSV are read with the csv module's default dialect (a field may be quoted to hold a
delimiter, a line break or a doubled quote, as spreadsheets write them). A row with more
cells than the header, or too few to reach `source` and `target`, is an error naming its
line; a row may leave off optional trailing columns. JSONL lines are split on "\\n" only: a
JSON string may hold U+2028 and other characters `str.splitlines` would break at.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines
from qa.limits import clip_segments, max_input_bytes, oversized_meta
from qa.model import Segment

REQUIRED = ("source", "target")
OPTIONAL = ("id", "reference", "retranslation")
TABLE_SUFFIXES = (".tsv", ".csv", ".jsonl")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_table(path: Path, suffix: str | None = None) -> tuple[list[Segment], dict]:
    """A TSV, CSV or JSONL table: by `suffix` (".tsv", ...) if given, else the file's."""
    text, enc = read_text(path)
    suffix = (suffix or path.suffix).lower()
    if suffix == ".jsonl":
        rows = list(_jsonl_rows(path, text))
    elif suffix in (".tsv", ".csv"):
        with _long_fields():
            rows = list(_delimited_rows(path, text, "\t" if suffix == ".tsv" else ","))
    else:
        raise InputError(f"{path}: unknown table format (use .tsv, .csv or .jsonl)")
    if not rows:
        raise InputError(f"{path}: no rows to check")
    segments = [_segment(path, line, n, row) for n, (line, row) in enumerate(rows, 1)]
    ids = [s.id for s in segments]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{path}: duplicate id {dup!r}")
    meta = {"input": suffix.lstrip("."), "encoding": enc}
    return segments, {**meta, **oversized_meta(clip_segments(segments))}


@contextmanager
def _long_fields() -> Iterator[None]:
    """The csv module refuses fields over 131,072 characters by default; a long field is cut
    later with a finding (qa.limits.clip_segments), so allow anything the input cap allows."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, max_input_bytes()))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _delimited_rows(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        _check_header(path, reader.fieldnames or [])
        for row in reader:
            if None in row:  # more cells than header columns
                raise InputError(f"{path}: line {reader.line_num} has more fields than the header")
            short = [c for c in REQUIRED if row.get(c) is None]
            if short:
                raise InputError(
                    f"{path}: line {reader.line_num} has {len(row) - len(short)} fields, too "
                    f"few for column(s) {', '.join(short)}"
                )
            yield reader.line_num, row
    except csv.Error as e:
        raise InputError(f"{path}: line {reader.line_num}: {e}") from None


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict]]:
    for n, line in enumerate(split_lines(text.lstrip("\ufeff")), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: line {n} is not valid JSON ({e.msg})") from None
        except RecursionError:
            raise InputError(f"{path}: line {n} nests JSON too deeply") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}: line {n} is not a JSON object")
        _check_header(path, list(row), where=f"line {n}")
        yield n, row


def _check_header(path: Path, names: Sequence[str], where: str = "header") -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"{path}: {where} lacks column(s) {', '.join(missing)}")


def _segment(path: Path, line: int, n: int, row: dict) -> Segment:
    def text(key: str) -> str | None:
        v = row.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise InputError(f"{path}: line {line}: {key} must be text")
        v = str(v)
        if _LONE_SURROGATE.search(v):  # JSON "\ud800": not a character, cannot be written
            raise InputError(f"{path}: line {line}: {key} holds a lone surrogate (\\u escape)")
        return v

    rid = text("id")
    return Segment(
        id=rid if rid not in (None, "") else str(n),
        source=text("source"),
        target=text("target"),
        reference=text("reference") or None,
        retranslation=text("retranslation") or None,
    )
