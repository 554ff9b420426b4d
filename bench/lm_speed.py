"""Speed of the LM signal's scorer (qa.signals.lm_model) on WMT22 ja-en reference pairs.

    python -m bench.lm_speed --data ../shared/data/wmt22-jaen --limit 200 [--dtype auto]
    python -m bench.lm_speed --data ../shared/data/wmt22-jaen --limit 200 --compare

Prints the cold load (dequantizing the GGUF into a fresh cache folder, unless --cache names a
warm one), the warm load in a fresh process (imports included, as a user sees it) and in this
one, segments/s for `score` (mean log-prob) and `token_logprobs` (per token, with entropies),
peak RSS and the machine's load. `--compare` also scores the pairs in float32 and prints how
far the chosen dtype's mean log-probs are from float32 (max/mean |Δ|, Kendall τ).
`--engine` picks the forward pass (auto: plain torch for Gemma 3, see qa.signals.gemma3_torch);
`--compare-engines` also runs transformers' and prints the largest per-token differences.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qa.signals import lm_model

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_DATA = ROOT.parent.parent / "shared" / "data" / "wmt22-jaen"


def pairs(data: Path, limit: int) -> list[tuple[str, str]]:
    src = (data / "src.ja").read_text(encoding="utf-8").splitlines()
    ref = (data / "ref.en").read_text(encoding="utf-8").splitlines()
    both = zip(src, ref, strict=True)
    return [(lm_model.PROMPT.format(source=s.strip()), e.strip()) for s, e in both][:limit]


def kendall_tau(a: list[float], b: list[float]) -> float:
    """Kendall τ_b (no ties expected in continuous scores; they count as neither)."""
    x, y = np.asarray(a), np.asarray(b)
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    both = (dx * dy).sum()
    return float(both / np.sqrt((dx != 0).sum() * (dy != 0).sum()))


def warm_load_subprocess(model: str, dtype: str, device: str, cache: Path, engine: str) -> float:
    code = (
        "import time; t = time.perf_counter(); from qa.signals import lm_model as m; "
        f"m.LMScorer({model!r}, device={device!r}, dtype={dtype!r}, cache=__import__('pathlib')"
        f".Path({str(cache)!r}), engine={engine!r}); print(time.perf_counter() - t)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.split()[-1])


def largest_gap(a: list[lm_model.TokenLogProbs], b: list[lm_model.TokenLogProbs]) -> float:
    """The largest |difference| between two runs' per-token log-probs and entropies."""
    gaps = [
        abs(x - y)
        for t, u in zip(a, b, strict=True)
        for x, y in zip(t.logprobs + t.entropies, u.logprobs + u.entropies, strict=True)
    ]
    return max(gaps, default=0.0)


def timed(f, *a):  # noqa: ANN001, ANN002, ANN201
    t = time.perf_counter()
    return f(*a), time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16"])
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--model", help="a .gguf, folder or hub id (default: Gemma 3 270M GGUF)")
    ap.add_argument("--cache", type=Path, help="cache folder (default: a fresh temporary one)")
    ap.add_argument("--compare", action="store_true", help="also score in float32 and compare")
    ap.add_argument("--engine", default="auto", choices=lm_model.ENGINES)
    ap.add_argument("--compare-engines", action="store_true", help="also run transformers'")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each number as it comes, also into a file
    if args.model is None:
        from qa.signals.lm import _default_model

        args.model = _default_model()
    items = pairs(args.data, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        s, cold = timed(lm_model.LMScorer, args.model, args.device, args.dtype, cache, args.engine)
        print(f"model {args.model}; device {s.device}, dtype {s.dtype}, threads {os.cpu_count()}, "
              f"engine {type(s.model).__name__}")  # fmt: skip
        print(f"cold load {cold:.1f} s ({lm_model.builds} GGUF dequantization(s))")
        warm_sub = warm_load_subprocess(args.model, args.dtype, args.device, cache, args.engine)
        _, warm = timed(lm_model.LMScorer, args.model, args.device, args.dtype, cache, args.engine)
        print(f"warm load {warm_sub:.1f} s in a new process (imports included), {warm:.1f} s here")
        s.score(items[:8])  # first-call allocations
        cpu = time.process_time()
        got, dt = timed(s.score, items)
        cpu = time.process_time() - cpu  # less sensitive than wall time to a shared machine
        print(f"score: {len(items)} pairs in {dt:.1f} s = {len(items) / dt:.1f} segments/s "
              f"({len(items) / cpu:.1f} per CPU-second)")  # fmt: skip
        toks, dt2 = timed(s.token_logprobs, items)
        print(f"token_logprobs: {len(items) / dt2:.1f} segments/s")
        if args.compare_engines:
            hf = lm_model.LMScorer(args.model, args.device, args.dtype, cache, "transformers")
            theirs, dt3 = timed(hf.token_logprobs, items)
            print(f"transformers' forward: {len(items) / dt3:.1f} segments/s; max |Δ| over "
                  f"log-probs and entropies {largest_gap(toks, theirs):.2e}")  # fmt: skip
        if args.compare and s.dtype != "float32":
            ref = lm_model.LMScorer(args.model, args.device, "float32", cache).score(items)
            d = np.abs(np.asarray(got) - np.asarray(ref))
            print(f"vs float32: max |Δ mean log-prob| {d.max():.4f}, mean {d.mean():.4f}, "
                  f"Kendall τ {kendall_tau(got, ref):.4f}")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MiB; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
