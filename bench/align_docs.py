"""The aligner on WMT22 documents one at a time, as users give them (not concatenated into
one long pair as in bench/align_eval.py): correct documents (references as targets: every
link should be 1-1) and perturbed ones (deletions, insertions, merges as in align_eval),
whole (up to 40 units) and short (the first 2-5 units), with e5 alone and with a
retranslation (a WMT22 system's output standing in for the MT of each source unit).

`--tune` grid-searches the penalties on the "tune" half of the documents; report the
"eval" half's numbers (the default `--half`).

    python -m bench.align_docs --data ../shared/data/wmt22-jaen [--tune] [--priors]

Per setting: on correct documents the share of units not in their 1-1 link ("wrong") and
of those split into 1-0 + 0-1 ("split"); on perturbed ones F1 of 1-1 links and the share of
all gold links found exactly.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.align_eval import CachedEmbedder, Synthetic, halves, load, perturb, score_pairs
from qa.align import DEFAULT, AlignConfig, _gram_matrix, align

Unit = tuple[str, str, str]  # source, reference, system output
GRID = {
    "skip": [0.5, 0.6, 0.7],
    "merge": [0.3, 0.45],
    "merge_surplus": [2.0],
}


def documents(data: Path, half: str, system: str) -> tuple[list[list[Unit]], list[str]]:
    """The half's documents (of 2 units or more), and the other half's references (foreign
    lines to insert)."""
    src, ref, docs = load(data)
    mt = (data / "systems" / f"{system}.en").read_text(encoding="utf-8").splitlines()
    parts = halves(docs)
    by_doc: dict[str, list[Unit]] = {}
    for i in parts[half]:
        if src[i].strip() and ref[i].strip():
            by_doc.setdefault(docs[i], []).append((src[i], ref[i], mt[i]))
    other = "eval" if half == "tune" else "tune"
    return [d for d in by_doc.values() if len(d) >= 2], [ref[i] for i in parts[other]]


def settings(docs: list[list[Unit]], foreign: list[str]) -> dict[str, list[Synthetic]]:
    rng = np.random.default_rng(1)
    sizes = {"whole": [d[:40] for d in docs], "short": [d[: 2 + k % 4] for k, d in enumerate(docs)]}
    out: dict[str, list[Synthetic]] = {}
    for size, ds in sizes.items():
        cols = [list(map(list, zip(*d, strict=True))) for d in ds]  # [src, ref, mt] per doc
        out[f"correct, {size}"] = [Synthetic(s, r, _diagonal(len(s)), m) for s, r, m in cols]
        out[f"perturbed, {size}"] = [perturb(s, r, foreign, rng, m) for s, r, m in cols]
    return out


def _diagonal(n: int) -> set:
    return {((i,), (i,)) for i in range(n)}


def evaluate(
    syns: list[Synthetic], embed: CachedEmbedder, cfg: AlignConfig, with_rt: bool
) -> dict[str, float]:
    pairs = split = 0
    pred_all: set = set()
    gold_all: set = set()
    s_off = t_off = 0  # one score over all documents: their units numbered one after another
    for syn in syns:
        rts = syn.rts if with_rt else None
        links = align(syn.src, syn.tgt, retranslations=rts, embed=embed, config=cfg)
        paired = {s for s, t in syn.gold if len(s) == 1 and len(t) == 1}
        pairs += len(paired)
        split += sum(1 for lk in links if lk.kind == "1-0" and lk.src in paired)
        pred_all |= {_shift(lk.src, lk.tgt, s_off, t_off) for lk in links}
        gold_all |= {_shift(s, t, s_off, t_off) for s, t in syn.gold}
        s_off, t_off = s_off + len(syn.src), t_off + len(syn.tgt)
    m = score_pairs(pred_all, gold_all)
    m["split"] = split / max(pairs, 1)
    return m


def _shift(src: tuple[int, ...], tgt: tuple[int, ...], s_off: int, t_off: int):
    return tuple(i + s_off for i in src), tuple(j + t_off for j in tgt)


def report(name: str, runs: dict[str, list[Synthetic]], embed, cfg: AlignConfig) -> float:
    """Print one line per aligner input (e5, e5 + retranslation); return the tuning
    objective: exact links on perturbed documents minus twice the wrong share on correct
    ones (a false omission on a good translation costs a reviewer more than a missed one)."""
    total = 0.0
    for with_rt in (False, True):
        cells = []
        for setting, syns in runs.items():
            m = evaluate(syns, embed, cfg, with_rt)
            if setting.startswith("correct"):
                cells.append(f"{setting}: wrong {1 - m['exact']:.2%} split {m['split']:.2%}")
                total -= 2 * (1 - m["exact"])
            else:
                cells.append(f"{setting}: F1 {m['F1']:.4f} exact {m['exact']:.4f}")
                total += m["exact"]
        print(f"{name} [{'e5+rt' if with_rt else 'e5'}]: " + "; ".join(cells), flush=True)
    print(f"  objective {total:.4f}", flush=True)
    return total


def priors(data: Path, embed: CachedEmbedder, system: str) -> None:
    """Mean and within-unit spread of the cosines of each source unit with the *other*
    units' references of its document (e5), and of a system's output with them (char grams)."""
    docs, _ = documents(data, "tune", system)
    for name in ("e5", "rt"):
        means, stds = [], []
        for d in (d for d in docs if len(d) >= 3):
            src, ref, mt = zip(*d, strict=True)
            if name == "e5":
                x, y = _unit(embed(list(src))), _unit(embed(list(ref)))
            else:
                x, y = _gram_matrix(mt), _gram_matrix(ref)
            cos = x @ y.T
            for i, row in enumerate(cos):
                others = np.delete(row, i)
                means.append(others.mean())
                stds.append(others.std())
        print(f"{name}_prior = ({np.mean(means):.3f}, {np.mean(stds):.3f})  # {len(means)} units")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--half", default="eval", choices=["tune", "eval"])
    ap.add_argument("--system", default="Online-A", help="output standing in for the MT")
    ap.add_argument("--tune", action="store_true", help="grid-search on the tune half first")
    ap.add_argument("--priors", action="store_true", help="measure the background priors")
    args = ap.parse_args()
    embed = CachedEmbedder()
    if args.priors:
        priors(args.data, embed, args.system)
        return
    cfg = DEFAULT
    if args.tune:
        runs = settings(*documents(args.data, "tune", args.system))
        best = -np.inf
        for values in itertools.product(*GRID.values()):
            trial = replace(DEFAULT, **dict(zip(GRID, values, strict=True)))
            got = report(f"tune {dict(zip(GRID, values, strict=True))}", runs, embed, trial)
            if got > best:
                best, cfg = got, trial
        print("best:", {k: getattr(cfg, k) for k in GRID})
    shown = {k: getattr(cfg, k) for k in GRID}
    report(
        f"{args.half} {shown}", settings(*documents(args.data, args.half, args.system)), embed, cfg
    )


if __name__ == "__main__":
    main()
