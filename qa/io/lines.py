"""Two line-aligned text files: line i of the source goes with line i of the target."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines
from qa.limits import clip_segments, oversized_meta
from qa.model import Segment


def read_aligned(source: Path, target: Path) -> tuple[list[Segment], dict]:
    src_text, src_enc = read_text(source)
    tgt_text, tgt_enc = read_text(target)
    src, tgt = split_lines(src_text), split_lines(tgt_text)
    for path, text in ((source, src_text), (target, tgt_text)):
        if not text.strip():
            what = "is empty" if not text else "has only blank lines"
            raise InputError(f"{path}: {what}, no lines to check")
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
