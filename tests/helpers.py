"""The one shared test helper module: run a check the way the pipeline does, run the real
`mtqa` entry point in-process, and a holder of models that the tests share."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from qa import checks
from qa.checks.base import CHECKS, CheckInfo, Context, to_issue
from qa.model import Issue, Segment
from qa.runtime import Models

_MODELS: Models | None = None


def shared_models() -> Models:
    """One Models holder for the test session: e5 loads once for every test that embeds."""
    global _MODELS
    if _MODELS is None:
        _MODELS = Models()
    return _MODELS


def _info(check: str | Callable[..., Any]) -> CheckInfo:
    checks.load()
    if isinstance(check, str):
        return CHECKS[check]
    return next(i for i in CHECKS.values() if i.fn is check)


def check_segments(
    check: str | Callable[..., Any],
    segments: list[Segment],
    *,
    glossary: dict[str, str] | None = None,
    unit: str = "segment",
    models: Models | None = None,
) -> list[list[Issue]]:
    """Issues of one check on each segment, after its `prepare` step over all of them."""
    info = _info(check)
    ctx = Context(glossary=glossary or {}, unit=unit, models=models or shared_models())
    if info.prepare is not None:
        ctx = replace(ctx, state=info.prepare(segments, ctx))
    return [[to_issue(info, f) for f in info.fn(s, ctx)] for s in segments]


def run(
    check: str | Callable[..., Any],
    source: str | None,
    target: str | None,
    *others: str | None,
    **options: Any,
) -> list[Issue]:
    """Issues of one check on Segment("1", source, target); `others` are further source
    sentences of the same run (the document around it)."""
    segs = [Segment("1", source, target)]
    segs += [Segment(str(i + 2), o, None) for i, o in enumerate(others)]
    return check_segments(check, segs, **options)[0]


def run_seg(check: str | Callable[..., Any], seg: Segment, **options: Any) -> list[Issue]:
    return check_segments(check, [seg], **options)[0]


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch) -> CliRun:
    """The real `mtqa` entry point, in-process, with what a user would see."""
    from qa.cli import main

    monkeypatch.setattr(sys, "argv", ["mtqa", *map(str, args)])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    captured = capsys.readouterr()
    return CliRun(code, captured.out, captured.err)


def read_docs(
    source: Any, target: Any, retranslation: Any = None, level: str = "paragraph"
) -> tuple[list[Segment], dict[str, Any]]:
    """Two documents read, segmented and aligned as the pipeline does (no checks run)."""
    from qa.pipeline import Inputs, Settings, read_documents

    inputs = Inputs(source, target, retranslation=retranslation)
    return read_documents(inputs, Settings(level=level), shared_models())


def hf_causal_lm(folder: Path):  # noqa: ANN201 - a transformers causal LM
    """The model folder as transformers itself runs it (float32, eval): the reference the LM's
    own forward is compared with."""
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
