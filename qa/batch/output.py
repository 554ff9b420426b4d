"""Writing batch outputs: atomically and with the umask's mode (`qa.report.write_atomic`),
folders made as needed."""

from __future__ import annotations

from pathlib import Path

from qa.report import write_atomic


def write_file(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
