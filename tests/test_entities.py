"""The entity check: names swapped for another person of the document are critical, correct
or normalised renderings are not flagged, unestablished names are not checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.checks.entities import entities, entity
from qa.model import Issue, Segment
from tests.helpers import check_segments
from tests.helpers import run as run_check

SOURCE = "習主席はプーチン大統領と北京で会談した。"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run(source: str, target: str, *others: str) -> list[Issue]:
    return run_check(entity, source, target, *others)


def test_xi_rendered_as_putin_is_critical() -> None:
    issues = run(SOURCE, "President Putin met President Putin in Beijing.")
    assert [i.severity for i in issues] == ["critical"]
    assert "Putin" in issues[0].message and issues[0].side == "source"
    assert SOURCE[slice(*issues[0].span)] == "習"  # type: ignore[misc]


@pytest.mark.parametrize(
    "target",
    [
        "President Xi met President Putin in Beijing.",
        "Xi Jinping and Vladimir Putin held talks in Peking.",
        "Chinese President Xi met Russian President Putin in Beijing.",
    ],
)
def test_correct_renderings_are_not_flagged(target: str) -> None:
    assert run(SOURCE, target) == []


def test_swap_with_another_person_of_the_document() -> None:
    issues = run(
        "習主席は北京で演説した。",
        "President Biden gave a speech in Beijing.",
        "バイデン大統領は声明を出した。",
    )
    assert [i.severity for i in issues] == ["critical"] and "Biden" in issues[0].message


def test_missing_name_without_swap_is_major_only() -> None:
    issues = run(SOURCE, "He met President Putin in Beijing.")
    assert [i.severity for i in issues] == ["major"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("米国と中国とロシアが合意した。", "The U.S., China and Russia agreed."),
        ("中国とロシアの首脳が会った。", "Chinese and Russian leaders met."),
        ("アメリカの大統領が来日した。", "The president of the United States came to Japan."),
        ("スウェーデンのグミとイギリスの紅茶", "Swedish gummies and English tea"),
        ("イギリスやアメリカでは", "in the U.K. and the U.S."),
    ],
)
def test_country_names_normalise(source: str, target: str) -> None:
    assert run(source, target) == []


def test_l_and_r_are_one_sound_in_a_katakana_name() -> None:
    # JMnedict romanises アリア "Alia"; a translation writes "Aria".
    assert run("歌手のアリア・グランデ", "the singer Aria Grande") == []
    assert [i.severity for i in run("歌手のアリア・グランデ", "the singer Grande")] == ["major"]


def test_kana_pieces_of_a_longer_word_are_not_names() -> None:
    # MeCab splits ボイスロイド and ヒノヒカリ; their pieces ロイド/ヒカリ are JMnedict names
    for source in ("実質ボイスロイド？", "佐賀県産ヒノヒカリの米"):
        assert [e.surface for e in entities(source) if e.kind == "person"] == [], source
    assert [e.surface for e in entities("ロイド氏が来た。")] == ["ロイド"]


def test_country_names_missing_are_found() -> None:
    issues = run("ロシアは声明を出した。", "China issued a statement.")
    assert [i.severity for i in issues] == ["major"] and "Russia" in issues[0].message


def test_unestablished_names_and_abbreviations_are_not_checked() -> None:
    # 国家主席: 国家 has a dictionary meaning, so it is no surname; 米 before 大統領 is the US.
    assert [e.surface for e in entities("習近平国家主席とバイデン米大統領")] == ["バイデン"] or all(
        e.surface not in ("国家", "米") for e in entities("習近平国家主席とバイデン米大統領")
    )
    assert run("李さんは来た。", "Ms. Lee came.") == []  # kanji readings too ambiguous


def test_latin_script_name_replaced_is_found() -> None:
    src = "DebianからArch Linuxにベースのディストロが変更されている"
    issues = run(src, "The base distribution has changed from Dock to Arch Linux")
    assert [i.severity for i in issues] == ["major"] and "Debian" in issues[0].message
    assert src[slice(*issues[0].span)] == "Debian"  # type: ignore[misc]
    [issue] = run("今日reddit開いてみたら", "When I opened Twitter today")
    assert "reddit" in issue.message
    # Inside another word it is not the name: "subreddit" does not render "reddit".
    [issue] = run("今日reddit開いてみたらこのサブレが", "I opened Twitter today and this subreddit")
    assert "reddit" in issue.message


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("DebianからArch Linuxに変更", "It changed from Debian to Arch Linux"),
        ("今日reddit開いてみたら", "When I opened Reddit today"),  # case
        ("今日redditのサブレ", "A subreddit on Reddit"),  # a compound beside the name
        ("カード・Amazonpayで支払OK。", "Payment by card or Amazon Pay."),  # spacing
        ("SNSでももちが紹介中!", "Momochi is featuring it on social media now!"),  # acronym
        ("全品50%OFF!", "Save 50% on all items!"),  # acronym
        ("とりあえず書けwwwとググれ", 'Anyway, "Just write, lol" and "Google it"'),  # laughter
        ("their armoured heads を訳す", "translate their armored heads"),  # spelling variant
        ("Skyrim Special Edition対応", "SkyrimSpecialEdition compatible"),  # spaces lost
        ("xVADict TES Edition の用語", "xVADictTESEdition terms"),
    ],
)
def test_latin_script_words_rendered_are_not_flagged(source: str, target: str) -> None:
    assert run(source, target) == []


def test_suspect_and_athlete_titles_fix_a_surname() -> None:
    assert [e.surface for e in entities("野村容疑者のトレーラーは進み続けた")] == ["野村"]
    assert [e.surface for e in entities("羽生選手の順位は変わった")] == ["羽生"]
    assert run("羽生選手の順位は変わった", "Hanyu's ranking changed.") == []
    assert run("羽生選手の順位は変わった", "Olympic's ranking changed.") != []
    assert run("野村容疑者は意識を失った", "Nomura lost consciousness.") == []
    assert [i.severity for i in run("野村容疑者は意識を失った", "Paying lost consciousness.")] == [
        "major"
    ]


def test_a_place_before_an_administrative_suffix_and_a_three_kanji_surname() -> None:
    # 小牧 has no proper-name gloss in JMdict; before 市 it is a place, read from JMnedict.
    source = "10日午前、小牧市の国道41号でトラックなど24台が衝突しました。"
    assert run(source, "On the 10th, 24 vehicles collided on Route 41 in Komaki.") == []
    (found,) = run(source, "On the 10th, 24 vehicles collided on Route 41.")
    assert found.severity == "major" and source[found.span[0] : found.span[1]] == "小牧"
    assert [e.surface for e in entities("中垣内監督は話した")] == ["中垣内"]
    assert run("中垣内監督は「大きい目標だった」と話した", 'Coach Nakagaichi: "A big goal."') == []
    assert run("中垣内監督は「大きい目標だった」と話した", 'The coach: "A big goal."') != []
    assert entities("小牧の国道で事故") == []  # no suffix: JMnedict's reading is not trusted


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds/ not in this checkout")
def test_seed_article_flags_only_the_putin_paragraph() -> None:
    ja = [p.strip() for p in next(SEEDS.glob("001_*.txt")).read_text().split("\n\n") if p.strip()]
    en = [p.strip() for p in next(SEEDS.glob("000_*.txt")).read_text().split("\n\n") if p.strip()]
    # Paragraphs 1-6 of the article (after its headline) are the English lead paragraphs 0-5.
    segs = [Segment(str(i), j, e) for i, (j, e) in enumerate(zip(ja[1:7], en[:6], strict=True))]
    found = check_segments(entity, segs)
    critical = [
        s.id
        for s, issues in zip(segs, found, strict=True)
        for i in issues
        if i.severity == "critical"
    ]
    assert critical == ["3"]
    assert "President Putin" in segs[3].target and "習主席" in segs[3].source  # type: ignore[operator]


def test_a_name_that_is_a_common_word_rendered_by_its_gloss() -> None:
    # unidic reads フリース as a person's name (JMnedict: Freas, Friis); JMdict: "fleece"
    source = "フリース素材でとても軽く、暖かい。"
    assert run(source, "It is made from a very light and warm fleece material.") == []
    [issue] = run(source, "It is made from a very light and warm wool material.")
    assert issue.severity == "major" and "フリース" in issue.message
