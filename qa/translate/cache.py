"""An on-disk retranslation cache that wraps any Translator, so a re-run translates nothing twice.

`translations.sqlite` in the cache folder, on mtqa's one cache layer (`qa/store.py`: WAL,
shared between processes, size-capped, a damaged file set aside, never fatal); a row's key is
sha256(cache_key + NUL + source), so a different model, revision or decoding setting never
reuses another's output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qa.store import Store
from qa.translate.base import Translator

DB_NAME = "translations.sqlite"


class CachedTranslator:
    """Looks each source up first; only unseen ones reach `inner`, in chunks that are committed
    one by one so an interrupted run keeps what it already translated."""

    def __init__(self, inner: Translator, cache_dir: Path, chunk_size: int = 256) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache_key = inner.cache_key
        self.path = Path(cache_dir) / DB_NAME
        self.chunk_size = chunk_size

    def key(self, source: str) -> str:
        return hashlib.sha256(f"{self.cache_key}\0{source}".encode()).hexdigest()

    def translate(self, sources: list[str]) -> list[str]:
        keys = [self.key(s) for s in sources]
        store = Store(self.path)
        try:
            found = store.get(keys)
            todo = [s for s, k in dict(zip(sources, keys, strict=True)).items() if k not in found]
            for start in range(0, len(todo), self.chunk_size):
                chunk = todo[start : start + self.chunk_size]
                targets = self.inner.translate(chunk)
                rows = [(self.key(s), t) for s, t in zip(chunk, targets, strict=True)]
                store.put(rows)
                found.update(rows)
            store.put([])  # the hits' recency
        finally:
            store.close()
        return [found[k] for k in keys]
