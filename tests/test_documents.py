"""End to end at library level: the seed article and its partial English rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.checks.alignment import addition, omission
from qa.checks.untranslated import untranslated
from qa.io.encoding import read_text
from qa.lang import is_japanese
from qa.model import Segment
from qa.segment import segment_english, segment_japanese
from tests.helpers import read_docs, run_seg

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "seeds" / "001_73f24af76b2dcb60.txt"
TGT = ROOT / "seeds" / "000_67e3733169a93cb2.txt"
RT = ROOT / "tests" / "data" / "seed_retranslation.txt"

pytestmark = pytest.mark.skipif(not SRC.exists(), reason="seed documents not found in seeds/")


@pytest.fixture(scope="module", params=["e5", "retranslation"])
def seed_run(request):
    rt = RT if request.param == "retranslation" else None
    return read_docs(SRC, TGT, rt)


def _paragraphs():
    src_text, _ = read_text(SRC)
    tgt_text, _ = read_text(TGT)
    return src_text, tgt_text, segment_japanese(src_text), segment_english(tgt_text)


def test_meta_and_spans(seed_run):
    segments, meta = seed_run
    assert meta["input"] == "documents" and meta["level"] == "paragraph"
    assert meta["source_encoding"] == meta["target_encoding"] == "utf-8"
    assert meta["aligner"] in ("e5", "chrf+e5")
    src_text, tgt_text, _, _ = _paragraphs()
    for seg in segments:
        if seg.source is not None:
            a, b = seg.source_span
            assert src_text[a:b].startswith(seg.source[:10]) and src_text[b - 1] == seg.source[-1]
        if seg.target is not None:
            a, b = seg.target_span
            assert tgt_text[a:b] == seg.target or seg.link.endswith("-2")


def test_headline_and_last_paragraph_are_omissions(seed_run):
    segments, _ = seed_run
    _, _, src, _ = _paragraphs()
    omitted = [s for s in segments if s.link == "1-0"]
    assert [s.source for s in omitted] == [src[0].text, src[-1].text]
    for s in omitted:
        (issue,) = run_seg(omission, s, unit="paragraph")
        assert issue.severity == "critical" and "source paragraph" in issue.message
    assert not [s for s in segments if s.link == "0-1"]  # nothing in the target is extra


def test_lead_and_heading_align_to_their_sources(seed_run):
    segments, _ = seed_run
    _, _, src, tgt = _paragraphs()
    pairs = {(s.source, s.target) for s in segments if s.link == "1-1"}
    for k in range(7):  # six translated lead paragraphs, then the English heading
        assert (src[k + 1].text, tgt[k].text) in pairs, k
    assert tgt[6].heading and src[7].heading


def test_japanese_left_in_target_is_untranslated_not_addition(seed_run):
    segments, _ = seed_run
    _, _, src, tgt = _paragraphs()
    japanese = [t.text for t in tgt if is_japanese(t.text)]
    assert len(japanese) == 12
    by_target = {s.target: s for s in segments}
    # They are the source's paragraphs 8-19, copied (some with small edits: 巡り/めぐり).
    for k, text in enumerate(japanese):
        seg = by_target[text]
        assert seg.link == "1-1" and seg.source == src[8 + k].text
        issues = run_seg(untranslated, seg)
        assert [i.severity for i in issues] == ["critical"]


def test_retranslation_is_attached_to_source_segments():
    segments, meta = read_docs(SRC, TGT, RT)
    assert meta["aligner"] == "chrf+e5"
    headline = next(s for s in segments if s.link == "1-0" and s.source_span[0] == 0)
    assert headline.retranslation.startswith("China-Russia summit")


def test_partly_japanese_target_gets_a_span_per_run():
    seg = Segment("1", "中国の習近平国家主席", "President 習近平 met Putin in 北京市 today.")
    issues = run_seg(untranslated, seg)
    assert [i.severity for i in issues] == ["major", "major"]
    assert [seg.target[a:b] for a, b in (i.span for i in issues)] == ["習近平", "北京市"]


def test_running_japanese_phrase_in_english_is_critical():
    seg = Segment("1", "彼は「今日は晴れです」と言った。", "He said 今日は晴れです and left.")
    (issue,) = run_seg(untranslated, seg)
    assert issue.severity == "critical" and seg.target[slice(*issue.span)] == "今日は晴れです"


def test_cp932_documents_report_encoding_and_offsets(tmp_path):
    src = "北京で会談した。\n\n共同声明を発表した。\n"
    tgt = "They met in Beijing.\n\n共同声明を発表した。\n"
    (tmp_path / "s.txt").write_bytes(src.encode("cp932"))
    (tmp_path / "t.txt").write_bytes(tgt.encode("cp932"))
    segments, meta = read_docs(tmp_path / "s.txt", tmp_path / "t.txt", level="sentence")
    assert meta["source_encoding"] == "cp932" and meta["level"] == "sentence"
    seg = segments[-1]  # the Japanese copied into the target pairs with its source
    assert seg.link == "1-1" and seg.source == seg.target == "共同声明を発表した。"
    a, b = seg.target_span
    assert tgt[a:b] == seg.target


def test_addition_and_short_omission_issues():
    ctx = {"unit": "sentence"}
    issues = run_seg(addition, Segment("9", None, "An extra paragraph."), **ctx)
    assert [(i.check, i.severity) for i in issues] == [("addition", "major")]
    assert "target sentence" in issues[0].message
    assert [i.severity for i in run_seg(omission, Segment("3", "※1", None), **ctx)] == ["minor"]
    assert not run_seg(omission, Segment("4", "源", "target"), **ctx)
