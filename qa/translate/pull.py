"""`mtqa models pull`: download a catalog model (or any Hub id) into the cache, once, and
optionally convert it to CTranslate2. The only module that downloads anything."""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.translate.catalog import (
    ct2_dir,
    find_model,
    is_pulled,
    mark_pulled,
    model_dir,
    pulled_revision,
)
from qa.translate.common import HUB_TIMEOUT_S, quick_hub_timeouts, short_reason

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
