"""The shipped risk models: monotone in the metrics, critical findings flag on their own."""

from __future__ import annotations

import pytest

from qa import risk
from qa.model import Issue, Segment, SegmentResult


def result(**scores) -> SegmentResult:
    return SegmentResult(Segment("1", "源", "target"), scores=dict(scores))


def test_shipped_models_load_with_ordered_presets() -> None:
    models = risk.load_models()
    assert "mt" in models
    for m in models.values():
        t = m.thresholds
        assert 0 < t["strict"] <= t["standard"] <= t["lenient"] < risk.CRITICAL_FLOOR


def test_mt_model_risk_falls_as_chrf_rises() -> None:
    mt = risk.load_models()["mt"]
    others = {f: mt.mean[i] for i, f in enumerate(mt.features)}
    low = mt.predict({**others, "chrf": 15.0, "bleu": 3.0, "ter": 110.0})
    high = mt.predict({**others, "chrf": 90.0, "bleu": 80.0, "ter": 10.0})
    assert 0 <= high < low <= 1


def test_assess_gives_reasons_for_low_chrf() -> None:
    mt = risk.load_models()["mt"]
    base = {f: mt.mean[i] for i, f in enumerate(mt.features)}
    good = result(**{**base, "chrf": 95.0, "bleu": 90.0, "ter": 5.0})
    bad = result(**{**base, "chrf": 12.0, "bleu": 1.0, "ter": 120.0})
    summary = risk.assess([good, bad], preset="strict")
    assert summary.risk_model in risk.load_models()
    assert bad.flagged and not good.flagged
    assert any("chrF 12 vs retranslation" in r for r in bad.reasons)
    assert not good.reasons


def test_critical_issue_flags_regardless_of_scores() -> None:
    r = result()
    r.issues = [Issue("empty_target", "critical", "source has text but the target is empty")]
    risk.assess([r], preset="lenient")
    assert r.flagged and r.risk >= risk.CRITICAL_FLOOR
    assert r.reasons == ["empty_target: source has text but the target is empty"]


@pytest.mark.parametrize("preset", risk.PRESETS)
def test_explicit_threshold_overrides_preset(preset: str) -> None:
    r = result(chrf=50.0, bleu=30.0, ter=60.0)
    summary = risk.assess([r], preset=preset, threshold=1.0)
    assert summary.threshold == 1.0 and not r.flagged


def test_segment_missing_one_signal_still_gets_model_risk() -> None:
    # dict_coverage is None where the source has no glossable term; the fit counts that as
    # the mean, so the risk must still follow the other signals instead of dropping to 0.
    lex = risk.load_models()["lexical"]
    base = {f: lex.mean[i] for i, f in enumerate(lex.features) if f not in ("n_major", "n_minor")}
    full, partial = result(**base), result(**{**base, "dict_coverage": None})
    empty = result(**dict.fromkeys(base))
    risk.assess([full, partial, empty])
    assert partial.risk == pytest.approx(full.risk) and partial.risk > 0
    assert empty.risk == 0.0


def test_a_segment_flagged_by_small_pushes_still_names_the_strongest() -> None:
    # Near the cut no single feature may push by 0.25 on the log-odds: the reviewer must
    # still be told why (the seed heading, flagged with --enable lm, had no reason at all).
    mt = risk.load_models()["mt"]
    base = {f: mt.mean[i] for i, f in enumerate(mt.features) if f not in risk.FINDING_COUNTS}
    r = result(**{**base, "chrf": base["chrf"] - 3.0})
    summary = risk.assess([r], threshold=0.0)
    assert summary.risk_model == "mt" and r.flagged
    assert len(r.reasons) == 1 and r.reasons[0].startswith("chrF")
    assert max(mt.contributions(risk.features(r))) < 0.25
