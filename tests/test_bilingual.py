"""XLIFF 1.2, XLIFF 2.0 and TMX readers, and a check run on an XLIFF file through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.io.bilingual import read_bilingual
from qa.io.read import read_segments
from tests.helpers import run_cli

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.html" source-language="ja-JP" target-language="en-US" datatype="html">
    <body>
      <trans-unit id="t1"><source>猫が二匹います。</source><target>There are two cats.</target>
      </trans-unit>
      <group id="grp">
        <trans-unit id="t2" resname="bold">
          <source><g id="1">太字</g>の<x id="2"/>テキスト<ph id="3">{0}</ph>です。</source>
          <target><g id="1">Bold</g> <x id="2"/>text <ph id="3">{0}</ph>.</target>
        </trans-unit>
      </group>
      <trans-unit id="t3"><source>彼は本を読んだ。</source></trans-unit>
      <trans-unit id="t4"><source></source><target>orphan</target></trans-unit>
      <trans-unit id="t5" translate="no"><source>ロゴ</source></trans-unit>
    </body>
  </file>
</xliff>
"""

TWO_FILES = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.html" source-language="ja" target-language="en"><body>
    <trans-unit id="1"><source>一</source><target>One</target></trans-unit>
  </body></file>
  <file original="b.html" source-language="ja" target-language="en"><body>
    <trans-unit id="1"><source>二</source><target>Two</target></trans-unit>
  </body></file>
</xliff>
"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ja" trgLang="en">
  <file id="f1">
    <unit id="u1"><segment><source>猫</source><target>Cat</target></segment></unit>
    <unit id="u2"><segment>
      <source><pc id="1">犬</pc>と<ph id="2"/>鳥</source>
      <target><pc id="1">Dog</pc> and <ph id="2"/>bird</target>
    </segment></unit>
    <unit id="u3"><segment><source>魚</source></segment></unit>
    <unit id="u4">
      <segment id="s1"><source>一。</source><target>One.</target></segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2"><source>二。</source><target>Two.</target></segment>
    </unit>
  </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header srclang="ja" datatype="plaintext" segtype="sentence" adminlang="en"
          o-tmf="none" creationtool="test" creationtoolversion="1"/>
  <body>
    <tu tuid="t1">
      <tuv xml:lang="ja-JP"><seg>猫</seg></tuv>
      <tuv xml:lang="en-US"><seg>Cat</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en">
        <seg>A <bpt i="1">&lt;b&gt;</bpt>big<ept i="1">&lt;/b&gt;</ept> dog</seg>
      </tuv>
      <tuv xml:lang="ja">
        <seg>大きい<bpt i="1">&lt;b&gt;</bpt>犬<ept i="1">&lt;/b&gt;</ept></seg>
      </tuv>
    </tu>
    <tu tuid="t3"><tuv xml:lang="ja"><seg>鳥</seg></tuv></tu>
    <tu tuid="t4"><tuv xml:lang="en"><seg>English only</seg></tuv></tu>
  </body>
</tmx>
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def triples(segments) -> list[tuple[str, str | None, str | None]]:
    return [(s.id, s.source, s.target) for s in segments]


def test_xliff12_ids_text_order_and_untranslated(tmp_path: Path) -> None:
    segs, meta = read_bilingual(write(tmp_path, "a.xlf", XLIFF12))
    assert triples(segs) == [
        ("t1", "猫が二匹います。", "There are two cats."),
        # <g> keeps its text, <x/> vanishes, <ph> keeps its native code.
        ("t2", "太字のテキスト{0}です。", "Bold text {0}."),
        ("t3", "彼は本を読んだ。", ""),  # no <target>: an empty translation
    ]  # t4 (empty source) and t5 (translate="no") are skipped
    assert meta == {"input": "xliff", "source_language": "ja-JP", "target_language": "en-US"}


def test_xliff12_several_files_qualify_ids(tmp_path: Path) -> None:
    segs, _ = read_bilingual(write(tmp_path, "two.xliff", TWO_FILES))
    assert triples(segs) == [("a.html/1", "一", "One"), ("b.html/1", "二", "Two")]


def test_xliff12_resname_when_no_id(tmp_path: Path) -> None:
    text = XLIFF12.replace('id="t2" resname="bold"', 'resname="bold"')
    segs, _ = read_bilingual(write(tmp_path, "a.xlf", text))
    assert [s.id for s in segs] == ["t1", "bold", "t3"]


def test_xliff12_duplicate_id_is_input_error(tmp_path: Path) -> None:
    text = XLIFF12.replace('id="t3"', 'id="t1"')
    with pytest.raises(InputError, match=r"duplicate unit id 't1'"):
        read_bilingual(write(tmp_path, "a.xlf", text))


def test_xliff20_units_segments_and_markup(tmp_path: Path) -> None:
    segs, meta = read_bilingual(write(tmp_path, "b.xlf", XLIFF20))
    assert triples(segs) == [
        ("u1", "猫", "Cat"),
        ("u2", "犬と鳥", "Dog and bird"),  # <pc> keeps its text, empty <ph/> vanishes
        ("u3", "魚", ""),
        ("u4::s1", "一。", "One."),  # several <segment>s: one Segment each
        ("u4::s2", "二。", "Two."),
    ]
    assert meta == {"input": "xliff", "source_language": "ja", "target_language": "en"}


def test_xliff_wrong_direction_names_languages(tmp_path: Path) -> None:
    text = XLIFF20.replace('srcLang="ja" trgLang="en"', 'srcLang="en" trgLang="ja"')
    with pytest.raises(InputError, match=r"source language en, target language ja"):
        read_bilingual(write(tmp_path, "b.xlf", text))


def test_tmx_picks_sides_by_language_not_order(tmp_path: Path) -> None:
    segs, meta = read_bilingual(write(tmp_path, "m.tmx", TMX))
    assert triples(segs) == [
        ("t1", "猫", "Cat"),
        ("2", "大きい<b>犬</b>", "A <b>big</b> dog"),  # no tuid: 1-based position
        ("t3", "鳥", ""),  # no English variant: an empty translation
    ]  # t4 has no Japanese side and is skipped
    assert meta == {"input": "tmx", "source_language": "ja-JP", "target_language": "en-US"}


def test_tmx_duplicate_tuids_fall_back_to_positions(tmp_path: Path) -> None:
    segs, _ = read_bilingual(write(tmp_path, "m.tmx", TMX.replace('tuid="t3"', 'tuid="t1"')))
    assert [s.id for s in segs] == ["1", "2", "3"]


def test_tmx_shift_jis_declared_encoding(tmp_path: Path) -> None:
    text = TMX.replace('encoding="UTF-8"', 'encoding="Shift_JIS"')
    segs, _ = read_bilingual(write(tmp_path, "m.tmx", text, encoding="cp932"))
    assert segs[0].source == "猫" and segs[1].source == "大きい<b>犬</b>"


def test_tmx_without_japanese_and_english_lists_languages(tmp_path: Path) -> None:
    text = TMX.replace('"ja-JP"', '"de"').replace('"ja"', '"fr"')
    with pytest.raises(InputError, match=r"m\.tmx: .*found de, en-US, en, fr$"):
        read_bilingual(write(tmp_path, "m.tmx", text))


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("cut.xlf", XLIFF12[: XLIFF12.index("</body>")], "Premature end of data"),
        ("empty.tmx", "", "no element found"),
        ("junk.xliff", "not xml", "Start tag expected"),
        ("page.xlf", "<html><body/></html>", "root element is <html>"),
        ("nofile.xlf", '<xliff version="1.2"/>', "no <file> element"),
    ],
)
def test_malformed_is_one_line_input_error(tmp_path: Path, name: str, text: str, reason) -> None:
    path = write(tmp_path, name, text)
    label = "TMX" if name.endswith(".tmx") else "XLIFF"
    with pytest.raises(InputError) as e:
        read_bilingual(path)
    message = str(e.value)
    assert message.startswith(f"{path}: not a valid {label} file (") and reason in message
    assert "\n" not in message


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.txt", "SECRET")
    text = XLIFF12.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "{secret.as_uri()}">]>',
    ).replace("<target>There are two cats.</target>", "<target>&e;</target>")
    # Refused outright: a parser that drops entity references silently loses text.
    with pytest.raises(InputError, match="declares entities") as e:
        read_bilingual(write(tmp_path, "a.xlf", text))
    assert "SECRET" not in str(e.value)


def test_read_input_dispatches_single_bilingual_file(tmp_path: Path) -> None:
    segs, meta = read_segments(write(tmp_path, "m.TMX", TMX), None)
    assert meta["input"] == "tmx" and segs[0].id == "t1"
    with pytest.raises(InputError, match=r"\.xlf, \.xliff or \.tmx"):
        read_segments(write(tmp_path, "notes.txt", "x"), None)


def test_cli_flags_untranslated_xliff_unit(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path, "a.xlf", XLIFF12)
    r = run_cli(["check", path, "--mt", "none", "-f", "json"], capsys, monkeypatch)
    assert r.code == 0, r.err
    segments = {s["id"]: s for s in json.loads(r.out)["segments"]}
    assert list(segments) == ["t1", "t2", "t3"]
    assert "empty_target" in [i["check"] for i in segments["t3"]["issues"]]
    assert segments["t3"]["flagged"]
    assert "empty_target" not in [i["check"] for i in segments["t1"]["issues"]]


def test_cli_malformed_file_is_one_line_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    path = write(tmp_path, "cut.tmx", TMX[:300])
    r = run_cli(["check", path, "--mt", "none", "-f", "json"], capsys, monkeypatch)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith(f"mtqa: error: {path}: not a valid TMX file (")
    assert r.err.count("\n") == 1
