"""qa.signals.opposites and the lm_contrast check's choice: which opposite readings the LM is
asked about, and which of its answers the finding reports."""

from __future__ import annotations

from qa.checks.lm_contrast import strongest
from qa.signals.lm_model import TokenLogProbs
from qa.signals.opposites import Alternative, alternatives, opposites


def test_opposites_come_from_wordnet_and_negative_prefixes() -> None:
    assert "short" in opposites("long")  # WordNet's antonym pairs
    assert "decrease" in opposites("increase") and "old" in opposites("new")
    assert "sell" in opposites("buy") and "less" in opposites("more")
    # Their regular forms with the same ending, where both are English words.
    assert "shorter" in opposites("longer") and "decreased" in opposites("increased")
    assert "bigger" in opposites("smaller")  # the consonant doubled
    assert opposites("unavailable") == {"available"}  # prefix, both English words
    assert "impossible" in opposites("possible")
    assert "disconnected" in opposites("connected")
    # A prefix that makes a new word, not an opposite; a base too short to judge.
    assert opposites("inform") == opposites("discover") == opposites("indeed") == frozenset()


def test_alternatives_keep_case_and_offer_the_sentence_without_its_negation() -> None:
    text = "Long queues: the shop is not open and the item is unavailable, without doubt."
    got = {(text[a.start : a.end], a.text, a.kind) for a in alternatives(text)}
    assert ("Long", "Short", "opposite") in got
    assert ("not", "open", "negation") in got
    assert ("unavailable", "available", "opposite") in got
    assert ("without", "with", "negation") in got
    # Contractions are not asked about: "is" would also stand for "is not".
    assert not [a for a in alternatives("It isn't open and we cannot go.") if a.kind == "negation"]
    assert alternatives("The cat.") == []


def test_the_strongest_contrast_is_reported_and_unweighed_ones_are_skipped() -> None:
    text = "The shop is not open and the item is unavailable."
    alts = alternatives(text)
    gains = [None] * len(alts)
    at = {text[a.start : a.end]: i for i, a in enumerate(alts)}
    gains[at["not"]], gains[at["unavailable"]] = 1.5, 4.25
    t = TokenLogProbs(text, [], [], [], tuple(gains))
    best = strongest(t)
    assert best is not None and best[1] == 4.25
    assert isinstance(best[0], Alternative) and text[best[0].start : best[0].end] == "unavailable"
    assert strongest(TokenLogProbs(text, [], [], [], tuple(None for _ in alts))) is None


def test_a_word_the_sources_glosses_attest_is_not_contradicted() -> None:
    text = "It is expensive."
    alts = alternatives(text)
    assert alts and all(a.kind == "opposite" for a in alts)
    t = TokenLogProbs(text, [], [], [], tuple(5.0 for _ in alts))
    assert strongest(t, "値段が高い。") is None  # 高い glosses "expensive" (and "high")
    best = strongest(t, "値段が安い。")  # 安い: "cheap", "inexpensive"
    assert best is not None and best[1] == 5.0
    assert strongest(t) is not None  # no source, no attestation
