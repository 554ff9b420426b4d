"""qa/lexicon.py: the MeCab tagger is replaced after a number of texts (fugashi keeps every
distinct token it has seen), and a fresh one gives the same tokens."""

from __future__ import annotations

from qa import lexicon


def test_a_fresh_tagger_takes_over_and_tokenises_the_same(monkeypatch) -> None:
    texts = [f"{k}番の山田{k}さんは東京で{k * 7}円を払った。" for k in range(10)]
    lexicon._parse.cache_clear()
    first = [lexicon._parse(t) for t in texts]
    made = lexicon._tagger.cache_info().misses
    lexicon._parse.cache_clear()  # the counts start again: generation 0 is the tagger we have
    monkeypatch.setattr(lexicon, "TAGGER_TEXTS", 3)
    again = [lexicon._parse(t) for t in texts]
    lexicon._parse.cache_clear()
    assert again == first
    # texts 0-2 on the tagger kept, 3-5, 6-8 and 9 on three new ones; one kept at a time
    assert lexicon._tagger.cache_info().misses == made + 3
    assert lexicon._tagger.cache_info().currsize == 1
