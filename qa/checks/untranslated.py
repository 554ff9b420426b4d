"""Target text still in Japanese: left untranslated (wholly) or with Japanese passages (partly)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.checks.base import Context, Finding, register
from qa.lang import japanese_letters, japanese_ratio, japanese_runs
from qa.model import Segment, Severity

# Share of Japanese letters above which the whole target counts as untranslated.
_WHOLLY = 0.8
# Even one Japanese letter left in English text is a leftover a reader cannot use: a kana
# ("きPC", "10%プ") is never part of English, and a lone kanji ("200個", "2,000円") is a
# counter or unit left untranslated. Human references never contain one (WMT22 ja-en); the
# katakana middle dot and long-vowel mark, which they do use as punctuation, do not count.
_MIN_RUN_LETTERS = 1
_NOT_LETTERS = "・ー"
# A passage with kana and at least this many letters is running Japanese text, not a name
# kept in brackets (東京, 習近平): a reader cannot use it, so it is critical like a whole one.
_PHRASE_LETTERS = 6
_KANA = re.compile(r"[\u3040-\u30ff]")


@register(
    "untranslated",
    "critical",
    "Target (or part of it) is still in Japanese",
    any_script=True,
    also=("major",),
)
def untranslated(seg: Segment, ctx: Context) -> Iterable[Finding]:
    target = seg.target
    if not target or not target.strip():
        return []
    if japanese_ratio(target) >= _WHOLLY:
        start = len(target) - len(target.lstrip())
        return [
            Finding(
                "target is still in Japanese (untranslated)", span=(start, len(target.rstrip()))
            )
        ]
    return [
        Finding(
            f"Japanese text left in the target: {target[a:b][:30]!r}",
            span=(a, b),
            severity=_run_severity(target[a:b]),
        )
        for a, b in japanese_runs(target, min_letters=_MIN_RUN_LETTERS)
        if japanese_letters(target[a:b].strip(_NOT_LETTERS)) >= _MIN_RUN_LETTERS
    ]


def _run_severity(run: str) -> Severity:
    phrase = japanese_letters(run) >= _PHRASE_LETTERS and _KANA.search(run) is not None
    return "critical" if phrase else "major"
