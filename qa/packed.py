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

import bisect
import pickle
import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import overload

from qa.model import Segment

CHUNK = 2500  # segments a pack (the pipeline packs features.CHUNK: a chunk of work, a pack)


class PackedSegments(Sequence[Segment]):
    """Segments in compressed chunks of `chunk`; `segments[i]` and slices as a list's."""

    def __init__(self, segments: Iterable[Segment], chunk: int = CHUNK) -> None:
        self._packs: list[bytes] = []
        self._firsts: list[int] = []  # the index of each pack's first segment
        self._count = 0
        self._last: tuple[int, list[Segment]] | None = None  # (pack number, its segments)
        it = iter(segments)
        while part := list(islice(it, chunk)):
            self._firsts.append(self._count)
            self._packs.append(zlib.compress(pickle.dumps(part, pickle.HIGHEST_PROTOCOL), 1))
            self._count += len(part)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Segment]:
        for n in range(len(self._packs)):
            yield from self._pack(n)

    @overload
    def __getitem__(self, i: int) -> Segment: ...
    @overload
    def __getitem__(self, i: slice) -> list[Segment]: ...
    def __getitem__(self, i: int | slice) -> Segment | list[Segment]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._count))]
        if not -self._count <= i < self._count:
            raise IndexError("segment index out of range")
        i %= self._count
        n = bisect.bisect_right(self._firsts, i) - 1
        return self._pack(n)[i - self._firsts[n]]

    def __reduce__(self) -> tuple:
        """Pickled (inside a spilled run's results sent to a batch worker), the packs travel
        as they are."""
        return _rebuilt, (self._packs, self._firsts, self._count)

    def _pack(self, n: int) -> list[Segment]:
        if self._last is None or self._last[0] != n:
            self._last = (n, pickle.loads(zlib.decompress(self._packs[n])))
        return self._last[1]


def _rebuilt(packs: list[bytes], firsts: list[int], count: int) -> PackedSegments:
    out = PackedSegments(())
    out._packs, out._firsts, out._count = packs, firsts, count
    return out


def packed(segments: Sequence[Segment], at: int, chunk: int = CHUNK) -> Sequence[Segment]:
    """`segments` packed `chunk` a pack when there are more than `at` of them, else as they
    are."""
    return PackedSegments(segments, chunk) if len(segments) > at else segments
