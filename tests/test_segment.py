"""Segmentation edge cases: quotes, ellipses, full-width punctuation, abbreviations, numbers."""

from __future__ import annotations

from qa.segment import paragraphs, segment_english, segment_japanese


def texts(spans):
    return [s.text for s in spans]


def test_spans_point_into_the_text():
    doc = "見出し\n\n本文です。次の文！\n\n  三つ目？  \n"
    for s in segment_japanese(doc, "sentence") + segment_japanese(doc, "paragraph"):
        assert doc[s.start : s.end] == s.text


def test_japanese_sentence_ends_and_closing_brackets():
    doc = "雨だ。晴れた！本当？（そうだ。）次。"
    assert texts(segment_japanese(doc, "sentence")) == [
        "雨だ。",
        "晴れた！",
        "本当？",
        "（そうだ。）",
        "次。",
    ]


def test_no_split_inside_quotation():
    doc = "彼は「今日は晴れ。明日は雨！」と言った。本当だ。"
    assert texts(segment_japanese(doc, "sentence")) == [
        "彼は「今日は晴れ。明日は雨！」と言った。",
        "本当だ。",
    ]


def test_nested_quotes_and_closer_after_terminator():
    doc = "「『よし。』と言った。」次だ。"
    assert texts(segment_japanese(doc, "sentence")) == ["「『よし。』と言った。」", "次だ。"]


def test_ellipsis_and_half_width_forms():
    doc = "えっと……そうです。本当!?はい｡終わり"
    assert texts(segment_japanese(doc, "sentence")) == [
        "えっと……そうです。",
        "本当!?",
        "はい｡",
        "終わり",
    ]


def test_decimal_number_in_japanese_is_not_a_boundary():
    assert len(segment_japanese("成長率は3.5%だった。次。", "sentence")) == 2


def test_english_abbreviations_and_decimals():
    doc = "Dr. Smith went to the U.S. in 2020. It cost 3.5 dollars... Really? Yes."
    assert texts(segment_english(doc, "sentence")) == [
        "Dr. Smith went to the U.S. in 2020.",
        "It cost 3.5 dollars...",
        "Really?",
        "Yes.",
    ]


def test_list_numbers_belong_to_their_sentence():
    # pysbd makes "101." a sentence of its own; a number ending a sentence stays there
    doc = "101. The wired version arrived. (12) It works. IV. Results are good. He scored 101. Then"
    spans = segment_english(doc, "sentence")
    assert texts(spans) == [
        "101. The wired version arrived.",
        "(12) It works.",
        "IV. Results are good.",
        "He scored 101.",
        "Then",
    ]
    assert all(doc[s.start : s.end] == s.text for s in spans)
    assert texts(segment_english("Done. 12.", "sentence")) == ["Done.", "12."]


def test_english_spans_and_untranslated_paragraph_uses_japanese_rules():
    doc = "First one. Second one.\n\n日本語の段落。まだ訳されていない。\n"
    sents = segment_english(doc, "sentence")
    assert texts(sents) == ["First one.", "Second one.", "日本語の段落。", "まだ訳されていない。"]
    assert all(doc[s.start : s.end] == s.text for s in sents)


def test_paragraphs_blank_lines_and_headings():
    doc = (
        "Contents of the Statement\n\nA sentence here.\r\n\r\n"
        "中ロ共同声明の内容\n\n米報道官「打撃」\n"
    )
    ps = paragraphs(doc)
    assert texts(ps) == [
        "Contents of the Statement",
        "A sentence here.",
        "中ロ共同声明の内容",
        "米報道官「打撃」",
    ]
    assert [p.heading for p in ps] == [True, False, True, True]


def test_paragraph_per_line_when_no_blank_lines():
    assert texts(paragraphs("一行目。\n二行目。\n")) == ["一行目。", "二行目。"]


def test_heading_is_one_sentence_at_sentence_level():
    assert (
        texts(segment_english("U.S. Policy Update\n\nText. More.", "sentence"))[0]
        == "U.S. Policy Update"
    )
