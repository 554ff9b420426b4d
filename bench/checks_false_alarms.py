"""How often each rule check fires on WMT22 ja-en human references vs on system outputs.

References are good translations, so a check firing there is (almost always) a false alarm;
the rate on system outputs should be higher for a check that finds real errors. A quick
precision proxy, not a measurement of recall.

    python -m bench.checks_false_alarms --data ../shared/data/wmt22-jaen
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from qa.checks import CHECKS, load
from qa.model import Segment
from qa.pipeline import Settings, find_issues
from qa.runtime import Models

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt22-jaen"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def fire_counts(
    src: list[str], outputs: dict[str, list[str]], models: Models
) -> dict[str, dict[str, int]]:
    """{output name: {check: number of segments where it fired}}, each output checked as one
    run by the pipeline's own `find_issues`."""
    counts: dict[str, dict[str, int]] = {name: Counter() for name in outputs}
    for name, hyp in outputs.items():
        segs = [Segment(str(i), s, t) for i, (s, t) in enumerate(zip(src, hyp, strict=True))]
        for issues in find_issues(segs, Settings(), models):
            for check in {i.check for i in issues}:
                counts[name][check] += 1
            for check in {i.check for i in issues if i.severity == "critical"}:
                counts[name][check + ":critical"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--systems", nargs="*", help="system outputs to compare (default: all)")
    args = ap.parse_args()
    if not (args.data / "src.ja").exists():
        raise SystemExit(f"{args.data}: WMT22 data not found (pass --data PATH)")
    src = _lines(args.data / "src.ja")
    outputs = {"ref": _lines(args.data / "ref.en")}
    for p in sorted((args.data / "systems").glob("*.en")):
        if args.systems is None or p.stem in args.systems:
            outputs[p.stem] = _lines(p)
    load()
    counts = fire_counts(src, outputs, Models())
    n = len(src)
    systems = [k for k in outputs if k != "ref"]
    cmd = " ".join(["python -m bench.checks_false_alarms", *sys.argv[1:]])
    print(f"Segments where each check fires (% of {n}); command: `{cmd}`\n")
    print(
        "| check | severity | human ref % | of which critical findings % "
        "| systems mean % | systems max % (system) |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for check, info in CHECKS.items():
        rates = {s: 100 * counts[s][check] / n for s in systems} or {"-": 0.0}
        worst = max(rates, key=rates.__getitem__)
        ref = 100 * counts["ref"][check] / n
        crit = 100 * counts["ref"][check + ":critical"] / n
        mean = sum(rates.values()) / len(rates)
        print(
            f"| {check} | {info.severity} | {ref:.2f} | {crit:.2f} | {mean:.2f} "
            f"| {rates[worst]:.2f} ({worst}) |"
        )


if __name__ == "__main__":
    main()
