"""Retranslation backends and `load_translator`, the one way the CLI and API pick a model.

Nothing heavy is imported here: torch/transformers/ctranslate2 load only when a model does.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Literal, NoReturn

from qa.errors import InputError
from qa.translate.base import Translator
from qa.translate.cache import CachedTranslator
from qa.translate.catalog import (
    ct2_dir,
    default_cache_dir,
    default_model_name,
    find_model,
    is_pulled,
    model_dir,
)
from qa.translate.common import require_hub_or_cache

__all__ = ["Translator", "CachedTranslator", "load_translator", "resolve_spec"]

Backend = Literal["hf", "ct2"]
_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def load_translator(
    spec: str,
    *,
    backend: str = "auto",
    device: str = "auto",
    beam: int = 1,
    batch_size: int = 16,
    max_new_tokens: int = 256,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    mt_model: str | None = None,
) -> Translator | None:
    """The translator `spec` names, or None for "none" (and for "auto" with nothing pulled).

    spec: "none" | "auto" | a registry name | a local model folder | a Hugging Face id |
    "openai:<base-url>" (a served model; `mt_model` names it).
    backend: "auto" | "hf" | "ct2". Never touches the network unless spec is a Hub id.
    """
    if backend not in ("auto", "hf", "ct2"):
        raise InputError(f"unknown MT backend {backend!r}: use auto, hf or ct2")
    cache_dir = cache_dir or default_cache_dir()
    from qa.translate.http import is_http_spec, load_http

    if is_http_spec(spec):
        http = load_http(spec, mt_model, max_new_tokens=max_new_tokens)
        return CachedTranslator(http, cache_dir) if use_cache else http
    if mt_model is not None:
        raise InputError("--mt-model applies only to --mt openai:<base-url>")
    resolved = resolve_spec(spec, backend, cache_dir)
    if resolved is None:
        return None
    kind, where = resolved
    _require(_RUNTIME[kind])
    options = dict(device=device, beam=beam, batch_size=batch_size, max_new_tokens=max_new_tokens)
    if kind == "ct2":
        from qa.translate.ct2 import CT2Translator

        translator: Translator = CT2Translator(where, **options)
    else:
        from qa.translate.hf import HFTranslator

        translator = HFTranslator(where, **options)
    return CachedTranslator(translator, cache_dir) if use_cache else translator


# What each backend imports; all come with `pip install 'mtqa[mt]'`.
_RUNTIME: dict[str, tuple[str, ...]] = {
    "hf": ("torch", "transformers", "sentencepiece"),
    "ct2": ("ctranslate2", "transformers", "sentencepiece"),
}


def _require(modules: tuple[str, ...]) -> None:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            f"MT models need {', '.join(missing)}: pip install 'mtqa[mt]' (or use --mt none)"
        )


def resolve_spec(spec: str, backend: str, cache_dir: Path) -> tuple[Backend, str] | None:
    """(backend, folder or Hub id) for `spec`, without loading anything."""
    spec = spec.strip()
    if spec.lower() == "none":
        return None
    if spec.lower() == "auto":
        return _pulled(default_model_name(), backend, cache_dir)
    row = find_model(spec)
    if row:
        found = _pulled(row["name"], backend, cache_dir)
        if found:
            return found
        if spec == row["name"]:
            _not_pulled(row["name"], backend)
        # A registry Hub id that is not pulled loads from the Hub like any other id.
    path = Path(spec).expanduser()
    if path.exists():
        return _local_dir(path, backend)
    if _HUB_ID.match(spec) and not spec.startswith("."):
        if backend == "ct2":
            raise InputError(f"MT model {spec}: --backend ct2 needs a converted local folder")
        require_hub_or_cache(spec)
        return "hf", spec
    raise InputError(
        f"unknown MT model {spec!r}: not in the registry (see `mtqa models list`), "
        "not an existing folder, and not a Hugging Face id (org/name)"
    )


def _pulled(name: str, backend: str, cache_dir: Path) -> tuple[Backend, str] | None:
    """The pulled folder of a registry model, preferring its faster CTranslate2 conversion."""
    ct2, hf = ct2_dir(name, cache_dir), model_dir(name, cache_dir)
    if backend in ("auto", "ct2") and is_pulled(ct2):
        return "ct2", str(ct2)
    if backend in ("auto", "hf") and is_pulled(hf):
        return "hf", str(hf)
    return None


def _not_pulled(name: str, backend: str) -> NoReturn:
    flag = " --ct2" if backend == "ct2" else ""
    raise InputError(
        f"MT model {name} is not pulled yet: run `mtqa models pull {name}{flag}` "
        "(needs network) or pass a local model folder to --mt"
    )


def _local_dir(path: Path, backend: str) -> tuple[Backend, str]:
    from qa.translate.ct2 import is_ct2_dir

    if not path.is_dir():
        raise InputError(f"{path}: an MT model must be a folder, not a file")
    if is_ct2_dir(path):
        if backend == "hf":
            raise InputError(f"{path}: a CTranslate2 model; use --backend ct2 or auto")
        return "ct2", str(path)
    if backend == "ct2":
        raise InputError(
            f"{path}: not a CTranslate2 model; convert it with `ct2-transformers-converter "
            f"--model {path} --output_dir {path}-ct2 --copy_files <tokenizer files>`"
        )
    if not (path / "config.json").is_file():
        raise InputError(f"{path}: not a model folder (no config.json from save_pretrained)")
    return "hf", str(path)
