"""The registry of known MT models and the local cache they are pulled into.

Layout of the cache (``$MTQA_CACHE`` or ``~/.cache/mtqa``)::

    models/<name>/        a pulled Hugging Face snapshot (marked complete by PULLED_MARKER)
    models/<name>-ct2/    its CTranslate2 conversion, when made
    translations.sqlite   retranslations (see cache.py)
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from qa.errors import InputError

# Written after a download completes, so a half-finished pull is never mistaken for a model.
PULLED_MARKER = ".mtqa-pulled.json"
# Fail in seconds rather than minutes when the Hub is unreachable.
HUB_TIMEOUT_S = 5.0
# Weights in formats this package never loads; skipping them saves gigabytes.
IGNORE_PATTERNS = [
    "*.h5",
    "*.msgpack",
    "*.ot",
    "*.onnx",
    "*.tflite",
    "onnx/*",
    "tf_model*",
    "flax_model*",
    "rust_model*",
]


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


def _local_name(name_or_hub_id: str) -> tuple[str, str]:
    """(folder name in the cache, hub id) for a registry name or any Hub id."""
    row = find_model(name_or_hub_id)
    if row:
        return row["name"], row["hub_id"]
    if "/" not in name_or_hub_id:
        raise InputError(
            f"unknown MT model {name_or_hub_id!r}: not in the registry (see `mtqa models list`); "
            "Hugging Face ids look like org/name"
        )
    return name_or_hub_id.replace("/", "--"), name_or_hub_id


def pull(name_or_hub_id: str, cache_dir: Path | None = None, ct2: bool = False) -> Path:
    """Download a model into the cache (once) and return its folder.

    With `ct2`, also convert it to CTranslate2 next to it and return that folder instead.
    """
    name, hub_id = _local_name(name_or_hub_id)
    target = model_dir(name, cache_dir)
    if not is_pulled(target):
        revision = _download(hub_id, target)
        mark_pulled(target, hub_id, revision)
    if not ct2:
        return target
    from qa.translate.ct2 import convert_to_ct2

    out = ct2_dir(name, cache_dir)
    if not is_pulled(out):
        convert_to_ct2(target, out)
        mark_pulled(out, hub_id, pulled_revision(target))
    return out


def quick_hub_timeouts() -> None:
    """Short Hub timeouts unless the user chose their own; must run before huggingface_hub loads."""
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", str(int(HUB_TIMEOUT_S)))
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", str(int(HUB_TIMEOUT_S * 2)))


def _download(hub_id: str, target: Path) -> str | None:
    """snapshot_download at a pinned commit; every failure becomes one InputError line."""
    quick_hub_timeouts()
    try:
        from huggingface_hub import HfApi, snapshot_download
    except ImportError as e:
        raise InputError("pulling models needs huggingface_hub: pip install 'mtqa[mt]'") from e
    try:
        # One metadata call first: fails fast offline and pins the commit for the cache key.
        revision = HfApi().model_info(hub_id, timeout=HUB_TIMEOUT_S).sha
        snapshot_download(
            hub_id,
            revision=revision,
            local_dir=target,
            etag_timeout=HUB_TIMEOUT_S,
            ignore_patterns=IGNORE_PATTERNS,
        )
    except Exception as e:  # the hub raises many unrelated types (httpx, OSError, HfHubHTTPError)
        raise InputError(download_error_message(hub_id, e)) from None
    return revision


def download_error_message(hub_id: str, error: Exception) -> str:
    kind = type(error).__name__
    if kind in ("RepositoryNotFoundError", "GatedRepoError", "RevisionNotFoundError"):
        return f"cannot download {hub_id}: not found on the Hugging Face Hub or access is gated"
    if isinstance(error, PermissionError):
        return f"cannot download {hub_id}: {short_reason(error)}"
    return (
        f"cannot download {hub_id}: no network access to the Hugging Face Hub "
        f"({short_reason(error)}); copy the model folder here and pass its path to --mt"
    )


def short_reason(error: BaseException, limit: int = 120) -> str:
    """First informative line of an exception message, without library boilerplate."""
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    text = lines[0] if lines else type(error).__name__
    text = text.removeprefix("Got: ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
