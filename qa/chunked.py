"""A read-only sequence kept as numbered chunks, one of them loaded at a time.

A big run holds its Segments packed in memory (qa/packed.py) and its results in a temporary
file (qa/spill.py); both read like the list they replace. This is what they share: chunk `n`
holds the items from `_firsts[n]` on, and the chunk read last is kept, so reading by index or
in order loads each chunk once and one chunk's objects stay the same objects while it is kept
(the spilled results find their segments by identity). Subclasses say how a chunk is loaded.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar, overload

T = TypeVar("T")


class ChunkedSequence(Sequence[T], Generic[T]):
    def __init__(self) -> None:
        self._firsts: list[int] = []  # the index of each chunk's first item
        self._count = 0
        self._last: tuple[int, list[T]] | None = None  # (chunk number, its items)

    def _load(self, n: int) -> list[T]:
        """Chunk `n`'s items, as new objects."""
        raise NotImplementedError

    def _added(self, size: int) -> None:
        """Count one more chunk of `size` items at the end."""
        self._firsts.append(self._count)
        self._count += size

    def _chunk(self, n: int) -> list[T]:
        if self._last is None or self._last[0] != n:
            self._last = (n, self._load(n))
        return self._last[1]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        for n in range(len(self._firsts)):
            yield from self._chunk(n)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._count))]
        if not -self._count <= i < self._count:
            raise IndexError(f"{type(self).__name__} index out of range")
        i %= self._count
        n = bisect.bisect_right(self._firsts, i) - 1
        return self._chunk(n)[i - self._firsts[n]]
