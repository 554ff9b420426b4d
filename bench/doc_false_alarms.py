"""False alarms on correct documents: WMT22 documents with their human references as the
targets, read as two documents (paragraph per line), segmented and aligned by the pipeline.
Every link should be 1-1, and no critical or major finding should fire.

Two settings: whole documents (2–40 units) and short documents (their first 2–5 units).
Prints, per setting, the share of units in a non-1-1 link (omission 1-0, addition 0-1,
merges) and the share of segments on which each critical/major check fires. `--half eval`
keeps the documents the aligner's penalties were not tuned on (bench/align_docs.py);
`--retranslation SYSTEM` gives the aligner and checks a WMT22 system's output as the MT.

    python -m bench.doc_false_alarms --data ../shared/data/wmt22-jaen [--fast] [--half eval]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from bench import perturb
from bench.align_eval import halves
from qa.api import check_files
from qa.runtime import Models


def documents(data: Path) -> dict[str, list[perturb.Line]]:
    docs: dict[str, list[perturb.Line]] = {}
    for x in perturb.load_lines(data):
        if x.src.strip() and x.ref.strip():
            docs.setdefault(x.doc, []).append(x)
    return docs


def run(
    docs: list[list[perturb.Line]], models: Models, fast: bool, mt: list[str] | None = None
) -> tuple[Counter, Counter, int]:
    """(links by kind, segments by firing check, segments) over the documents."""
    links: Counter = Counter()
    fired: Counter = Counter()
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k, doc in enumerate(docs):
            src, tgt = Path(tmp) / f"{k}.ja", Path(tmp) / f"{k}.en"
            src.write_text("\n\n".join(x.src for x in doc) + "\n", encoding="utf-8")
            tgt.write_text("\n\n".join(x.ref for x in doc) + "\n", encoding="utf-8")
            rt = None
            if mt is not None:  # one line per source unit
                rt = Path(tmp) / f"{k}.rt"
                rt.write_text("\n".join(mt[x.n] for x in doc) + "\n", encoding="utf-8")
            result = check_files(src, tgt, retranslation=rt, models=models, fast=fast)
            for r in result.segments:
                n += 1
                links[r.segment.link] += 1
                for check in {i.check for i in r.issues if i.severity in ("critical", "major")}:
                    fired[check] += 1
                for check in {i.check for i in r.issues if i.severity == "critical"}:
                    fired[check + " (critical findings)"] += 1
    return links, fired, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=perturb.DEFAULT_DATA)
    ap.add_argument("--fast", action="store_true", help="the e5-only path")
    ap.add_argument("--half", choices=["tune", "eval", "all"], default="all")
    ap.add_argument("--retranslation", metavar="SYSTEM", help="a WMT22 system's output as MT")
    args = ap.parse_args()
    by_doc = documents(args.data)
    names = list(by_doc)
    keep = set(names) if args.half == "all" else {names[i] for i in halves(names)[args.half]}
    docs = [d for name, d in by_doc.items() if len(d) >= 2 and name in keep]
    mt = None
    if args.retranslation:
        path = args.data / "systems" / f"{args.retranslation}.en"
        mt = path.read_text(encoding="utf-8").split("\n")

    settings = {
        "whole documents (2-40 units)": [d[:40] for d in docs],
        "short documents (2-5 units)": [d[: 2 + k % 4] for k, d in enumerate(docs)],
    }
    models = Models()
    for name, chosen in settings.items():
        links, fired, n = run(chosen, models, args.fast, mt)
        odd = n - links["1-1"]
        print(f"### {name}: {len(chosen)} documents, {n} segments")
        print(f"links: {dict(links)}; not 1-1: {odd} ({100 * odd / n:.2f}%)")
        for check, count in fired.most_common():
            print(f"  {check}: {100 * count / n:.2f}%")


if __name__ == "__main__":
    main()
