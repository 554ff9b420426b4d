"""Checks for repeats with punctuation and for added sentences."""

from __future__ import annotations

import pytest

from qa.checks.added_sentence import added_sentence
from qa.checks.doubled import doubled_words
from qa.model import Segment
from tests.helpers import check_segments, run

# ------------------------------------------------------------------ doubled words


@pytest.mark.parametrize(
    ("source", "target", "phrase"),
    [
        ("1袋648円（HIGASHIYA）", "1 bag is 648 yen (HIGASHIYA) (HIGASHIYA)", "(HIGASHIYA)"),
        ("「ここは日本」", 'Like "This "This is Japan, so could you follow the rules?"', '"This'),
        ("例えば治験", "For example, For example, drug trials are paid jobs.", "For example,"),
        # そろそろ licenses one doubled word, not a doubled phrase.
        (
            "そろそろ捨て時の3アイテム",
            "Throw Away or Replace These or Replace These 3 Items",
            "or Replace These",
        ),
    ],
)
def test_repeats_with_punctuation_or_licensed_source(source: str, target: str, phrase: str) -> None:
    [issue] = run(doubled_words, source, target)
    assert f"{phrase!r}" in issue.message


def test_number_said_once_in_source_but_twice_in_target() -> None:
    [issue] = run(doubled_words, "2021年ブランドのレインブーツ", "2021 2021 brand rain boots")
    assert "'2021'" in issue.message
    assert run(doubled_words, "2021年ブランドのレインブーツ", "2021 brand rain boots") == []


def test_iterated_adverbs_are_not_repeats() -> None:
    src = "何度も何度も電話した"
    assert run(doubled_words, src, "I called again and again and again and again.") == []
    assert run(doubled_words, "少しずつ", "It got more and more and more expensive.") == []
    # …but "and" alone does not license any doubled phrase.
    [issue] = run(doubled_words, "明治と昭和", "In the Meiji and Showa and Showa eras")
    assert "'and Showa'" in issue.message


def test_a_name_that_is_its_word_twice() -> None:
    """曹操 is "Cao Cao" (JMnedict); a name the source does not have stays a repeat."""
    src = "「いつかお前が曹操に殺されても知らねーからな！」"
    assert run(doubled_words, src, "If you ever get killed by Cao Cao, don't blame me!") == []
    [issue] = run(doubled_words, "東京に行った", "I went to Tokyo Tokyo.")
    assert "'Tokyo'" in issue.message


# ------------------------------------------------------------------ added sentence


def test_unrelated_sentence_appended_is_major() -> None:
    src = "今日は東京で雨が降っている。"
    tgt = "It is raining in Tokyo today. The new iPhone costs 900 dollars."
    [issue] = run(added_sentence, src, tgt)
    assert issue.severity == "major"
    assert tgt[issue.span[0] : issue.span[1]] == "The new iPhone costs 900 dollars."


def test_split_sentence_and_matching_counts_pass() -> None:
    # One Japanese sentence translated as two English ones: both halves carry meaning.
    src = "東京に住んでいて、毎日電車で会社に通っています。"
    assert run(added_sentence, src, "I live in Tokyo. Every day I take the train to work.") == []
    src2 = "今日は雨だ。明日は晴れる。"
    assert run(added_sentence, src2, "It rains today. Tomorrow it will be sunny.") == []


def test_a_run_embeds_all_candidate_sentences_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.runtime import Models

    models = Models()
    segs = [
        Segment(
            str(i),
            f"今日は{ja}で雨が降っている。",
            f"It is raining in {en} today. The new iPhone costs 900 dollars.",
        )
        for i, (ja, en) in enumerate([("大阪", "Osaka"), ("京都", "Kyoto"), ("札幌", "Sapporo")])
    ]
    calls = []
    run_once = models.embedder._run
    monkeypatch.setattr(
        models.embedder,
        "_run",
        lambda todo, wanted, states: (calls.append(states), run_once(todo, wanted, states)),
    )
    found = check_segments(added_sentence, segs, models=models)
    # every segment's texts went into the first forward pass, keeping no token states
    assert calls == [False]
    assert [len(f) for f in found] == [1, 1, 1]
