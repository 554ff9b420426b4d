"""The catalog of known MT models and the local cache folders they are pulled into.

Layout of the cache (``$MTQA_CACHE`` or ``~/.cache/mtqa``)::

    models/<name>/        a pulled Hugging Face snapshot (marked complete by PULLED_MARKER)
    models/<name>-ct2/    its CTranslate2 conversion, when made
    translations.sqlite   retranslations (see cache.py)

Reading only: downloading lives in `pull.py`.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

# Written after a download completes, so a half-finished pull is never mistaken for a model.
PULLED_MARKER = ".mtqa-pulled.json"


def default_cache_dir() -> Path:
    env = os.environ.get("MTQA_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "mtqa"


def _registry_text() -> str:
    # In a wheel the file is force-included as qa/_models/registry.json; in a checkout
    # (editable install) it lives at <repo>/models/registry.json.
    try:
        return resources.files("qa").joinpath("_models/registry.json").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError):
        repo_file = Path(__file__).resolve().parents[2] / "models" / "registry.json"
        return repo_file.read_text("utf-8")


def load_registry() -> dict[str, Any]:
    return json.loads(_registry_text())


def registry_models() -> list[dict[str, Any]]:
    return list(load_registry()["models"])


def default_model_name() -> str:
    return str(load_registry()["default"])


def find_model(name_or_hub_id: str) -> dict[str, Any] | None:
    for row in registry_models():
        if name_or_hub_id in (row["name"], row["hub_id"]):
            return row
    return None


def model_dir(name: str, cache_dir: Path | None = None) -> Path:
    return (cache_dir or default_cache_dir()) / "models" / name


def ct2_dir(name: str, cache_dir: Path | None = None) -> Path:
    return model_dir(f"{name}-ct2", cache_dir)


def is_pulled(path: Path) -> bool:
    return (path / PULLED_MARKER).is_file()


def mark_pulled(path: Path, hub_id: str, revision: str | None) -> None:
    info = {"hub_id": hub_id, "revision": revision}
    (path / PULLED_MARKER).write_text(json.dumps(info), encoding="utf-8")


def pulled_revision(path: Path) -> str | None:
    """The Hub commit a pulled folder was downloaded at, if it was pulled by us."""
    try:
        return json.loads((path / PULLED_MARKER).read_text("utf-8")).get("revision")
    except (OSError, ValueError):
        return None


def list_models(cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Registry rows, each with `pulled` (HF folder ready) and `ct2` (converted folder ready)."""
    rows = []
    for row in registry_models():
        name = row["name"]
        ready = {
            "pulled": is_pulled(model_dir(name, cache_dir)),
            "ct2_pulled": is_pulled(ct2_dir(name, cache_dir)),
            "path": str(model_dir(name, cache_dir)),
        }
        rows.append({**row, **ready})
    return rows
