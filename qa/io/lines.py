"""Two line-aligned text files: line i of the source goes with line i of the target."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines
from qa.limits import clip_segments, oversized_meta
from qa.model import Segment


def read_aligned(source: Path, target: Path) -> tuple[list[Segment], dict]:
    src, src_enc = _lines(source)
    tgt, tgt_enc = _lines(target)
    if len(src) != len(tgt):
        raise InputError(
            f"{source} has {len(src)} lines but {target} has {len(tgt)}; "
            "--aligned needs the same number of lines in both files"
        )
    segments = [
        Segment(id=str(i), source=s, target=t)
        for i, (s, t) in enumerate(zip(src, tgt, strict=True), 1)
    ]
    meta = {"input": "aligned", "source_encoding": src_enc, "target_encoding": tgt_enc}
    return segments, {**meta, **oversized_meta(clip_segments(segments))}


def _lines(path: Path) -> tuple[list[str], str]:
    """The file's lines and encoding; its whole text is let go here, before the other file is
    read (a million lines: ~0.1 GB a file)."""
    text, encoding = read_text(path)
    if not text or text.isspace():  # not text.strip(): that would copy the text
        what = "is empty" if not text else "has only blank lines"
        raise InputError(f"{path}: {what}, no lines to check")
    return split_lines(text), encoding
