"""Helpers the model backends share: language codes of multilingual families, tokenizer
loading, length-sorted batching, error messages, folder identity. Nothing here loads a model.

transformers is imported inside functions: `import qa` must stay light.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from qa.errors import InputError
from qa.translate.catalog import pulled_revision

# Fail in seconds rather than minutes when the Hub is unreachable.
HUB_TIMEOUT_S = 5.0
HUB_PROBE_S = 2.0

# Default language codes per multilingual family; Marian opus-mt pairs need none.
DEFAULT_LANGS: dict[str, tuple[str, str]] = {
    "nllb": ("jpn_Jpan", "eng_Latn"),
    "m2m100": ("ja", "en"),
}


@dataclass(frozen=True)
class LangSetup:
    """Language codes of a multilingual model; `tgt_token` starts every translation."""

    src_lang: str | None = None
    tgt_lang: str | None = None
    tgt_token: str | None = None

    def describe(self) -> str:
        return f"{self.src_lang or '-'}>{self.tgt_lang or '-'}"


def detect_family(tokenizer: Any, model_type: str | None = None) -> str:
    """'nllb', 'm2m100' or 'marian'/other. NLLB shares the m2m_100 architecture, so the
    tokenizer class is what tells them apart (a CTranslate2 folder has no HF config at all)."""
    cls = type(tokenizer).__name__.lower()
    if "nllb" in cls:
        return "nllb"
    if "m2m100" in cls or model_type == "m2m_100":
        return "m2m100"
    return model_type or "other"


def resolve_langs(
    family: str, tokenizer: Any, src_lang: str | None, tgt_lang: str | None
) -> LangSetup:
    """Language codes for `family`, defaulting to Japanese→English; checks the target exists."""
    if family not in DEFAULT_LANGS:
        return LangSetup()
    default_src, default_tgt = DEFAULT_LANGS[family]
    src, tgt = src_lang or default_src, tgt_lang or default_tgt
    token = f"__{tgt}__" if family == "m2m100" else tgt
    token_id = tokenizer.convert_tokens_to_ids(token)
    if token_id is None or token_id == tokenizer.unk_token_id:
        raise InputError(f"target language {tgt!r} is not known to this {family} model")
    tokenizer.src_lang = src  # makes the tokenizer prepend the source language token
    return LangSetup(src, tgt, token)


def hub_options(path_or_id: str | Path) -> dict[str, Any]:
    """`from_pretrained` options for a Hub id: cached files only when the Hub cannot be reached
    (one 2-second connection probe), so an offline run fails at once instead of retrying for a
    minute; a local folder needs none."""
    if Path(path_or_id).exists() or _hub_reachable():
        return {}
    return {"local_files_only": True}


def require_hub_or_cache(hub_id: str) -> None:
    """Fail at once, before any heavy import, for a Hub id that is neither reachable nor in the
    Hugging Face cache (its documented layout: $HF_HUB_CACHE/models--ORG--NAME)."""
    if _hub_reachable():
        return
    home = os.environ.get("HF_HOME", str(Path.home() / ".cache" / "huggingface"))
    cache = Path(os.environ.get("HF_HUB_CACHE", str(Path(home) / "hub")))
    if not (cache / ("models--" + hub_id.replace("/", "--"))).is_dir():
        raise InputError(
            f"cannot load MT model {hub_id}: no network access to the Hugging Face Hub and "
            "not in the local cache; copy the model folder here and pass its path to --mt"
        )


def _hub_reachable() -> bool:
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or ""
    try:
        socket.create_connection((host, 443), timeout=HUB_PROBE_S).close()
    except OSError:
        return False
    return True


def load_tokenizer(path_or_id: str | Path) -> Any:
    quick_hub_timeouts()
    from transformers import AutoTokenizer

    try:
        with warnings.catch_warnings():  # MarianTokenizer nags about an optional package
            warnings.filterwarnings("ignore", message=".*sacremoses")
            return AutoTokenizer.from_pretrained(str(path_or_id), **hub_options(path_or_id))
    except (OSError, ValueError, ImportError) as e:
        raise InputError(load_error_message(path_or_id, e)) from None


def load_error_message(path_or_id: str | Path, error: Exception) -> str:
    text = str(error)
    if not Path(path_or_id).exists() and ("connect" in text.lower() or "offline" in text.lower()):
        return (
            f"cannot load MT model {path_or_id}: no network access to the Hugging Face Hub and "
            "not in the local cache; copy the model folder here and pass its path to --mt"
        )
    return f"cannot load MT model {path_or_id}: {short_reason(error)}"


def source_order(sources: list[str]) -> list[int]:
    """Indices of non-empty sources, longest first, so each batch pads to similar lengths."""
    todo = [i for i, s in enumerate(sources) if s.strip()]
    return sorted(todo, key=lambda i: len(sources[i]), reverse=True)


def batched(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def translate_sorted(
    sources: list[str], batch_size: int, run: Callable[[list[str]], list[str]]
) -> list[str]:
    """Translate non-empty sources in length-sorted batches with `run`; restore input order.
    Empty or whitespace-only sources become "" without reaching the model."""
    out = [""] * len(sources)
    for batch in batched(source_order(sources), max(1, batch_size)):
        for i, text in zip(batch, run([sources[i] for i in batch]), strict=True):
            out[i] = text.strip()
    return out


def dir_stamp(path: Path) -> str:
    """Cheap identity of a local model folder: its pulled revision, else newest file mtime."""
    revision = pulled_revision(path)
    if revision:
        return revision
    mtimes = [p.stat().st_mtime_ns for p in path.iterdir() if p.is_file()]
    return f"mtime{max(mtimes, default=0)}"


def quick_hub_timeouts() -> None:
    """Short Hub timeouts unless the user chose their own; must run before huggingface_hub loads."""
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", str(int(HUB_TIMEOUT_S)))
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", str(int(HUB_TIMEOUT_S * 2)))


def short_reason(error: BaseException, limit: int = 120) -> str:
    """First informative line of an exception message, without library boilerplate."""
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    text = lines[0] if lines else type(error).__name__
    text = text.removeprefix("Got: ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
