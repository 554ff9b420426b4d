"""mtqa's one on-disk cache layer: a key → text table in a SQLite file of the cache folder
(`$MTQA_CACHE`, default `~/.cache/mtqa`). The retranslation cache (`translations.sqlite`) and
the per-segment feature cache (`features.sqlite`, see `qa/features.py`) both sit on it.

What a `Store` promises:
- **A kill never corrupts.** Every write is one transaction in WAL mode: a process killed
  mid-write leaves the state before it (SQLite discards the unfinished WAL frames on the next
  open).
- **Processes share a file.** WAL lets readers run beside a writer; a writer takes the write
  lock up front (`BEGIN IMMEDIATE`) and waits up to `busy_timeout` for another one to finish.
- **A cache never breaks a run.** A file that is not a database or is damaged is moved aside
  (`NAME.corrupt-<unix time>`, replacing an earlier one; one line on stderr) and a fresh one
  is started; any other failure (still locked after the timeout, a read-only or full disk)
  turns the cache off for the rest of the run, with one line on stderr. The run itself goes
  on, uncached.
- **Bounded.** A file holds at most `$MTQA_CACHE_MAX_MB` MB of live pages (default 1024):
  after a write past the cap the least recently used rows go until 80% of it is left.
- **Inert.** Values are text written by mtqa (JSON, translations) and are only ever parsed:
  nothing read from a cache file is executed (no pickle).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path

CACHE_ENV = "MTQA_CACHE"
MAX_MB_ENV = "MTQA_CACHE_MAX_MB"
DEFAULT_MAX_MB = 1024
BUSY_TIMEOUT_MS = 30_000
# sqlite limits the number of bound parameters per statement (999 in old builds).
CHUNK = 500
# A hit refreshes its row's `last_used` at most this often (seconds): a re-run within the hour
# writes nothing for the rows it only read.
TOUCH_EVERY = 3600
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def default_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "mtqa"


def max_bytes_from_env() -> int:
    raw = os.environ.get(MAX_MB_ENV, "")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        warn(f"{MAX_MB_ENV}={raw!r} is not a number; using {DEFAULT_MAX_MB} MB")
        mb = DEFAULT_MAX_MB
    return max(int(mb * 1024 * 1024), 64 * 1024)


OPEN_RETRIES = 20  # about 10 s of waiting, on top of each attempt's busy_timeout


def _busy(e: sqlite3.OperationalError) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def warn(message: str) -> None:
    print(f"mtqa: warning: {message}", file=sys.stderr)


def damaged(e: BaseException) -> bool:
    """The file itself is bad (not a database, or its pages are inconsistent), as opposed to
    busy, read-only, full or missing."""
    if not isinstance(e, sqlite3.DatabaseError):
        return False
    name = getattr(e, "sqlite_errorname", "")
    if name:
        return name in _DAMAGED
    text = str(e)
    return "malformed" in text or "not a database" in text


class Store:
    """A persistent `key -> value` table (both text) in one SQLite file. Opened on first use;
    every method degrades to a miss or a no-op rather than raise (see the module doc)."""

    def __init__(self, path: Path | str, max_bytes: int | None = None) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes if max_bytes is not None else max_bytes_from_env()
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None
        self._touch: set[str] = set()

    # --- the interface ------------------------------------------------------------------------

    def get(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of those `keys` that have one (batched `IN (...)` lookups)."""
        unique = list(dict.fromkeys(keys))
        found = self._guard(lambda: self._get(unique), {})
        self.hits += len(found)
        self.misses += len(unique) - len(found)
        return found

    def put(self, rows: Iterable[tuple[str, str]]) -> None:
        """Store `rows` (and refresh the recency of the rows `get` returned) in one
        transaction; then evict past the cap."""
        rows = list(rows)
        if rows or self._touch:
            self._guard(lambda: self._put(rows), None)

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def integrity(self) -> str:
        """`PRAGMA integrity_check`'s answer ("ok" for a sound file)."""
        return str(self._connect().execute("PRAGMA integrity_check").fetchone()[0])

    def __len__(self) -> int:
        return int(self._guard(lambda: self._connect().execute("SELECT count(*) FROM entries")
                               .fetchone()[0], 0))  # fmt: skip

    # --- SQLite -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # Two processes opening a new file at once can get SQLITE_BUSY from the journal-mode
        # switch without the busy handler being asked (SQLite avoids a deadlock there): retry.
        for attempt in range(OPEN_RETRIES):
            try:
                return self._open()
            except sqlite3.OperationalError as e:
                if attempt == OPEN_RETRIES - 1 or not _busy(e):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._inode = _inode(self.path)  # what a damaged file is recognised by
            # autocommit (isolation_level=None): reads hold no transaction open, and writes say
            # BEGIN IMMEDIATE themselves
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            try:
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                    raise sqlite3.OperationalError("cannot switch the cache to WAL mode")
                db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable enough, never corrupt
                db.execute("PRAGMA journal_size_limit = 67108864")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, "
                    "value TEXT NOT NULL, last_used INTEGER NOT NULL)"
                )
                db.execute("CREATE INDEX IF NOT EXISTS entries_last_used ON entries (last_used)")
                self._migrate(db)
            except BaseException:
                db.close()
                raise
            self._db, self._inode = db, _inode(self.path)
        return self._db

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Rows of the retranslation cache's first format (table `mt`) move into `entries`."""
        if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='mt'").fetchone():
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR IGNORE INTO entries SELECT key, target, 0 FROM mt")
            db.execute("DROP TABLE mt")
            db.execute("COMMIT")

    def _get(self, keys: list[str]) -> dict[str, str]:
        db = self._connect()
        found: dict[str, str] = {}
        stale = int(time.time()) - TOUCH_EVERY
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT key, value, last_used FROM entries WHERE key IN ({marks})"
            for key, value, used in db.execute(sql, chunk):
                if not isinstance(value, str):
                    continue  # not written by mtqa: a miss, overwritten on the next put
                found[key] = value
                if used < stale:
                    self._touch.add(key)
        return found

    def _put(self, rows: list[tuple[str, str]]) -> None:
        db = self._connect()
        now = int(time.time())
        touch = sorted(self._touch - {k for k, _ in rows})
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT OR REPLACE INTO entries (key, value, last_used) VALUES (?, ?, ?)",
                [(k, v, now) for k, v in rows],
            )
            for start in range(0, len(touch), CHUNK):
                chunk = touch[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                sql = f"UPDATE entries SET last_used = ? WHERE key IN ({marks})"
                db.execute(sql, [now, *chunk])
            self._evict(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._touch.clear()

    def _evict(self, db: sqlite3.Connection) -> None:
        """Past the cap, delete the least recently used rows (a share of them proportional to
        the excess) so that about 80% of the cap stays in use; freed pages are reused."""
        page = db.execute("PRAGMA page_size").fetchone()[0]
        live = (
            db.execute("PRAGMA page_count").fetchone()[0]
            - db.execute("PRAGMA freelist_count").fetchone()[0]
        ) * page
        if live <= self.max_bytes:
            return
        count = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        drop = max(1, int(count * (1 - 0.8 * self.max_bytes / live)))
        db.execute(
            "DELETE FROM entries WHERE key IN "
            "(SELECT key FROM entries ORDER BY last_used, key LIMIT ?)",
            (drop,),
        )

    # --- faults -------------------------------------------------------------------------------

    def _guard(self, op, default):  # noqa: ANN001, ANN202 - a thunk and what a failure returns
        """Run `op`; a damaged file is moved aside and `op` retried once on a fresh one; any
        other failure turns the cache off. Never raises sqlite3 or OS errors."""
        if not self.enabled:
            return default
        for attempt in (1, 2):
            try:
                return op()
            except (sqlite3.Error, OSError) as e:
                self.close()
                if attempt == 1 and damaged(e) and self._set_aside(e):
                    continue
                self.enabled = False
                warn(f"cache {self.path} not used for this run: {_one_line(e)}")
                return default
        return default  # pragma: no cover - the loop always returns

    def _set_aside(self, e: BaseException) -> bool:
        """Move a damaged file (and its -wal/-shm) aside; False if that failed. Another
        process may have replaced it already: only the file this Store opened is moved."""
        try:
            st = os.stat(self.path)
            if self._inode is not None and (st.st_dev, st.st_ino) != self._inode:
                self._inode = None
                return True  # someone else set it aside and started a new one: use that
            for old in self.path.parent.glob(f"{self.path.name}.corrupt-*"):
                old.unlink()  # keep one damaged file to look at, not one per incident
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                side = Path(f"{self.path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{aside}{suffix}"))
        except FileNotFoundError:
            return True
        except OSError:
            return False
        self._inode = None
        warn(f"cache {self.path} is damaged ({_one_line(e)}); moved it to {aside.name}, "
             "starting a new one")  # fmt: skip
        return True


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _one_line(e: BaseException) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0]
