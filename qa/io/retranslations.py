"""Precomputed MT output: a file line-aligned with the segments (DeepL, Google, in-house MT)."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines


def read_retranslations(path: Path, expected: int) -> list[str]:
    """Lines of `path`, which must match the number of segments one to one."""
    text, _ = read_text(path)
    lines = split_lines(text)
    if len(lines) != expected:
        raise InputError(
            f"{path}: {len(lines)} retranslation lines but {expected} segments; "
            "the file must be line-aligned with the segments"
        )
    return lines
