"""Property-based tests (hypothesis): segmenters, the number parser, the decoder, the table
and XLIFF readers on arbitrary text. Example counts are kept small so this runs in seconds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

pytest.importorskip("hypothesis", reason="property tests need hypothesis (pip install hypothesis)")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qa.checks.numbers import parse_japanese_number, source_numbers, target_numbers
from qa.io.bilingual import read_bilingual
from qa.io.encoding import decode
from qa.io.tables import read_table
from qa.limits import pieces
from qa.segment import paragraphs, segment_english, segment_japanese

FEW = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that looks like what the readers see: Japanese and English letters, the punctuation the
# segmenters split on, brackets, digits (half and full width), spaces and line breaks.
PIECES = list(
    "猫犬本日会談首相東京北京あいうえおかきくけこアイウエオabcXYZ 0123456789０１２３"
    "。！？｡!?.,、;:…「」『』（）()“”\"' \u3000\t\n\n\r\n"
) + ["Dr. ", "U.S. ", "3.5", "二十五", "1億2000万", "\n\n"]
DOC_TEXT = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
# Any text a file can hold as UTF-8 (no surrogates, no NUL).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


def assert_units(text: str, units: list) -> None:
    """Units are non-empty, stripped, point at their text, in order, and cover every
    non-space character of `text`."""
    covered = [False] * len(text)
    last_end = 0
    for u in units:
        assert u.text and u.text == u.text.strip()
        assert text[u.start : u.end] == u.text
        assert u.start >= last_end
        last_end = u.end
        for i in range(u.start, u.end):
            covered[i] = True
    missed = [ch for ch, c in zip(text, covered, strict=True) if not c and not ch.isspace()]
    assert not missed, missed


@FEW
@given(DOC_TEXT)
def test_paragraphs_cover_the_text(text: str) -> None:
    assert_units(text, paragraphs(text))


@FEW
@given(DOC_TEXT, st.sampled_from(["paragraph", "sentence"]))
def test_japanese_units_cover_the_text(text: str, level: str) -> None:
    assert_units(text, segment_japanese(text, level))  # type: ignore[arg-type]


@FEW
@given(DOC_TEXT, st.sampled_from(["paragraph", "sentence"]))
def test_english_units_cover_the_text(text: str, level: str) -> None:
    assert_units(text, segment_english(text, level))  # type: ignore[arg-type]


@FEW
@given(DOC_TEXT, st.integers(1, 40))
def test_pieces_are_bounded_and_contiguous(text: str, limit: int) -> None:
    ranges = list(pieces(text, limit))
    assert "".join(text[a:b] for a, b in ranges) == text
    assert all(0 < b - a <= limit for a, b in ranges)


@FEW
@given(ANY_TEXT)
def test_number_parser_never_raises(text: str) -> None:
    value = parse_japanese_number(text)
    assert value is None or value >= 0
    for span, values, _ in target_numbers(text):
        assert 0 <= span[0] < span[1] <= len(text) and values


@FEW
@given(DOC_TEXT)
def test_source_numbers_point_at_their_text(text: str) -> None:
    for n in source_numbers(text, owed_only=False):
        assert text[n.span[0] : n.span[1]] == n.text and n.value in n.accepted


@FEW
@given(st.integers(0, 10**15))
def test_number_parser_reads_digits_any_width(n: int) -> None:
    wide = str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert parse_japanese_number(str(n)) == n
    assert parse_japanese_number(f"{n:,}") == n
    assert parse_japanese_number(wide) == n
    assert parse_japanese_number(str(parse_japanese_number(str(n)))[:-2]) == n  # "25.0"→"25"


# --- decoding ------------------------------------------------------------------------------

# Characters every supported legacy encoding has (JIS X 0208 kana/kanji, ASCII, full width).
JIS_TEXT = st.text(
    st.sampled_from(
        list("日本語の文章です猫犬会談首相東京天然ガスあいうえおアイウエオ「」。、ー・ＡＢ１２")
        + list("abcXYZ 019.,!?\n\t")
    ),
    min_size=1,
    max_size=60,
)


@FEW
@given(JIS_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]))
def test_decode_round_trips_unicode_encodings(text: str, enc: str) -> None:
    data = text.encode(enc)
    if enc in ("utf-16-le", "utf-16-be"):
        data = "\ufeff".encode(enc) + data  # BOM-less UTF-16 is only guessed for ASCII-heavy text
    assert decode(data)[0] == text


@FEW
@given(JIS_TEXT, st.sampled_from(["shift_jis", "cp932", "euc_jp"]))
def test_decode_round_trips_japanese_encodings(text: str, enc: str) -> None:
    # A few characters of kana can be valid in both Shift-JIS and EUC-JP; real files are
    # longer, so give the detector a sentence of context.
    text = "日本の首相は東京で記者会見を開いた。" + text
    decoded, found = decode(text.encode(enc))
    assert decoded == text
    assert found == ("euc_jp" if enc == "euc_jp" else "cp932")


# --- tables --------------------------------------------------------------------------------

CELL = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from(list("\t\n\r\",'")),
    max_size=30,
)
ROWS = st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8)


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".jsonl"])
def test_table_round_trips(suffix: str, tmp_path: Path) -> None:
    @FEW
    @given(ROWS)
    def check(rows: list[tuple[str, str]]) -> None:
        path = tmp_path / f"t{suffix}"
        if suffix == ".jsonl":
            text = "".join(
                json.dumps({"id": str(i), "source": s, "target": t}, ensure_ascii=False) + "\n"
                for i, (s, t) in enumerate(rows, 1)
            )
        else:
            buf = io.StringIO()
            w = csv.writer(buf, delimiter="\t" if suffix == ".tsv" else ",")
            w.writerow(["id", "source", "target"])
            w.writerows([str(i), s, t] for i, (s, t) in enumerate(rows, 1))
            text = buf.getvalue()
        path.write_text(text, encoding="utf-8", newline="")
        segments, _ = read_table(path)
        assert [(s.source, s.target) for s in segments] == rows

    check()


# --- XLIFF ---------------------------------------------------------------------------------


def _xml_char(c: str) -> bool:
    o = ord(c)
    return c in "\t\n" or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o > 0xFFFF


XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)).filter(_xml_char)
    | st.sampled_from(list("<>&\"']]>猫")),
    min_size=1,
    max_size=30,
)


def test_xliff_round_trips_special_characters(tmp_path: Path) -> None:
    from lxml import etree

    ns = "urn:oasis:names:tc:xliff:document:1.2"

    @FEW
    @given(st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=1, max_size=5))
    def check(pairs: list[tuple[str, str]]) -> None:
        pairs = [(s, t) for s, t in pairs if s.strip()]
        if not pairs:
            return
        root = etree.Element(f"{{{ns}}}xliff", version="1.2", nsmap={None: ns})
        f = etree.SubElement(
            root, f"{{{ns}}}file", original="a", datatype="plaintext",
            **{"source-language": "ja", "target-language": "en"},
        )  # fmt: skip
        body = etree.SubElement(f, f"{{{ns}}}body")
        for i, (s, t) in enumerate(pairs, 1):
            unit = etree.SubElement(body, f"{{{ns}}}trans-unit", id=str(i))
            # Without it XLIFF lets whitespace be normalised (translate-toolkit does).
            unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            etree.SubElement(unit, f"{{{ns}}}source").text = s
            etree.SubElement(unit, f"{{{ns}}}target").text = t
        path = tmp_path / "a.xlf"
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        segments, _ = read_bilingual(path)
        assert [(s.source, s.target) for s in segments] == pairs

    check()


@settings(max_examples=10, deadline=None)
@given(DOC_TEXT.filter(lambda t: len(t.strip()) > 10), st.sampled_from(["paragraph", "sentence"]))
def test_over_long_paragraphs_are_split_within_the_limit(text: str, level: str) -> None:
    from qa.limits import MAX_SEGMENT_CHARS

    long = text.replace("\n", " ") * (3 * MAX_SEGMENT_CHARS // len(text) + 1)
    for seg in (segment_japanese, segment_english):
        units = seg(long, level)  # type: ignore[arg-type]
        assert_units(long, units)
        assert all(u.end - u.start <= MAX_SEGMENT_CHARS for u in units)
