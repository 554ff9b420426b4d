"""Speed of `mtqa batch`: a first run, an unchanged re-run (every pair skipped), and the Ray
engine, on a folder of WMT22 ja→en document pairs.

    python bench/batch.py --data ../shared/data/wmt22-jaen --pairs 24 --out /tmp/batch-bench

Builds OUT/docs/ with the `--pairs` largest WMT22 documents (`docids.tsv`; ties by doc id), one
`DOC.ja.txt` (src.ja) + `DOC.en.txt` (`--system`'s output, or `ref` for the human reference)
each, one paragraph per WMT segment, so `mtqa batch` segments and aligns them as documents.
Then runs, each in a fresh process (`python -m qa batch ... --mt none`):

1. first run into OUT/local (models loaded once, every pair checked);
2. the same command again (nothing changed: every pair skipped);
3. `--engine ray` into OUT/ray (a local Ray instance; `--jobs` actors), whose files are compared
   byte for byte with OUT/local's;
4. with `--also-jobs N`: `--jobs N` (local worker processes) into OUT/jobsN, compared too.

Prints wall times, segments/s and the re-run/first-run ratio, with `uptime`'s load (the machine
may be shared), and writes them to OUT/bench.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.wmt22 import DEFAULT_DATA  # noqa: E402


def build_folder(data: Path, system: str, pairs: int, docs: Path) -> dict[str, int]:
    """The `pairs` largest documents as DOC.ja.txt + DOC.en.txt; doc id → segments."""
    src = (data / "src.ja").read_text(encoding="utf-8").split("\n")[:-1]
    tgt_path = data / "ref.en" if system == "ref" else data / "systems" / f"{system}.en"
    tgt = tgt_path.read_text(encoding="utf-8").split("\n")[:-1]
    lines: dict[str, list[int]] = defaultdict(list)
    with open(data / "docids.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            lines[row["doc_id"]].append(int(row["line"]) - 1)
    chosen = sorted(lines, key=lambda d: (-len(lines[d]), d))[:pairs]
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for doc in chosen:
        rows = sorted(lines[doc])
        (docs / f"{doc}.ja.txt").write_text("\n\n".join(src[i] for i in rows) + "\n", "utf-8")
        (docs / f"{doc}.en.txt").write_text("\n\n".join(tgt[i] for i in rows) + "\n", "utf-8")
    return {d: len(lines[d]) for d in chosen}


def run_batch(docs: Path, out: Path, *extra: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the child process (user + sys; Ray's workers are not
    counted) and its last stderr line."""
    cmd = [sys.executable, "-m", "qa", "batch", str(docs), "-o", str(out), "--mt", "none", *extra]
    path = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return wall, cpu, done.stderr.strip().splitlines()[-1]


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--pairs", type=int, default=24)
    ap.add_argument("--system", default="Online-A", help="a system name, or 'ref'")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=2, help="Ray actors")
    ap.add_argument("--also-jobs", type=int, default=0, help="also time --jobs N locally")
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()

    docs = args.out / "docs"
    sizes = build_folder(args.data, args.system, args.pairs, docs)
    segments = sum(sizes.values())
    print(f"{len(sizes)} document pairs, {segments} WMT22 segments ({args.system}), in {docs}")
    for name in ("local", "ray", f"jobs{args.also_jobs}"):
        shutil.rmtree(args.out / name, ignore_errors=True)
    results: dict[str, object] = {"pairs": len(sizes), "segments": segments, "load": {}}
    loads: dict[str, str] = results["load"]  # type: ignore[assignment]

    def timed(label: str, out: Path, *extra: str) -> float:
        loads[label] = load()
        wall, cpu, line = run_batch(docs, out, *extra)
        print(f"{label:24} {wall:7.2f} s wall {cpu:7.2f} s cpu {segments / wall:7.1f} segments/s")
        print(f"    {line}")
        results[label] = {"wall_s": wall, "cpu_s": cpu}
        return wall

    first = timed("first run", args.out / "local")
    again = timed("unchanged re-run", args.out / "local")
    results["rerun_ratio"] = again / first
    print(f"re-run / first run = {again / first:.3f}")
    reference = files_of(args.out / "local")
    if not args.no_ray:
        timed(f"ray ({args.jobs} actors)", args.out / "ray", "--engine", "ray", "--jobs",
              str(args.jobs))  # fmt: skip
        same = files_of(args.out / "ray") == reference
        results["ray_identical"] = same
        print(f"ray files identical to local: {same} ({len(reference)} files)")
    if args.also_jobs:
        out = args.out / f"jobs{args.also_jobs}"
        timed(f"local --jobs {args.also_jobs}", out, "--jobs", str(args.also_jobs))
        same = files_of(out) == reference
        results[f"jobs{args.also_jobs}_identical"] = same
        print(f"--jobs {args.also_jobs} files identical to --jobs 1: {same}")
    print(f"load: {load()}")
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
