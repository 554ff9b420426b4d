"""Pick the reader for what the user gave: one table or bilingual file, or two aligned files.
(Two unaligned documents are read by `qa.io.documents` and aligned by the pipeline.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.errors import InputError
from qa.io.bilingual import BILINGUAL_SUFFIXES, read_bilingual
from qa.io.lines import read_aligned
from qa.io.tables import TABLE_SUFFIXES, read_table
from qa.model import Segment

INPUT_FORMATS = ("tsv", "csv", "jsonl", "xliff", "tmx")


def read_segments(
    source: Path, target: Path | None, input_format: str | None = None
) -> tuple[list[Segment], dict[str, Any]]:
    """Segments of one table/XLIFF/TMX file (`target` None) or of two line-aligned files.
    A single file's format is `input_format` if given, else its suffix; stdin ("-") has none."""
    if target is not None:
        return read_aligned(source, target)
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r}: use {', '.join(INPUT_FORMATS)}")
    if input_format is None and str(source) == "-":
        raise InputError(
            "-: a table read from stdin needs --input-format tsv|csv|jsonl|xliff|tmx "
            "(there is no file name to tell its format by)"
        )
    suffix = f".{input_format}" if input_format else source.suffix.lower()
    if suffix in BILINGUAL_SUFFIXES or input_format in ("xliff", "tmx"):
        return read_bilingual(source)
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"{source}: one file must be a .tsv, .csv or .jsonl table or an .xlf, .xliff "
            "or .tmx file (or give --input-format); for two files give SOURCE TARGET"
        )
    return read_table(source, suffix)
