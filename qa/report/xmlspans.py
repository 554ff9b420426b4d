"""Where each element of an XML document starts and ends, as offsets into its own text.

lxml says what a document means but not where its pieces are; re-serialising it changes bytes
(quotes, the declaration, `<x></x>` for `<x/>`, CRLF, character references). Write-back therefore
edits the original text at offsets, and this module finds those offsets. It only tokenises
markup (tags, attributes, comments, PIs, CDATA, the DOCTYPE): it never decides what the document
means, and its result is checked element by element against lxml's tree of the same document
(`writeback._align`), so a disagreement is an error, never a silent mis-edit.

Offsets are indices into a `str`. For ASCII-compatible encodings that `str` is the raw bytes
decoded as Latin-1: one character per byte, so offsets are byte offsets, and every delimiter
the scanner acts on (`< > / = " ' ? ! -` and whitespace, all below 0x40) is its ASCII self, since
no byte of a multi-byte UTF-8, Shift_JIS, EUC-JP, GBK or Big5 character is below 0x40. The one
exception is `]` (0x5D, a possible Shift_JIS/GBK/Big5 trail byte), which matters only for the end
of a CDATA section: a misread there shows up as an element-by-element mismatch with lxml.
UTF-16 files are decoded properly and offsets mapped back by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

WS = " \t\r\n"
_S = "[ \t\r\n]"  # XML whitespace; never \\s, which matches bytes 0x85 and 0xA0 of UTF-8 text
_ATTR = re.compile(rf"""{_S}*([^ \t\r\n=/>]+){_S}*={_S}*("[^"]*"|'[^']*')""")
_TOKEN = re.compile(
    rf"""<(?:([^ \t\r\n/>!?]+)((?:{_S}+[^ \t\r\n=/>]+{_S}*={_S}*(?:"[^"]*"|'[^']*'))*){_S}*(/?)>"""
    rf"|/([^ \t\r\n>]+){_S}*>"
    r"|(!--|\?|!\[CDATA\[|!DOCTYPE))"
)


class ScanError(ValueError):
    """The text is not markup this scanner understands (lxml accepted it: a bug or an edge)."""


@dataclass
class Attr:
    name: str
    start: int  # first character of the name
    value_start: int  # first character inside the quotes
    value_end: int  # the closing quote
    prev_end: int  # end of what precedes it in the tag (previous attribute or the tag name)

    @property
    def end(self) -> int:
        return self.value_end + 1


@dataclass(eq=False)
class Node:
    """One element. `items` are its child elements (ints, indices into the node list) and its
    comments and PIs (`(start, end)` pairs), in order; text lies in the gaps between them."""

    text: str = field(repr=False)
    name: str
    start: int
    name_end: int
    attrs_end: int  # end of the last attribute (== name_end without attributes)
    start_end: int  # just past the start tag's `>`
    end_start: int = -1  # the end tag's `<` (== start_end for `<x/>`)
    end: int = -1  # just past the end tag
    parent: int | None = None
    items: list[int | tuple[int, int]] = field(default_factory=list)

    @property
    def empty_tag(self) -> bool:
        return self.end == self.start_end

    @cached_property
    def attrs(self) -> list[Attr]:
        """The start tag's attributes with their offsets (read on demand: few are needed)."""
        out, pos = [], self.name_end
        while pos < self.attrs_end and (m := _ATTR.match(self.text, pos)):
            value_start, value_end = m.start(2) + 1, m.end(2) - 1
            out.append(Attr(m.group(1), m.start(1), value_start, value_end, pos))
            pos = m.end()
        return out

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


def scan(text: str) -> list[Node]:
    """Every element of `text`, in document order (the order of lxml's `iter()`)."""
    nodes: list[Node] = []
    stack: list[int] = []
    pos = 0
    search = _TOKEN.search
    while m := search(text, pos):
        lt = m.start()
        if text.find("<", pos, lt) >= 0:  # a "<" no alternative matched: never skip it
            raise ScanError(f"cannot read the markup at {text.find('<', pos, lt)}")
        if m.group(1) is not None:  # start tag
            node = Node(text, m.group(1), lt, m.end(1), m.end(2), m.end())
            index = len(nodes)
            if stack:
                node.parent = stack[-1]
                nodes[stack[-1]].items.append(index)
            nodes.append(node)
            if m.group(3):
                node.end_start = node.end = node.start_end
            else:
                stack.append(index)
            pos = node.start_end
        elif m.group(4) is not None:  # end tag
            if not stack:
                raise ScanError(f"stray end tag at {lt}")
            node = nodes[stack.pop()]
            if m.group(4) != node.name:
                raise ScanError(f"end tag at {lt} does not close <{node.name}>")
            node.end_start, node.end = lt, m.end()
            pos = m.end()
        elif m.group(5) == "!--":
            pos = _past(text, "-->", m.end())
            _misc(nodes, stack, lt, pos)
        elif m.group(5) == "?":
            pos = _past(text, "?>", m.end())
            _misc(nodes, stack, lt, pos)
        elif m.group(5) == "![CDATA[":
            pos = _past(text, "]]>", m.end())  # character data: part of the text between items
        elif m.group(5) == "!DOCTYPE":
            pos = _doctype_end(text, m.end())
        else:
            raise ScanError(f"cannot read the markup at {lt}")
    if text.find("<", pos) >= 0:
        raise ScanError(f"cannot read the markup at {text.find('<', pos)}")
    if stack:
        raise ScanError(f"<{nodes[stack[-1]].name}> is not closed")
    return nodes


def _past(text: str, delimiter: str, pos: int) -> int:
    at = text.find(delimiter, pos)
    if at < 0:
        raise ScanError(f"no {delimiter!r} after {pos}")
    return at + len(delimiter)


def _misc(nodes: list[Node], stack: list[int], start: int, end: int) -> None:
    if stack:
        nodes[stack[-1]].items.append((start, end))


def _doctype_end(text: str, pos: int) -> int:
    """Just past the DOCTYPE declaration, internal subset included (skipped, never interpreted)."""
    subset = False
    while pos < len(text):
        ch = text[pos]
        if ch in "\"'":
            pos = _past(text, ch, pos + 1)
            continue
        if subset and text.startswith("<!--", pos):
            pos = _past(text, "-->", pos + 4)
            continue
        if subset and text.startswith("<?", pos):
            pos = _past(text, "?>", pos + 2)
            continue
        if ch == "[":
            subset = True
        elif ch == "]":
            subset = False
        elif ch == ">" and not subset:
            return pos + 1
        pos += 1
    raise ScanError("unterminated DOCTYPE")


def item_span(nodes: list[Node], item: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(item, int):
        return nodes[item].start, nodes[item].end
    return item
