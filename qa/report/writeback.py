"""XLIFF 1.2, XLIFF 2.x and TMX write-back: mark flagged units for review, change nothing else.

`write_back(original, result)` takes the file's bytes and `Result.to_dict()` (or the Result) and
returns new bytes, in which

- XLIFF 1.2: each flagged `<trans-unit>`'s `<target>` gets `state="needs-review-translation"`
  (an existing state is replaced and remembered in the note), and the unit gets
  `<note from="mtqa" annotates="target" priority="1|2|3">` with the reasons, after its
  `<source>`/`<target>`/existing notes (schema order). A unit without `<target>` gets only the note:
  inventing an empty target would turn "not translated" into "translated as nothing".
- XLIFF 2.x: each flagged `<segment>` keeps its `state` (adding `state="initial"`, the default,
  only where there is none, since `subState` requires an explicit state) and gets
  `subState="mtqa:needs-review"`; the unit gets `<note category="mtqa" appliesTo="target"
  id="mtqa-K" priority=…>` (K: the segment's 1-based position among the unit's segments), in
  its existing `<notes>` or in a new one placed where the schema wants it (after extension
  elements, before `<originalData>` and the segments).
- TMX: each flagged `<tu>` gets `<prop type="x-mtqa-review">` with the reasons, before its
  `<tuv>`s (TMX 1.4: `(note|prop)*, tuv+`).

Priority from the worst finding: critical 1, major 2, anything else 3.

Everything else stays byte for byte: lxml re-serialisation would rewrite quotes, the XML
declaration, empty elements, character references and CRLF, so lxml only parses (safely: no
entity expansion, no network, no DTD loading, no huge trees) and `qa.report.xmlspans` finds the
offsets at which the new bytes are spliced into the original ones. An internal DTD subset and
entity references (external ones included) are passed through unexpanded; entity bombs are
refused by libxml2's amplification limit (an InputError) before anything is expanded. Encodings:
UTF-8 (with or without BOM), UTF-16 with BOM, and ASCII-compatible legacy ones (Shift_JIS, CP932,
EUC-JP, ISO-8859-x, …); new text is encoded like the file, as character references where the
encoding cannot hold a character.

Idempotent: the input is first stripped of everything an earlier run added (`strip_review`: mtqa
notes and props, mtqa subStates, the states mtqa set, restored from the "Previous …" lines of its
note), then annotated afresh; a unit no longer flagged loses mtqa's marks. `strip_review` is the
exact inverse of the annotation, so `strip_review(write_back(x, r)) == x` for a file mtqa never
touched, and `write_back(write_back(x, r), r) == write_back(x, r)`.

Segment ids map to units through `qa.io.bilingual.parse_bilingual`, the reader itself, so ids
(unit id, resname, position, `unit::segment`, tuid or position, file-qualified ids) can never
disagree with the ones in the Result.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree

from qa.errors import InputError
from qa.io.bilingual import parse_bilingual
from qa.report.xmlspans import Node, ScanError, item_span, scan

REVIEW_STATE = "needs-review-translation"  # XLIFF 1.2
REVIEW_SUBSTATE = "mtqa:needs-review"  # XLIFF 2: subState values need a prefix
TMX_PROP = "x-mtqa-review"
PRIORITY = {"critical": 1, "major": 2}  # anything else: 3

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2."

_RECORD = re.compile(r"Previous (state|subState): (.*)")
_NONE = "(none)"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Multi-byte encodings whose bytes below 0x40 are always ASCII characters: every markup
# delimiter (< > / = " ' ! ? - and whitespace) is below 0x40, so the raw bytes can be scanned.
_ASCII_SAFE_MULTIBYTE = {
    "utf-8",
    "shift_jis",
    "cp932",
    "shift_jis_2004",
    "shift_jisx0213",
    "euc_jp",
    "euc_jis_2004",
    "euc_jisx0213",
    "euc_kr",
    "cp949",
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "big5hkscs",
    "cp950",
}
_MARKS = (
    "//*[local-name()='note'][@from='mtqa' or @category='mtqa']"
    " | //*[local-name()='prop'][@type='x-mtqa-review']"
    " | //*[local-name()='segment'][starts-with(@subState, 'mtqa:')]"
)
_BOMS = (
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        strip_cdata=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
    )


# --- public API ----------------------------------------------------------------------------


def write_back(original: bytes, result: Any, *, name: str = "input.xlf") -> bytes:
    """`original` with mtqa's review marks for the flagged segments of `result`.

    `result`: `Result.to_dict()` (only `segments[*].id/flagged/risk/issues/reasons` are read),
    a Result, or a list of segment dicts. `name` is the file name used in error messages.
    Raises InputError for a file that is not XLIFF/TMX, is unsafe, or does not hold the
    result's flagged ids.
    """
    flagged = _flagged(result)
    clean = strip_review(original, name=name)
    units = parse_bilingual(clean, Path(name))
    doc = _Doc(clean, name)
    pairs = doc.pair(units.elements[0].getroottree().getroot(), units.elements)
    by_id = dict(zip((s.id for s in units.segments), pairs, strict=True))
    missing = [sid for sid in flagged if sid not in by_id]
    if missing:
        shown = ", ".join(repr(m) for m in missing[:5])
        raise InputError(f"{name}: the result's flagged segments {shown} are not in this file")
    targets = [(by_id[sid], seg) for sid, seg in flagged.items()]
    dialect = doc.dialect()
    if dialect == "xliff1":
        _annotate_xliff1(doc, targets)
    elif dialect == "xliff2":
        _annotate_xliff2(doc, targets)
    else:
        _annotate_tmx(doc, targets)
    return doc.output(name)


def write_back_file(path: Path, result: Any) -> bytes:
    """`write_back` of the file at `path` (which is only read; the caller writes the output)."""
    from qa.io.encoding import read_bytes  # size cap, stdin ("-"), FIFO guards

    return write_back(read_bytes(Path(path)), result, name=str(path))


def strip_review(data: bytes, *, name: str = "input.xlf") -> bytes:
    """`data` without anything mtqa's write-back added (the states it set restored)."""
    doc = _Doc(data, name)
    dialect = doc.dialect()
    if not doc.has_marks():
        return data
    if dialect == "xliff1":
        _strip_xliff1(doc)
    elif dialect == "xliff2":
        _strip_xliff2(doc)
    else:
        _strip_tmx(doc)
    return doc.output(name) if doc.edits else data


# --- the result ----------------------------------------------------------------------------


def _flagged(result: Any) -> dict[str, Mapping[str, Any]]:
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    segments = result.get("segments", []) if isinstance(result, Mapping) else result
    return {str(s["id"]): s for s in segments if s.get("flagged")}


def _priority(seg: Mapping[str, Any]) -> int:
    return min((PRIORITY.get(i.get("severity"), 3) for i in seg.get("issues") or []), default=3)


def _one_line(text: str) -> str:
    return " ".join(_XML_INVALID.sub(" ", str(text)).split())


def _reason_lines(seg: Mapping[str, Any]) -> list[str]:
    reasons = list(seg.get("reasons") or [])
    if not reasons:  # a flag always has reasons; fall back to the findings all the same
        reasons = [f"{i.get('check')}: {i.get('message')}" for i in seg.get("issues") or []]
    return [f"- {_one_line(r)}" for r in reasons]


def _note_text(seg: Mapping[str, Any], what: str, records: list[str], newline: str) -> str:
    head = f"mtqa flagged {what} for review (risk {float(seg.get('risk') or 0):.2f})"
    lines = _reason_lines(seg)
    return newline.join([head + (":" if lines else ""), *lines, *records])


def _records(note: etree._Element) -> dict[str, str | None]:
    """The "Previous state: …" lines of an mtqa note: what the write-back replaced."""
    found: dict[str, str | None] = {}
    for line in "".join(note.itertext()).splitlines():
        m = _RECORD.fullmatch(line.strip())
        if m:
            found[m.group(1)] = None if m.group(2) == _NONE else m.group(2)
    return found


def _record(attr: str, value: str | None) -> str:
    return f"Previous {attr}: {_NONE if value is None else value}"


# --- the document: lxml's tree, the scanner's offsets, the edits -----------------------------


@dataclass
class _Edit:
    start: int
    end: int
    text: str


class _Doc:
    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.name = name
        try:
            self.root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as e:
            reason = " ".join(str(e.msg or e).split(" (<string>")[0].split())
            raise InputError(f"{name}: not a valid XML file ({reason})") from None
        self.bom, self.codec, self.text = _decode(data, self.root, name)
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        self.edits: list[_Edit] = []

    # tree <-> offsets (scanned on first use: a file without mtqa marks needs no strip scan)

    @cached_property
    def nodes(self) -> list[Node]:
        try:
            return scan(self.text)
        except ScanError as e:
            raise InputError(f"{self.name}: cannot locate the units to annotate ({e})") from None

    @cached_property
    def elements(self) -> list[etree._Element]:
        return list(self.root.iter(etree.Element))  # elements only, document order

    @cached_property
    def index(self) -> dict[etree._Element, int]:
        """Each element's node: the scanner's n-th element is lxml's n-th, checked by name."""
        elements, nodes = self.elements, self.nodes
        if len(elements) != len(nodes):
            raise InputError(f"{self.name}: cannot locate the units to annotate (element count)")
        for el, node in zip(elements, nodes, strict=True):
            qname = el.tag.rpartition("}")[2]
            if el.prefix:
                qname = f"{el.prefix}:{qname}"
            if self._name(node) != qname:
                raise InputError(
                    f"{self.name}: cannot locate the units to annotate (<{qname}> at line "
                    f"{el.sourceline})"
                )
        return {el: i for i, el in enumerate(elements)}

    def _name(self, node: Node) -> str:
        if self.bom is None and not node.name.isascii():  # raw bytes seen as Latin-1
            return node.name.encode("latin-1").decode(self.codec, "replace")
        return node.name

    def has_marks(self) -> bool:
        """Whether anything in the file looks like an earlier write-back's."""
        return bool(self.root.xpath(_MARKS))

    def pair(self, other_root: etree._Element, others: list[etree._Element]) -> list:
        """This tree's elements for `others`, elements of another parse of the same bytes
        (translate-toolkit's, which may append a missing `<body>` but moves nothing)."""
        theirs = list(other_root.iter(etree.Element))
        if len(theirs) == len(self.elements):  # nothing added: document order pairs them
            position = {el: i for i, el in enumerate(theirs)}
            mapping = {el: self.elements[position[el]] for el in others if el in position}
        else:  # pair child by child: additions at the end of a parent shift nothing
            mapping = {}
            stack = [(other_root, self.root)]
            while stack:
                a, b = stack.pop()
                mapping[a] = b
                kids_a = [c for c in a if isinstance(c.tag, str)]
                kids_b = [c for c in b if isinstance(c.tag, str)]
                stack.extend(zip(kids_a, kids_b, strict=False))
        out = []
        for el in others:
            mine = mapping.get(el)
            if mine is None or mine.tag.rpartition("}")[2] != el.tag.rpartition("}")[2]:
                raise InputError(f"{self.name}: cannot locate unit at line {el.sourceline}")
            out.append(mine)
        return out

    def node(self, el: etree._Element) -> Node:
        return self.nodes[self.index[el]]

    def dialect(self) -> str:
        local = etree.QName(self.root).localname
        ns = etree.QName(self.root).namespace or ""
        if local == "tmx":
            return "tmx"
        if local == "xliff":
            version = self.root.get("version", "")
            if version.startswith("2") or (not version and ns.startswith(XLIFF2_NS)):
                return "xliff2"
            return "xliff1"
        raise InputError(f"{self.name}: not an XLIFF or TMX file (root element is <{local}>)")

    # where things are

    def children(self, el: etree._Element, local: str | None = None) -> list[etree._Element]:
        """Direct child elements in the element's own namespace (any, if `local` is None)."""
        ns = etree.QName(el).namespace
        out = []
        for c in el:
            if not isinstance(c.tag, str):
                continue
            q = etree.QName(c)
            if q.namespace == ns and (local is None or q.localname == local):
                out.append(c)
        return out

    def _item_pos(self, parent: Node, el: etree._Element) -> int:
        return parent.items.index(self.index[el])

    def _gap_before(self, parent: Node, pos: int) -> tuple[int, int]:
        start = item_span(self.nodes, parent.items[pos - 1])[1] if pos else parent.start_end
        return start, item_span(self.nodes, parent.items[pos])[0]

    def _is_ws(self, start: int, end: int) -> bool:
        return not self.text[start:end].strip(" \t\r\n")

    def _ws(self, start: int, end: int) -> str:
        """The text at [start, end) if it is only whitespace (ASCII in every codec), else ""."""
        return self.text[start:end] if self._is_ws(start, end) else ""

    def prefix(self, el: etree._Element) -> str:
        return f"{el.prefix}:" if el.prefix else ""

    # edits (always the exact forward of the removal rule in `remove`)

    def insert_before(self, parent_el: etree._Element, child: etree._Element, frags: list[str]):
        """Insert `frags` just before `child`, each followed by the whitespace before `child`."""
        parent = self.node(parent_el)
        pos = self._item_pos(parent, child)
        ws = self._ws(*self._gap_before(parent, pos))
        at = self.node(child).start
        self.edits.append(_Edit(at, at, "".join(f + ws for f in frags)))

    def insert_after(self, parent_el: etree._Element, child: etree._Element, frags: list[str]):
        """Insert `frags` just after `child` (before its next sibling item, if any)."""
        parent = self.node(parent_el)
        pos = self._item_pos(parent, child)
        if pos + 1 < len(parent.items):
            at = item_span(self.nodes, parent.items[pos + 1])[0]
            ws = self._ws(self.node(child).end, at)
            self.edits.append(_Edit(at, at, "".join(f + ws for f in frags)))
        else:
            ws = self._ws(*self._gap_before(parent, pos))
            at = self.node(child).end
            self.edits.append(_Edit(at, at, "".join(ws + f for f in frags)))

    def remove(self, parent_el: etree._Element, children: Iterable[etree._Element]) -> None:
        """Remove `children` and the whitespace their insertion added.

        A run of removed items followed by another item goes with the whitespace after it;
        a run that ends the parent's content goes with the whitespace before it.
        """
        parent = self.node(parent_el)
        doomed = sorted(self._item_pos(parent, c) for c in children)
        runs: list[list[int]] = []
        for pos in doomed:
            if runs and runs[-1][-1] == pos - 1 and self._is_ws(*self._gap_before(parent, pos)):
                runs[-1].append(pos)
            else:
                runs.append([pos])
        for run in runs:
            first = item_span(self.nodes, parent.items[run[0]])[0]
            last = item_span(self.nodes, parent.items[run[-1]])[1]
            if run[-1] + 1 < len(parent.items):
                nxt = item_span(self.nodes, parent.items[run[-1] + 1])[0]
                self.edits.append(_Edit(first, nxt if self._is_ws(last, nxt) else last, ""))
            else:
                before = self._gap_before(parent, run[0])
                start = before[0] if self._is_ws(*before) else first
                self.edits.append(_Edit(start, last, ""))

    def set_attr(self, el: etree._Element, name: str, value: str) -> None:
        node = self.node(el)
        attr = node.attr(name)
        if attr is None:
            at = node.attrs_end
            self.edits.append(_Edit(at, at, f' {name}="{_escape_attr(value)}"'))
        else:
            self.edits.append(_Edit(attr.value_start, attr.value_end, _escape_attr(value)))

    def del_attr(self, el: etree._Element, name: str) -> None:
        attr = self.node(el).attr(name)
        if attr is not None:
            self.edits.append(_Edit(attr.prev_end, attr.end, ""))

    # output

    def output(self, name: str) -> bytes:
        edits = sorted(self.edits, key=lambda e: e.start)  # stable: same-offset order kept
        out = [self.bom or b""]
        pos = 0
        for e in edits:
            if e.start < pos:
                raise InputError(f"{name}: overlapping write-back edits at offset {e.start}")
            out.append(self._original(pos, e.start))
            out.append(self._encode(e.text))
            pos = e.end
        out.append(self._original(pos, len(self.text)))
        data = b"".join(out)
        try:  # never hand back something that does not parse
            etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as e:
            raise AssertionError(f"write-back produced invalid XML: {e}") from None
        return data

    def _original(self, start: int, end: int) -> bytes:
        if self.bom is None:
            return self.data[start:end]  # byte mode: offsets are byte offsets
        return self.text[start:end].encode(self.codec)

    def _encode(self, text: str) -> bytes:
        if self.bom is None:
            return text.encode(self.codec, "xmlcharrefreplace")
        return text.encode(self.codec)


def _decode(data: bytes, root: etree._Element, name: str) -> tuple[bytes | None, str, str]:
    """(BOM or None for byte mode, Python codec, text the scanner reads)."""
    for bom, codec in _BOMS:
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            return _utf16(data, bom, codec, name)
    if data[:4] == b"<\x00?\x00":
        return _utf16(data, b"", "utf-16-le", name)
    if data[:4] == b"\x00<\x00?":
        return _utf16(data, b"", "utf-16-be", name)
    declared = root.getroottree().docinfo.encoding or "UTF-8"
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = ""
    if not _ascii_safe(codec):
        raise InputError(f"{name}: cannot write back a file encoded as {declared}")
    # Latin-1 maps each byte to one character: offsets into the text are byte offsets.
    return None, codec, data.decode("latin-1")


def _utf16(data: bytes, bom: bytes, codec: str, name: str) -> tuple[bytes, str, str]:
    try:
        text = data[len(bom) :].decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"{name}: not valid {codec.upper()}") from None
    if text.encode(codec) != data[len(bom) :]:
        raise InputError(f"{name}: {codec.upper()} that does not round-trip")
    return bom, codec, text


def _ascii_safe(codec: str) -> bool:
    if codec in _ASCII_SAFE_MULTIBYTE or codec in ("ascii", "iso8859-1"):
        return True
    if not codec or "2022" in codec or codec in ("utf-7", "hz") or codec.startswith("utf-"):
        return False
    chars = bytes(range(256)).decode(codec, "replace")  # single-byte, ASCII below 0x80?
    return len(chars) == 256 and chars[:128] == "".join(map(chr, range(128)))


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")


def _element(prefix: str, local: str, attrs: list[tuple[str, str]], text: str | None) -> str:
    tag = prefix + local
    attributes = "".join(f' {k}="{_escape_attr(v)}"' for k, v in attrs)
    if text is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{_escape_text(text)}</{tag}>"


# --- XLIFF 1.2 -----------------------------------------------------------------------------


def _is_mtqa_note1(el: etree._Element) -> bool:
    return etree.QName(el).localname == "note" and el.get("from") == "mtqa"


def _strip_xliff1(doc: _Doc) -> None:
    for unit in doc.root.iter("{*}trans-unit"):
        notes = [n for n in doc.children(unit, "note") if _is_mtqa_note1(n)]
        if not notes:
            continue
        records: dict[str, str | None] = {}
        for n in notes:
            records.update(_records(n))
        target = next(iter(doc.children(unit, "target")), None)
        if target is not None and target.get("state") == REVIEW_STATE and "state" in records:
            previous = records["state"]
            if previous is None:
                doc.del_attr(target, "state")
            else:
                doc.set_attr(target, "state", previous)
        doc.remove(unit, notes)


def _annotate_xliff1(doc: _Doc, targets: list[tuple[etree._Element, Mapping[str, Any]]]) -> None:
    for unit, seg in targets:
        records = []
        target = next(iter(doc.children(unit, "target")), None)
        if target is not None and target.get("state") != REVIEW_STATE:
            records.append(_record("state", target.get("state")))
            doc.set_attr(target, "state", REVIEW_STATE)
        text = _note_text(seg, "this segment", records, doc.newline)
        attrs = [("from", "mtqa"), ("annotates", "target"), ("priority", str(_priority(seg)))]
        note = _element(doc.prefix(unit), "note", attrs, text)
        anchors = [
            c for c in doc.children(unit) if etree.QName(c).localname in _XLIFF1_BEFORE_NOTES
        ]
        doc.insert_after(unit, anchors[-1], [note])


# trans-unit: source, seg-source?, target?, (context-group|count-group|prop-group|note|alt-trans)*
_XLIFF1_BEFORE_NOTES = {"source", "seg-source", "target", "note"}


# --- XLIFF 2.x -----------------------------------------------------------------------------


def _is_mtqa_note2(el: etree._Element) -> bool:
    return etree.QName(el).localname == "note" and el.get("category") == "mtqa"


def _note_slot(note: etree._Element, n_segments: int) -> int | None:
    """Which segment (1-based) an mtqa note is about: its id `mtqa-K`, or the only one."""
    m = re.fullmatch(r"mtqa-(\d+)", note.get("id") or "")
    if m:
        return int(m.group(1))
    return 1 if n_segments == 1 else None


def _strip_xliff2(doc: _Doc) -> None:
    for unit in doc.root.iter("{*}unit"):
        segments = doc.children(unit, "segment")
        notes_el = next(iter(doc.children(unit, "notes")), None)
        mtqa_notes = []
        if notes_el is not None:
            mtqa_notes = [n for n in doc.children(notes_el) if _is_mtqa_note2(n)]
        marked = [s for s in segments if (s.get("subState") or "").startswith("mtqa:")]
        if not (mtqa_notes or marked):
            continue
        records: dict[int, dict[str, str | None]] = {}
        for n in mtqa_notes:
            slot = _note_slot(n, len(segments))
            if slot is not None:
                records.setdefault(slot, {}).update(_records(n))
        for k, seg in enumerate(segments, 1):
            if seg not in marked:
                continue
            rec = records.get(k, {})
            previous = rec.get("subState")
            if previous is not None:
                doc.set_attr(seg, "subState", previous)
            else:
                doc.del_attr(seg, "subState")
            if "state" in rec and rec["state"] is None and seg.get("state") == "initial":
                doc.del_attr(seg, "state")
        if mtqa_notes and notes_el is not None:
            if len(mtqa_notes) == len(doc.children(notes_el)):
                doc.remove(unit, [notes_el])  # <notes> needs a <note>: it was mtqa's own
            else:
                doc.remove(notes_el, mtqa_notes)


def _annotate_xliff2(doc: _Doc, targets: list[tuple[etree._Element, Mapping[str, Any]]]) -> None:
    by_unit: dict[etree._Element, list[tuple[etree._Element, Mapping[str, Any]]]] = {}
    for seg_el, seg in targets:
        by_unit.setdefault(seg_el.getparent(), []).append((seg_el, seg))
    for unit, flagged in by_unit.items():
        segments = doc.children(unit, "segment")
        prefix = doc.prefix(unit)
        notes = []
        for seg_el, seg in sorted(flagged, key=lambda p: segments.index(p[0])):
            k = segments.index(seg_el) + 1
            records = []
            if seg_el.get("state") is None:  # subState needs an explicit state
                records.append(_record("state", None))
                doc.set_attr(seg_el, "state", "initial")
            if seg_el.get("subState") != REVIEW_SUBSTATE:
                records.append(_record("subState", seg_el.get("subState")))
                doc.set_attr(seg_el, "subState", REVIEW_SUBSTATE)
            what = "this segment"
            if len(segments) > 1:
                what = f"segment {seg_el.get('id') or k}"
            text = _note_text(seg, what, records, doc.newline)
            attrs = [
                ("id", f"mtqa-{k}"),
                ("category", "mtqa"),
                ("appliesTo", "target"),
                ("priority", str(_priority(seg))),
            ]
            notes.append(_element(prefix, "note", attrs, text))
        notes_el = next(iter(doc.children(unit, "notes")), None)
        if notes_el is not None and doc.children(notes_el):
            doc.insert_after(notes_el, doc.children(notes_el)[-1], notes)
            continue
        # unit: (other namespaces)*, notes?, originalData?, (segment|ignorable)+
        anchor = next(
            c
            for c in doc.children(unit)
            if etree.QName(c).localname in ("originalData", "segment", "ignorable")
        )
        wrapper = f"<{prefix}notes>{''.join(notes)}</{prefix}notes>"
        doc.insert_before(unit, anchor, [wrapper])


# --- TMX -----------------------------------------------------------------------------------


def _is_mtqa_prop(el: etree._Element) -> bool:
    return etree.QName(el).localname == "prop" and el.get("type") == TMX_PROP


def _strip_tmx(doc: _Doc) -> None:
    for tu in doc.root.iter("tu"):
        props = [p for p in doc.children(tu, "prop") if _is_mtqa_prop(p)]
        if props:
            doc.remove(tu, props)


def _annotate_tmx(doc: _Doc, targets: list[tuple[etree._Element, Mapping[str, Any]]]) -> None:
    for tu, seg in targets:
        text = _note_text(seg, "this unit", [], doc.newline)
        prop = _element("", "prop", [("type", TMX_PROP)], text)
        first_tuv = doc.children(tu, "tuv")[0]  # tu: (note|prop)*, tuv+
        doc.insert_before(tu, first_tuv, [prop])
