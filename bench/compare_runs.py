"""Compare two mtqa JSON reports segment by segment: the check that a refactor changed no
result. Keys present only in the newer report (added fields) are listed, not counted as
differences; every key both have must be equal.

    python -m bench.compare_runs old.json new.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def differences(old: Any, new: Any, where: str = "") -> tuple[list[str], set[str]]:
    """(paths whose values differ, paths of keys only the new report has)."""
    if isinstance(old, dict) and isinstance(new, dict):
        diffs, added = [], {f"{_generic(where)}.{k}" for k in new.keys() - old.keys()}
        for k in old:
            if k not in new:
                diffs.append(f"{where}.{k} (missing in new)")
                continue
            d, a = differences(old[k], new[k], f"{where}.{k}")
            diffs += d
            added |= a
        return diffs, added
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{where} (length {len(old)} vs {len(new)})"], set()
        diffs, added = [], set()
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            d, x = differences(a, b, f"{where}[{i}]")
            diffs += d
            added |= x
        return diffs, added
    return ([] if old == new else [f"{where}: {old!r} != {new!r}"]), set()


def _generic(path: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[]", path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    args = ap.parse_args(argv)
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (args.old, args.new))
    diffs, added = differences(old, new)
    print(f"{len(old['segments'])} segments; {len(diffs)} differing values")
    for d in diffs[:20]:
        print("  " + d)
    if added:
        print("keys only in the new report: " + ", ".join(sorted(added)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
