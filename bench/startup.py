"""Start-up cost of the CLI: `mtqa --help` (and any other argument list) run N times, each in a
fresh process, as a user's shell runs it.

    python -m bench.startup [--runs 10] [-- check --help]

Prints each run's wall time, then the best, median and worst, and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("args", nargs="*", default=["--help"])
    args = parser.parse_args()
    exe = shutil.which("mtqa") or sys.exit("mtqa is not installed in this environment")
    walls = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run([exe, *args.args], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t0)
    print("runs (s):", " ".join(f"{w:.3f}" for w in walls))
    print(
        f"mtqa {' '.join(args.args)}: best {min(walls):.3f} s, median "
        f"{statistics.median(walls):.3f} s, worst {max(walls):.3f} s; "
        f"load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
