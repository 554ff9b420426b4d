"""The results of a big run, kept in a temporary file a chunk at a time instead of in memory.

In memory a SegmentResult of the lexical path takes ~0.85 KB (its scores dict, its findings
and their fingerprints), a million of them most of a run's peak; pickled, ~0.34 KB of disk.
Past `SPILL_AT` segments `features.compute` appends each chunk's results here as it finishes
them, and what reads them (risk, the summary, the reports) reads them back a chunk at a time.
The Segments stay where they are (the caller's list, or the pipeline's packed sequence,
qa/packed.py): a result is written with its segment's index, and gets the segment back from
there when read, so only the results' own parts go to disk.

The sequence is read-only: what it gives are copies, so a change to one is lost. To change
results, `update` them: that writes every chunk anew.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from qa.chunked import ChunkedSequence
from qa.errors import InputError
from qa.model import Segment, SegmentResult

SPILL_AT = 50_000  # segments; below it results stay a list (~40 MB at this size)
NO_STATS_ID = "no-stats"  # the run-wide empty statistics dict, kept one object on reading


class SpilledResults(ChunkedSequence[SegmentResult]):
    """Results in chunks in an unnamed temporary file (gone when closed, or at exit)."""

    def __init__(self, segments: Sequence[Segment], no_stats: dict[str, Any]) -> None:
        super().__init__()
        self._segments = segments
        self._no_stats = no_stats
        with _room():
            self._file: IO[bytes] = tempfile.TemporaryFile(prefix="mtqa-results-")
        self._offsets: list[int] = []  # where each chunk starts in the file

    def extend(self, results: Iterable[SegmentResult]) -> None:
        """Append one chunk: the results of the next segments, in order."""
        chunk = list(results)
        self._file.seek(0, 2)
        self._offsets.append(self._file.tell())
        with _room():
            _Writer(self._file, self._count, self._segments, self._no_stats).dump(chunk)
        self._added(len(chunk))

    def chunks(self) -> Iterator[list[SegmentResult]]:
        """Each chunk's results, loaded anew (not the kept chunk: `update` changes them)."""
        for n in range(len(self._offsets)):
            yield self._load(n)

    def update(self, change: Callable[[SegmentResult], None]) -> None:
        """`change` each result, and keep the changed results (every chunk written anew, to a
        new file that replaces this one's when all are done)."""
        new = SpilledResults(self._segments, self._no_stats)
        for chunk in self.chunks():
            for r in chunk:
                change(r)
            new.extend(chunk)
        self._file.close()
        self._file, self._offsets, self._firsts = new._file, new._offsets, new._firsts
        self._last = None

    def close(self) -> None:
        self._file.close()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (a batch worker's or a Ray actor's answer), it travels as its segments and
        its file's bytes, and is a SpilledResults again on the other side."""
        self._file.seek(0)
        state = (self._file.read(), self._offsets, self._firsts, self._count)
        return _rebuilt, (self._segments, self._no_stats, *state)

    def _load(self, n: int) -> list[SegmentResult]:
        self._file.seek(self._offsets[n])
        return _Reader(self._file, self._segments, self._no_stats).load()


def _rebuilt(
    segments: Sequence[Segment],
    no_stats: dict[str, Any],
    data: bytes,
    offsets: list[int],
    firsts: list[int],
    count: int,
) -> SpilledResults:
    out = SpilledResults(segments, no_stats)
    with _room():
        out._file.write(data)
    out._offsets, out._firsts, out._count = offsets, firsts, count
    return out


@contextmanager
def _room() -> Iterator[None]:
    """A temporary folder that is missing, read-only or full: one line the user can act on."""
    try:
        yield
    except OSError as e:
        where = tempfile.gettempdir()
        raise InputError(
            f"cannot keep a big run's results in {where}: {e.strerror or e} "
            "(set TMPDIR to a folder with room: ~0.35 KB a segment)"
        ) from None


class _Writer(pickle.Pickler):
    """Writes each of the chunk's segments as its index in the run (any other segment whole),
    and the empty statistics as a name."""

    def __init__(
        self, file: IO[bytes], first: int, segments: Sequence[Segment], no_stats: dict
    ) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._first, self._segments, self._no_stats = first, segments, no_stats
        self._index: dict[int, int] = {}

    def dump(self, chunk: list[SegmentResult]) -> None:
        span = range(self._first, min(self._first + len(chunk), len(self._segments)))
        self._index = {id(self._segments[k]): k for k in span}
        super().dump(chunk)

    def persistent_id(self, obj: Any) -> Any:
        if obj is self._no_stats:
            return NO_STATS_ID
        if isinstance(obj, Segment):
            return self._index.get(id(obj))
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file: IO[bytes], segments: Sequence[Segment], no_stats: dict) -> None:
        super().__init__(file)
        self._segments, self._no_stats = segments, no_stats

    def persistent_load(self, pid: Any) -> Any:
        return self._no_stats if pid == NO_STATS_ID else self._segments[pid]
