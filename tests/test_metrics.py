"""sacrebleu scores against the retranslation and the reference; missing text is not scored."""

from __future__ import annotations

import pytest
from sacrebleu.metrics import CHRF

from qa import metrics
from qa.model import Segment


def seg(target, retranslation=None, reference=None) -> Segment:
    return Segment("1", "源", target, reference=reference, retranslation=retranslation)


def test_scores_match_sacrebleu_directly() -> None:
    hyp, ref = "The cat sat on the mat.", "A cat was sitting on the mat."
    (row,) = metrics.segment_scores([seg(hyp, retranslation=ref)])
    assert row["chrf"] == pytest.approx(CHRF().sentence_score(hyp, [ref]).score)
    assert set(row) == {"chrf", "bleu", "ter"}
    assert 0 < row["bleu"] < 100 and row["ter"] > 0


def test_identical_text_scores_perfectly() -> None:
    (row,) = metrics.segment_scores([seg("Same words here.", retranslation="Same words here.")])
    assert row["chrf"] == pytest.approx(100) and row["ter"] == pytest.approx(0)


def test_reference_scores_are_separate() -> None:
    (row,) = metrics.segment_scores([seg("a b c", retranslation="x y z", reference="a b c")])
    assert row["chrf_ref"] == pytest.approx(100) and row["chrf"] < 20


@pytest.mark.parametrize("target,retr", [("", "text"), ("text", ""), (None, "text"), ("  ", "t")])
def test_missing_text_is_none_not_zero(target, retr) -> None:
    (row,) = metrics.segment_scores([seg(target, retranslation=retr)])
    assert row == {"chrf": None, "bleu": None, "ter": None}


def test_no_retranslation_no_scores() -> None:
    assert metrics.segment_scores([seg("text")]) == [{}]


def test_corpus_scores_and_signatures() -> None:
    segs = [seg("The cat sat.", retranslation="The cat sat."), seg("", retranslation="Dog.")]
    scores, sigs = metrics.corpus_scores(segs)
    assert scores["chrf"] == pytest.approx(100)
    assert sigs["corpus_chrf"].startswith("nrefs:1|") and "version:" in sigs["corpus_bleu"]
    assert "eff:yes" in metrics.sentence_signatures()["sentence_bleu"]
