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


def read_segments(source: Path, target: Path | None) -> tuple[list[Segment], dict[str, Any]]:
    """Segments of one table/XLIFF/TMX file (`target` None) or of two line-aligned files."""
    if target is not None:
        return read_aligned(source, target)
    suffix = source.suffix.lower()
    if suffix in BILINGUAL_SUFFIXES:
        return read_bilingual(source)
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"{source}: one file must be a .tsv, .csv or .jsonl table or an .xlf, .xliff "
            "or .tmx file; for two files give SOURCE TARGET"
        )
    return read_table(source)
