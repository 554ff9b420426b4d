"""Two plain-text documents (no line alignment): decoded, with their encodings.

Segmenting and aligning them is the pipeline's work (`qa.documents`); this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.io.encoding import read_text


@dataclass(frozen=True)
class DocumentPair:
    source: str
    target: str
    source_encoding: str
    target_encoding: str


def read_document_pair(source_path: Path, target_path: Path) -> DocumentPair:
    src_text, src_enc = read_text(source_path)
    tgt_text, tgt_enc = read_text(target_path)
    return DocumentPair(src_text, tgt_text, src_enc, tgt_enc)
