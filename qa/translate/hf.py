"""Retranslation with a Hugging Face seq2seq model (Marian, NLLB, M2M100) through transformers.

torch and transformers are imported inside functions: `import qa` must stay light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.errors import InputError
from qa.translate.base import choose_device
from qa.translate.common import (
    detect_family,
    dir_stamp,
    hub_options,
    load_error_message,
    load_tokenizer,
    resolve_langs,
    translate_sorted,
)


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
        model = AutoModelForSeq2SeqLM.from_pretrained(str(path_or_id), **hub_options(path_or_id))
    except (OSError, ValueError, ImportError) as e:
        raise InputError(load_error_message(path_or_id, e)) from None
    return model.to(device).eval()


def _commit_of(model: Any) -> str:
    return str(getattr(model.config, "_commit_hash", None) or "unknown")
