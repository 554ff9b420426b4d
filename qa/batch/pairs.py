"""Which files of a folder belong together: `mtqa batch` pairs them by name, never by content.

Rules, applied to every file under the root (hidden files and folders, and any folder holding a
batch manifest — an earlier run's output — are ignored):

1. A folder with `ja/` and `en/` subfolders: `ja/X` pairs with `en/X` (same relative path,
   recursively); `mt/X`, when present, is that pair's precomputed retranslation.
2. A bilingual file (`.tsv`, `.csv`, `.jsonl`, `.xlf`, `.xliff`, `.tmx`) is a pair on its own.
3. `NAME<sep>ja[.ext]` pairs with `NAME<sep>en[.ext]` in the same folder, `<sep>` one of `.`,
   `-`, `_` and the same on both sides, the extension the same (`a.ja.txt` + `a.en.txt`,
   `a-ja.md` + `a-en.md`, `a_ja` + `a_en`, `a.ja` + `a.en`); `NAME<sep>mt[.ext]` beside them is
   the pair's retranslation (one line per source segment, as `check --retranslation`).

Everything else is "unpaired" (listed, not an error). A pair is named by its folder and NAME
(`news/a` for `news/a.ja.txt`, `news/a` for `news/ja/a.txt`); a bilingual file keeps its
suffix in its name (`jobs/x.tsv`), so `x.tsv` and `x.xlf` never collide.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qa.io.bilingual import BILINGUAL_SUFFIXES
from qa.io.tables import TABLE_SUFFIXES

MANIFEST_NAME = ".mtqa-batch.json"
ONE_FILE_SUFFIXES = tuple(TABLE_SUFFIXES) + tuple(BILINGUAL_SUFFIXES)
_MARKED = re.compile(r"^(?P<base>.+?)(?P<sep>[._-])(?P<lang>ja|en|mt)(?P<ext>\.[^.]+)?$", re.I)
_FOLDERS = ("ja", "en", "mt")


@dataclass(frozen=True)
class Pair:
    """One unit of a batch. Paths are relative to the batch root, POSIX-style."""

    name: str
    source: str
    target: str | None = None  # None: `source` is a bilingual file
    retranslation: str | None = None

    def files(self) -> dict[str, str]:
        """Role → relative path of every input file of the pair."""
        roles = {"source": self.source, "target": self.target, "retranslation": self.retranslation}
        return {k: v for k, v in roles.items() if v is not None}


@dataclass(frozen=True)
class Discovery:
    pairs: list[Pair]
    unpaired: list[str]


def find_pairs(root: Path, exclude: Iterable[Path] = ()) -> Discovery:
    """The pairs under `root` (sorted by name) and the files that belong to none."""
    root = Path(root)
    skip = {_real(p) for p in exclude}
    files = sorted(_walk(root, skip))
    present = set(files)
    pairs: list[Pair] = []
    consumed: set[str] = set()

    # 1. ja/ + en/ folder pairs. Whatever else sits in ja/, en/, mt/ stays unpaired.
    lang_dirs: list[str] = []
    ancestors = {str(a) for f in files for a in PurePosixPath(f).parents}
    for d in sorted(ancestors):
        if not all((root / d / sub).is_dir() for sub in ("ja", "en")):
            continue
        prefix = "" if d == "." else d + "/"
        ja, en_dir, mt_dir = (prefix + sub + "/" for sub in _FOLDERS)
        lang_dirs += [ja, en_dir, mt_dir]
        for f in files:
            if not f.startswith(ja):
                continue
            rel = f[len(ja) :]
            en, mt = en_dir + rel, mt_dir + rel
            if en in present:
                retr = mt if mt in present else None
                pairs.append(Pair(prefix + _strip_suffix(rel), f, en, retr))
                consumed.update(x for x in (f, en, retr) if x)
    in_lang_dirs = tuple(lang_dirs)

    # 2. and 3. bilingual files; name-marked pairs.
    groups: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for f in files:
        if f in consumed or f.startswith(in_lang_dirs):
            continue
        p = PurePosixPath(f)
        if p.suffix.lower() in ONE_FILE_SUFFIXES:
            pairs.append(Pair(f, f))
            consumed.add(f)
            continue
        m = _MARKED.match(p.name)
        if m is None:
            continue
        key = (str(p.parent), m["base"], m["sep"], m["ext"] or "")
        groups.setdefault(key, {})[m["lang"].lower()] = f
    for (parent, base, _, _), members in groups.items():
        if "ja" in members and "en" in members:
            name = base if parent == "." else f"{parent}/{base}"
            pairs.append(Pair(name, members["ja"], members["en"], members.get("mt")))
            consumed.update(members.values())
    pairs.sort(key=lambda p: p.name)
    return Discovery(pairs, [f for f in files if f not in consumed])


def _strip_suffix(rel: str) -> str:
    p = PurePosixPath(rel)
    return str(p.with_suffix("")) if p.suffix and p.stem else rel


def _real(p: Path) -> str:
    return os.path.realpath(p)


def _walk(root: Path, skip: set[str]) -> Iterable[str]:
    """Relative POSIX paths of the regular files under root, pruning hidden entries, excluded
    folders and folders that hold a batch manifest."""
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            full = here / d
            if d.startswith(".") or _real(full) in skip or (full / MANIFEST_NAME).exists():
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in filenames:
            full = here / name
            if name.startswith(".") or not full.is_file():
                continue
            yield full.relative_to(root).as_posix()
