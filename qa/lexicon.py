"""Shared Japanese lexical helpers: unidic tokens (fugashi) and JMdict/JMnedict glosses.

Everything heavy is created on first use and cached per process: the MeCab tagger, one
read-only SQLite connection to jamdict-data's database, and every word's glosses. The
`jamdict` Python API costs ~200 ms a lookup because it builds whole entry objects; the two
indexed queries here take well under a millisecond, which is what the throughput goal needs.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from qa.limits import MAX_ANALYSE_CHARS, pieces

# Enough senses to cover a word's usual meanings without admitting rare ones that would
# make almost any target "cover" the word.
MAX_SENSES = 4


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    lemma: str  # dictionary form in the source's own spelling (orthBase), else surface
    pos1: str  # 名詞, 動詞, ...
    pos2: str  # 固有名詞, 普通名詞, 数詞, ...
    pos3: str  # 人名, 地名, 一般, ...
    start: int  # character offset in the text


@cache
def _tagger():  # noqa: ANN202 - fugashi.Tagger, imported lazily
    import fugashi

    return fugashi.Tagger()


@dataclass(frozen=True, slots=True)
class _Features:
    """The unidic features the views below read, of MeCab's 29 (those take ~25 KB a WMT22
    sentence, these ~4 KB, with 8,192 sentences in the cache)."""

    pos1: str | None
    pos2: str | None
    pos3: str | None
    lemma: str | None
    orthBase: str | None  # noqa: N815 - unidic's name


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[tuple[str, _Features], ...]:
    """(surface, unidic features) of each token: one MeCab pass per text, shared by the
    views below (several checks and signals read the same source).

    MeCab never sees more than `MAX_ANALYSE_CHARS` at once (one call of ~1M characters
    segfaults it; see qa/limits.py): a longer text is analysed in pieces cut at sentence ends
    or whitespace, and the tokens joined. Characters MeCab cannot take are replaced one for
    one first (a NUL would end its C string there; a lone surrogate, which JSON can carry,
    cannot be encoded), so the offsets the views compute still point into `text`."""
    clean = _for_mecab(text)
    tagger = _tagger()
    out: list[tuple[str, _Features]] = []
    for a, b in pieces(clean, MAX_ANALYSE_CHARS):
        for w in tagger(clean[a:b]):
            f = w.feature
            kept = (_intern(x) for x in (f.pos1, f.pos2, f.pos3, f.lemma, f.orthBase))
            out.append((_intern(w.surface), _Features(*kept)))
    return tuple(out)


def _intern(value: str | None) -> str | None:
    """One copy of each part-of-speech name and word, however many tokens have it."""
    return sys.intern(value) if value else value


_MECAB_UNSAFE = re.compile("[\x00\ud800-\udfff]")


def _for_mecab(text: str) -> str:
    return _MECAB_UNSAFE.sub(lambda m: " " if m.group() == "\x00" else "\ufffd", text)


@cache
def _db() -> sqlite3.Connection:
    import jamdict_data

    path = jamdict_data.__file__.replace("__init__.py", "jamdict.db")
    # check_same_thread=False: read-only use, so sharing across threads is safe.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[Token, ...]:
    """unidic tokens with character offsets (cached: WMT-style runs repeat sources)."""
    out, pos = [], 0
    for surface, f in _parse(text):
        start = text.find(surface, pos)
        start = pos if start < 0 else start
        pos = start + len(surface)
        lemma = f.orthBase if f.orthBase and f.orthBase != "*" else surface
        out.append(Token(surface, lemma, f.pos1, f.pos2 or "", f.pos3 or "", start))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Morph:
    """One unidic token with its [start, end) offsets and unidic's lemma (the rule checks'
    view: numerals and negative auxiliaries are recognised by that lemma)."""

    surface: str
    pos1: str
    pos2: str
    lemma: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def morphs(text: str) -> tuple[Morph, ...]:
    """unidic-lite tokens of `text` with character offsets (cached: several checks ask)."""
    out, pos = [], 0
    for surface, f in _parse(text):
        start = text.find(surface, pos)
        if start < 0:  # the tagger normalised something; keep going without a span
            continue
        pos = start + len(surface)
        out.append(Morph(surface, f.pos1 or "", f.pos2 or "", f.lemma or surface, start, pos))
    return tuple(out)


@lru_cache(maxsize=65536)
def glosses(word: str) -> tuple[tuple[str, ...], ...]:
    """English glosses per JMdict sense of `word` (kanji or kana spelling), first senses only."""
    rows: list[tuple[str, ...]] = []
    for form in ("Kanji", "Kana"):
        cur = _db().execute(
            # CROSS JOIN fixes the join order: SQLite otherwise starts from SenseGloss.lang.
            "SELECT s.ID, g.text, g.lang FROM " + form + " AS f CROSS JOIN Sense AS s "
            "ON s.idseq = f.idseq CROSS JOIN SenseGloss AS g ON g.sid = s.ID "
            "WHERE f.text = ? ORDER BY f.idseq, s.ID",
            (word,),
        )
        by_sense: dict[int, list[str]] = {}
        for sid, text, lang in cur:
            if lang not in (None, "eng"):
                continue
            by_sense.setdefault(sid, []).append(text)
        rows.extend(tuple(v) for v in by_sense.values())
        if rows:
            break  # a kanji spelling is unambiguous enough; kana only when there is none
    return tuple(rows[:MAX_SENSES])


@lru_cache(maxsize=65536)
def names(word: str) -> tuple[tuple[str, str], ...]:
    """(romanised gloss, name type) pairs from JMnedict, e.g. 習近平 → ("Xi Jinping", "person")."""
    out: list[tuple[str, str]] = []
    for form in ("NEKanji", "NEKana"):
        cur = _db().execute(
            "SELECT g.text, coalesce(group_concat(t.text), '') FROM " + form + " AS f "
            "CROSS JOIN NETranslation AS tr ON tr.idseq = f.idseq "
            "CROSS JOIN NETransGloss AS g ON g.tid = tr.ID "
            "LEFT JOIN NETransType AS t ON t.tid = tr.ID WHERE f.text = ? GROUP BY g.rowid",
            (word,),
        )
        out.extend((g, t) for g, t in cur)
    return tuple(out)


_WORD_RE = re.compile(r"[a-z0-9]+")
# Romanisation variants of long vowels (Ōtani, Ootani, Ohtani, Otani all become "otani").
_LONG_VOWELS = [("ou", "o"), ("oo", "o"), ("oh", "o"), ("uu", "u"), ("aa", "a"), ("ii", "i")]


def fold(text: str) -> str:
    """Lowercase ASCII without diacritics (Chūgoku → chugoku)."""
    if text.isascii():  # most English: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_PARENS = re.compile(r"\([^)]*\)")


def drop_parens(gloss: str, replacement: str = " ") -> str:
    """A gloss without its parenthesised notes ("(esp.) supply" → " supply")."""
    return _PARENS.sub(replacement, gloss)


def romaji_key(word: str) -> str:
    """A spelling-insensitive key for a romanised Japanese name: long vowels folded, and l
    read as r (Japanese has one liquid: アリア is "Aria" in a translation, "Alia" in JMnedict)."""
    w = fold(word)
    for a, b in _LONG_VOWELS:
        w = w.replace(a, b)
    return w.replace("l", "r")


READING_MIN = 4  # letters: a shorter reading ("kan", "ai") matches English words by chance


@lru_cache(maxsize=65536)
def reading_key(word: str) -> str | None:
    """`romaji_key` of how MeCab reads `word` on its own (初詣 → "hatsumode", 小松 →
    "komatsu"): what the word looks like where a translation transliterates it. None when a
    piece has no reading or the key is shorter than `READING_MIN`."""
    import jaconv

    kana = [getattr(w.feature, "kana", None) for w in _tagger()(_for_mecab(word))]
    if not kana or any(k in (None, "*", "") for k in kana):
        return None
    latin = jaconv.kana2alphabet(jaconv.kata2hira("".join(kana))).replace("-", "")
    key = romaji_key(latin)
    return key if len(key) >= READING_MIN and key.isascii() and key.isalpha() else None


def words(text: str) -> list[str]:
    """Lowercase ASCII word tokens of an English text."""
    return _WORD_RE.findall(fold(text))
