"""Hand freed heap memory back to the operating system between forward passes (glibc).

glibc serves allocations below its mmap threshold from the heap, and raises that threshold
(up to 32 MB) each time a larger block is freed; torch's activations for batches of varying
shapes then leave the heap fragmented, and a process's resident memory climbs through a run
(the LM alone on the 2008 WMT22 pairs: 1.41 GB peak against 1.04 GB of live data).
`malloc_trim` returns the free pages; it costs ~1% of the LM's time when called per batch.
Elsewhere (macOS, musl) this is a no-op.

oneDNN, behind torch's CPU matmuls, also keeps a compiled kernel for every matmul shape it
has seen (1,024 by default); with batches of ever-changing shapes that cache held ~180 MB
after the 2008 pairs. 16 entries cost no measurable time here (the LM alone on the 2008
pairs: 99.0 s and 1.21 GB peak with the default, 97.2 s and 1.08 GB with 16).

A model whose weights are memory-mapped from a file (the LM's safetensors) can hand their
pages back between passes (`release_mapped`): they stay in the OS page cache and are mapped
again at the next touch (a one-item LM call takes ~35 ms longer for it: 94 ms vs 59), so
they are resident only while the model runs, not beside e5's working set."""

from __future__ import annotations

import ctypes
import functools
import mmap
import os
from collections.abc import Callable, Iterable
from pathlib import Path

KERNEL_CACHE = "16"  # oneDNN kernels kept; a user's ONEDNN_PRIMITIVE_CACHE_CAPACITY wins


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release() -> None:
    """Return the heap's free pages to the OS, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def limit_kernel_cache() -> None:
    """Cap oneDNN's kernel cache: read once, at its first matmul, so call before any model
    runs."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", KERNEL_CACHE)


MADV_DONTNEED = 4  # Linux: drop the pages; a clean file-backed page is re-read on next touch


@functools.cache
def _madvise() -> Callable[..., int] | None:
    try:
        fn = ctypes.CDLL("libc.so.6", use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return fn


def _mappings(path: Path) -> list[tuple[int, int]]:
    """The address ranges where this process maps `path` (from /proc/self/maps)."""
    target = str(path.resolve())
    out = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and parts[5].rstrip("\n") == target:
                    lo, hi = parts[0].split("-")
                    out.append((int(lo, 16), int(hi, 16)))
    except OSError:
        return []
    return out


def release_mapped(spans: Iterable[tuple[int, int]], path: Path) -> int:
    """Hand back the resident pages of the memory `spans` (address, bytes) where they lie
    inside this process's mapping of the file `path`, which must never have been written
    through (weights under inference): the pages are then read again from the file. Memory
    that is not such a mapping (a copy, a cast, another device) is left alone, since dropping
    it would lose its contents. Returns the bytes handed back; 0 where the OS cannot."""
    madvise = _madvise()
    maps = _mappings(path) if madvise is not None else []
    page, freed = mmap.PAGESIZE, 0
    for addr, size in _merged(spans):
        lo, hi = -(-addr // page) * page, (addr + size) // page * page  # whole pages inside
        if hi > lo and any(a <= lo and hi <= b for a, b in maps):
            if madvise(lo, hi - lo, MADV_DONTNEED) == 0:
                freed += hi - lo
    return freed


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one (tensors side by side in a file share pages)."""
    out: list[list[int]] = []
    for addr, size in sorted(spans):
        if out and addr <= out[-1][0] + out[-1][1]:
            out[-1][1] = max(out[-1][1], addr + size - out[-1][0])
        else:
            out.append([addr, size])
    return [(a, n) for a, n in out]
