"""Named entities of the source (people, places, organisations) that the target lacks or
replaces with another entity of the document — e.g. 習主席 ("President Xi") rendered as
"President Putin".

Precision first: a critical finding flags a segment on its own, so an entity is only checked
when its English form can be established (JMnedict romanisation, JMdict gloss, a country's
demonyms) and only a *swap* — the target names a different person of the run instead — is
critical. A missing name alone is major: pronouns and paraphrase ("the president") are
legitimate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from qa import lexicon
from qa.checks.base import Context, Finding, RunState, register
from qa.checks.placeholders import placeholders
from qa.model import Segment
from qa.signals.dictionary import DEMONYMS, PREFIX, gloss_keys
from qa.signals.dictionary import target_keys as dictionary_keys

CHECK = "entity"
# Titles after a bare surname (習主席, 岸田首相): the surname alone is tagged a common noun.
# One-kanji country abbreviations (バイデン米大統領: 米 is the US, not a surname).
COUNTRY_ABBREVIATIONS = set("米中露英仏独日韓朝印豪加伊")
TITLES = {
    "主席",
    "大統領",
    "首相",
    "総理",
    "外相",
    "氏",
    "議長",
    "書記長",
    "総書記",
    "長官",
    "国王",
    "容疑",  # 野村容疑者 "Nomura (the suspect)": unidic splits 容疑|者
    "被告",
    "選手",  # 羽生選手 "Hanyu"
    "監督",
}
_NAME_TYPES = ("person", "surname", "given", "fem", "masc", "unclass")
# Administrative suffixes after a place name (小牧市, 三重県, 大山町): city, prefecture, town,
# village, ward.
PLACE_SUFFIXES = set("市県町村区")


@dataclass(frozen=True)
class Entity:
    surface: str
    start: int
    end: int
    kind: str  # "person", "place" or "latin"
    english: tuple[str, ...]  # the English forms it may take, for messages
    keys: frozenset[str]  # romaji_key of each word that shows the entity in a target


_NAME_RE = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){0,2}$")
_KATAKANA_NAME = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb]{3,}$")


def _keys(forms: tuple[str, ...], kind: str, min_len: int = 3) -> frozenset[str]:
    """Spelling-insensitive keys of the names' words. Words shorter than `min_len` would
    match unrelated English words ("en", "i"), so they only count where the source makes the
    reading certain (a surname before a title: 習主席 → "xi")."""
    out = set()
    for form in forms:
        ws = [w for w in lexicon.words(form) if len(w) >= min_len]
        out |= {lexicon.romaji_key(w) for w in ws}
        for name, extra in DEMONYMS.items():
            if kind == "place" and lexicon.fold(form).strip() == name:
                out |= {lexicon.romaji_key(e) for e in extra}
    return frozenset(out)


def _names(surface: str, types: tuple[str, ...]) -> tuple[str, ...]:
    """JMnedict romanisations that look like names (not "Cao Cao (155-220), famous …")."""
    return tuple(
        g for g, t in lexicon.names(surface) if _NAME_RE.match(g) and any(n in t for n in types)
    )


def _place(surface: str) -> tuple[str, ...]:
    # Only places JMdict itself glosses with a proper name (中国 → China, 北京 → Beijing);
    # JMnedict's readings of rarer places are too often a mis-tagged common word.
    senses = lexicon.glosses(surface)
    first = [lexicon.drop_parens(g, "").strip() for g in senses[0]] if senses else []
    return tuple(g for g in first if g[:1].isupper())


def _entity(toks: tuple[lexicon.Token, ...], i: int) -> tuple[str, tuple[str, ...], int]:
    """(kind, English forms, min key length) of token i, or kind "" when it is not checked."""
    tok = toks[i]
    nxt = toks[i + 1].surface if i + 1 < len(toks) else ""
    # A bare surname has no JMdict entry of its own (習 has none; 国家 in 国家主席 does).
    title = nxt in TITLES and tok.surface not in COUNTRY_ABBREVIATIONS
    if title and tok.pos1 == "名詞" and len(tok.surface) <= 3 and not lexicon.glosses(tok.surface):
        return "person", _names(tok.surface, _NAME_TYPES), 2
    if tok.pos3 == "人名" and _KATAKANA_NAME.match(tok.surface):
        # Foreign names: the katakana transliteration determines the spelling well enough.
        return "person", _names(tok.surface, _NAME_TYPES), 3
    if tok.pos2 == "固有名詞" and tok.pos3 == "地名":
        forms = _place(tok.surface)
        if not forms and nxt in PLACE_SUFFIXES:
            # 小牧市: the suffix makes it a place for certain, so JMnedict's place readings hold.
            forms = tuple(
                g for g, t in lexicon.names(tok.surface) if "place" in t and _NAME_RE.match(g)
            )
        return "place", forms, 3
    return "", (), 0


def entities(source: str) -> list[Entity]:
    """People and places of `source` whose English form can be established. Japanese and
    Chinese names in kanji are left out unless a title fixes them: their readings are too
    ambiguous (李 → I / En / Jun) to call a translation wrong."""
    toks = lexicon.tokens(source)
    out = []
    for i, tok in enumerate(toks):
        end = tok.start + len(tok.surface)
        kind, forms, min_len = _entity(toks, i)
        keys = _keys(forms, kind, min_len) if kind else frozenset()
        if keys and not _inside_a_word(source, tok.start, end):
            out.append(Entity(tok.surface, tok.start, end, kind, forms, keys))
    return out


def _script(ch: str) -> str:
    if "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc":
        return "katakana"
    return "hiragana" if "\u3041" <= ch <= "\u3096" else ""


def _inside_a_word(source: str, start: int, end: int) -> bool:
    """A kana "name" glued to more kana of its script is a piece of a longer word that
    MeCab split (ボイス|ロイド "voiceroid", ヒノ|ヒカリ a rice variety, おぎ|ぬま a surname)."""
    script = _script(source[start])
    before = source[start - 1] if start > 0 else ""
    after = source[end] if end < len(source) else ""
    return bool(script) and script in (_script(before), _script(after))


# Words in Latin script in a Japanese source (reddit, Debian, Steam, Josef): names and
# products a translation copies as they are. All-caps words are left out: acronyms are often
# expanded or translated (SNS "social media", WEB "online", OFF "save").
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9#])[A-Za-z]{3,}(?![A-Za-z0-9#])")


def latin_words(source: str) -> list[Entity]:
    """Latin-script words of `source` (not acronyms, not the laughter "www"), which the
    target must contain; not the pieces of an address or handle, which the `placeholder`
    check reports whole."""
    inside = [m.span() for m in placeholders(source)]
    return [
        Entity(m.group(), m.start(), m.end(), "latin", (m.group(),), frozenset())
        for m in _LATIN_WORD.finditer(source)
        if not m.group().isupper()
        and len(set(m.group().lower())) > 1
        and not any(a <= m.start() < b for a, b in inside)
    ]


def latin_present(e: Entity, target: str) -> bool:
    """Case, spacing and punctuation aside ("Amazonpay" ~ "Amazon Pay", "CKWiki" ~ "CK Wiki"),
    or a close spelling (armoured/armored, a typo corrected: Get Buck → "Get Back"); a swapped
    name (Debian → "Dock") shares too little."""
    word = e.surface.lower()
    if _at_word_start(word, _CAMEL.sub(" ", target).lower()):
        return True
    return any(
        SequenceMatcher(None, word, w).ratio() >= 0.75
        for w in re.findall(r"[a-z]+", target.lower())
        if abs(len(w) - len(word)) <= 3 and word not in w  # "subreddit" is not "reddit"
    )


# Where a target that lost its spaces still shows a word start: "SkyrimSpecialEdition",
# "xVADictTESEdition" (Special, Edition).
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _at_word_start(word: str, text: str) -> bool:
    """`word` in `text` with spacing and punctuation removed, starting where a word of `text`
    does ("Amazon Pay" has "amazonpay"; "subreddit" has no "reddit")."""
    parts = re.findall(r"[a-z0-9]+", text)
    joined, starts, pos = "".join(parts), set(), 0
    for part in parts:
        starts.add(pos)
        pos += len(part)
    return any(m.start() in starts for m in re.finditer(re.escape(word), joined))


_DOTTED_US_UK = re.compile(r"\bU\.([SK])\.(?:A\.)?")  # U.S., U.S.A., U.K.


def target_keys(target: str) -> set[str]:
    """Keys of target words, exact and by prefix (Russia/Russian, Ootani/Ohtani)."""
    ws = [lexicon.romaji_key(w) for w in lexicon.words(_DOTTED_US_UK.sub(r"U\1", target))]
    return set(ws) | {w[:PREFIX] for w in ws if len(w) >= PREFIX}


def present(e: Entity, have: set[str]) -> bool:
    return any(k in have or (len(k) >= PREFIX and k[:PREFIX] in have) for k in e.keys)


def source_people(seg: Segment) -> list[tuple[list[str], str]]:
    """(keys, English form) of each person the segment's source names: its part of the run's
    cast (JSON-able, so the feature cache can keep it)."""
    if not seg.source:
        return []
    return [(sorted(e.keys), e.english[0]) for e in entities(seg.source) if e.kind == "person"]


def cast(parts: list[list[tuple[list[str], str]]]) -> dict[str, str]:
    """key -> English form of every person named in the run's sources (the document's cast),
    in first-mention order: a later mention of a shared key overrides an earlier one."""
    people: dict[str, str] = {}
    for part in parts:
        for keys, english in part:
            people.update(dict.fromkeys(keys, english))
    return people


# The check's `prepare` step: the cast, gathered once per run from each segment's part.
run_people = RunState(part=source_people, combine=cast)


@register(
    CHECK,
    "critical",
    "Source name missing from the target or replaced by another",
    also=("major",),
    prepare=run_people,
)
def entity(seg: Segment, ctx: Context) -> Iterator[Finding]:
    if not (seg.source and seg.target and seg.target.strip()):
        return
    for e in latin_words(seg.source):
        if not latin_present(e, seg.target):
            yield _finding(e, [])
    ents = entities(seg.source)
    if not ents:
        return
    have = target_keys(seg.target)
    for e in ents:
        if not present(e, have) and not _glossed(e, seg.target):
            yield _finding(e, _extra_people(ents, seg.target, ctx.state))


def _glossed(e: Entity, target: str) -> bool:
    """A katakana name that is a common word too, rendered by its JMdict gloss: フリース is a
    surname in JMnedict and "fleece" in "made from a very light and warm fleece material".
    Not places: 中国 glosses "China" but also "central part of a country", which "the
    country" put in its place would match."""
    if e.kind != "person":
        return False
    keys = {k for sense in lexicon.glosses(e.surface) for g in sense for k in gloss_keys(g)}
    return bool(keys) and not keys.isdisjoint(dictionary_keys(target))


def _extra_people(ents: list[Entity], target: str, people: dict[str, str]) -> list[str]:
    """People the target names more often than the source does: the candidates for a swap
    (習主席とプーチン大統領 → "President Putin and President Putin" names Putin twice)."""
    in_source: dict[str, int] = {}
    for e in ents:
        if e.kind == "person":
            for k in e.keys:
                in_source[k] = in_source.get(k, 0) + 1
                people = {**people, k: e.english[0]}
    counts: dict[str, int] = {}
    for w in lexicon.words(target):
        k = lexicon.romaji_key(w)
        if k in people:
            counts[k] = counts.get(k, 0) + 1
    return sorted({people[k] for k, n in counts.items() if n > in_source.get(k, 0)})


def _finding(e: Entity, others: list[str]) -> Finding:
    shown = " / ".join(e.english[:3])
    span = (e.start, e.end)
    if e.kind == "person" and others:
        return Finding(
            f"{e.surface} ({shown}) is not in the target, which names {', '.join(others)} instead",
            span=span,
            side="source",
        )
    return Finding(
        f"{e.surface} (in Latin script) not found in the target"
        if e.kind == "latin"
        else f"{e.kind} {e.surface} ({shown}) not found in the target",
        span=span,
        side="source",
        severity="major",
    )
