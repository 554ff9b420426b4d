"""How often each rule check fires on WMT22 ja-en human references vs on system outputs.

References are good translations, so a check firing there is (almost always) a false alarm;
the rate on system outputs should be higher for a check that finds real errors. A quick
precision proxy, not a measurement of recall.

    python bench/checks_false_alarms.py --data ../shared/data/wmt22-jaen
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qa.checks.all  # noqa: E402,F401 - registers the checks
from qa.checks.base import CHECKS, Context  # noqa: E402
from qa.model import Segment  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt22-jaen"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def fire_counts(src: list[str], outputs: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """{output name: {check: number of segments where it fired}}."""
    counts: dict[str, dict[str, int]] = {name: dict.fromkeys(CHECKS, 0) for name in outputs}
    for name, hyp in outputs.items():
        segs = [Segment(str(i), s, t) for i, (s, t) in enumerate(zip(src, hyp, strict=True))]
        ctx = Context(segments=segs)
        for seg in segs:
            for check, info in CHECKS.items():
                if next(iter(info.fn(seg, ctx)), None) is not None:
                    counts[name][check] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    if not (args.data / "src.ja").exists():
        raise SystemExit(f"{args.data}: WMT22 data not found (pass --data PATH)")
    src = _lines(args.data / "src.ja")
    outputs = {"ref": _lines(args.data / "ref.en")}
    outputs.update({p.stem: _lines(p) for p in sorted((args.data / "systems").glob("*.en"))})
    counts = fire_counts(src, outputs)
    n = len(src)
    systems = [k for k in outputs if k != "ref"]
    cmd = " ".join(["python bench/checks_false_alarms.py", *sys.argv[1:]])
    print(f"Segments where each check fires (% of {n}); command: `{cmd}`\n")
    print("| check | severity | human ref % | systems mean % | systems max % (system) |")
    print("|---|---|---:|---:|---:|")
    for check, info in CHECKS.items():
        rates = {s: 100 * counts[s][check] / n for s in systems}
        worst = max(rates, key=rates.__getitem__)
        ref = 100 * counts["ref"][check] / n
        mean = sum(rates.values()) / len(rates)
        print(
            f"| {check} | {info.severity} | {ref:.2f} | {mean:.2f} | {rates[worst]:.2f} ({worst}) |"
        )


if __name__ == "__main__":
    main()
