"""A big run's results on disk (qa/spill.py): the same Result and reports as in memory, and a
sequence that reads like the list it replaces."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest

from qa import features, spill
from qa.features import NO_STATS
from qa.fingerprint import fingerprint
from qa.model import Issue, Segment, SegmentResult
from qa.pipeline import Settings, resolve_names, run
from qa.report.files import FORMATS, render
from qa.runtime import Models
from qa.spill import SpilledResults
from tests.conftest import toy_pairs
from tests.helpers import run_cli

LEXICAL = ("e5", "added_sentence")  # no model: quick and exactly reproducible


def mixed_segments() -> list[Segment]:
    """Toy pairs; some with a retranslation or a reference (corpus scores), a swapped name
    (a critical finding: not in the medians), a wrong number, an empty target."""
    segs = [Segment(str(k + 1), ja, en) for k, (ja, en) in enumerate(toy_pairs()[:40])]
    for k in range(0, 40, 3):
        segs[k].retranslation = segs[(k + 1) % 40].target
    for k in range(1, 40, 4):
        segs[k].reference = segs[k].target
    segs[5].target = "President Putin gave a speech in Beijing."
    segs[5].source = "習主席は北京で演説した。"
    segs[9].target = segs[9].target.replace("2", "12").replace("3", "13")  # type: ignore[union-attr]
    segs[20].target = ""
    return segs


def settings(ignore: frozenset[str] = frozenset()) -> Settings:
    return Settings(disable=resolve_names(LEXICAL, ())[0], fast=True, ignore=ignore)


def test_a_spilled_run_gives_the_result_and_reports_of_one_in_memory(monkeypatch) -> None:
    first = run(mixed_segments(), settings(), Models())
    # an ignored finding, counted apart: the sums over the results must see it
    marked = next(i.fingerprint for r in first.segments for i in r.issues if i.fingerprint)
    assert marked is not None
    s = settings(frozenset({marked}))
    in_memory = run(mixed_segments(), s, Models())
    assert isinstance(in_memory.segments, list)
    monkeypatch.setattr(spill, "SPILL_AT", 10)
    monkeypatch.setattr(features, "CHUNK", 7)  # 40 segments: 6 chunks on disk, the last short
    on_disk = run(mixed_segments(), s, Models())
    assert isinstance(on_disk.segments, SpilledResults)
    summary = on_disk.summary.to_dict()
    assert summary == in_memory.summary.to_dict()
    assert summary["ignored"] == 1 and summary["flagged"] > 0
    assert {"chrf", "chrf_ref", "ter", "bleu_ref"} <= set(summary["corpus_scores"])
    assert on_disk.signatures == in_memory.signatures
    for fmt in sorted(FORMATS):
        assert render(on_disk, fmt) == render(in_memory, fmt), fmt


def aligned_files(folder: Path) -> tuple[Path, Path]:
    """`mixed_segments` as two line-aligned files."""
    segs = mixed_segments()
    src, tgt = folder / "src.ja", folder / "tgt.en"
    src.write_text("".join(f"{s.source}\n" for s in segs), encoding="utf-8")
    tgt.write_text("".join(f"{s.target}\n" for s in segs), encoding="utf-8")
    return src, tgt


def test_the_cli_writes_the_same_report_from_disk(tmp_path: Path, capsys, monkeypatch) -> None:
    src, tgt = aligned_files(tmp_path)
    args = [src, tgt, "--aligned", "--mt", "none", "--no-cache", "--fast", "--format", "jsonl"]
    args += [a for name in LEXICAL for a in ("--disable", name)]
    assert run_cli(["check", *args, "-o", tmp_path / "a.jsonl"], capsys, monkeypatch).code == 0
    monkeypatch.setattr(spill, "SPILL_AT", 10)
    monkeypatch.setattr(features, "CHUNK", 7)
    assert run_cli(["check", *args, "-o", tmp_path / "b.jsonl"], capsys, monkeypatch).code == 0
    a = (tmp_path / "a.jsonl").read_text(encoding="utf-8")
    assert a == (tmp_path / "b.jsonl").read_text(encoding="utf-8")
    assert a.count("\n") == 40


def _results(segs: list[Segment]) -> list[SegmentResult]:
    out = []
    for k, seg in enumerate(segs):
        issue = Issue("numbers", "major", f"number {k} missing", span=(0, 1))
        issue.fingerprint = fingerprint(issue, seg)
        out.append(SegmentResult(seg, {"chrf": k / 2}, [issue], metric_stats=NO_STATS))
    return out


def test_the_sequence_reads_like_the_list_it_replaces() -> None:
    segs = [Segment(str(k), f"文{k}。", f"Sentence {k}.") for k in range(23)]
    plain = _results(segs)
    on_disk = SpilledResults(segs, NO_STATS)
    for start in range(0, 23, 5):
        on_disk.extend(_results(segs)[start : start + 5])
    assert len(on_disk) == 23
    assert [r.to_dict() for r in on_disk] == [r.to_dict() for r in plain]
    assert all(r.segment is seg for r, seg in zip(on_disk, segs, strict=True))  # not copies
    assert all(r.metric_stats is NO_STATS for r in on_disk)  # still the one shared dict
    assert on_disk[7].to_dict() == plain[7].to_dict()
    assert on_disk[-1].segment is segs[22] and on_disk[-23].segment is segs[0]
    assert [r.segment.id for r in on_disk[3:12:4]] == ["3", "7", "11"]
    for bad in (23, -24):
        with pytest.raises(IndexError):
            on_disk[bad]
    # to another process (a batch worker's answer) it travels as its segments and its file
    back = pickle.loads(pickle.dumps(on_disk))
    assert isinstance(back, SpilledResults) and len(back) == 23
    assert [r.to_dict() for r in back] == [r.to_dict() for r in plain]
    assert [r.segment for r in back] == segs and back[5].segment is back._segments[5]


def test_update_keeps_its_changes_and_reading_alone_keeps_none() -> None:
    segs = [Segment(str(k), f"文{k}。", f"Sentence {k}.") for k in range(12)]
    on_disk = SpilledResults(segs, NO_STATS)
    for start in range(0, 12, 4):
        on_disk.extend(_results(segs)[start : start + 4])

    def flag(r: SegmentResult) -> None:
        r.risk, r.flagged, r.reasons = 0.5, True, [f"because {r.segment.id}"]

    on_disk.update(flag)
    assert [r.reasons for r in on_disk] == [[f"because {k}"] for k in range(12)]
    assert all(r.flagged and r.segment is seg for r, seg in zip(on_disk, segs, strict=True))
    for r in on_disk:  # copies read and changed: the file keeps what `update` wrote
        r.risk = 0.0
    assert [r.risk for r in on_disk] == [0.5] * 12
    on_disk.close()


def test_no_room_for_the_results_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    src, tgt = aligned_files(tmp_path)
    monkeypatch.setattr(spill, "SPILL_AT", 10)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))  # what TMPDIR names
    args = ["check", src, tgt, "--aligned", "--mt", "none", "--no-cache", "--fast"]
    args += ["--format", "jsonl", "-o", tmp_path / "out.jsonl"]
    args += [a for name in LEXICAL for a in ("--disable", name)]
    done = run_cli(args, capsys, monkeypatch)
    assert done.code == 2
    assert "cannot keep a big run's results in" in done.err and "set TMPDIR" in done.err
    assert done.err.count("\n") == 1 and not (tmp_path / "out.jsonl").exists()
