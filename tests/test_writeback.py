"""XLIFF 1.2 / 2.0 and TMX write-back: review marks on flagged units, every other byte kept."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import tmx, xliff, xliff2

from qa.errors import InputError
from qa.io.bilingual import read_bilingual
from qa.report.writeback import strip_review, write_back, write_back_file
from tests.helpers import run_cli

X1 = "urn:oasis:names:tc:xliff:document:1.2"
X2 = "urn:oasis:names:tc:xliff:document:2.0"

# CRLF line ends, single- and double-quoted attributes, entity references in text, a comment
# and a PI, inline tags of every kind, existing notes and states, a unit without <target>.
XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a CAT tool -->
<xliff version='1.2' xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.html" source-language="ja-JP" target-language="en-US" datatype="html">
    <header><?cat-tool keep="me"?></header>
    <body>
      <trans-unit id="t1"><source>猫が二匹います。</source><target
          state='translated'>There are two cats &amp; a dog.</target></trans-unit>
      <group id="grp">
        <trans-unit id="t2" resname="bold">
          <source><g id="1">太字</g>の<x id="2"/>テキスト<ph id="3">{0}</ph>です。</source>
          <target xml:lang="en-US" state="signed-off"
            ><g id="1">Bold</g> <x id="2"/>text <ph id="3">{0}</ph>.</target>
          <note from="translator" priority="2">Keep the bold &lt;b&gt; markup.</note><alt-trans
            match-quality="80"><target>Bold text.</target></alt-trans>
        </trans-unit>
      </group>
      <trans-unit id="t3">
        <source>彼は<bpt id="4">&lt;i&gt;</bpt>本<ept id="4">&lt;/i&gt;</ept>を読んだ。</source>
        <target><bpt id="4">&lt;i&gt;</bpt>Book<ept id="4">&lt;/i&gt;</ept> he read.</target>
      </trans-unit>
      <trans-unit id="t4"><source>未訳です。</source></trans-unit>
      <trans-unit id="t5"><source>良い訳。</source>
        <target state="translated">A good translation.</target></trans-unit>
    </body>
  </file>
</xliff>
""".replace("\n", "\r\n")

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"
       xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0" version="2.0" srcLang="ja" trgLang="en">
  <file id="f1">
    <unit id="u1">
      <notes>
        <note category="context">Headline.</note>
      </notes>
      <segment state="translated"><source>猫</source><target>Cat</target></segment>
    </unit>
    <unit id="u2">
      <mda:metadata><mda:metaGroup><mda:meta type="k">v</mda:meta></mda:metaGroup></mda:metadata>
      <originalData><data id="d1">&lt;br/&gt;</data></originalData>
      <segment><source><pc id="1">犬</pc>と<ph id="2" dataRef="d1"/>鳥</source>
        <target><pc id="1">Dog</pc> and <ph id="2" dataRef="d1"/>bird</target></segment>
    </unit>
    <unit id="u3">
      <segment id="s1" state="reviewed" subState="acme:checked">
        <source><sc id="1"/>一。</source><target><sc id="1"/>One.</target></segment>
      <ignorable><source> </source></ignorable>
      <segment id="s2" state="translated"><source>二。<ec startRef="1"/></source>
        <target>Two.<ec startRef="1"/></target></segment>
    </unit>
    <unit id="u4"><segment state="final"><source><mrk id="m1" type="term">魚</mrk></source>
      <target><mrk id="m1" type="term">Fish</mrk></target></segment></unit>
  </file>
</xliff>
"""

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header srclang="ja" datatype="plaintext" segtype="sentence" adminlang="en"
          o-tmf="none" creationtool="test" creationtoolversion="1"/>
  <body>
    <tu tuid="t1">
      <prop type="x-client">acme</prop>
      <note>From the spring catalogue.</note>
      <tuv xml:lang="ja-JP"><seg>猫</seg></tuv>
      <tuv xml:lang="en-US"><seg>Cat &amp; mouse</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="en"
        ><seg>A <bpt i="1">&lt;b&gt;</bpt>big<ept i="1">&lt;/b&gt;</ept> dog</seg></tuv>
      <tuv xml:lang="ja"
        ><seg>大きい<bpt i="1">&lt;b&gt;</bpt>犬<ept i="1">&lt;/b&gt;</ept></seg></tuv>
    </tu>
    <tu tuid="t3"><tuv xml:lang="ja"><seg>鳥</seg></tuv><tuv xml:lang="en"><seg>Bird</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def seg(sid: str, flagged: bool = True, risk: float = 0.8, severity: str | None = "major"):
    """A segment as `Result.to_dict()` writes it (the keys write-back reads, and others)."""
    issues = []
    if severity:
        issues.append(
            {
                "check": "numbers",
                "severity": severity,
                "message": f"{sid}: 2 → two <b> & 'quoted'",
                "span": [0, 3],
                "side": "target",
                "fingerprint": "abc123",
            }
        )
    reasons = [f"numbers: {sid} number missing", "chrF 21 vs retranslation (corpus median 58)"]
    return {
        "id": sid,
        "source": "…",
        "target": "…",
        "retranslation": None,
        "scores": {"chrf": 21.0},
        "risk": risk,
        "flagged": flagged,
        "issues": issues,
        "reasons": reasons if flagged else [],
    }


def result(*segments) -> dict:
    return {"segments": list(segments), "summary": {}, "signatures": {}}


R12 = result(
    seg("t1", severity="critical", risk=0.97),
    seg("t2", severity=None, risk=0.55),
    seg("t3", flagged=False, risk=0.1, severity=None),
    seg("t4", risk=0.9),
    seg("t5", flagged=False, severity="minor"),
)
R20 = result(
    seg("u1", severity="critical"),
    seg("u2", severity="minor"),
    seg("u3::s1", flagged=False),
    seg("u3::s2"),
    seg("u4", flagged=False),
)
RTMX = result(seg("t1"), seg("2", flagged=False), seg("t3", severity="critical"))
CASES = {"xlf": (XLIFF12, R12), "xliff": (XLIFF20, R20), "tmx": (TMX, RTMX)}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def changes(before: bytes, after: bytes) -> list[tuple[str, bytes, bytes]]:
    """What differs, as difflib sees the two byte strings (independent of the module)."""
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        (tag, before[i1:i2], after[j1:j2])
        for tag, i1, i2, j1, j2 in sm.get_opcodes()
        if tag != "equal"
    ]


def value_spans(data: bytes, names: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = rb"\b(?:" + b"|".join(n.encode() for n in names) + rb")=(['\"])(.*?)\1"
    return [m.span(2) for m in re.finditer(pattern, data)]


def assert_only_additions(before: bytes, after: bytes, attrs: tuple[str, ...]) -> None:
    """Every original byte survives, except inside the values of the attributes in `attrs`."""
    allowed = value_spans(before, attrs)
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag in ("replace", "delete"):
            assert any(a <= i1 and i2 <= b for a, b in allowed), (tag, before[i1 - 20 : i2 + 20])


def triples(path: Path) -> list[tuple[str, str | None, str | None]]:
    return [(s.id, s.source, s.target) for s in read_bilingual(path)[0]]


def children(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


def mtqa_note(unit: etree._Element, ns: str) -> etree._Element:
    (note,) = unit.findall(f"{{{ns}}}note[@from='mtqa']")
    return note


# --- the three formats alike ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", list(CASES))
def test_inverse_restores_input_bytes_and_rerun_is_idempotent(tmp_path: Path, suffix) -> None:
    text, res = CASES[suffix]
    original = text.encode()
    out = write_back(original, res, name=f"a.{suffix}")
    assert out != original
    assert strip_review(out, name=f"a.{suffix}") == original
    assert write_back(out, res, name=f"a.{suffix}") == out  # run twice: nothing added twice
    nothing = result(*[dict(s, flagged=False) for s in res["segments"]])
    assert write_back(out, nothing, name=f"a.{suffix}") == original  # no longer flagged


@pytest.mark.parametrize("suffix", list(CASES))
def test_output_reparses_and_reads_the_same_segments(tmp_path: Path, suffix) -> None:
    text, res = CASES[suffix]
    src = write(tmp_path, f"in.{suffix}", text.encode())
    out = write(tmp_path, f"out.{suffix}", write_back_file(src, res))
    assert src.read_bytes() == text.encode()  # the input is only read
    etree.fromstring(out.read_bytes())
    assert triples(out) == triples(src)
    store_class = {"xlf": xliff.xlifffile, "xliff": xliff2.Xliff2File, "tmx": tmx.tmxfile}
    store = store_class[suffix].parsestring(out.read_bytes())
    assert len(store.units) == len(store_class[suffix].parsestring(text.encode()).units)


@pytest.mark.parametrize(
    ("suffix", "attrs"),
    [("xlf", ("state",)), ("xliff", ("subState",)), ("tmx", ())],
)
def test_only_additions_outside_review_attributes(suffix, attrs) -> None:
    text, res = CASES[suffix]
    original = text.encode()
    out = write_back(original, res, name=f"a.{suffix}")
    assert_only_additions(original, out, attrs)
    # and the checker itself can fail: what re-serialising would do (quotes) is caught
    with pytest.raises(AssertionError):
        assert_only_additions(
            original, out.replace(b'encoding="UTF-8"', b"encoding='UTF-8'"), attrs
        )


def test_unknown_flagged_id_is_input_error() -> None:
    with pytest.raises(InputError, match=r"a\.xlf: .*'nope'.* not in this file"):
        write_back(XLIFF12.encode(), result(seg("nope")), name="a.xlf")


# --- XLIFF 1.2 -----------------------------------------------------------------------------


def test_xliff12_flagged_units_get_state_and_note() -> None:
    out = write_back(XLIFF12.encode(), R12, name="a.xlf")
    root = etree.fromstring(out)
    units = {u.get("id"): u for u in root.iter(f"{{{X1}}}trans-unit")}
    t1, t2, t4 = units["t1"], units["t2"], units["t4"]
    assert t1.find(f"{{{X1}}}target").get("state") == "needs-review-translation"
    note = mtqa_note(t1, X1)
    assert (note.get("annotates"), note.get("priority")) == ("target", "1")  # critical
    assert "numbers: t1 number missing" in note.text and "risk 0.97" in note.text
    assert note.text.splitlines()[-1] == "Previous state: translated"
    # signed-off replaced too (and remembered); priority 3 without major/critical findings
    assert t2.find(f"{{{X1}}}target").get("state") == "needs-review-translation"
    assert mtqa_note(t2, X1).get("priority") == "3"
    # schema order: source, seg-source?, target?, then notes/alt-trans in any order
    assert children(t2) == ["source", "target", "note", "note", "alt-trans"]
    assert t2.find(f"{{{X1}}}alt-trans/{{{X1}}}target").get("state") is None
    # no <target>: the note only, no invented target
    assert children(t4) == ["source", "note"] and mtqa_note(t4, X1).get("priority") == "2"
    # unflagged units: byte for byte as they were
    for uid in ("t3", "t5"):
        start = XLIFF12.index(f'<trans-unit id="{uid}">')
        end = XLIFF12.index("</trans-unit>", start)
        assert XLIFF12[start:end].encode() in out
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- exported')
    assert b'<?cat-tool keep="me"?>' in out and b"\n" not in out.replace(b"\r\n", b"")


def test_xliff12_translate_toolkit_sees_the_review_note() -> None:
    store = xliff.xlifffile.parsestring(write_back(XLIFF12.encode(), R12, name="a.xlf"))
    units = {u.xmlelement.get("id"): u for u in store.units}
    assert "chrF 21" in units["t1"].getnotes("mtqa")
    assert units["t2"].getnotes("translator") == "Keep the bold <b> markup."
    assert units["t3"].getnotes("mtqa") == ""


def test_xliff12_existing_review_state_is_kept_and_not_restored_away() -> None:
    text = XLIFF12.replace("state='translated'", "state='needs-review-translation'")
    out = write_back(text.encode(), R12, name="a.xlf")
    note = mtqa_note(etree.fromstring(out).find(f".//{{{X1}}}trans-unit[@id='t1']"), X1)
    assert "Previous state" not in note.text  # nothing replaced, nothing to restore
    assert strip_review(out) == text.encode()


def test_xliff12_state_changed_by_the_reviewer_survives_a_rerun() -> None:
    out = write_back(XLIFF12.encode(), R12, name="a.xlf")
    reviewed = out.replace(
        b"state='needs-review-translation'>There", b"state='final'>There"
    )  # the reviewer signed t1 off; the next run no longer flags it
    again = write_back(reviewed, result(*[dict(s, flagged=False) for s in R12["segments"]]))
    t1 = etree.fromstring(again).find(f".//{{{X1}}}trans-unit[@id='t1']")
    assert t1.find(f"{{{X1}}}target").get("state") == "final"
    assert b'from="mtqa"' not in again


def test_xliff12_prefixed_namespace_gets_prefixed_note() -> None:
    text = (
        XLIFF12.replace('xmlns="urn:', 'xmlns:x="urn:')
        .replace("<", "<x:")
        .replace("<x:/", "</x:")
        .replace("<x:?", "<?")
        .replace("<x:!", "<!")
        .replace("</x:x:", "</x:")
    )
    out = write_back(text.encode(), R12, name="a.xlf")
    assert b'<x:note from="mtqa"' in out
    assert mtqa_note(etree.fromstring(out).find(f".//{{{X1}}}trans-unit"), X1) is not None
    assert strip_review(out) == text.encode()


def test_xliff12_several_files_map_qualified_ids() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a.html" source-language="ja" target-language="en"><body>
    <trans-unit id="1"><source>一</source><target>One</target></trans-unit>
  </body></file>
  <file original="b.html" source-language="ja" target-language="en"><body>
    <trans-unit id="1"><source>二</source><target>Two</target></trans-unit>
    <trans-unit resname="r"><source>三</source><target>Three</target></trans-unit>
  </body></file>
</xliff>
"""
    out = write_back(text.encode(), result(seg("b.html/1"), seg("b.html/r")), name="m.xlf")
    files = etree.fromstring(out).findall(f"{{{X1}}}file")
    assert files[0].find(f".//{{{X1}}}note") is None
    notes = [u.find(f"{{{X1}}}note").text for u in files[1].iter(f"{{{X1}}}trans-unit")]
    assert "numbers: b.html/1 number" in notes[0] and "numbers: b.html/r number" in notes[1]


def test_shift_jis_declared_file_stays_shift_jis() -> None:
    text = XLIFF12.replace('encoding="UTF-8"', 'encoding="Shift_JIS"')
    original = text.encode("cp932")
    res = result(dict(seg("t1"), reasons=["未訳の語: 猫 ～ 犬", "emoji 😀"]))
    out = write_back(original, res, name="a.xlf")
    assert out.startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    assert "未訳の語: 猫".encode("cp932") in out  # encoded like the rest of the file
    assert b"&#128512;" in out  # what Shift_JIS cannot hold, as a character reference
    note = mtqa_note(etree.fromstring(out).find(f".//{{{X1}}}trans-unit"), X1)
    assert "未訳の語: 猫" in note.text and "😀" in note.text
    assert strip_review(out) == original
    assert_only_additions(original, out, ("state",))


def test_utf16_file_round_trips() -> None:
    text = XLIFF12.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    original = text.encode("utf-16")  # with its BOM
    out = write_back(original, R12, name="a.xlf")
    assert out.startswith(original[:2])
    assert "numbers: t1 number missing" in out.decode("utf-16")
    assert strip_review(out) == original


# --- XLIFF 2.0 -----------------------------------------------------------------------------


def test_xliff20_substate_notes_and_schema_order() -> None:
    out = write_back(XLIFF20.encode(), R20, name="b.xlf")
    root = etree.fromstring(out)
    units = {u.get("id"): u for u in root.iter(f"{{{X2}}}unit")}
    # u1: state kept, subState added, note appended to the existing <notes>
    s1 = units["u1"].find(f"{{{X2}}}segment")
    assert (s1.get("state"), s1.get("subState")) == ("translated", "mtqa:needs-review")
    notes = units["u1"].findall(f"{{{X2}}}notes/{{{X2}}}note")
    assert [n.get("category") for n in notes] == ["context", "mtqa"]
    assert (notes[1].get("appliesTo"), notes[1].get("priority")) == ("target", "1")
    # u2: no state: the default made explicit (subState needs it); new <notes> after the
    # extension element and before <originalData> (unit: other*, notes?, originalData?, segment+)
    s2 = units["u2"].find(f"{{{X2}}}segment")
    assert (s2.get("state"), s2.get("subState")) == ("initial", "mtqa:needs-review")
    assert children(units["u2"]) == ["metadata", "notes", "originalData", "segment"]
    assert units["u2"].find(f"{{{X2}}}notes/{{{X2}}}note").get("priority") == "3"
    # u3: the second segment only; the note says which
    seg1, seg2 = units["u3"].findall(f"{{{X2}}}segment")
    assert (seg1.get("subState"), seg2.get("subState")) == ("acme:checked", "mtqa:needs-review")
    (note,) = units["u3"].findall(f"{{{X2}}}notes/{{{X2}}}note")
    assert note.get("id") == "mtqa-2" and "segment s2" in note.text
    assert children(units["u3"]) == ["notes", "segment", "ignorable", "segment"]
    # u4 not flagged: untouched
    start = XLIFF20.index('<unit id="u4">')
    assert XLIFF20[start : XLIFF20.index("</unit>", start)].encode() in out


def test_xliff20_foreign_substate_is_replaced_then_restored() -> None:
    res = result(seg("u3::s1"))
    out = write_back(XLIFF20.encode(), res, name="b.xlf")
    s1 = etree.fromstring(out).find(f".//{{{X2}}}segment[@id='s1']")
    assert (s1.get("state"), s1.get("subState")) == ("reviewed", "mtqa:needs-review")
    assert (
        "Previous subState: acme:checked"
        in etree.fromstring(out).find(f".//{{{X2}}}note[@category='mtqa']").text
    )
    assert write_back(out, result(seg("u3::s1", flagged=False)), name="b.xlf") == XLIFF20.encode()


def test_xliff20_translate_toolkit_reads_output() -> None:
    store = xliff2.Xliff2File.parsestring(write_back(XLIFF20.encode(), R20, name="b.xlf"))
    assert [u.getid() for u in store.units] == ["u1", "u2", "u3::s1", "u3::s2", "u4"]
    assert [str(u.target) for u in store.units] == ["Cat", "Dog and bird", "One.", "Two.", "Fish"]


# --- TMX -----------------------------------------------------------------------------------


def test_tmx_prop_before_tuvs_on_flagged_units() -> None:
    out = write_back(TMX.encode(), RTMX, name="m.tmx")
    root = etree.fromstring(out)
    tus = root.findall(".//tu")
    assert children(tus[0]) == ["prop", "note", "prop", "tuv", "tuv"]  # (note|prop)*, tuv+
    assert tus[0].findall("prop")[1].get("type") == "x-mtqa-review"
    assert "numbers: t1 number missing" in tus[0].findall("prop")[1].text
    assert children(tus[1]) == ["tuv", "tuv"]  # "2" (by position) not flagged
    assert children(tus[2]) == ["prop", "tuv", "tuv"]
    assert out.startswith(TMX.split("<tmx")[0].encode())  # declaration and DOCTYPE kept


def test_tmx_positions_map_to_units_without_tuid() -> None:
    out = write_back(TMX.encode(), result(seg("2")), name="m.tmx")
    tus = etree.fromstring(out).findall(".//tu")
    assert [len(tu.findall("prop[@type='x-mtqa-review']")) for tu in tus] == [0, 1, 0]


# --- unsafe input --------------------------------------------------------------------------


LOLS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n' for n in range(2, 10))
DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xliff [
<!ENTITY lol1 "lol">
LOLS<!ENTITY xxe SYSTEM "SECRET_URI">
<!ENTITY brand "Acme &amp; Co">
<!-- a ] and a > inside the subset, and a quote: ' -->
<?pi in the subset?>
]>"""


def test_xxe_and_internal_entities_are_refused_like_the_reader_does(tmp_path: Path) -> None:
    # The reader refuses a DTD that declares entities (translate-toolkit would drop their
    # text silently), so no report can point into such a file: write-back refuses it too.
    secret = write(tmp_path, "secret.txt", b"TOP-SECRET")
    dtd = DTD.replace("SECRET_URI", secret.as_uri()).replace("LOLS", "")
    text = XLIFF12.replace('<?xml version="1.0" encoding="UTF-8"?>', dtd).replace(
        "A good translation.", "&brand; &xxe;"
    )
    res = result(seg("t1"), seg("t5"))
    with pytest.raises(InputError, match="declares entities") as e:
        write_back(text.encode(), res, name="a.xlf")
    assert "TOP-SECRET" not in str(e.value)


@pytest.mark.parametrize(
    ("old", "new"),
    [("A good translation.", "&lol9;"), ('resname="bold"', 'resname="&lol9;"')],
)
def test_entity_bomb_is_refused(old: str, new: str) -> None:
    dtd = DTD.replace("LOLS", LOLS).replace("SECRET_URI", "file:///nonexistent")
    text = XLIFF12.replace('<?xml version="1.0" encoding="UTF-8"?>', dtd).replace(old, new)
    with pytest.raises(InputError, match=r"^a\.xlf: not a valid .*amplification"):
        write_back(text.encode(), R12, name="a.xlf")


# --- the real pipeline ---------------------------------------------------------------------


def test_cli_json_result_writes_back(tmp_path: Path, capsys, monkeypatch) -> None:
    src = write(tmp_path, "job.xlf", XLIFF12.encode())
    r = run_cli(
        [
            "check",
            src,
            "--mt",
            "none",
            "-f",
            "json",
            "--disable",
            "e5",
            "--disable",
            "added_sentence",
        ],
        capsys,
        monkeypatch,
    )
    assert r.code == 0, r.err
    res = json.loads(r.out)
    flagged = [s["id"] for s in res["segments"] if s["flagged"]]
    assert "t4" in flagged  # empty target
    out = write_back_file(src, res)
    units = {u.get("id"): u for u in etree.fromstring(out).iter(f"{{{X1}}}trans-unit")}
    for s in res["segments"]:
        notes = units[s["id"]].findall(f"{{{X1}}}note[@from='mtqa']")
        assert len(notes) == int(s["flagged"])
        if s["flagged"]:
            assert all(reason in notes[0].text for reason in s["reasons"])
    assert strip_review(out) == XLIFF12.encode()


def test_positional_ids_count_skipped_units() -> None:
    # the reader's ids: id, else resname, else the 1-based position among all units
    # (skipped ones included); write-back maps through the reader, so the third unit is "3"
    text = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="a" source-language="ja" target-language="en"><body>
    <trans-unit id="a"><source>一</source><target>One</target></trans-unit>
    <trans-unit id="b"><source> </source><target>skipped: no source text</target></trans-unit>
    <trans-unit><source>三</source><target>Three</target></trans-unit>
  </body></file>
</xliff>
"""
    out = write_back(text.encode(), result(seg("3")), name="p.xlf")
    units = etree.fromstring(out).findall(f".//{{{X1}}}trans-unit")
    assert [len(u.findall(f"{{{X1}}}note")) for u in units] == [0, 0, 1]


def test_utf8_bom_is_kept() -> None:
    original = b"\xef\xbb\xbf" + XLIFF12.encode()
    out = write_back(original, R12, name="a.xlf")
    assert out.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>')
    assert strip_review(out) == original


def test_cdata_comments_and_empty_targets_are_located() -> None:
    text = XLIFF12.replace(
        '<target><bpt id="4">', '<!-- ok --><target><![CDATA[<i> & ]]><bpt id="4">'
    ).replace("<source>未訳です。</source>", '<source>未訳です。</source><target state="new"/>')
    original = text.encode()
    out = write_back(original, result(seg("t3"), seg("t4")), name="a.xlf")
    units = {u.get("id"): u for u in etree.fromstring(out).iter(f"{{{X1}}}trans-unit")}
    assert units["t4"].find(f"{{{X1}}}target").get("state") == "needs-review-translation"
    assert b'<target state="needs-review-translation"/>' in out
    cdata = b'<!-- ok --><target state="needs-review-translation"><![CDATA[<i> & ]]><bpt id="4">'
    assert cdata in out
    assert children(units["t3"]) == ["source", "target", "note"]
    assert strip_review(out) == original


def test_not_xml_is_one_line_input_error() -> None:
    with pytest.raises(InputError, match=r"^a\.xlf: not a valid XML file \(") as e:
        write_back(b"<xliff><file>", R12, name="a.xlf")
    assert "\n" not in str(e.value)
