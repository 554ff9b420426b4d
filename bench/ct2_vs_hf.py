"""Speed of the two local MT backends on the same model: transformers vs CTranslate2.

    python -m bench.ct2_vs_hf --data ../shared/data/wmt22-jaen [--sources 200] [--tokens 48]

No Japanese→English model can be downloaded here, so this builds one with opus-mt-ja-en's
shape (Marian, 6+6 layers, d_model 512, 8 heads, FFN 2048; an 8,000-piece SentencePiece
vocabulary trained on the WMT22 source and reference) with random weights, converts it with
`mtqa`'s own `convert_to_ct2`, and retranslates the same WMT22 sources through
`load_translator` with each backend (greedy, cache off). Random weights never emit </s>, so
outputs run to `--tokens`: both backends decode about the same number of tokens, which is
what makes the timing comparable (the words are meaningless; the mean output length is
printed to show it). Prints segments/s and the ratio; CTranslate2 also with int8 weights.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench import wmt22
from qa.translate import load_translator
from qa.translate.ct2 import convert_to_ct2
from tests.conftest import build_tiny_marian


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=wmt22.DEFAULT_DATA)
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--tokens", type=int, default=48, help="tokens decoded per segment")
    args = ap.parse_args()
    data = wmt22.load(args.data)
    sources = data.src[: args.sources]
    print(f"machine: nproc={os.cpu_count()}, load avg={os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        hf_dir = build_tiny_marian(
            Path(tmp) / "marian", data.src + data.ref, vocab_size=8000,
            d_model=512, layers=6, heads=8, ffn=2048,
        )  # fmt: skip
        ct2_dirs = {
            "ct2 float32": convert_to_ct2(hf_dir, Path(tmp) / "ct2"),
            "ct2 int8": convert_to_ct2(hf_dir, Path(tmp) / "ct2-int8", quantization="int8"),
        }
        speed = {"transformers": _time(str(hf_dir), "hf", sources, args.tokens)}
        for name, folder in ct2_dirs.items():
            speed[name] = _time(str(folder), "ct2", sources, args.tokens)
    base = speed["transformers"][0]
    for name, (per_s, chars) in speed.items():
        print(
            f"{name}: {per_s:.1f} segments/s ({per_s / base:.2f}x transformers), "
            f"outputs {chars:.0f} characters on average"
        )


def _time(spec: str, backend: str, sources: list[str], tokens: int) -> tuple[float, float]:
    tr = load_translator(
        spec, backend=backend, device="cpu", batch_size=16, max_new_tokens=tokens,
        use_cache=False,
    )  # fmt: skip
    tr.translate(sources[:8])  # warm-up
    start = time.perf_counter()
    out = tr.translate(sources)
    secs = time.perf_counter() - start
    return len(sources) / secs, sum(map(len, out)) / len(out)


if __name__ == "__main__":
    main()
