"""The bad-input corpus: files a project folder really holds, built in a temporary folder.

Each `Case` writes its files and returns the `mtqa check` arguments (without `--mt`/`-o`);
`tests/test_bad_inputs.py` runs them through the real entry point. A case either expects a
one-line error (`error`: a regex; `names`: the file it must name) or a result (`verify`
asserts on the JSON report).
"""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JA = ["猫が二匹います。", "今日は晴れです。", "彼は本を読んだ。"]
EN = ["There are two cats.", "It is sunny today.", "He read a book."]
# Characters only CP932 has (NEC/IBM extensions), not JIS X 0208 Shift-JIS.
CP932_ONLY = "①髙"

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>{doctype}
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="ja" target-language="en" datatype="plaintext"><body>
<trans-unit id="1"><source>{source}</source><target>{target}</target></trans-unit>
</body></file></xliff>
"""


@dataclass
class Built:
    args: list[str]
    names: Path | None = None  # the file an error must name


@dataclass
class Case:
    name: str
    build: Callable[[Path], Built]
    error: str | None = None
    verify: Callable[[dict[str, Any]], None] | None = None
    default_checks: bool = False  # else `--disable e5 added_sentence` (faster, no model)
    env: dict[str, str] | None = None


def lines(path: Path, rows: list[str], encoding: str = "utf-8", end: str = "\n") -> Path:
    path.write_bytes("".join(r + end for r in rows).encode(encoding))
    return path


def aligned(tmp: Path, src: bytes | str | Path, tgt: bytes | str | Path | None = None) -> list:
    """Arguments for an --aligned run; bytes/str are written, a Path is used as it is."""
    paths = []
    for name, content in (("src.txt", src), ("tgt.txt", tgt)):
        if content is None:
            content = lines(tmp / name, EN)
        if isinstance(content, bytes):
            (tmp / name).write_bytes(content)
            content = tmp / name
        elif isinstance(content, str):
            (tmp / name).write_text(content, encoding="utf-8")
            content = tmp / name
        paths.append(content)
    return [*paths, "--aligned"]


def good_src(tmp: Path) -> Path:
    return lines(tmp / "src.txt", JA)


def file_case(name: str, data: bytes, error: str, side: str = "src") -> Case:
    """A bad source (or target) file against a good other side."""

    def build(tmp: Path) -> Built:
        bad = tmp / f"bad_{side}.txt"
        bad.write_bytes(data)
        if side == "src":
            return Built(aligned(tmp, bad), bad)
        return Built(aligned(tmp, good_src(tmp), bad), bad)

    return Case(name, build, error=error)


def device_case(name: str, device: str, side: str) -> Case:
    def build(tmp: Path) -> Built:
        if side == "src":
            return Built(aligned(tmp, Path(device)), Path(device))
        return Built(aligned(tmp, good_src(tmp), Path(device)), Path(device))

    return Case(name, build, error=r"not a regular file \(character device\)")


def sources_are(expected: list[str], key: str = "source") -> Callable[[dict], None]:
    def verify(doc: dict) -> None:
        assert [s[key] for s in doc["segments"]] == expected

    return verify


def encoding_case(name: str, encoding: str, reported: str, text: list[str] = JA) -> Case:
    def build(tmp: Path) -> Built:
        return Built(aligned(tmp, lines(tmp / "src.txt", text, encoding)))

    def verify(doc: dict) -> None:
        assert [s["source"] for s in doc["segments"]] == text
        assert doc["summary"]["source_encoding"] == reported

    return Case(name, build, verify=verify)


def utf16_bom(text: list[str], endian: str) -> bytes:
    body = "".join(t + "\n" for t in text)
    return ("\ufeff" + body).encode(f"utf-16-{endian}")


def table_case(name: str, suffix: str, content: str, error: str | None = None, verify=None):
    def build(tmp: Path) -> Built:
        path = tmp / f"pairs{suffix}"
        path.write_text(content, encoding="utf-8", newline="")
        return Built([path], path)

    return Case(name, build, error=error, verify=verify)


def xml_case(name: str, suffix: str, content: str, error: str, verify=None) -> Case:
    return table_case(name, suffix, content, error=error, verify=verify)


def jsonl(*rows: object) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def bomb(depth: int = 9) -> str:
    ents = ['<!ENTITY a "aaaaaaaaaa">']
    for i in range(1, depth):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        ents.append(f'<!ENTITY {cur} "{("&" + prev + ";") * 10}">')
    last = chr(ord("a") + depth - 1)
    return XLIFF.format(
        doctype="<!DOCTYPE xliff [" + "".join(ents) + "]>", source=f"猫&{last};", target="Cat"
    )


# --- FIFOs ---------------------------------------------------------------------------------


def fifo(tmp: Path, name: str = "pipe.txt") -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def feed(path: Path, data: bytes | None) -> threading.Thread:
    """A writer thread: `data` once, or (None) 64 KB chunks until the reader hangs up."""

    def run() -> None:
        try:
            with open(path, "wb") as f:
                if data is not None:
                    f.write(data)
                    return
                chunk = ("猫" * 21845).encode()
                while True:
                    f.write(chunk)
        except (BrokenPipeError, OSError):
            pass

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def fifo_no_writer(tmp: Path) -> Built:
    path = fifo(tmp)
    return Built(aligned(tmp, path), path)


def fifo_endless(tmp: Path) -> Built:
    path = fifo(tmp)
    feed(path, None)
    return Built(aligned(tmp, good_src(tmp), path), path)


def fifo_with_text(tmp: Path) -> Built:
    path = fifo(tmp)
    feed(path, "".join(t + "\n" for t in JA).encode())
    return Built(aligned(tmp, path))


# --- the corpus ----------------------------------------------------------------------------


def _empty_doc_target(tmp: Path) -> Built:
    src = tmp / "src.txt"
    src.write_text("\n\n".join(JA) + "\n", encoding="utf-8")
    (tmp / "tgt.txt").write_bytes(b"")
    return Built([src, tmp / "tgt.txt"])


def _all_omissions(doc: dict) -> None:
    assert [s["source"] for s in doc["segments"]] == JA
    assert all(s["link"] == "1-0" and s["target"] is None for s in doc["segments"])
    assert all(s["flagged"] for s in doc["segments"])


def _blank_doc(tmp: Path) -> Built:
    src = tmp / "src.txt"
    src.write_text(" \n\u3000\n\t\n", encoding="utf-8")
    return Built([src, lines(tmp / "tgt.txt", EN)], src)


def _crlf_doc(tmp: Path) -> Built:
    src = tmp / "src.txt"
    src.write_bytes(f"{JA[0]}\r\n\r\n{JA[1]}\n\n{JA[2]}\r\n".encode())
    tgt = tmp / "tgt.txt"
    tgt.write_bytes(f"{EN[0]}\n\r\n{EN[1]}\r\n\r\n{EN[2]}\n".encode())
    return Built([src, tgt])


def _crlf_doc_verify(doc: dict) -> None:
    segs = doc["segments"]
    assert [(s["source"], s["target"]) for s in segs] == list(zip(JA, EN, strict=True))
    assert [s["link"] for s in segs] == ["1-1"] * 3


def _long_paragraph(tmp: Path) -> Built:
    """A one-line Japanese "paragraph" of 30,000 characters against a short English one."""
    src = tmp / "src.txt"
    src.write_text(JA[0] * 3750 + "\n", encoding="utf-8")
    return Built([src, lines(tmp / "tgt.txt", EN[:1]), "--format", "json"])


def _long_paragraph_verify(doc: dict) -> None:
    from qa.limits import MAX_SEGMENT_CHARS

    sources = [s for s in doc["segments"] if s["source"]]
    assert doc["summary"]["source_units"] >= 6  # split at sentence ends, not one unit
    assert all(len(s["source"]) <= MAX_SEGMENT_CHARS for s in sources)
    assert all(s["source"].endswith("。") for s in sources)  # cut after a sentence
    assert "".join(s["source"] for s in sources) == JA[0] * 3750  # nothing lost


def _references_are(expected: list[str | None]) -> Callable[[dict], None]:
    def verify(doc: dict) -> None:
        assert [s.get("reference") for s in doc["segments"]] == expected

    return verify


def _glossary(content: bytes) -> Callable[[Path], Built]:
    def build(tmp: Path) -> Built:
        g = tmp / "terms.tsv"
        g.write_bytes(content)
        return Built([*aligned(tmp, good_src(tmp)), "--glossary", g], g)

    return build


def _glossary_verify(doc: dict) -> None:
    first = doc["segments"][0]
    assert any(i["check"] == "glossary" for i in first["issues"]), first["issues"]


CASES: list[Case] = [
    # empty and blank
    file_case("empty source", b"", r"is empty, no lines to check"),
    file_case("whitespace-only source", b"  \n\t\n\xe3\x80\x80\n", r"only blank lines"),
    Case("whitespace-only document", _blank_doc, error=r"no text to check"),
    Case(
        "empty target document: every paragraph an omission",
        _empty_doc_target,
        verify=_all_omissions,
    ),  # fmt: skip
    # encodings
    file_case(
        "invalid UTF-8 (one damaged byte)",
        ("".join(t + "\n" for t in JA)).encode()[:-5] + b"\xff\n",
        r"invalid UTF-8 at byte \d+ \(line 3\)",
    ),  # fmt: skip
    file_case("NUL bytes", "猫\x00\x00です\n".encode(), r"NUL byte at byte 3 \(line 1\)"),
    file_case(
        "UTF-16 with BOM, odd length", utf16_bom(JA, "le") + b"\x00", r"invalid UTF-16", side="tgt"
    ),  # fmt: skip
    Case(
        "UTF-8 BOM",
        lambda t: Built(aligned(t, lines(t / "s.txt", JA, "utf-8-sig"))),
        verify=sources_are(JA),
        default_checks=True,
    ),  # fmt: skip
    Case(
        "UTF-16 LE with BOM",
        lambda t: Built(aligned(t, utf16_bom(JA, "le"))),
        verify=sources_are(JA),
        default_checks=True,
    ),  # fmt: skip
    Case(
        "UTF-16 BE with BOM, target side",
        lambda t: Built(aligned(t, good_src(t), utf16_bom(EN, "be"))),
        verify=sources_are(EN, "target"),
    ),  # fmt: skip
    encoding_case("Shift-JIS", "shift_jis", "cp932"),
    encoding_case("CP932 extensions", "cp932", "cp932", [JA[0] + CP932_ONLY, *JA[1:]]),
    encoding_case("EUC-JP", "euc_jp", "euc_jp"),
    Case(
        "mixed CRLF/LF lines",
        lambda t: Built(
            aligned(
                t,
                f"{JA[0]}\r\n{JA[1]}\n{JA[2]}\r\n".encode(),
                f"{EN[0]}\n{EN[1]}\r\n{EN[2]}".encode(),
            )
        ),
        verify=lambda d: sources_are(JA)(d) or sources_are(EN, "target")(d),
        default_checks=True,
    ),  # fmt: skip
    Case("mixed CRLF/LF document", _crlf_doc, verify=_crlf_doc_verify),
    # not text at all
    file_case("PNG image", PNG, r"a PNG image, not a text file"),
    file_case("ZIP (a .docx)", zip_bytes(), r"ZIP archive", side="tgt"),
    device_case("/dev/zero as source", "/dev/zero", "src"),
    device_case("/dev/urandom as target", "/dev/urandom", "tgt"),
    Case("FIFO nobody writes to", fifo_no_writer, error=r"FIFO that nothing wrote to"),
    Case(
        "FIFO that never ends",
        fifo_endless,
        error=r"more than the 1\.0 MB",
        env={"MTQA_MAX_INPUT_MB": "1"},
    ),  # fmt: skip
    Case("FIFO with text (process substitution)", fifo_with_text, verify=sources_are(JA)),
    Case("directory as source", lambda t: Built(aligned(t, t), t), error=r"is a directory"),
    Case(
        "missing file",
        lambda t: Built(aligned(t, t / "nope.txt"), t / "nope.txt"),
        error=r"cannot read \(No such file",
    ),  # fmt: skip
    Case(
        "regular file over the size cap",
        lambda t: Built(aligned(t, good_src(t)), t / "src.txt"),
        error=r"\d+ bytes, more than the 10 bytes",
        env={"MTQA_MAX_INPUT_MB": "0.00001"},
    ),  # fmt: skip
    # aligned lines
    Case(
        "mismatched line counts",
        lambda t: Built(aligned(t, good_src(t), lines(t / "tgt.txt", EN[:2])), t / "src.txt"),
        error=r"has 3 lines but .*tgt\.txt has 2",
    ),  # fmt: skip
    # tables
    table_case(
        "TSV without a target column",
        ".tsv",
        "id\tsource\n1\t猫\n",
        error=r"header lacks column\(s\) target",
    ),  # fmt: skip
    table_case(
        "TSV row with too many fields",
        ".tsv",
        "source\ttarget\n猫\tcat\n犬\tdog\textra\n",
        error=r"line 3 has more fields than the header",
    ),  # fmt: skip
    table_case(
        "CSV row with too few fields",
        ".csv",
        "source,target\n猫,cat\n犬\n",
        error=r"line 3 has 1 fields, too few for column\(s\) target",
    ),  # fmt: skip
    table_case(
        "CSV ragged: optional trailing column left off",
        ".csv",
        "source,target,reference\n猫,cat,a cat\n犬,dog\n",
        verify=_references_are(["a cat", None]),
    ),  # fmt: skip
    table_case(
        "CSV with quoted commas, newlines and quotes",
        ".csv",
        'id,source,target\n1,"猫が、二匹","He said ""hi"",\r\nthen left"\n',
        verify=lambda d: sources_are(['He said "hi",\r\nthen left'], "target")(d),
    ),
    table_case(
        "TSV with quoted tabs and newlines",
        ".tsv",
        'source\ttarget\n"猫\tです"\t"two\nlines ""quoted"""\n',
        verify=lambda d: (
            sources_are(["猫\tです"])(d) or sources_are(['two\nlines "quoted"'], "target")(d)
        ),
    ),  # fmt: skip
    table_case(
        "JSONL with a bad line",
        ".jsonl",
        jsonl({"source": JA[0], "target": EN[0]}) + "\n{'source': 1}\n",
        error=r"line 3 is not valid JSON",
    ),  # fmt: skip
    table_case(
        "JSONL nested too deeply",
        ".jsonl",
        "[" * 100_000 + "]" * 100_000 + "\n",
        error=r"line 1 nests JSON too deeply",
    ),  # fmt: skip
    table_case(
        "JSONL with a lone surrogate",
        ".jsonl",
        '{"source": "\\ud800猫", "target": "cat"}\n',
        error=r"line 1: source holds a lone",
    ),
    table_case(
        "JSONL string with U+2028 and a NUL escape",
        ".jsonl",
        jsonl({"source": "猫が\u0000二匹", "target": "Two\u2028cats"}),
        verify=lambda d: (
            sources_are(["猫が\x00二匹"])(d) or sources_are(["Two\u2028cats"], "target")(d)
        ),
    ),  # fmt: skip
    # XLIFF / TMX
    xml_case(
        "truncated XLIFF",
        ".xlf",
        XLIFF.format(doctype="", source="猫", target="Cat")[:200],
        error=r"not a valid XLIFF file",
    ),  # fmt: skip
    xml_case(
        "TMX with a foreign root",
        ".tmx",
        "<?xml version='1.0'?><html/>",
        error=r"not a valid TMX file \(root element is <html>\)",
    ),  # fmt: skip
    xml_case(
        "XLIFF with an external entity (XXE)",
        ".xlf",
        XLIFF.format(
            doctype='<!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
            source="猫&e;",
            target="Cat &e;",
        ),
        error=r"declares entities \(e\)",
    ),  # fmt: skip
    xml_case("XLIFF billion laughs", ".xlf", bomb(), error=r"declares entities"),
    # glossary
    Case(
        "glossary row without a tab",
        _glossary("猫\tcat\nbadrow\n".encode()),
        error=r"line 2: expected 'source term<TAB>target term'",
    ),  # fmt: skip
    Case("binary glossary", _glossary(PNG), error=r"PNG image"),
    Case(
        "glossary in UTF-16 with comments",
        _glossary(("# terms\n猫\tkitten\n").encode("utf-16")),
        verify=_glossary_verify,
        default_checks=True,
    ),  # fmt: skip
    # size
    Case(
        "30,000-character paragraph against a short one",
        _long_paragraph,
        verify=_long_paragraph_verify,
    ),  # fmt: skip
]
