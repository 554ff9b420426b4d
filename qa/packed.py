"""The Segments of a big run, kept packed in memory instead of as a million objects.

A Segment read from two aligned files takes ~0.46 KB as objects (the record, its id and its
two texts), and a run needs every one of them from the first chunk's features to the last line
of the report: at 1,000,000 lines that is most of what grows with the input. Packed, a chunk of
consecutive Segments is one zlib-compressed pickle (~0.1 KB a segment), unpacked when a chunk
of them is asked for. Past `spill.SPILL_AT` segments the pipeline packs them before computing
features; its results are spilled beside them (qa/spill.py), so neither is held whole.

The sequence is read-only: what it gives are new objects (the last chunk's kept, so reading in
order unpacks each chunk once), and a change to one is lost.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Sequence
from itertools import islice

from qa.chunked import ChunkedSequence
from qa.model import Segment


class PackedSegments(ChunkedSequence[Segment]):
    """Segments in compressed packs of `chunk`; `segments[i]` and slices as a list's."""

    def __init__(self, segments: Iterable[Segment], chunk: int) -> None:
        super().__init__()
        self._packs: list[bytes] = []
        it = iter(segments)
        while part := list(islice(it, chunk)):
            self._packs.append(zlib.compress(pickle.dumps(part, pickle.HIGHEST_PROTOCOL), 1))
            self._added(len(part))

    def __reduce__(self) -> tuple:
        """Pickled (inside a spilled run's results sent to a batch worker), the packs travel
        as they are."""
        return _rebuilt, (self._packs, self._firsts, self._count)

    def _load(self, n: int) -> list[Segment]:
        return pickle.loads(zlib.decompress(self._packs[n]))


def _rebuilt(packs: list[bytes], firsts: list[int], count: int) -> PackedSegments:
    out = PackedSegments((), 1)
    out._packs, out._firsts, out._count = packs, firsts, count
    return out


def packed(segments: Sequence[Segment], at: int, chunk: int) -> Sequence[Segment]:
    """`segments` packed `chunk` a pack when there are more than `at` of them, else as they
    are."""
    return PackedSegments(segments, chunk) if len(segments) > at else segments
