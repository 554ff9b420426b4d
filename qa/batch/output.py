"""Writing batch outputs: atomically (via `qa.report.write_atomic`), folders made as needed, and
with the mode the umask gives a new file (a temporary file is created 0600)."""

from __future__ import annotations

import os
from pathlib import Path

from qa.report import write_atomic


def umask_mode() -> int:
    """The mode a new file gets under the current umask (0o666 & ~umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_file(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    os.chmod(path, umask_mode())
