"""Check the transformers backend on a CUDA GPU: the tiny test Marian model gives the same
greedy output on cuda as on cpu through `load_translator`, and how long a batch takes.

    python -m bench.gpu_translate            # needs torch with CUDA; run on a GPU machine
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from qa.translate import load_translator
from tests.conftest import build_tiny_marian, toy_pairs


def main() -> None:
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU visible to torch")
    sources = [ja for ja, _ in toy_pairs()][:256]
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_tiny_marian(Path(tmp) / "tiny")
        outs = {}
        for device in ("cpu", "cuda"):
            tr = load_translator(
                str(folder), device=device, batch_size=64, max_new_tokens=16, use_cache=False
            )
            tr.translate(sources[:8])  # warm-up
            start = time.perf_counter()
            outs[device] = tr.translate(sources)
            secs = time.perf_counter() - start
            print(f"{device}: {len(sources)} segments in {secs:.2f}s")
    same = sum(a == b for a, b in zip(outs["cpu"], outs["cuda"], strict=True))
    print(
        f"{torch.cuda.get_device_name(0)}: cuda output equals cpu output on {same}/{len(sources)}"
    )


if __name__ == "__main__":
    main()
