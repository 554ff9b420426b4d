"""Readers: aligned lines, TSV/CSV/JSONL tables, encodings, glossary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.io.encoding import decode
from qa.io.glossary import read_glossary
from qa.io.lines import read_aligned
from qa.io.tables import read_table

JA = "中国の習近平国家主席は4日、北京で会談した。"


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "cp932", "euc_jp"])
def test_decode_japanese_encodings(enc: str) -> None:
    text, found = decode((JA + "\n" + JA).encode(enc))
    assert text == JA + "\n" + JA
    assert found in {enc, "utf-16", "utf-8-sig"} or found.startswith(enc.split("_")[0])


def test_decode_rejects_binary() -> None:
    with pytest.raises(InputError):
        decode(bytes(range(128, 256)) * 8)


def test_aligned_keeps_order_ids_and_crlf(tmp_path: Path) -> None:
    src, tgt = tmp_path / "s.txt", tmp_path / "t.txt"
    src.write_bytes("一\r\n二\r\n".encode())
    tgt.write_text("one\ntwo\n", encoding="utf-8")
    segs, meta = read_aligned(src, tgt)
    assert [(s.id, s.source, s.target) for s in segs] == [("1", "一", "one"), ("2", "二", "two")]
    assert meta["input"] == "aligned"


def test_aligned_mismatch_is_input_error(tmp_path: Path) -> None:
    src, tgt = tmp_path / "s.txt", tmp_path / "t.txt"
    src.write_text("一\n二\n三\n", encoding="utf-8")
    tgt.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(InputError, match="3 lines .* 2"):
        read_aligned(src, tgt)


def test_tsv_with_quotes_and_optional_columns(tmp_path: Path) -> None:
    p = tmp_path / "t.tsv"
    p.write_text('id\tsource\ttarget\treference\nA7\t「OK」\tSay "OK"\tSay "okay"\n', "utf-8")
    (seg,), meta = read_table(p)
    assert (seg.id, seg.source, seg.target, seg.reference) == (
        "A7",
        "「OK」",
        'Say "OK"',
        'Say "okay"',
    )
    assert meta["input"] == "tsv"


def test_csv_ids_default_to_row_numbers(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text('source,target\n一,"one, really"\n二,two\n', encoding="utf-8")
    segs, _ = read_table(p)
    assert [(s.id, s.target) for s in segs] == [("1", "one, really"), ("2", "two")]


def test_jsonl_reads_retranslation(tmp_path: Path) -> None:
    p = tmp_path / "t.jsonl"
    rows = [
        {"source": "一", "target": "one", "retranslation": "One"},
        {"source": "二", "target": ""},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    segs, _ = read_table(p)
    assert segs[0].retranslation == "One" and segs[1].target == "" and segs[1].retranslation is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.tsv", "src\ttarget\nx\ty\n", "lacks column"),
        ("a.jsonl", '{"source": "x", "target": "y"}\nnot json\n', "line 2 is not valid JSON"),
        ("a.csv", "source,target\n", "no rows"),
        ("a.tsv", "id\tsource\ttarget\n1\ta\tb\n1\tc\td\n", "duplicate id"),
        ("a.csv", "source,target\na,b,c\n", "more fields"),
    ],
)
def test_bad_tables(tmp_path: Path, name: str, text: str, message: str) -> None:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_table(p)


def test_glossary(tmp_path: Path) -> None:
    p = tmp_path / "g.tsv"
    p.write_text("# terms\n習近平\tXi Jinping\n\n北大西洋条約機構\tNATO\n", encoding="utf-8")
    assert read_glossary(p) == {"習近平": "Xi Jinping", "北大西洋条約機構": "NATO"}
    p.write_text("習近平 Xi\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_glossary(p)
