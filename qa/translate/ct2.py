"""Retranslation with a CTranslate2-converted model: several times faster than torch on CPU.

The folder holds CTranslate2's `model.bin` + `config.json` and the Hugging Face tokenizer files
copied in at conversion (see `convert_to_ct2`), or the tokenizer comes from `tokenizer_dir`.
"""

from __future__ import annotations

import json
from pathlib import Path

from qa.errors import InputError
from qa.translate.base import choose_device
from qa.translate.common import (
    detect_family,
    dir_stamp,
    load_tokenizer,
    resolve_langs,
    short_reason,
    translate_sorted,
)

# Tokenizer files of the supported families; whichever exist are copied into a conversion.
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "source.spm",
    "target.spm",
    "sentencepiece.bpe.model",
    "spiece.model",
)


def is_ct2_dir(path: Path) -> bool:
    """A CTranslate2 folder: model.bin next to a config.json that is not a transformers one."""
    if not (path / "model.bin").is_file() or not (path / "config.json").is_file():
        return False
    try:
        config = json.loads((path / "config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return "model_type" not in config and "architectures" not in config


def convert_to_ct2(model_dir: Path, output_dir: Path, quantization: str | None = None) -> Path:
    """What `ct2-transformers-converter --copy_files <tokenizer files>` does, as a function."""
    from ctranslate2.converters import TransformersConverter

    files = [name for name in TOKENIZER_FILES if (model_dir / name).is_file()]
    converter = TransformersConverter(str(model_dir), copy_files=files)
    try:
        converter.convert(str(output_dir), quantization=quantization, force=True)
    except (OSError, ValueError, NotImplementedError) as e:
        raise InputError(f"cannot convert {model_dir} to CTranslate2: {short_reason(e)}") from None
    return output_dir


def ct2_device(device: str) -> str:
    import ctranslate2

    has_gpu = ctranslate2.get_cuda_device_count() > 0
    if device not in ("auto", "cpu", "cuda"):  # no "cuda:1": CTranslate2 takes an index apart
        raise InputError(f"unknown device {device!r} for CTranslate2: use auto, cpu or cuda")
    return choose_device(device, has_gpu, "CTranslate2", ("cpu", "cuda"))


class CT2Translator:
    """`ctranslate2.Translator.translate_batch` over HF-tokenized, length-sorted batches."""

    def __init__(
        self,
        model_dir: str | Path,
        device: str = "auto",
        beam: int = 1,
        batch_size: int = 16,
        max_new_tokens: int = 256,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        compute_type: str = "default",
        tokenizer_dir: str | Path | None = None,
    ) -> None:
        import ctranslate2

        self.model_dir = Path(model_dir)
        if not is_ct2_dir(self.model_dir):
            raise InputError(f"{model_dir}: not a CTranslate2 model folder (no ct2 model.bin)")
        self.tokenizer = load_tokenizer(tokenizer_dir or self.model_dir)
        family = detect_family(self.tokenizer)
        self.langs = resolve_langs(family, self.tokenizer, src_lang, tgt_lang)
        device = ct2_device(device)
        try:
            self.model = ctranslate2.Translator(
                str(self.model_dir), device=device, compute_type=compute_type
            )
        except (RuntimeError, ValueError) as e:
            reason = short_reason(e)
            raise InputError(f"cannot load CTranslate2 model {model_dir}: {reason}") from None
        self.beam, self.batch_size, self.max_new_tokens = beam, batch_size, max_new_tokens
        self.name = f"ct2:{self.model_dir.name}"
        where = f"{self.model_dir.resolve()}@{dir_stamp(self.model_dir)}"
        self.cache_key = (
            f"ct2|{where}|{compute_type}|beam={beam}|max_new={max_new_tokens}"
            f"|{self.langs.describe()}"
        )

    def translate(self, sources: list[str]) -> list[str]:
        return translate_sorted(sources, self.batch_size, self._run)

    def _run(self, batch: list[str]) -> list[str]:
        tokens = [self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(s)) for s in batch]
        prefix = [self.langs.tgt_token] if self.langs.tgt_token else []
        results = self.model.translate_batch(
            tokens,
            target_prefix=[prefix] * len(batch) if prefix else None,
            beam_size=self.beam,
            # HF's max_new_tokens counts the forced language token; ct2 counts the prefix too.
            max_decoding_length=self.max_new_tokens,
            return_scores=False,
        )
        return [self._decode(r.hypotheses[0], prefix) for r in results]

    def _decode(self, hypothesis: list[str], prefix: list[str]) -> str:
        if prefix and hypothesis[: len(prefix)] == prefix:
            hypothesis = hypothesis[len(prefix) :]
        ids = self.tokenizer.convert_tokens_to_ids(hypothesis)
        return self.tokenizer.decode(ids, skip_special_tokens=True)
