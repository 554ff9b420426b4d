"""Resident memory phase by phase: which stage of a run holds what, on a big built input.

    python -m bench.phase_memory --data ../shared/data/wmt22-jaen --long-paragraphs 800
    python -m bench.phase_memory --data ../shared/data/wmt22-jaen --lines 20000 --fast

The same inputs as bench.big_input (numbered lines of `--join` WMT22 sentences, source against
reference), checked in this process through `qa.api.check_files` (so the LM's cached weights
are used as a user's run uses them; no feature cache). A thread samples VmRSS every 0.2 s;
printed per stage (the progress stages a run reports, in order): seconds from the start, the
resident size when it began and its peak during it; then the process's peak RSS. Where
bench.big_input times the CLI, this says where the memory goes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

from bench import wmt22
from bench.big_input import make_pair
from qa import api
from qa.runtime import Models


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """The progress callback: when each stage began, its resident size then and its peak."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.rows: list[list] = []  # [stage, seconds, RSS at start, peak RSS]
        self.done = False

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.rows or self.rows[-1][0] != stage:
            now = rss_mb()
            self.rows.append([stage, time.perf_counter() - self.t0, now, now])

    def sample(self) -> None:
        while not self.done:
            if self.rows:
                self.rows[-1][3] = max(self.rows[-1][3], rss_mb())
            time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--lines", type=int, help="aligned lines of one sentence")
    size.add_argument("--long-paragraphs", type=int, help="lines of --join sentences")
    ap.add_argument("--join", type=int, default=5)
    ap.add_argument("--fast", action="store_true", help="the --fast path (no LM)")
    args = ap.parse_args()
    src = (args.data / "src.ja").read_text(encoding="utf-8").split("\n")[:-1]
    ref = (args.data / "ref.en").read_text(encoding="utf-8").split("\n")[:-1]
    n, join = (args.lines, 1) if args.lines else (args.long_paragraphs, args.join)
    phases = Phases()
    with tempfile.TemporaryDirectory(prefix="mtqa-phases-") as folder:
        files = make_pair(src, ref, n, join, Path(folder))
        threading.Thread(target=phases.sample, daemon=True).start()
        api.check_files(*files, aligned=True, models=Models(progress=phases), fast=args.fast)
        phases.done = True
    print(f"{n:,} lines of {join} sentence(s), {'--fast' if args.fast else 'default'} path")
    print(f"{'stage':<34} {'from s':>8} {'RSS MB':>8} {'peak MB':>8}")
    for stage, at, start, peak in phases.rows:
        print(f"{stage:<34} {at:8.1f} {start:8.0f} {peak:8.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {time.perf_counter() - phases.t0:.1f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
