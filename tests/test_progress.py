"""Progress (qa/progress.py): the library reports to a callback and is otherwise silent; the
CLI draws a bar on stderr only on a terminal, only after 2 s, never with --quiet; Ctrl-C
is one line saying how far the run got, exit 130, no report. The CLI tests run the real
`mtqa check` in a subprocess (under a pseudo-terminal where the test needs one) and send it a
real SIGINT mid-run."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qa.model import Segment
from qa.pipeline import Settings, resolve_names, run
from qa.progress import DELAY_S, Bar
from qa.runtime import Models
from tests.conftest import toy_pairs

ROOT = Path(__file__).resolve().parents[1]
NO_E5 = ["--disable", "e5,added_sentence"]
# A shell's background job starts with SIGINT ignored, and Python then never raises
# KeyboardInterrupt: give the child the default handler, then run `python -m qa`.
ENTRY = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('qa', run_name='__main__')"
)
LINE = re.compile(
    r"mtqa: interrupted during (metrics|(signals|preparing|checks) \(\w+\)) after [\d,]+ of 6,000 "
    r"segments; no report written"
)


# --- the library -----------------------------------------------------------------------------


def _segments(n: int) -> list[Segment]:
    pairs = toy_pairs()
    return [Segment(str(i), *pairs[i]) for i in range(n)]


def test_the_library_reports_stages_to_its_callback_and_prints_nothing(capsys) -> None:
    disabled, _ = resolve_names(["e5", "added_sentence"], [])
    settings = Settings(disable=disabled, fast=True)
    reports: list[tuple[str, int, int | None]] = []
    run(_segments(40), settings, Models(progress=lambda *r: reports.append(r)))
    stages = list(dict.fromkeys(stage for stage, _, _ in reports))
    assert stages[:2] == ["reading", "metrics"]
    assert "signals (fluency)" in stages and "checks (numbers)" in stages
    assert not any(s.startswith(("embedding", "LM")) for s in stages)  # disabled, fast
    for stage in stages[1:]:  # every counted stage starts at 0 and ends with all 40 done
        counts = [(done, total) for s, done, total in reports if s == stage]
        assert counts[0] == (0, 40) and counts[-1] == (40, 40), stage
        assert [d for d, _ in counts] == sorted(d for d, _ in counts)
    run(_segments(40), settings, Models())  # no callback: silent
    assert capsys.readouterr() == ("", "")


def test_a_run_in_chunks_reports_the_whole_run(monkeypatch) -> None:
    from qa import features

    monkeypatch.setattr(features, "CHUNK", 15)  # 40 segments: chunks of 15, 15 and 10
    disabled, _ = resolve_names(["e5", "added_sentence"], [])
    reports: list[tuple[str, int, int | None]] = []
    models = Models(progress=lambda *r: reports.append(r))
    run(_segments(40), Settings(disable=disabled, fast=True), models)
    for stage in ("metrics", "signals (fluency)", "checks (numbers)"):
        counts = [(done, total) for s, done, total in reports if s == stage]
        assert {t for _, t in counts} == {40} and counts[-1] == (40, 40), (stage, counts)
        assert [d for d, _ in counts] == sorted(d for d, _ in counts) and (15, 40) in counts


def test_where_says_how_far_the_work_got() -> None:
    bar = Bar(False)
    assert bar.where() == "while starting"
    bar("reading", 0, None)
    assert bar.where() == "during reading"
    bar("embedding (e5_sim)", 1200, 2008)
    assert bar.where() == "during embedding (e5_sim) after 1,200 of 2,008 segments"


def test_stages_name_the_work() -> None:
    from qa.features import _stage
    from qa.pipeline import load_plugins

    load_plugins()
    assert _stage("s:e5_match") == "embedding (e5_match)" and _stage("s:lm") == "LM (lm)"
    assert _stage("s:fluency") == "signals (fluency)" and _stage("m:metrics") == "metrics"
    assert _stage("c:numbers") == "checks (numbers)"


@contextmanager
def _tty_stderr() -> Iterator[int]:
    """sys.stderr on a pseudo-terminal (set in the test itself: pytest's capture resets
    sys.stderr between setup and call); yields the end to read what was drawn."""
    main, tty = os.openpty()
    with open(tty, "w", encoding="utf-8") as f, pytest.MonkeyPatch.context() as m:
        m.setattr(sys, "stderr", f)
        yield main
    os.close(main)


def _drawn(fd: int) -> bytes:
    out = b""
    while select.select([fd], [], [], 0.2)[0]:
        out += os.read(fd, 65536)
    return out


def test_a_bar_is_drawn_on_a_terminal_only_after_its_delay() -> None:
    with _tty_stderr() as main:
        with Bar(delay=60) as bar:  # work that ends before the delay: nothing drawn
            bar("checks (numbers)", 5, 10)
        assert _drawn(main) == b""
        with Bar(delay=0) as bar:
            bar("checks (numbers)", 5, 10)
            time.sleep(0.5)
        assert b"checks (numbers)" in _drawn(main)
        with Bar(False, delay=0) as bar:  # --quiet
            bar("checks (numbers)", 5, 10)
            time.sleep(0.5)
        assert _drawn(main) == b""


def test_no_bar_when_stderr_is_not_a_terminal(capsys) -> None:
    with Bar(delay=0) as bar:
        bar("checks (numbers)", 5, 10)
        time.sleep(0.5)
    assert capsys.readouterr().err == ""


# --- the real CLI, interrupted mid-run -------------------------------------------------------


@pytest.fixture
def big_files(tmp_path: Path) -> list[Path]:
    """6,000 distinct aligned pairs: the rule checks take well over the bar's delay."""
    src, tgt = tmp_path / "big.ja.txt", tmp_path / "big.en.txt"
    lines = [
        (f"{k}番目：{ja}", f"Item {k}: {en}") for k in range(10) for ja, en in toy_pairs()[:600]
    ]
    src.write_text("".join(ja + "\n" for ja, _ in lines), encoding="utf-8")
    tgt.write_text("".join(en + "\n" for _, en in lines), encoding="utf-8")
    return [src, tgt]


def _start(args: list, tty: bool) -> tuple[subprocess.Popen, int | None]:
    """`mtqa check ARGS` with stderr on a pseudo-terminal (returned: its reading end) or a
    pipe."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "120"}
    main, stderr = os.openpty() if tty else (None, subprocess.PIPE)
    p = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "check", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
    )
    if tty:
        os.close(stderr)  # type: ignore[arg-type]
    return p, main


def _read_until(fd: int, pattern: bytes, p: subprocess.Popen, timeout: float = 60) -> bytes:
    """What the terminal showed until `pattern` appeared (or the process ended)."""
    out, deadline = b"", time.monotonic() + timeout
    while not re.search(pattern, out) and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:  # the process closed the terminal
                break
        elif p.poll() is not None:
            break
    return out


def _interrupt(p: subprocess.Popen) -> None:
    assert p.poll() is None, "the run ended before it could be interrupted: make it longer"
    p.send_signal(signal.SIGINT)


def _no_report(out: Path) -> None:
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "a temporary file was left"


def test_a_terminal_shows_the_bar_and_ctrl_c_says_how_far_it_got(big_files, tmp_path) -> None:
    out = tmp_path / "report.json"
    p, fd = _start([*big_files, "--aligned", "--mt", "none", *NO_E5, "-o", out], tty=True)
    assert fd is not None
    try:
        bar = rb"(signals|checks) \(\w+\)[^\r\n]* \d+/6000[^\r\n]* segments"  # one frame
        shown = _read_until(fd, bar, p)
        assert re.search(bar, shown), shown[-500:]
        _interrupt(p)
        shown += _read_until(fd, rb"no report written\r?\n", p, timeout=30)
        assert p.wait(timeout=30) == 130
    finally:
        p.kill()
        os.close(fd)
    after_bar = shown.rsplit(b"\x1b[2K", 1)[-1].decode()  # the bar erased, then the line
    assert LINE.fullmatch(after_bar.strip()), shown[-800:]
    assert p.stdout is not None and p.stdout.read() == b""
    _no_report(out)


@pytest.mark.parametrize("where", ["pipe", "terminal --quiet"])
def test_no_bar_off_a_terminal_or_with_quiet_and_ctrl_c_is_one_line(
    where, big_files, tmp_path
) -> None:
    out = tmp_path / "report.json"
    tty = where != "pipe"
    args = [*big_files, "--aligned", "--mt", "none", *NO_E5, "-o", out, *(["-q"] if tty else [])]
    features = Path(os.environ["MTQA_CACHE"]) / "features.sqlite"
    p, fd = _start(args, tty=tty)
    try:
        deadline = time.monotonic() + 60
        while not features.exists() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the rule checks are about to start
        time.sleep(DELAY_S + 0.5)  # a bar would be showing by now
        _interrupt(p)
        _, err = p.communicate(timeout=30)
        if fd is not None:
            err = _read_until(fd, rb"no report written\r?\n", p, timeout=5)
    finally:
        p.kill()
        if fd is not None:
            os.close(fd)
    assert p.returncode == 130
    text = err.decode().replace("\r\n", "\n")
    assert LINE.fullmatch(text.removesuffix("\n")), err[-800:]  # one line: no bar, no traceback
    _no_report(out)
