"""The bad-input corpus (tests/bad_inputs.py) through the real `mtqa check` entry point.

Every case ends in one of two ways: a one-line error on stderr that names the file and the
problem, exit code 2, no traceback and nothing written to `-o`; or, for input that is merely
unusual, exit 0 and a report that is right (asserted). Each run is guarded by a thread with a
timeout, so a case that hangs (a FIFO, a device) fails instead of stalling the suite; the
multi-megabyte cases run in a subprocess, so a segfault in native code fails the test
instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.bad_inputs import CASES, EN, JA, Case
from tests.helpers import CliRun as Run
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--disable", "e5", "--disable", "added_sentence"]
GUARD_SECONDS = 180


def guarded(fn, seconds: float = GUARD_SECONDS):  # noqa: ANN001, ANN201
    """fn() in a daemon thread; fail (not hang) when it does not finish in time."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still running after {seconds} s: the input was not bounded"
    if "error" in box:
        raise box["error"]
    return box["value"]


def assert_user_error(r: Run, pattern: str, names: Path | None, out: Path) -> None:
    assert r.code == 2, (r.code, r.err[-2000:])
    assert "Traceback" not in r.err
    err_lines = r.err.strip().splitlines()
    assert len(err_lines) == 1, r.err
    assert err_lines[0].startswith("mtqa: error: "), r.err
    if names is not None:
        assert str(names) in err_lines[0], r.err
    import re

    assert re.search(pattern, err_lines[0]), err_lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "a temporary report was left behind"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys, monkeypatch) -> None:
    import qa.io.encoding

    monkeypatch.setattr(qa.io.encoding, "FIFO_WAIT_SECONDS", 0.5)
    for key, value in (case.env or {}).items():
        monkeypatch.setenv(key, value)
    work = tmp_path / "in"
    work.mkdir()
    built = case.build(work)
    out = tmp_path / "report.json"
    args = ["check", *built.args, "--mt", "none", "-o", out]
    if not case.default_checks:
        args += FAST
    r = guarded(lambda: run_cli(args, capsys, monkeypatch))
    if case.error is not None:
        assert_user_error(r, case.error, built.names, out)
        return
    assert r.code == 0, r.err[-3000:]
    assert "Traceback" not in r.err
    assert case.verify is not None
    case.verify(json.loads(out.read_text(encoding="utf-8")))


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert sum(c.default_checks for c in CASES) >= 3


def test_xxe_content_never_appears(tmp_path: Path, capsys, monkeypatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    from tests.bad_inputs import XLIFF

    xlf = tmp_path / "a.xlf"
    doctype = f'<!DOCTYPE xliff [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
    xlf.write_text(XLIFF.format(doctype=doctype, source="猫&e;", target="&e;"), "utf-8")
    r = run_cli(["check", xlf, "--mt", "none", "-f", "json", *FAST], capsys, monkeypatch)
    assert r.code == 2
    assert "TOP-SECRET" not in r.out + r.err


# --- output paths --------------------------------------------------------------------------


def _aligned_inputs(tmp_path: Path) -> list[Path]:
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text("\n".join(JA) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return [src, tgt]


def _no_work(monkeypatch) -> None:
    """Make the work itself fail loudly: an output problem must be found before it."""
    import qa.pipeline

    def refuse(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the checks ran before the output path was validated")

    monkeypatch.setattr(qa.pipeline, "run", refuse)


def test_output_in_missing_directory(tmp_path: Path, capsys, monkeypatch) -> None:
    _no_work(monkeypatch)
    out = tmp_path / "no" / "such" / "report.json"
    r = run_cli(
        ["check", *_aligned_inputs(tmp_path), "--aligned", "--mt", "none", "-o", out],
        capsys,
        monkeypatch,
    )
    assert_user_error(r, r"folder .* does not exist|No such file or directory", out.parent, out)


def test_output_is_a_directory(tmp_path: Path, capsys, monkeypatch) -> None:
    _no_work(monkeypatch)
    out = tmp_path / "report.json"
    out.mkdir()
    r = run_cli(
        ["check", *_aligned_inputs(tmp_path), "--aligned", "--mt", "none", "-o", out],
        capsys,
        monkeypatch,
    )
    assert r.code == 2 and "Traceback" not in r.err and str(out) in r.err
    assert out.is_dir() and not any(out.iterdir())


@pytest.mark.parametrize("how", ["symlink", "same path"])
def test_output_never_overwrites_an_input(how: str, tmp_path: Path, capsys, monkeypatch) -> None:
    _no_work(monkeypatch)
    table = tmp_path / "pairs.jsonl"
    table.write_text(json.dumps({"source": JA[0], "target": EN[0]}) + "\n", encoding="utf-8")
    before = table.read_bytes()
    out = table
    if how == "symlink":
        out = tmp_path / "report.jsonl"
        out.symlink_to(table)
    r = run_cli(["check", table, "--mt", "none", "-o", out, *FAST], capsys, monkeypatch)
    assert r.code == 2 and "refusing to overwrite an input" in r.err
    assert table.read_bytes() == before


# --- megabytes in one line: native code must never see it whole --------------------------


def _mtqa(args: list, tmp_path: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "qa", "check", *map(str, args), "--mt", "none", *FAST],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=timeout,
    )


def _assert_no_crash(p: subprocess.CompletedProcess) -> None:
    assert p.returncode in (0, 2), f"exit {p.returncode} (negative = killed by a signal)"
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    if p.returncode == 2:
        assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("mtqa: error:")


# 1.2M characters: above what one MeCab call survives (~1.13M Japanese, ~1.05M ASCII).
HUGE_JA = "日本の首相は4日、東京で記者会見を開いた。" * 60_000
HUGE_EN = "The prime minister held a press conference in Tokyo. " * 80_000


@pytest.mark.parametrize("side", ["source", "target"])
def test_multi_megabyte_line_aligned(side: str, tmp_path: Path) -> None:
    from qa.limits import MAX_SEGMENT_CHARS

    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    big = HUGE_JA if side == "source" else HUGE_EN
    src.write_text((HUGE_JA if side == "source" else JA[0]) + "\n" + JA[1] + "\n", "utf-8")
    tgt.write_text((HUGE_EN if side == "target" else EN[0]) + "\n" + EN[1] + "\n", "utf-8")
    assert (src if side == "source" else tgt).stat().st_size > 2_000_000
    out = tmp_path / "r.json"
    p = _mtqa([src, tgt, "--aligned", "-o", out], tmp_path)
    _assert_no_crash(p)
    assert p.returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    first = doc["segments"][0]
    assert len(first[side]) <= MAX_SEGMENT_CHARS and big.startswith(first[side])
    (note,) = doc["summary"]["oversized"]
    assert note["id"] == "1" and note["side"] == side and note["chars"] == len(big)
    assert note["kept"] == len(first[side])
    assert doc["segments"][1]["source"] == JA[1]  # the other rows are untouched


def test_multi_megabyte_table_cell(tmp_path: Path) -> None:
    """A cell far over the csv module's 131,072-character field limit."""
    table = tmp_path / "pairs.tsv"
    table.write_text(f"source\ttarget\n{HUGE_JA}\t{EN[0]}\n{JA[1]}\t{EN[1]}\n", "utf-8")
    out = tmp_path / "r.json"
    p = _mtqa([table, "-o", out], tmp_path)
    _assert_no_crash(p)
    assert p.returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["summary"]["oversized"][0]["chars"] == len(HUGE_JA)
    assert [s["target"] for s in doc["segments"]] == EN[:2]


def test_lexicon_survives_what_crashes_mecab(tmp_path: Path) -> None:
    """The library path (qa.check on strings, no reader cap): one text above MeCab's limit."""
    code = (
        "from qa.lexicon import morphs\n"
        "t = 'abc def. ' * 130_000\n"  # 1.17M characters: one MeCab call segfaults
        "m = morphs(t)\n"
        "assert all(t[x.start:x.end] == x.surface for x in m)\n"
        "assert len(m) == 3 * 130_000, len(m)\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert p.returncode == 0, (p.returncode, p.stderr[-2000:])
    assert p.stdout.strip() == "ok"
