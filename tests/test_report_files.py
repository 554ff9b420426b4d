"""JSON, JSONL and CSV reports written a segment at a time (qa/report/files.py) are the reports
rendered whole, byte for byte, and a failure while writing them leaves nothing behind."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from qa.model import Result, Segment
from qa.pipeline import Settings, resolve_names, run
from qa.report import render, render_parts, write_atomic
from qa.report.files import CSV_FIXED, CSV_TAIL, _cell, _tail
from qa.runtime import Models
from tests.conftest import toy_pairs


def a_result(n: int = 12) -> Result:
    """A real run over toy pairs, with document-style fields and quoting trouble added."""
    segs = [Segment(str(k + 1), ja, en) for k, (ja, en) in enumerate(toy_pairs()[:n])]
    segs[1].target = 'He said "2, 3"\tand left,\nthen came back.'  # CSV quoting, a newline
    segs[2].reference, segs[2].link = "There are cats.", "2-1"
    segs[2].source_span, segs[2].target_span = (0, 5), None
    segs[3].source_lines, segs[3].target_lines = (3, 4), (5, 5)
    segs[4].target = None  # an omission
    disabled, _ = resolve_names(("e5", "added_sentence"), ())
    return run(segs, Settings(disable=disabled, fast=True), Models())


def whole_csv(result: Result) -> str:
    """The one-string CSV renderer the pieces replaced."""
    names = sorted({k for r in result.segments for k in r.scores})
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*CSV_FIXED, *names, *CSV_TAIL])
    for r in result.segments:
        s = r.segment
        fixed = [s.id, s.link, s.source, s.target, s.retranslation, s.reference]
        w.writerow([*fixed, *(_cell(r.scores.get(n)) for n in names), *_tail(r)])
    return "\ufeff" + buf.getvalue()


@pytest.mark.parametrize("n", [12, 1, 0])
def test_parts_join_to_the_whole_report(n: int) -> None:
    result = a_result(max(n, 5))
    result.segments = segs = result.segments[:n]
    whole = {
        "json": json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n",
        "jsonl": "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in segs),
        "csv": whole_csv(result),
    }
    for fmt, text in whole.items():
        parts = list(render_parts(result, fmt))
        assert "".join(parts) == render(result, fmt) == text, fmt
        assert len(parts) == n + (fmt != "jsonl") + (fmt == "json" and n > 0), fmt
    assert len(json.loads(whole["json"])["segments"]) == n
    assert "".join(render_parts(result, "html")) == render(result, "html")


def test_write_atomic_writes_pieces_and_leaves_nothing_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    write_atomic(out, iter(["a\n", "猫\n"]))
    assert out.read_bytes() == "a\n猫\n".encode()

    def failing():
        yield "half of it\n"
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "other.jsonl", failing())
    with pytest.raises(RuntimeError):
        write_atomic(out, failing())
    assert sorted(os.listdir(tmp_path)) == ["report.jsonl"]  # no half file, no temporary
    assert out.read_bytes() == "a\n猫\n".encode()  # the earlier report stands
