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

WS = " \t\r\n"
_ATTR = re.compile(r"""[ \t\r\n]*([^ \t\r\n=/>]+)[ \t\r\n]*=[ \t\r\n]*("[^"]*"|'[^']*')""")
_TAG_END = re.compile(r"[ \t\r\n]*(/?>)")


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


@dataclass
class Node:
    """One element. `items` are its child elements (ints, indices into the node list) and its
    comments and PIs (`(start, end)` pairs), in order; text lies in the gaps between them."""

    name: str
    start: int
    name_end: int
    start_end: int  # just past the start tag's `>`
    end_start: int = -1  # the end tag's `<` (== start_end for `<x/>`)
    end: int = -1  # just past the end tag
    parent: int | None = None
    attrs: list[Attr] = field(default_factory=list)
    items: list[int | tuple[int, int]] = field(default_factory=list)

    @property
    def empty_tag(self) -> bool:
        return self.end == self.start_end

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


def scan(text: str) -> list[Node]:
    """Every element of `text`, in document order (the order of lxml's `iter()`)."""
    nodes: list[Node] = []
    stack: list[int] = []
    pos = 0
    while (lt := text.find("<", pos)) >= 0:
        if text.startswith("<!--", lt):
            pos = _past(text, "-->", lt + 4)
            _misc(nodes, stack, lt, pos)
        elif text.startswith("<?", lt):
            pos = _past(text, "?>", lt + 2)
            _misc(nodes, stack, lt, pos)
        elif text.startswith("<![CDATA[", lt):
            pos = _past(text, "]]>", lt + 9)  # character data: part of the text between items
        elif text.startswith("<!DOCTYPE", lt):
            pos = _doctype_end(text, lt + 9)
        elif text.startswith("</", lt):
            gt = text.find(">", lt + 2)
            if gt < 0 or not stack:
                raise ScanError(f"stray end tag at {lt}")
            node = nodes[stack.pop()]
            if text[lt + 2 : gt].rstrip(WS) != node.name:
                raise ScanError(f"end tag at {lt} does not close <{node.name}>")
            node.end_start, node.end = lt, gt + 1
            pos = gt + 1
        else:
            node = _start_tag(text, lt)
            index = len(nodes)
            if stack:
                node.parent = stack[-1]
                nodes[stack[-1]].items.append(index)
            nodes.append(node)
            if text.startswith("/>", node.start_end - 2):
                node.end_start = node.end = node.start_end
            else:
                stack.append(index)
            pos = node.start_end
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


def _start_tag(text: str, lt: int) -> Node:
    pos = lt + 1
    while pos < len(text) and text[pos] not in WS and text[pos] not in "/>":
        pos += 1
    node = Node(name=text[lt + 1 : pos], start=lt, name_end=pos, start_end=-1)
    if not node.name:
        raise ScanError(f"no element name at {lt}")
    prev_end = pos
    while m := _ATTR.match(text, pos):
        value_start, value_end = m.start(2) + 1, m.end(2) - 1
        node.attrs.append(Attr(m.group(1), m.start(1), value_start, value_end, prev_end))
        pos = prev_end = m.end()
    m = _TAG_END.match(text, pos)
    if not m:
        raise ScanError(f"cannot read the start tag at {lt}")
    node.start_end = m.end()
    return node


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
