"""A big run's Segments packed in memory (qa/packed.py): a sequence that reads like the list
it replaces, and a run from files that gives the same Result and reports packed as not."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from qa import features, spill
from qa.packed import PackedSegments, packed
from qa.pipeline import Inputs, run
from qa.report.files import FORMATS, render
from qa.runtime import Models
from qa.spill import SpilledResults
from tests.test_spill import aligned_files, mixed_segments, settings


def test_the_sequence_reads_like_the_list_it_replaces() -> None:
    segs = mixed_segments()[:23]
    seq = PackedSegments(segs, chunk=5)  # 5 packs, the last of 3
    assert len(seq) == 23
    assert list(seq) == segs
    assert [seq[k] for k in range(23)] == segs
    assert seq[-1] == segs[-1] and seq[-23] == segs[0]
    assert seq[3:12] == segs[3:12] and seq[::7] == segs[::7] and seq[20:40] == segs[20:]
    for k in (23, -24):
        with pytest.raises(IndexError):
            seq[k]
    assert seq[6] is seq[7 - 1]  # the pack read last is kept: objects of one chunk stay one
    assert seq[6] is not segs[6]  # new objects: a change to one is lost
    seq[6].target = "changed"
    assert seq[0].target == segs[0].target and seq[6].target == segs[6].target
    again = pickle.loads(pickle.dumps(seq))
    assert isinstance(again, PackedSegments) and list(again) == segs
    assert list(PackedSegments([], 5)) == []


def test_only_more_than_the_limit_are_packed() -> None:
    segs = mixed_segments()
    assert packed(segs, 40, 5) is segs
    assert isinstance(packed(segs, 39, 5), PackedSegments)


def test_a_run_from_files_packs_its_segments_and_reports_the_same(
    tmp_path: Path, monkeypatch
) -> None:
    src, tgt = aligned_files(tmp_path)
    rts = tmp_path / "rt.en"  # retranslations from a file: the summary's `mt` must see them
    rts.write_text("".join(f"{s.target}\n" for s in mixed_segments()[::-1]), encoding="utf-8")
    inputs = Inputs(src, tgt, aligned=True, retranslation=rts)
    plain = run(inputs, settings(), Models())
    monkeypatch.setattr(spill, "SPILL_AT", 10)
    monkeypatch.setattr(features, "CHUNK", 7)
    big = run(inputs, settings(), Models())
    assert isinstance(big.segments, SpilledResults)
    assert isinstance(big.segments._segments, PackedSegments)  # not the reader's list
    assert big.summary.mt == "precomputed"
    assert big.summary.to_dict() == plain.summary.to_dict()
    for fmt in sorted(FORMATS):
        assert render(big, fmt) == render(plain, fmt), fmt
