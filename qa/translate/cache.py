"""An on-disk retranslation cache that wraps any Translator, so a re-run translates nothing twice.

One sqlite file in the cache folder; a row's key is sha256(cache_key + NUL + source), so a
different model, revision or decoding setting never reuses another's output.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from qa.errors import InputError
from qa.translate.base import Translator

DB_NAME = "translations.sqlite"
# sqlite limits the number of bound parameters per statement (999 in old builds).
_LOOKUP_CHUNK = 500


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
        with closing(self._connect()) as db:
            found = self._lookup(db, keys)
            todo = [s for s, k in dict(zip(sources, keys, strict=True)).items() if k not in found]
            for start in range(0, len(todo), self.chunk_size):
                chunk = todo[start : start + self.chunk_size]
                targets = self.inner.translate(chunk)
                rows = [(self.key(s), t) for s, t in zip(chunk, targets, strict=True)]
                db.executemany("INSERT OR REPLACE INTO mt (key, target) VALUES (?, ?)", rows)
                db.commit()
                found.update(rows)
        return [found[k] for k in keys]

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, target TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as e:
            raise InputError(f"cannot use the translation cache {self.path}: {e}") from None
        return db

    @staticmethod
    def _lookup(db: sqlite3.Connection, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(db.execute(f"SELECT key, target FROM mt WHERE key IN ({marks})", chunk))
        return found
