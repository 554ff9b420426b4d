"""Retranslation with a Hugging Face seq2seq model (Marian, NLLB, M2M100) through transformers.

torch and transformers are imported inside functions: `import qa` must stay light.
The tokenizer and language-code helpers here are shared with the CTranslate2 backend.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import InputError
from qa.translate.base import choose_device
from qa.translate.registry import pulled_revision, quick_hub_timeouts, short_reason

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


def load_tokenizer(path_or_id: str | Path) -> Any:
    quick_hub_timeouts()
    from transformers import AutoTokenizer

    try:
        with warnings.catch_warnings():  # MarianTokenizer nags about an optional package
            warnings.filterwarnings("ignore", message=".*sacremoses")
            return AutoTokenizer.from_pretrained(str(path_or_id))
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


def torch_device(device: str) -> str:
    import torch

    return choose_device(device, torch.cuda.is_available(), "torch", ("cpu", "cuda"))


class HFTranslator:
    """transformers `generate`, greedy (beam=1) or beam search, in length-sorted batches."""

    def __init__(
        self,
        model: str | Path,
        device: str = "auto",
        beam: int = 1,
        batch_size: int = 16,
        max_new_tokens: int = 256,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> None:
        self.device = torch_device(device)
        self.tokenizer = load_tokenizer(model)
        self.model = _load_model(model, self.device)
        family = detect_family(self.tokenizer, self.model.config.model_type)
        self.langs = resolve_langs(family, self.tokenizer, src_lang, tgt_lang)
        self.beam, self.batch_size, self.max_new_tokens = beam, batch_size, max_new_tokens
        local = Path(model).is_dir()
        label = Path(model).name if local else str(model)
        revision = dir_stamp(Path(model)) if local else _commit_of(self.model)
        where = str(Path(model).resolve()) if local else str(model)
        self.name = f"hf:{label}"
        self.cache_key = (
            f"hf|{where}@{revision}|beam={beam}|max_new={max_new_tokens}|{self.langs.describe()}"
        )

    def generate_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "num_beams": self.beam,
            "do_sample": False,
            "max_new_tokens": self.max_new_tokens,
            "max_length": None,  # else the model's own max_length triggers a warning per batch
        }
        if self.langs.tgt_token:
            kwargs["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(
                self.langs.tgt_token
            )
        return kwargs

    def translate(self, sources: list[str]) -> list[str]:
        return translate_sorted(sources, self.batch_size, self._run)

    def _run(self, batch: list[str]) -> list[str]:
        import torch

        enc = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            ids = self.model.generate(**enc, **self.generate_kwargs())
        return self._decode(ids.tolist())

    def _decode(self, rows: list[list[int]]) -> list[str]:
        forced = self.generate_kwargs().get("forced_bos_token_id")
        if forced is not None:
            # transformers 5 no longer marks M2M100 language tokens as special, so
            # skip_special_tokens keeps "__en__": drop the forced token after decoder start.
            rows = [row[row.index(forced) + 1 :] if forced in row[:2] else row for row in rows]
        return self.tokenizer.batch_decode(rows, skip_special_tokens=True)


def _load_model(path_or_id: str | Path, device: str) -> Any:
    from transformers import AutoModelForSeq2SeqLM

    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(str(path_or_id))
    except (OSError, ValueError, ImportError) as e:
        raise InputError(load_error_message(path_or_id, e)) from None
    return model.to(device).eval()


def _commit_of(model: Any) -> str:
    return str(getattr(model.config, "_commit_hash", None) or "unknown")
