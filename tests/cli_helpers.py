"""Run the real `mtqa` entry point in-process and capture what a user would see."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from qa.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch) -> Run:
    monkeypatch.setattr(sys, "argv", ["mtqa", *map(str, args)])
    capsys.readouterr()
    code = 0
    try:
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
