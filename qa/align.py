"""Align the units (paragraphs or sentences) of a Japanese source and its English target.

A monotone dynamic programme over the links 1-1, 2-1, 1-2, 1-0 (omission) and 0-1 (addition),
after Gale–Church (length), Bleualign (retranslation vs target) and Vecalign (embeddings of
concatenated windows for merges, margin-normalised cosine, banded search). The programme runs
in a band around the diagonal that is widened only when the best path touches its edge, so time
and memory grow with `n × band`, not `n × m`.

Every link gets a similarity (about 0 for unrelated text, towards 1 for a translation) built
from the terms in `link_similarity`; its cost is `1 - similarity`, and leaving a unit out costs
a fixed `skip` penalty.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from qa.lang import japanese_ratio
from qa.segment import looks_like_heading

Embedder = Callable[[list[str]], np.ndarray]


class Link(NamedTuple):
    """Indices of the source and target units aligned together; either may be empty."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]

    @property
    def kind(self) -> str:
        """ "1-1", "2-1", "1-2", "1-0" (omission) or "0-1" (addition)."""
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True)
class AlignConfig:
    """Penalties and weights, tuned on half of the WMT22 documents: `skip`, `merge` and
    `merge_surplus` one document at a time (bench/align_docs.py), the rest on documents
    concatenated into one pair (bench/align_eval.py)."""

    skip: float = 0.6  # cost of one unaligned unit: pairs less similar than 1 - 2*skip split up
    merge: float = 0.3  # extra cost of a 2-1 or 1-2 link over two plain links' worth
    # A merge must match better than its better part alone: else it is a 1-1 link that has
    # swallowed an omitted (or added) neighbour. Cost per unit of similarity it falls short.
    merge_surplus: float = 2.0
    w_rt: float = 0.5  # share of the retranslation term (vs e5) when retranslations are given
    w_len: float = 0.05
    w_anchor: float = 0.1
    w_heading: float = 0.2
    z_scale: float = 4.0  # e5/retranslation z-scores are divided by this (true pairs: z ≈ 3-4)
    ja_en_ratio: float = 0.45  # median non-space chars ja/en on WMT22 (measured)
    len_sigma: float = 0.3  # std of log(ja/en) there
    same_sigma: float = 0.1  # untranslated target: as long as its source, give or take 10%
    band: int = 24  # initial half-width of the search band around the diagonal
    # Background of a unit with no other unit to compare (a one-unit document): the mean
    # and spread of same-document non-translation cosines on WMT22 (bench/align_docs.py).
    e5_prior: tuple[float, float] = (0.804, 0.022)
    rt_prior: tuple[float, float] = (0.262, 0.081)
    # Embed concatenated neighbours for merges (Vecalign) or average their vectors: on WMT22
    # synthetic documents the mean scored as well (bench/align_eval.py) with half the e5 calls.
    window_embeddings: bool = False


DEFAULT = AlignConfig()
_MARGIN_SAMPLE = 64  # units of the other side used to estimate a unit's "background" similarity
_GRAM_DIM = 2048  # hashed character n-gram features
_MOVES = ((1, 1), (1, 0), (2, 1), (1, 2))  # 0-1 is handled by a scan along the row


# --- features of blocks of units (single units and neighbour pairs) ----------------------------


@dataclass
class Blocks:
    """Features of a list of text blocks on one side."""

    texts: list[str]
    emb: np.ndarray  # (k, d) L2-normalised e5 vectors
    grams: np.ndarray  # (k, G) L2-normalised hashed char n-grams
    length: np.ndarray  # non-space characters
    japanese: np.ndarray  # bool: the block is mostly Japanese
    anchors: list[frozenset[str]]
    heading: np.ndarray  # bool: looks like a heading (short, no sentence-final punctuation)
    rt_grams: np.ndarray | None = None  # char n-grams of the retranslation (source side only)


def _windows(texts: Sequence[str], sep: str) -> list[str]:
    return [a + sep + b for a, b in zip(texts, texts[1:], strict=False)]


def _char_grams(text: str) -> np.ndarray:
    """Hashed char 2-3-gram counts, sqrt-damped and normalised: a vectorisable chrF stand-in."""
    v = np.zeros(_GRAM_DIM, dtype=np.float32)
    t = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    for n in (2, 3):
        for i in range(len(t) - n + 1):
            v[zlib.crc32(t[i : i + n].encode()) % _GRAM_DIM] += 1.0
    v = np.sqrt(v)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[a-z][a-z\-']+")


def anchors(text: str) -> frozenset[str]:
    """Numbers and Latin words (NATO, AUKUS, 100) — tokens that survive translation as is."""
    t = unicodedata.normalize("NFKC", text).lower()
    nums = {n.replace(",", "") for n in _NUMBER.findall(t)}
    return frozenset(nums | set(_LATIN.findall(t)))


def _gram_matrix(texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, _GRAM_DIM), dtype=np.float32)
    return np.stack([_char_grams(t) for t in texts])


def _blocks(texts: list[str], emb: np.ndarray, rts: list[str] | None) -> Blocks:
    return Blocks(
        texts=texts,
        emb=emb,
        grams=_gram_matrix(texts),
        length=np.array([max(1, len("".join(t.split()))) for t in texts], dtype=np.float32),
        japanese=np.array([japanese_ratio(t) >= 0.5 for t in texts], dtype=bool),
        anchors=[anchors(t) for t in texts],
        heading=np.array([looks_like_heading(t) for t in texts], dtype=bool),
        rt_grams=None if rts is None else _gram_matrix(rts),
    )


def _normalise(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def _embed_all(
    src: list[str], tgt: list[str], embed: Embedder, windows: bool
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """e5 vectors for units and neighbour pairs of both sides, in one batched call."""
    groups = [src, tgt]
    if windows:
        groups += [_windows(src, " "), _windows(tgt, " ")]
    flat = [t for g in groups for t in g]
    vecs = _normalise(np.asarray(embed(flat), dtype=np.float32)) if flat else np.zeros((0, 1))
    parts, at = [], 0
    for g in groups:
        parts.append(vecs[at : at + len(g)])
        at += len(g)
    if not windows:  # a merge's vector is the mean of its parts' vectors
        parts += [_normalise(p[:-1] + p[1:]) for p in parts[:2]]
    return [parts[0], parts[2]], [parts[1], parts[3]]


# --- similarity terms --------------------------------------------------------------------------


@dataclass
class Side:
    """Blocks of size 1 and 2 on one side, plus each block's background similarity."""

    by_size: dict[int, Blocks]
    # (mean, std) of background cosines, shape (k, 2): column 0 against the other side's
    # non-Japanese units, column 1 against its Japanese (untranslated) units.
    bg_e5: dict[int, tuple[np.ndarray, np.ndarray]]
    bg_rt: dict[int, tuple[np.ndarray, np.ndarray]]


def _background_of(
    x: np.ndarray, other: np.ndarray, rng: np.random.Generator, prior: tuple[float, float]
):
    idx = rng.choice(len(other), size=min(_MARGIN_SAMPLE, len(other)), replace=False)
    # Each unit's best match is left out: on a short document the sample is mostly the
    # unit's own translation, which would pull its background up to itself (a correct pair
    # then scores as unrelated and is split into an omission plus an addition).
    cos = np.sort(x @ other[idx].T, axis=1)[:, :-1]
    if cos.shape[1] == 0:
        return np.full(len(x), prior[0]), np.full(len(x), max(prior[1], 0.04))
    # The spread is floored: with a handful of units the sample spread means nothing.
    return cos.mean(axis=1), np.maximum(cos.std(axis=1), 0.04)


def _background(
    x: np.ndarray,
    other: np.ndarray,
    other_ja: np.ndarray,
    rng: np.random.Generator,
    prior: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread of the cosines of each row of `x` with a sample of the other side,
    separately against its non-Japanese and its Japanese units.

    e5 cosines of unrelated ja/en pairs sit around 0.78, paragraphs of one article higher, and
    some units are "hubs" similar to everything; scoring a pair against its units' background
    (Vecalign's normalisation, here as a z-score) makes scores comparable across documents.
    Japanese left in the target is much closer to every source unit than English is, so each
    script gets its own background (else a half-untranslated target drowns the English pairs)."""
    k = len(x)
    mean, std = np.zeros((k, 2), dtype=np.float32), np.ones((k, 2), dtype=np.float32)
    if k == 0 or len(other) == 0:
        return mean, std
    overall = _background_of(x, other, rng, prior)
    for col, members in enumerate((~other_ja, other_ja)):
        sub = other[members] if members.sum() >= 3 else other
        got = _background_of(x, sub, rng, prior) if sub is not other else overall
        mean[:, col], std[:, col] = got
    return mean, std


def _zscore(
    cos: np.ndarray, bx, a: int, x_ja: bool, by, sl: slice, y_ja: np.ndarray, cfg: AlignConfig
) -> np.ndarray:
    """How many background spreads the pair's cosine stands above both units' backgrounds."""
    cols = y_ja.astype(int)
    mean = (bx[0][a][cols] + by[0][sl, int(x_ja)]) / 2
    std = (bx[1][a][cols] + by[1][sl, int(x_ja)]) / 2
    return (cos - mean) / std / cfg.z_scale


def _length_term(src_len: float, tgt: Blocks, sl: slice, cfg: AlignConfig) -> np.ndarray:
    # Gale–Church: translations keep a length ratio; log-normal penalty, 0 at the usual ratio.
    # An untranslated (Japanese) target should be as long as its source, and tightly so.
    ja = tgt.japanese[sl]
    ratio = np.where(ja, 1.0, cfg.ja_en_ratio)
    sigma = np.where(ja, cfg.same_sigma, cfg.len_sigma)
    delta = np.log(src_len / (ratio * tgt.length[sl])) / sigma
    return -np.minimum(delta**2 / 2, 4.0)


def _anchor_term(src_anchors: frozenset[str], tgt: Blocks, sl: slice) -> np.ndarray:
    # Numbers and Latin names of the source should reappear in the translation. Only tokens the
    # source has count on the target side (an English target is all Latin words). Neutral when
    # the source has none; slightly negative when none of them reappears.
    if not src_anchors:
        return np.zeros(sl.stop - sl.start, dtype=np.float32)
    found = [len(src_anchors & a) / len(src_anchors) for a in tgt.anchors[sl]]
    return np.asarray(found, dtype=np.float32) - 0.25


def _surface_term(src: Blocks, a: int, tgt: Blocks, sl: slice) -> np.ndarray:
    # Text left in Japanese in the target shares characters with its source: a direct overlap
    # is then a near-perfect signal. Only computed for Japanese targets (else no evidence).
    out = np.full(sl.stop - sl.start, -np.inf, dtype=np.float32)
    ja = tgt.japanese[sl]
    if ja.any():
        cos = tgt.grams[sl][ja] @ src.grams[a]
        out[ja] = np.clip((cos - 0.3) / 0.6, 0.0, 1.0)
    return out


def link_similarity(
    s: Side, ss: int, a: int, t: Side, ts: int, sl: slice, cfg: AlignConfig
) -> np.ndarray:
    """Similarity of source block `a` (of `ss` units) with target blocks `sl` (of `ts` units)."""
    src, tgt = s.by_size[ss], t.by_size[ts]
    # Meaning across scripts: multilingual e5, as a z-score against each unit's background.
    x_ja, y_ja = bool(src.japanese[a]), tgt.japanese[sl]
    sim = _zscore(tgt.emb[sl] @ src.emb[a], s.bg_e5[ss], a, x_ja, t.bg_e5[ts], sl, y_ja, cfg)
    if src.rt_grams is not None:
        # Bleualign: the retranslation of the source should resemble the target.
        cos = tgt.grams[sl] @ src.rt_grams[a]
        rt = _zscore(cos, s.bg_rt[ss], a, x_ja, t.bg_rt[ts], sl, y_ja, cfg)
        sim = (1 - cfg.w_rt) * sim + cfg.w_rt * rt
    sim = np.maximum(sim, _surface_term(src, a, tgt, sl))
    sim = sim + cfg.w_len * _length_term(float(src.length[a]), tgt, sl, cfg)
    sim = sim + cfg.w_anchor * _anchor_term(src.anchors[a], tgt, sl)
    return sim + cfg.w_heading * _heading_term(bool(src.heading[a]), tgt, sl)


def _heading_term(src_heading: bool, tgt: Blocks, sl: slice) -> np.ndarray:
    # Document structure: a heading translates as a heading (hunalign's paragraph markers).
    # Bonus when both are headings, half a penalty when only one is.
    same = tgt.heading[sl] == src_heading
    return np.where(same, 1.0 if src_heading else 0.0, -0.5)


def _build_sides(
    src: list[str],
    tgt: list[str],
    retranslations: list[str] | None,
    embed: Embedder,
    cfg: AlignConfig,
) -> tuple[Side, Side]:
    (se1, se2), (te1, te2) = _embed_all(src, tgt, embed, cfg.window_embeddings)
    rts = retranslations
    sb = {1: _blocks(src, se1, rts), 2: _blocks(_windows(src, ""), se2, rts and _windows(rts, " "))}
    tb = {1: _blocks(tgt, te1, None), 2: _blocks(_windows(tgt, " "), te2, None)}
    for side in (sb, tb):  # a heading merged with its neighbour is still a heading's block:
        h = side[1].heading  # a heading does not merge into a body paragraph (half a penalty)
        side[2].heading = h[:-1] | h[1:]
    rng = np.random.default_rng(0)
    s_ja, t_ja = sb[1].japanese, tb[1].japanese
    pe, pr = cfg.e5_prior, cfg.rt_prior
    s_mu = {k: _background(b.emb, tb[1].emb, t_ja, rng, pe) for k, b in sb.items()}
    t_mu = {k: _background(b.emb, sb[1].emb, s_ja, rng, pe) for k, b in tb.items()}
    s_rt: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    t_rt: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if rts is not None:
        s_rt = {k: _background(b.rt_grams, tb[1].grams, t_ja, rng, pr) for k, b in sb.items()}  # type: ignore[arg-type]
        t_rt = {k: _background(b.grams, sb[1].rt_grams, s_ja, rng, pr) for k, b in tb.items()}  # type: ignore[arg-type]
    return Side(sb, s_mu, s_rt), Side(tb, t_mu, t_rt)


# --- banded dynamic programme ------------------------------------------------------------------


@dataclass
class _Band:
    lo: np.ndarray  # first target column of each row (inclusive)
    hi: np.ndarray  # last target column of each row (inclusive)

    @classmethod
    def around_diagonal(cls, n: int, m: int, width: int) -> _Band:
        centre = np.round(np.arange(n + 1) * (m / max(n, 1))).astype(int)
        return cls(np.maximum(centre - width, 0), np.minimum(centre + width, m))


def _cost_row(
    s: Side, t: Side, i: int, cols: np.ndarray, move: tuple[int, int], cfg: AlignConfig
) -> np.ndarray:
    """Cost of the link `move` ending at (i, cols): source block ends at unit i-1."""
    ss, ts = move
    out = np.full(len(cols), np.inf)
    if ts == 0:
        return np.full(len(cols), cfg.skip * ss)
    ok = cols - ts >= 0
    if not ok.any():
        return out
    first = int(cols[ok][0]) - ts  # target blocks start at column - ts
    sl = slice(first, int(cols[-1]) - ts + 1)
    sim = link_similarity(s, ss, i - ss, t, ts, sl, cfg)
    # A merge is two units' worth of alignment: charge what two 1-1 links would, plus a fee.
    extra = cfg.merge if ss + ts > 2 else 0.0
    if ss + ts > 2 and cfg.merge_surplus:
        extra = extra + cfg.merge_surplus * np.maximum(_best_part(s, t, i, sl, move, cfg) - sim, 0)
    out[ok] = (1.0 - sim) * (ss + ts) / 2 + extra
    return out


def _best_part(s: Side, t: Side, i: int, sl: slice, move: tuple[int, int], cfg: AlignConfig):
    """The better 1-1 similarity of a merge's two parts (2-1: either source unit with the
    target unit; 1-2: the source unit with either target unit)."""
    if move == (2, 1):
        parts = [link_similarity(s, 1, i - k, t, 1, sl, cfg) for k in (2, 1)]
    else:  # (1, 2): target blocks of two start at sl.start; their units are j and j + 1
        parts = [
            link_similarity(s, 1, i - 1, t, 1, slice(sl.start + k, sl.stop + k), cfg)
            for k in (0, 1)
        ]
    return np.maximum(*parts)


def _take(rows: list[np.ndarray], band: _Band, r: int, cols: np.ndarray) -> np.ndarray:
    """D[r, cols] with +inf outside row r's band."""
    if r < 0:
        return np.full(len(cols), np.inf)
    inside = (cols >= band.lo[r]) & (cols <= band.hi[r])
    out = np.full(len(cols), np.inf)
    out[inside] = rows[r][cols[inside] - band.lo[r]]
    return out


def _run_dp(s: Side, t: Side, n: int, m: int, band: _Band, cfg: AlignConfig):
    D: list[np.ndarray] = []
    moves: list[np.ndarray] = []  # index into _MOVES of the best non-insertion move
    origin: list[np.ndarray] = []  # column where a run of 0-1 links into this cell starts
    for i in range(n + 1):
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        best = np.where(cols == 0, 0.0, np.inf) if i == 0 else np.full(len(cols), np.inf)
        mv = np.full(len(cols), -1, dtype=np.int8)
        for k, (ds, dt) in enumerate(_MOVES):
            if i < ds:
                continue
            cand = _take(D, band, i - ds, cols - dt)
            fin = np.isfinite(cand)
            if not fin.any():
                continue
            cand = cand + _cost_row(s, t, i, cols, (ds, dt), cfg)
            better = cand < best
            best, mv = np.where(better, cand, best), np.where(better, k, mv).astype(np.int8)
        # 0-1 links: D[i, j] = min_k best[k] + (j - k) * skip, a running minimum along the row.
        shifted = best - cols * cfg.skip
        run = np.minimum.accumulate(shifted)
        pos = np.arange(len(cols))
        org = np.maximum.accumulate(np.where(shifted <= run, pos, 0))
        D.append(run + cols * cfg.skip)
        moves.append(mv)
        origin.append(org + band.lo[i])
    return moves, origin


def _backtrack(moves, origin, band: _Band, n: int, m: int) -> tuple[list[Link], bool]:
    """Links from (0,0) to (n,m), and whether the path touched an inner edge of the band."""
    links: list[Link] = []
    i, j, touched = n, m, False
    while i > 0 or j > 0:
        touched |= bool((j == band.lo[i] and j > 0) or (j == band.hi[i] and j < m))
        start = int(origin[i][j - band.lo[i]])
        links.extend(Link((), (k,)) for k in range(j - 1, start - 1, -1))
        j = start
        touched |= bool((j == band.lo[i] and j > 0) or (j == band.hi[i] and j < m))
        if i == 0:
            break
        ds, dt = _MOVES[int(moves[i][j - band.lo[i]])]
        links.append(Link(tuple(range(i - ds, i)), tuple(range(j - dt, j))))
        i, j = i - ds, j - dt
    return links[::-1], touched


def align(
    src_units: Sequence[str],
    tgt_units: Sequence[str],
    *,
    retranslations: Sequence[str] | None = None,
    embed: Embedder,
    config: AlignConfig = DEFAULT,
) -> list[Link]:
    """Monotone alignment of source and target units; every unit appears in exactly one link.

    `retranslations` (one per source unit, English MT of the source) add the Bleualign term.
    `embed` maps texts to vectors (the pipeline passes its e5 `Embedder.matrix`, whose cache
    the e5 signals then reuse: each unit is embedded once per run)."""
    src, tgt = list(src_units), list(tgt_units)
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    if retranslations is not None and len(retranslations) != n:
        raise ValueError(f"{len(retranslations)} retranslations for {n} source units")
    rts = list(retranslations) if retranslations is not None else None
    s, t = _build_sides(src, tgt, rts, embed, config)
    width = config.band + abs(n - m)
    while True:
        band = _Band.around_diagonal(n, m, width)
        links, touched = _backtrack(*_run_dp(s, t, n, m, band, config), band, n, m)
        if not touched or width >= max(n, m):
            return links
        width *= 2  # the best path ran along the band's edge: it may lie outside; search wider
