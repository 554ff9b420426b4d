"""A user glossary: TSV lines `source term<TAB>required target term` (# comments allowed)."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines


def read_glossary(path: Path) -> dict[str, str]:
    text, _ = read_text(path)
    terms: dict[str, str] = {}
    for n, line in enumerate(split_lines(text.lstrip("\ufeff")), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"{path}: line {n}: expected 'source term<TAB>target term'")
        terms[parts[0].strip()] = parts[1].strip()
    return terms
