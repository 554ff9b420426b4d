"""Quotes and brackets: balanced pairs in the target, spaced like English, and a source
quotation 「…」 still marked as a quotation in the translation."""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.checks.base import Context, Finding, register
from qa.lang import japanese_runs
from qa.langdata import EN_BRACKETS, EN_CURLY_QUOTES, EN_QUOTE_CHARS, JA_BRACKETS, JA_QUOTES
from qa.model import Segment


def _unbalanced_pairs(text: str, pairs: dict[str, str]) -> Iterator[tuple[int, str]]:
    """Offsets of closers without an opener and of openers never closed."""
    closers = {c: o for o, c in pairs.items()}
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch in pairs:
            stack.append((i, ch))
        elif ch in closers:
            if stack and stack[-1][1] == closers[ch]:
                stack.pop()
            else:
                yield i, ch
    yield from stack


def _english_part(text: str) -> str:
    """The target with Japanese passages blanked out (same length, so offsets hold)."""
    for start, end in japanese_runs(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _source_balanced(source: str | None) -> bool:
    if not source:
        return True
    pairs = {**JA_QUOTES, **JA_BRACKETS, **EN_BRACKETS, **EN_CURLY_QUOTES}
    return next(_unbalanced_pairs(source, pairs), None) is None and source.count('"') % 2 == 0


# "1.) ", "a) ": list numbering, whose ")" has no opener by design.
_LIST_MARKER = re.compile(r"^\s*\w{1,3}\.?\)")


@register("quotes_unbalanced", "major", "Unpaired quotation mark or bracket in the target")
def quotes_unbalanced(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.target or not _source_balanced(seg.source):
        return  # a quotation spanning segments leaves both sides open; mirroring it is right
    text = _LIST_MARKER.sub(lambda m: " " * len(m.group()), _english_part(seg.target))
    for i, ch in _unbalanced_pairs(text, {**EN_BRACKETS, **EN_CURLY_QUOTES}):
        yield Finding(f"unpaired {ch!r} in the target", span=(i, i + 1))
    straight = [i for i, ch in enumerate(text) if ch == '"']
    if len(straight) % 2:
        i = straight[-1]
        yield Finding("odd number of '\"' in the target", (i, i + 1))


# A single-quoted text glued to the words around it (of'One China'and). It must contain a
# space, so O'Brien's and rock'n'roll are not quotations.
_GLUED_SINGLE = re.compile(r"(?<=[A-Za-z0-9])'[A-Z][^'\n]{0,78} [^'\n]{0,78}'(?=[A-Za-z0-9])")


def _glued_double(text: str) -> Iterator[tuple[int, int]]:
    """Spans of "…" / “…” quotations with a letter or digit right outside either mark."""
    marks = [i for i, ch in enumerate(text) if ch == '"']
    pairs = [(a, b + 1) for a, b in zip(marks[::2], marks[1::2], strict=False)]
    pairs += [m.span() for m in re.finditer(r"“[^“”]*”", text)]
    for start, end in pairs:
        outside = text[start - 1 : start] + text[end : end + 1]
        if any(ch.isalnum() for ch in outside):
            yield start, end


@register("quotes_spacing", "major", "Quotation glued to the surrounding words (no spaces)")
def quotes_spacing(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.target:
        return
    text = _english_part(seg.target)
    spans = [*_glued_double(text), *(m.span() for m in _GLUED_SINGLE.finditer(text))]
    for start, end in sorted(spans):
        quoted = _shorten(seg.target[start:end])
        yield Finding(f"no space around {quoted!r}", span=(start, end))


def _shorten(text: str, keep: int = 16) -> str:
    """Long quotations: the two ends are where the missing spaces are."""
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


_JA_QUOTED = re.compile(
    "|".join(f"{re.escape(o)}[^{c}]+{re.escape(c)}" for o, c in JA_QUOTES.items())
)


@register("quotes_dropped", "minor", "Source quotes 「…」 but the target has no quotation marks")
def quotes_dropped(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not seg.source or not seg.target or not seg.target.strip():
        return
    m = _JA_QUOTED.search(seg.source)
    if m is None or _has_quotes(seg.target):
        return
    yield Finding(
        f"source quotes {m.group()} but the target has no quotation marks",
        span=m.span(),
        side="source",
    )


def _has_quotes(text: str) -> bool:
    # A straight ' counts only at a word start ('One China'), not as an apostrophe (don't).
    return any(ch in text for ch in EN_QUOTE_CHARS if ch != "'") or bool(
        re.search(r"(^|\W)'\w", text)
    )
