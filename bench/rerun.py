"""Cost of an unchanged re-run: the 2008 WMT22 ja-en aligned pairs checked twice (or more) with
the same feature cache, each run in a fresh process as `mtqa check` runs.

    python -m bench.rerun --data ../shared/data/wmt22-jaen [--system NT5] [--retranslation Online-W]
        [--fast]   # the e5-only path; without it the default path, which adds the LM

The first (cold) run computes and stores every feature in an empty `$MTQA_CACHE` (a temporary
folder unless --cache is given); the warm runs find them all and recompute only risk and the
report. Prints, per run: the process's wall time and segments/s, the time inside
`qa.pipeline.run` (and its segments/s), rendering, peak RSS, what was computed, the machine's
load; and checks that every warm report equals the cold one byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import wmt22

ROOT = Path(__file__).resolve().parents[1]


def child(args: argparse.Namespace) -> None:
    """One run, as the CLI does it, timing its phases (in the measured process)."""
    t0 = time.perf_counter()
    from qa.features import FeatureCache
    from qa.pipeline import Inputs, Settings, resolve_names, run
    from qa.report import render
    from qa.runtime import Models

    t1 = time.perf_counter()
    disabled, enabled = resolve_names(args.disable, args.enable)
    models = Models(cache=None if args.no_cache else FeatureCache.default())
    inputs = Inputs(args.src, args.tgt, aligned=True, retranslation=args.mt)
    result = run(inputs, Settings(disable=disabled, enable=enabled, fast=args.fast), models)
    t2 = time.perf_counter()
    args.out.write_text(render(result, "json"), encoding="utf-8")
    t3 = time.perf_counter()
    cache = models.cache
    print(json.dumps({
        "segments": len(result.segments),
        "import_s": t1 - t0,
        "run_s": t2 - t1,
        "render_s": t3 - t2,
        "computed": sum(cache.computed.values()) if cache else None,
        "hits": cache.hits if cache else None,
        "e5_loaded": models._embedder is not None and models._embedder._runtime is not None,
        "lm_loaded": models._lm is not None,
        "path": result.summary.path,
    }))  # fmt: skip


def one_run(args: argparse.Namespace, files: list[Path], out: Path, cache: Path) -> dict:
    cmd = [sys.executable, "-m", "bench.rerun", "--child", "--out", str(out)]
    cmd += [str(f) for f in files] + ["--disable", *args.disable] + ["--enable", *args.enable]
    cmd += ["--fast"] if args.fast else []
    env = {**os.environ, "MTQA_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    assert p.stdout is not None
    if status != 0:
        raise SystemExit(f"run failed ({status}): {' '.join(cmd)}")
    stats = json.loads(p.stdout.read().strip().splitlines()[-1])
    return {**stats, "wall_s": wall, "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--system", default="NT5")
    ap.add_argument("--retranslation", default=None, help="a system as precomputed MT")
    ap.add_argument("--disable", nargs="*", default=[])
    ap.add_argument("--enable", nargs="*", default=[])
    ap.add_argument("--fast", action="store_true", help="the e5-only path (no LM)")
    ap.add_argument("--warm", type=int, default=3, help="warm runs after the cold one")
    ap.add_argument("--cache", type=Path, default=None, help="cache folder (default: a new one)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--no-cache", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.src, args.tgt = args.files[:2]
        args.mt = args.files[2] if len(args.files) > 2 else None
        return child(args)

    if not (args.data / "src.ja").exists():
        raise SystemExit(f"{args.data}: WMT22 data not found (pass --data PATH)")
    files = [args.data / "src.ja", args.data / "systems" / f"{args.system}.en"]
    if args.retranslation:
        files.append(args.data / "systems" / f"{args.retranslation}.en")
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp) / "cache"
        print(f"machine: nproc={os.cpu_count()}, load avg {load_avg()}; cache {cache}")
        reports, n = [], 0
        for k in range(1 + args.warm):
            out = Path(tmp) / f"run{k}.json"
            r = one_run(args, files, out, cache)
            reports.append(out.read_bytes())
            n = r["segments"]
            print(
                f"{'cold' if k == 0 else 'warm'}: {n} segments, wall {r['wall_s']:.2f} s "
                f"({n / r['wall_s']:.0f} segments/s), run() {r['run_s']:.2f} s "
                f"({n / r['run_s']:.0f} segments/s), import {r['import_s']:.2f} s, "
                f"render {r['render_s']:.2f} s, peak RSS {r['rss_mb']:.0f} MB, "
                f"computed {r['computed']}, e5 loaded {r['e5_loaded']}, LM loaded {r['lm_loaded']} "
                f"({r['path']} path), load avg {load_avg()}"
            )
        same = all(rep == reports[0] for rep in reports[1:])
        print(f"warm reports identical to the cold one: {same}")
        size = sum(p.stat().st_size for p in cache.glob("features.sqlite*"))
        print(f"cache size: {size / 1e6:.1f} MB for {n} segments")


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
