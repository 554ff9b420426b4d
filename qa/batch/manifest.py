"""The batch manifest `OUTDIR/.mtqa-batch.json`: what each finished pair was computed from.

A pair's key is sha256 over the bytes of its input files (with their roles), the fingerprint of
every setting that changes a result (`settings_fingerprint`) and the mtqa version. A re-run
skips a pair whose key is unchanged and whose report is still the file it wrote (same sha256),
reusing the summary row stored here. The manifest is rewritten atomically after every finished
pair, so a run killed at any point leaves a manifest that lists exactly the pairs whose
reports are complete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import qa
from qa.batch.output import write_file
from qa.batch.pairs import MANIFEST_NAME, Pair

FORMAT = 1


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def digest_text(text: str) -> str:
    """sha256 of `text` as `write_file` stores it (UTF-8, newlines untouched)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def risk_model_sha256() -> str:
    data = files("qa.data").joinpath("risk_model.json").read_bytes()
    return hashlib.sha256(data).hexdigest()


def input_digests(root: Path, pair: Pair) -> dict[str, str]:
    """Role → sha256 of the file's bytes."""
    return {role: file_sha256(root / rel) for role, rel in pair.files().items()}


def pair_key(inputs: dict[str, str], fingerprint: str) -> str:
    return digest({"inputs": inputs, "settings": fingerprint, "mtqa": qa.__version__})


@dataclass
class Manifest:
    path: Path
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_run: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, outdir: Path) -> Manifest:
        """The manifest in `outdir`; an unreadable or foreign one counts as empty."""
        path = Path(outdir) / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls(path)
        entries = data.get("pairs")
        return cls(path, dict(entries) if isinstance(entries, dict) else {})

    def reusable(self, name: str, key: str, outdir: Path, report: str) -> dict[str, Any] | None:
        """The stored summary row of `name` when its key matches and its report is intact."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key or entry.get("report") != report:
            return None
        try:
            if file_sha256(Path(outdir) / report) != entry.get("report_sha256"):
                return None
        except OSError:
            return None
        row = entry.get("row")
        return row if isinstance(row, dict) else None

    def record(self, name: str, key: str, report: str, report_sha: str, row: dict) -> None:
        self.entries[name] = {"key": key, "report": report, "report_sha256": report_sha, "row": row}
        self.save()

    def forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.save()

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "mtqa": qa.__version__,
            "last_run": self.last_run,
            "pairs": dict(sorted(self.entries.items())),
        }
        write_file(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
