"""What one worker does with one pair — the same in-process, in a worker process and in a Ray
actor: build a `Models` holder once (`build_models`), then `check_pair` per pair, which calls
`qa.pipeline.run` and returns the `Result` (rendering and writing stay on the driver)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa.batch.pairs import Pair
from qa.errors import InputError
from qa.model import Result
from qa.pipeline import Inputs, Settings, run
from qa.runtime import Models


@dataclass(frozen=True)
class ModelSpec:
    """How a worker builds its models (picklable: sent to processes and actors)."""

    mt: str = "auto"
    backend: str = "auto"
    device: str = "auto"
    beam: int = 1
    batch_size: int = 16
    max_new_tokens: int = 256
    cache: bool = True
    e5_runtime: str | None = None
    lm_model: str | None = None
    # torch intra-op threads per worker. Results can differ in the 4th decimal between thread
    # counts (bf16 matmuls split differently), so every engine of a batch uses the same count:
    # None = torch's default in this process, which is what `mtqa check` uses.
    threads: int | None = None

    def fingerprint(self) -> dict[str, object]:
        """What about the models changes a result, without loading any: the resolved model
        (kind and folder or hub id) and the decoding settings; the e5 runtime and LM model
        as chosen here or by $MTQA_E5_RUNTIME / $MTQA_LM_MODEL."""
        import os

        from qa.translate import resolve_spec
        from qa.translate.catalog import default_cache_dir

        resolved = resolve_spec(self.mt, self.backend, default_cache_dir())
        return {
            "mt": list(resolved) if resolved else None,
            "decoding": [self.device, self.beam, self.batch_size, self.max_new_tokens]
            if resolved
            else None,
            "e5_runtime": self.e5_runtime or os.environ.get("MTQA_E5_RUNTIME", "auto"),
            "lm_model": self.lm_model or os.environ.get("MTQA_LM_MODEL"),
            "threads": self.threads or os.environ.get("OMP_NUM_THREADS") or os.cpu_count(),
        }


def build_models(spec: ModelSpec) -> Models:
    """One holder per worker: the translator loaded now, e5 and the LM on first use, and the
    feature cache `mtqa check` uses (unless `--no-cache`): a pair with a few edited
    segments recomputes only those, and a later `mtqa check` of a batch's pair is a re-run.

    The check and signal registries are loaded first: score order is registry order, which
    is import order, and a worker's first run would otherwise import the e5 signals (through
    the aligner's embedder) before the dictionary signal."""
    from qa.features import FeatureCache
    from qa.pipeline import load_plugins
    from qa.translate import load_translator

    load_plugins()
    if spec.threads is not None:
        set_torch_threads(spec.threads)

    translator = load_translator(
        spec.mt,
        backend=spec.backend,
        device=spec.device,
        beam=spec.beam,
        batch_size=spec.batch_size,
        max_new_tokens=spec.max_new_tokens,
        use_cache=spec.cache,
    )
    features = FeatureCache.default() if spec.cache else None
    return Models(translator, e5_runtime=spec.e5_runtime, lm_model=spec.lm_model, cache=features)


@dataclass
class Outcome:
    """A pair's Result, or the one-line message of the input error that stopped it."""

    name: str
    result: Result | None = None
    error: str | None = None


def check_pair(
    root: Path, pair: Pair, settings: Settings, aligned: bool, models: Models
) -> Outcome:
    """`qa.pipeline.run` on one pair. A pair with its own retranslation file is run without
    the translator, exactly as `mtqa check ... --retranslation FILE` runs."""
    inputs = Inputs(
        source=root / pair.source,
        target=root / pair.target if pair.target is not None else None,
        aligned=aligned and pair.target is not None,
        retranslation=root / pair.retranslation if pair.retranslation is not None else None,
    )
    fresh_caches(models)
    translator = models.translator
    if pair.retranslation is not None:
        models.translator = None
    try:
        return Outcome(pair.name, result=run(inputs, settings, models))
    except InputError as e:
        return Outcome(pair.name, error=str(e))
    finally:
        models.translator = translator


def fresh_caches(models: Models) -> None:
    """Forget the e5 vectors of earlier pairs (the loaded model stays). A text's vector depends
    slightly (~1e-4) on the batch it was embedded in, so with a cache shared across pairs a
    pair's scores would depend on which pairs the same worker ran before it; without, each
    pair's report is what `mtqa check` gives for it alone, whatever the engine or order."""
    embedder = models.embedder  # cheap: the e5 runtime itself loads on first use
    embedder.vectors.clear()
    embedder.tokens.clear()


def set_torch_threads(n: int) -> None:
    import os
    import sys

    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)  # what a torch imported later starts with
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


def default_threads() -> int | None:
    """torch's intra-op thread count in this process (what `mtqa check` runs e5 with)."""
    import os
    import sys

    if "torch" in sys.modules:
        return sys.modules["torch"].get_num_threads()
    if os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return int(os.environ["OMP_NUM_THREADS"])
    try:
        import torch
    except ImportError:
        return None
    return torch.get_num_threads()
