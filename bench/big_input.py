"""Time and peak memory of `mtqa check` on a big line-aligned pair, built from WMT22 ja-en.

    python -m bench.big_input --data ../shared/data/wmt22-jaen --lines 1000000
    python -m bench.big_input --data ../shared/data/wmt22-jaen --long-paragraphs 500 [--join 5]

`--lines N`: N aligned lines (src.ja against ref.en, cycled), checked on the lexical path: no
e5, no LM (`--fast --disable e5 --disable added_sentence`), the bulk setting for very big
files; with `--e5`, on the `--fast` path as it is (e5, no LM). `--long-paragraphs N`: N
lines each joining `--join` consecutive WMT22 sentences, checked on the default path (e5 +
the English LM). Every line gets its number in front on both sides ("17. …"), so no two
segments are the same and no cache folds them together.

The real CLI runs in a child process (`python -m qa check … --aligned --mt none --no-cache
--isolated --format jsonl -o OUT`); printed: wall time, segments/s, the child's peak RSS
(from wait4), the report's size and line count, and the load average before and after.
The files go in a temporary folder, removed afterwards unless --keep (then it is printed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import wmt22
from bench.throughput import cpu_model, load_avg

ROOT = Path(__file__).resolve().parents[1]
LEXICAL = ["--fast", "--disable", "e5", "--disable", "added_sentence"]


def make_pair(src: list[str], ref: list[str], n: int, join: int, folder: Path) -> list[Path]:
    """`n` numbered lines of `join` WMT22 sentences each, source and reference cycled."""
    paths = [folder / "src.ja", folder / "tgt.en"]
    with open(paths[0], "w", encoding="utf-8") as fs, open(paths[1], "w", encoding="utf-8") as ft:
        for i in range(n):
            first = i * join
            picks = [(first + k) % len(src) for k in range(join)]
            fs.write(f"{i + 1}. " + "".join(src[j] for j in picks) + "\n")
            ft.write(f"{i + 1}. " + " ".join(ref[j] for j in picks) + "\n")
    return paths


def run_check(files: list[Path], out: Path, options: list[str]) -> dict:
    """`mtqa check` in a child process: its wall time and peak RSS."""
    cmd = [sys.executable, "-m", "qa", "check", *map(str, files), "--aligned", "--mt", "none"]
    cmd += ["--no-cache", "--isolated", *options, "--format", "jsonl", "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print("$ " + " ".join(cmd[1:]), flush=True)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"mtqa check failed (wait status {status})")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": wall, "rss_mb": usage.ru_maxrss / 1024, "cpu_s": cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--lines", type=int, default=None, help="aligned lines, lexical path")
    size.add_argument("--long-paragraphs", type=int, default=None, help="paragraphs, default path")
    ap.add_argument("--join", type=int, default=5, help="sentences per long paragraph")
    ap.add_argument("--e5", action="store_true", help="--lines on the --fast path (with e5)")
    ap.add_argument("--keep", action="store_true", help="keep the input and report files")
    args = ap.parse_args()
    if not (args.data / "src.ja").exists():
        raise SystemExit(f"{args.data}: WMT22 data not found (pass --data PATH)")
    src = (args.data / "src.ja").read_text(encoding="utf-8").split("\n")[:-1]
    ref = (args.data / "ref.en").read_text(encoding="utf-8").split("\n")[:-1]
    if args.long_paragraphs is not None:
        n, join, options, what = args.long_paragraphs, args.join, [], "default path"
    else:
        n, join, options, what = args.lines or 10_000, 1, LEXICAL, "lexical path (no e5, no LM)"
        if args.e5:
            options, what = ["--fast"], "--fast path (e5, no LM)"
    folder = Path(tempfile.mkdtemp(prefix="mtqa-big-"))
    try:
        t0 = time.perf_counter()
        files = make_pair(src, ref, n, join, folder)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"machine: nproc={os.cpu_count()}, CPU={cpu_model()}; input {n:,} lines of {join} "
            f"sentence(s), {mb:.1f} MB, written in {time.perf_counter() - t0:.1f} s"
        )
        before = load_avg()
        out = folder / "report.jsonl"
        r = run_check(files, out, options)
        with open(out, "rb") as f:
            lines = sum(1 for _ in f)
        print(
            f"{what}: {n:,} segments in {r['wall_s']:.1f} s wall ({r['cpu_s']:.1f} s CPU), "
            f"{n / r['wall_s']:.3g} segments/s, peak RSS {r['rss_mb']:.0f} MB; report "
            f"{out.stat().st_size / 1e6:.1f} MB, {lines:,} lines; load avg before {before}, "
            f"after {load_avg()}"
        )
        if lines != n:
            raise SystemExit(f"the report has {lines} lines, not {n}")
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            for p in folder.iterdir():
                p.unlink()
            folder.rmdir()


if __name__ == "__main__":
    main()
