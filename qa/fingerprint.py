"""Stable fingerprints of findings, and ignore files that list them.

A fingerprint is a hash of the check's name, the segment's source and target text and the
finding's message (which names the words it points at). It does not use the segment's id or
position, so editing or deleting another segment never changes it; editing this segment's
target does. Identical segments share fingerprints: a false positive marked once is ignored
wherever the same text recurs (as CheckMate's per-issue signatures do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from qa.errors import InputError
from qa.io.encoding import read_text, split_lines
from qa.model import Issue, Segment

LENGTH = 16  # hex digits: 64 bits, collision-free for any realistic project


def fingerprint(issue: Issue, seg: Segment) -> str:
    text = "\0".join((issue.check, seg.source or "", seg.target or "", issue.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:LENGTH]


def read_ignore_file(path: Path) -> frozenset[str]:
    """Fingerprints, one a line; blank lines and `#` comments are skipped."""
    text, _ = read_text(path)
    found = set()
    for n, line in enumerate(split_lines(text), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if len(line) != LENGTH or any(c not in "0123456789abcdef" for c in line):
            raise InputError(f"{path}:{n}: not an mtqa fingerprint: {line[:40]!r}")
        found.add(line)
    return frozenset(found)


def mark(issues: Iterable[Issue], seg: Segment, ignore: frozenset[str]) -> None:
    """Give each issue its fingerprint and mark those the ignore list names."""
    for i in issues:
        i.fingerprint = fingerprint(i, seg)
        i.ignored = i.fingerprint in ignore
