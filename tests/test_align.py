"""The aligner: exact recovery on a controlled toy, and quality on perturbed WMT22 documents."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.align import AlignConfig, Link, align
from tests.helpers import shared_models

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MTQA_SHARED", ROOT.parent / "shared"))
WMT = SHARED / "data" / "wmt22-jaen"


# --- a toy "language": unit k is the private-use character k repeated; its vector is fixed ---

_BASIS = np.random.default_rng(7).normal(size=(200, 64))


def toy_embed(texts: list[str]) -> np.ndarray:
    """Sum of the basis vectors of the distinct units a text is made of (so merges work)."""
    out = []
    for t in texts:
        keys = {ord(c) - 0xE000 for c in t if "\ue000" <= c <= "\ue0ff"}
        out.append(sum((_BASIS[k] for k in keys), np.zeros(64)))
    return np.array(out)


def src_unit(k: int) -> str:
    return chr(0xE000 + k) * 4


def tgt_unit(k: int) -> str:
    return chr(0xE000 + k) * 9  # ja ≈ 0.45 × en in characters


def kinds(links: list[Link]) -> list[str]:
    return [lk.kind for lk in links]


def test_identity_is_all_one_to_one():
    links = align(
        [src_unit(k) for k in range(30)], [tgt_unit(k) for k in range(30)], embed=toy_embed
    )
    assert links == [Link((k,), (k,)) for k in range(30)]


def test_deletion_insertion_merge_and_split_are_recovered():
    src = [src_unit(k) for k in range(40)]
    tgt = [tgt_unit(k) for k in range(40)]
    del tgt[10]  # source 10 untranslated: omission
    tgt.insert(20, tgt_unit(150))  # foreign text: addition (target 20)
    tgt[25:27] = [tgt[25] + " " + tgt[26]]  # targets of sources 25, 26 merged: 2-1
    src[33:35] = [src[33] + src[34]]  # sources 33, 34 merged: 1-2
    links = align(src, tgt, embed=toy_embed)
    assert Link((10,), ()) in links
    assert Link((), (20,)) in links
    assert Link((25, 26), (25,)) in links
    assert Link((33,), (32, 33)) in links
    assert kinds(links).count("1-1") == 40 - 1 - 2 - 2
    assert sorted(i for lk in links for i in lk.src) == list(range(len(src)))
    assert sorted(j for lk in links for j in lk.tgt) == list(range(len(tgt)))


def test_empty_sides():
    assert align([], ["a"], embed=toy_embed) == [Link((), (0,))]
    assert align(["あ"], [], embed=toy_embed) == [Link((0,), ())]


def test_band_widens_when_the_path_leaves_it():
    # 30 targets inserted up front push the path far off the diagonal of a narrow band.
    src = [src_unit(k) for k in range(40)]
    tgt = [tgt_unit(100 + k) for k in range(30)] + [tgt_unit(k) for k in range(40)]
    links = align(src, tgt, embed=toy_embed, config=AlignConfig(band=2))
    assert [lk for lk in links if lk.kind == "1-1"] == [Link((k,), (30 + k,)) for k in range(40)]


def test_untranslated_target_aligns_to_identical_source():
    # Two near-duplicate source paragraphs; the Japanese left in the target is the second one.
    src = [
        "NATOの拡大に反対する。",
        "両国はNATOのさらなる拡大に反対すると明記した。",
        "最後の段落です。",
    ]
    tgt = ["They oppose NATO expansion.", "両国はNATOのさらなる拡大に反対すると明記した。"]
    links = align(src, tgt, embed=toy_embed)  # no semantic signal: surface overlap decides
    assert Link((1,), (1,)) in links


# --- real text: perturbed WMT22 documents --------------------------------------------------


def _bench():
    spec = importlib.util.spec_from_file_location("align_eval", ROOT / "bench" / "align_eval.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["align_eval"] = mod  # dataclasses look their module up while being defined
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(not WMT.is_dir(), reason=f"WMT22 data not found at {WMT} (set MTQA_SHARED)")
def test_wmt22_synthetic_document_alignment():
    bench = _bench()
    src, ref, docs = bench.load(WMT)
    take = bench.halves(docs)["eval"][:120]
    foreign = [ref[i] for i in bench.halves(docs)["tune"][:200]]
    syn = bench.perturb(
        [src[i] for i in take], [ref[i] for i in take], foreign, np.random.default_rng(3)
    )
    links = align(syn.src, syn.tgt, embed=shared_models().embedder.matrix)
    m = bench.score(links, syn.gold)
    assert m["F1"] >= 0.9, m
    gold_skips = {g for g in syn.gold if not g[0] or not g[1]}
    found = {(lk.src, lk.tgt) for lk in links} & gold_skips
    assert len(found) >= 0.7 * len(gold_skips)
