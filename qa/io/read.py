"""Pick the reader for what the user gave: one table, two aligned files, or two documents."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.io.bilingual import BILINGUAL_SUFFIXES, read_bilingual
from qa.io.lines import read_aligned
from qa.io.tables import TABLE_SUFFIXES, read_table
from qa.model import Segment
from qa.translate.base import Translator


def read_input(
    source: Path,
    target: Path | None,
    *,
    aligned: bool = False,
    level: str = "paragraph",
    translator: Translator | None = None,
    retranslation: Path | None = None,
) -> tuple[list[Segment], dict]:
    if target is None:
        suffix = source.suffix.lower()
        if suffix in BILINGUAL_SUFFIXES:
            return read_bilingual(source)
        if suffix not in TABLE_SUFFIXES:
            raise InputError(
                f"{source}: one file must be a .tsv, .csv or .jsonl table or an .xlf, .xliff "
                "or .tmx file; for two files give SOURCE TARGET"
            )
        return read_table(source)
    if aligned:
        return read_aligned(source, target)
    from qa.io.documents import read_document_pair

    return read_document_pair(
        source, target, level=level, translator=translator, retranslation_path=retranslation
    )
