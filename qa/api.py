"""The library's entry points, thin shells over `qa.pipeline.run`:

    qa.check(sources, targets)           lists of strings (or a list of Segments)
    qa.check_files(source, target)       paths: two documents, two aligned files, or one table

Both take the same options and return the same `Result`. Pass `models=qa.Models(...)` to reuse
loaded models across calls (a notebook loop, a batch job).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from qa.config import read_env
from qa.model import Result, Segment
from qa.pipeline import Inputs, Settings, resolve_names, run
from qa.runtime import Models
from qa.translate.base import Translator


def check(
    sources: Sequence[str | None] | Sequence[Segment],
    targets: Sequence[str | None] | None = None,
    *,
    retranslations: Sequence[str | None] | None = None,
    references: Sequence[str | None] | None = None,
    ids: Sequence[str] | None = None,
    translator: Translator | None = None,
    models: Models | None = None,
    preset: str = "standard",
    threshold: float | None = None,
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    glossary: dict[str, str] | None = None,
    fast: bool | None = None,
    meta: dict[str, Any] | None = None,
) -> Result:
    """Score, check and flag each (source, target) pair; retranslate when given a translator.

    `sources` and `targets` are parallel lists of strings (None or "" for a missing side), or
    `sources` is a list of `Segment`s and `targets` is omitted. `retranslations` (precomputed
    MT) and `references` (human translations) are optional parallel lists. `fast` runs the
    e5-only path (no English LM); None reads `MTQA_FAST` (unset: the default path)."""
    segments = to_segments(sources, targets, retranslations, references, ids)
    settings = _settings(preset, threshold, disable, enable, glossary, fast=fast)
    return run(segments, settings, _models(models, translator), meta)


def check_files(
    source: Path | str,
    target: Path | str | None = None,
    *,
    aligned: bool = False,
    retranslation: Path | str | None = None,
    level: str = "paragraph",
    translator: Translator | None = None,
    models: Models | None = None,
    preset: str = "standard",
    threshold: float | None = None,
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    glossary: dict[str, str] | None = None,
    fast: bool | None = None,
) -> Result:
    """Check files: one table/XLIFF/TMX (`target` None), two line-aligned files (`aligned`),
    or two documents (segmented at `level` and aligned)."""
    inputs = Inputs(
        source=Path(source),
        target=Path(target) if target is not None else None,
        aligned=aligned,
        retranslation=Path(retranslation) if retranslation is not None else None,
    )
    settings = _settings(preset, threshold, disable, enable, glossary, level, fast)
    return run(inputs, settings, _models(models, translator))


def to_segments(
    sources: Sequence[str | None] | Sequence[Segment],
    targets: Sequence[str | None] | None = None,
    retranslations: Sequence[str | None] | None = None,
    references: Sequence[str | None] | None = None,
    ids: Sequence[str] | None = None,
) -> list[Segment]:
    """Segments from parallel lists (ids "1", "2", … unless given); Segments pass through."""
    if targets is None:
        if not all(isinstance(s, Segment) for s in sources):
            raise TypeError("check(sources, targets): give the targets, or a list of Segments")
        return list(sources)  # type: ignore[arg-type]
    n = len(sources)
    for name, col in (("targets", targets), ("retranslations", retranslations),
                      ("references", references), ("ids", ids)):  # fmt: skip
        if col is not None and len(col) != n:
            raise ValueError(f"{n} sources but {len(col)} {name}")
    return [
        Segment(
            id=ids[k] if ids is not None else str(k + 1),
            source=sources[k],  # type: ignore[arg-type]
            target=targets[k],
            retranslation=retranslations[k] if retranslations is not None else None,
            reference=references[k] if references is not None else None,
        )
        for k in range(n)
    ]


def _settings(
    preset: str,
    threshold: float | None,
    disable: Iterable[str],
    enable: Iterable[str],
    glossary: dict[str, str] | None,
    level: str = "paragraph",
    fast: bool | None = None,
) -> Settings:
    if fast is None:  # as the CLI reads it (qa/config.py: 1/0, true/false, yes/no, on/off)
        env = read_env(os.environ, ("fast",))
        fast = bool(env["fast"].value) if "fast" in env else False
    disabled, enabled = resolve_names(disable, enable)
    return Settings(
        preset=preset,
        threshold=threshold,
        disable=disabled,
        enable=enabled,
        glossary=glossary or {},
        level=level,
        fast=fast,
    )


def _models(models: Models | None, translator: Translator | None) -> Models:
    if models is None:
        return Models(translator)
    if translator is not None and models.translator is not translator:
        raise ValueError("give the translator in Models(translator) or as translator=, not both")
    return models
