"""Script detection for Japanese text: which characters are Japanese, and where they are.

Used by the untranslated check, the aligner (length ratios differ when the target is still
Japanese) and other rule checks. Keep these signatures stable: other modules import them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Kana, kanji (incl. extension A and compatibility), half-width katakana, iteration marks.
_JA_LETTER = (
    r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff66-\uff9f々〆〤ヶ"
)
# Punctuation, full-width forms, digits and spaces inside a Japanese passage (not ending it).
_JA_JOIN = r"\u3000-\u303f\uff01-\uff65\u30fb\u2026\u2025 0-9()=・"

_LETTER_RE = re.compile(f"[{_JA_LETTER}]")
# A letter or digit (what str.isalnum accepts: \w less "_") that is not Japanese.
_OTHER_RE = re.compile(f"(?![{_JA_LETTER}])[^\\W_]")
# A run starts and ends on a Japanese letter, may contain joiners, and takes trailing
# sentence punctuation/closing brackets (。」) with it so the span covers what a reader sees.
_RUN_RE = re.compile(f"[{_JA_LETTER}](?:[{_JA_LETTER}{_JA_JOIN}]*[{_JA_LETTER}])?[。」』）！？]*")


def japanese_letters(text: str) -> int:
    """Number of kana/kanji characters in `text`."""
    return len(_LETTER_RE.findall(text))


def japanese_ratio(text: str) -> float:
    """Share of Japanese letters among all letters and digits (punctuation and spaces ignored).

    0.0 for text without any letters."""
    ja = japanese_letters(text)
    other = len(_OTHER_RE.findall(text))
    total = ja + other
    return ja / total if total else 0.0


@lru_cache(maxsize=8192)  # every check asks it of the target it checks
def is_japanese(text: str, threshold: float = 0.5) -> bool:
    """True when most letters of `text` are Japanese."""
    return japanese_ratio(text) >= threshold


def japanese_runs(text: str, min_letters: int = 1) -> list[tuple[int, int]]:
    """[start, end) spans of Japanese passages in `text`, with at least `min_letters` kana/kanji.

    Latin words, digits and spaces between Japanese letters stay inside one run
    ("NATOのさらなる拡大" is one run), so a Japanese sentence is one span."""
    return [m.span() for m in _RUN_RE.finditer(text) if japanese_letters(m.group()) >= min_letters]
