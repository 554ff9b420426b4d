"""The English LM behind the `lm` signal: loading (with a cache of dequantized GGUF weights),
fast batched scoring, and per-token log-probabilities that point at the least likely words.

Loading: transformers reads a .gguf by dequantizing every tensor (~45 s for Gemma 3 270M on two
cores). The first load writes the result to mtqa's cache (`$MTQA_CACHE` or `~/.cache/mtqa`,
`lm/<name>-<key>-<dtype>/`, safetensors + tokenizer); later loads read that folder. The key is
the GGUF's size and mtime, so a replaced file gets a fresh cache. The folder is written under a
temporary name and renamed into place, with a manifest of file sizes written last: a kill
mid-write leaves no cache, and a cache that fails the manifest or fails to load is rebuilt.
A Gemma 3 folder (the cache, or one `MTQA_LM_MODEL` names) runs on `gemma3_torch`, plain torch,
with the same numbers as transformers' forward and without its ~4 s of imports; any other
model (a hub id, another architecture) loads through transformers.

Scoring: bfloat16 where the CPU has native bf16 matmuls (AMX/AVX512-BF16, as `e5_torch`
decides) or on a CUDA device that supports it; float32 elsewhere. Texts are batched by length
within a padded-token budget and the 262k-word output layer runs only at target positions.
In bf16 the target token's logit is taken in float32 (a dot product with its embedding row),
so only the normaliser (log-sum-exp over the vocabulary) sees bf16 rounding.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from qa.signals import heap
from qa.signals.batching import token_batches

if TYPE_CHECKING:
    import torch

PROMPT = "Japanese: {source}\nEnglish:"
BATCH_TOKENS = 1024  # padded tokens per forward pass (5% faster than 2048 on 2 EPYC cores)
HEAD_ROWS = 64  # positions per output-layer matmul: 34 MB of bf16 logits for Gemma's 262k words
NORM_ROWS = 2  # positions per normalising pass: 2 MB of float32, which stays in the CPU cache
MANIFEST = "mtqa-cache.json"  # written last: its presence and sizes say the cache is complete
CACHE_VERSION = 1
ENGINES = ("auto", "torch", "transformers")
SCORING = 5  # how scores are computed (3: opposites weighed; 4: WordNet's; 5: + quality)

builds = 0  # GGUF dequantizations in this process (tests assert a warm load adds none)


# --------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TokenLogProbs:
    """One scored target: per token, its log-probability, its [start, end) character offsets
    into `target` and the entropy (nats) of the model's prediction at that position; per
    alternative asked for (`LMScorer.token_logprobs`), how many nats more likely the model
    found the alternative (one token) than the target's own token there (None: no token
    starts at that character, or the alternative is more than one token)."""

    target: str
    logprobs: list[float]
    offsets: list[tuple[int, int]]
    entropies: list[float]
    contrasts: tuple[float | None, ...] = ()
    quality: float | None = None  # the scorer's Probe read of its states (None: no probe)

    @property
    def mean(self) -> float:
        return sum(self.logprobs) / max(len(self.logprobs), 1)


@dataclass(frozen=True)
class Probe:
    """A linear read-out of the LM's pooled states (`pool`) after its first `layer` layers
    (None: its final, normed states): the crowd score (WMT22 DA z) a ridge regression learned
    to predict from them (`bench/fit_quality.py`). It belongs to the LM it was fitted on: `lm`
    the name that says which."""

    lm: str
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    layer: int | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Probe:
        vectors = (tuple(d[k]) for k in ("mean", "scale", "coef"))
        return cls(d["lm"], *vectors, d["intercept"], d.get("layer"))

    def __call__(self, pooled: torch.Tensor) -> list[float]:
        """The predicted crowd score of each row of `pooled` (float32, n x 2d)."""
        import torch

        mean, scale, coef = (torch.tensor(v, dtype=torch.float64) for v in
                             (self.mean, self.scale, self.coef))  # fmt: skip
        z = ((pooled.double().cpu() - mean) / scale) @ coef + self.intercept
        return z.tolist()


def pool(hidden: torch.Tensor, enc: list[tuple[list[int], int, list]]) -> torch.Tensor:
    """Per item of a batch, its states (one layer's) read as one vector (float32, n x 2d): the
    mean over the positions that predict its English tokens, beside the state at its last
    token."""
    import torch

    return torch.stack(
        [
            torch.cat(
                [hidden[r, at - 1 : len(ids) - 1].float().mean(0), hidden[r, len(ids) - 1].float()]
            )
            for r, (ids, at, _) in enumerate(enc)
        ]
    )


@dataclass(frozen=True)
class Word:
    """A whitespace-delimited word of the target with its tokens' summed values."""

    start: int
    end: int
    logprob: float  # sum over its tokens
    excess: float  # surprisal above what the model expected: Σ (−logprob − entropy)


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the target, [start, end)
    end: int
    score: float  # nats of surprisal above expectation; higher = less likely


def words(t: TokenLogProbs) -> list[Word]:
    """Merge tokens into whitespace-delimited words. A token belongs to the word holding its
    first non-space character; a token with none (a bare space, a byte piece with an empty
    span) joins the next word, or the last word at the end."""
    owner, units = _word_index(t.target)
    sums: list[list[float]] = [[0.0, 0.0] for _ in units]
    pending = [0.0, 0.0]
    for lp, ent, (s, e) in zip(t.logprobs, t.entropies, t.offsets, strict=True):
        w = next((owner[c] for c in range(s, e) if owner[c] >= 0), -1)
        pending = [pending[0] + lp, pending[1] + (-lp - ent)]
        if w >= 0:
            sums[w] = [sums[w][0] + pending[0], sums[w][1] + pending[1]]
            pending = [0.0, 0.0]
    if units and pending != [0.0, 0.0]:
        sums[-1] = [sums[-1][0] + pending[0], sums[-1][1] + pending[1]]
    return [Word(s, e, lp, ex) for (s, e), (lp, ex) in zip(units, sums, strict=True)]


def _word_index(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    owner = [-1] * len(text)
    units: list[tuple[int, int]] = []
    start = None
    for i, ch in enumerate([*text, " "]):
        if not ch.isspace() and start is None:
            start = i
        elif ch.isspace() and start is not None:
            owner[start:i] = [len(units)] * (i - start)
            units.append((start, i))
            start = None
    return owner, units


def least_likely_spans(
    t: TokenLogProbs,
    max_words: int = 3,
    top: int = 1,
    extend_cost: float = 0.5,
    judged: Callable[[str], bool] | None = None,
) -> list[Span]:
    """The `top` non-overlapping windows of 1..`max_words` consecutive words whose surprisal
    most exceeds what the model expected there (Σ over tokens of −log p − entropy), best first.

    Surprisal minus entropy is ~0 on average for text the model finds ordinary, so a window
    grows only over words that are themselves surprising; `extend_cost` nats per extra word
    keeps a window from swallowing a barely surprising neighbour. With `judged`, a window
    holds only words (their text) for which it is true. Empty for an empty target."""
    ws = words(t)
    ok = [judged is None or judged(t.target[w.start : w.end]) for w in ws]
    cands = [
        (sum(w.excess for w in ws[i:j]) - extend_cost * (j - i - 1), i, j)
        for i in range(len(ws))
        for j in range(i + 1, min(i + max_words, len(ws)) + 1)
        if all(ok[i:j])
    ]
    picked: list[Span] = []
    used: set[int] = set()
    for _, i, j in sorted(cands, key=lambda c: (-c[0], c[2] - c[1])):
        if len(picked) == top:
            break
        if used.isdisjoint(range(i, j)):
            used.update(range(i, j))
            picked.append(Span(ws[i].start, ws[j - 1].end, sum(w.excess for w in ws[i:j])))
    return picked


# --------------------------------------------------------------------------------- loading


def cache_root() -> Path:
    env = os.environ.get("MTQA_CACHE")
    return (Path(env).expanduser() if env else Path.home() / ".cache" / "mtqa") / "lm"


def gguf_cache_dir(gguf: Path, dtype: str, root: Path | None = None) -> Path:
    """Where the dequantized weights of `gguf` in `dtype` are cached."""
    import hashlib

    st = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    return (root or cache_root()) / f"{gguf.stem}-{key[:12]}-{dtype}"


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda asked for, but torch sees no CUDA device")
    return device


def resolve_dtype(dtype: str, device: str) -> str:
    """bfloat16 where its matmuls are native (emulated they are slower), else float32."""
    import torch

    if dtype != "auto":
        if dtype not in ("float32", "bfloat16"):
            raise ValueError(f"dtype must be auto, float32 or bfloat16, not {dtype!r}")
        return dtype
    if device == "cuda":
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    try:
        fast = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        fast = False
    return "bfloat16" if fast else "float32"


def load(where: str, dtype: str, cache: Path | None = None, engine: str = "auto"):  # noqa: ANN201
    """(tokenizer, model): the raw `tokenizers.Tokenizer` and the model behind `states` and
    `head_weight`, from a .gguf (through the cache), a folder or a hub id. `engine`: "auto"
    (plain torch for a Gemma 3 folder, else transformers), "torch" or "transformers"."""
    if engine not in ENGINES:
        raise ValueError(f"unknown LM engine {engine!r} (expected one of {', '.join(ENGINES)})")
    if where.endswith(".gguf"):
        return _load_cached(Path(where), dtype, cache, engine)
    return _hf_tokenizer(where), _model(where, dtype, engine)


def _model(where: str, dtype: str, engine: str):  # noqa: ANN202 - Gemma3 or Transformers
    import torch

    from qa.signals import gemma3_torch  # imports torch

    if engine != "transformers" and gemma3_torch.supports(Path(where)):
        return gemma3_torch.Gemma3(Path(where), getattr(torch, dtype))
    if engine == "torch":
        raise ValueError(f"{where}: not a Gemma 3 text model the torch engine runs")
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging

    logging.disable_progress_bar()  # transformers' weight-loading bars
    return Transformers(AutoModelForCausalLM.from_pretrained(where, dtype=getattr(torch, dtype)))


class Transformers:
    """A transformers causal LM behind the interface the scorer uses (as `gemma3_torch.Gemma3`):
    `states(ids, mask, tap)`, the output layer's `head_weight`/`head_bias`, `softcap`, `dtype`."""

    def __init__(self, model) -> None:  # noqa: ANN001 - a transformers PreTrainedModel
        self.model = model.eval()
        self.softcap = getattr(model.config, "final_logit_softcapping", None)
        self.dtype = next(model.parameters()).dtype

    @property
    def head_weight(self) -> torch.Tensor:
        return self.model.get_output_embeddings().weight

    @property
    def head_bias(self) -> torch.Tensor | None:
        return self.model.get_output_embeddings().bias

    def to(self, device: str) -> Transformers:
        self.model.to(device)
        return self

    def release(self) -> int:
        return 0  # transformers' weights are its own copies, not pages of a file

    def states(
        self, ids: torch.Tensor, mask: torch.Tensor, tap: int | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """As `gemma3_torch.Gemma3.states` (transformers' hidden_states[tap])."""
        want = tap is not None
        out = self.model.model(
            input_ids=ids, attention_mask=mask, use_cache=False, output_hidden_states=want
        )
        final = out.last_hidden_state
        return final, final if tap is None else out.hidden_states[tap]


def _load_cached(gguf: Path, dtype: str, cache: Path | None, engine: str):  # noqa: ANN202
    """Load from the cache; a cache that passes its manifest but fails to load (bytes damaged
    in place) is rebuilt once."""
    folder = _cached(gguf, dtype, cache)
    try:
        return _raw_tokenizer(folder), _model(str(folder), dtype, engine)
    except Exception as e:  # noqa: BLE001 - damage surfaces as safetensors', json's, torch's errors
        why = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"mtqa: LM cache {folder} fails to load ({why}); rebuilding it", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
    folder = _cached(gguf, dtype, cache)
    return _raw_tokenizer(folder), _model(str(folder), dtype, engine)


def _raw_tokenizer(folder: Path):  # noqa: ANN202 - tokenizers.Tokenizer
    """Our own cache's tokenizer.json, read directly: transformers' GemmaTokenizer wrapper
    takes ~3 s more to build for the same splits (its post-processor adds <bos>, checked when
    the cache is written)."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def _hf_tokenizer(where: str):  # noqa: ANN202 - tokenizers.Tokenizer
    """The fast tokenizer transformers configures (special tokens, <bos>) for any other model."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(where)
    if not getattr(hf, "is_fast", False):
        raise ValueError(f"{where}: the LM needs a fast (tokenizers) tokenizer")
    return hf.backend_tokenizer


def _cached(gguf: Path, dtype: str, root: Path | None) -> Path:
    if not gguf.is_file():
        raise OSError(f"no such GGUF file: {gguf}")
    dst = gguf_cache_dir(gguf, dtype, root)
    problem = _check_cache(dst)
    if problem is None:
        return dst
    if dst.exists():
        print(f"mtqa: LM cache {dst} is unusable ({problem}); rebuilding it", file=sys.stderr)
    _build_cache(gguf, dst, dtype)
    return dst


def _check_cache(folder: Path) -> str | None:
    """None when `folder` holds a complete cache, else what is wrong with it."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no manifest"
    except (OSError, ValueError) as e:
        return f"unreadable manifest: {e}"
    if manifest.get("version") != CACHE_VERSION:
        return "older cache version"
    for name, size in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            return f"{name} missing or truncated"
    return None


def _build_cache(gguf: Path, dst: Path, dtype: str) -> None:
    global builds
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig
    from transformers.utils import logging

    logging.disable_progress_bar()  # weight-loading and shard-writing bars
    if sys.stderr.isatty():
        print(f"mtqa: dequantizing {gguf.name} once (about a minute) into {dst}", file=sys.stderr)
    tmp = dst.with_name(f".{dst.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    # Dense weights even where the `kernels` package could keep them packed: the cache is dense.
    dense = GgufConfig(dequantize=True)
    with _quiet_gguf_bar():
        tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, quantization_config=dense,
            dtype=getattr(torch, dtype),
        )  # fmt: skip
    builds += 1
    _forget_gguf(model)
    try:
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        probe = "Japanese: 犬\nEnglish: a dog"
        if _raw_tokenizer(tmp).encode(probe).ids != tok(probe).input_ids:
            raise ValueError(f"{gguf}: its saved tokenizer splits text differently on reload")
        _honour_umask(tmp)
        files = {p.name: p.stat().st_size for p in tmp.iterdir() if p.is_file()}
        manifest = {"version": CACHE_VERSION, "source": str(gguf), "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _swap_in(tmp, dst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _honour_umask(folder: Path) -> None:
    """safetensors writes its file 0600; make the cache files what the umask allows."""
    mask = os.umask(0)
    os.umask(mask)
    for p in folder.iterdir():
        p.chmod(0o666 & ~mask)
    folder.chmod(0o777 & ~mask)


def _swap_in(tmp: Path, dst: Path) -> None:
    """Rename `tmp` to `dst`, moving a broken `dst` aside first. If another process put a
    complete cache there in the meantime, keep that one."""
    if dst.exists():
        if _check_cache(dst) is None:
            return
        old = dst.with_name(f".{dst.name}.old-{os.getpid()}")
        dst.rename(old)
        shutil.rmtree(old, ignore_errors=True)
    try:
        tmp.rename(dst)
    except OSError:
        if _check_cache(dst) is not None:
            raise


def _forget_gguf(model) -> None:  # noqa: ANN001 - a transformers model
    """Without the `kernels` package transformers dequantizes every GGUF tensor but still marks
    the model as GGUF-quantized, which `save_pretrained` refuses: drop the marks."""
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    for attr in ("is_quantized", "quantization_method"):
        model.__dict__.pop(attr, None)


@contextmanager
def _quiet_gguf_bar() -> Iterator[None]:
    """Silence the GGUF reader's raw tqdm bar (older transformers) and its warnings."""
    from functools import partial

    from transformers import modeling_gguf_pytorch_utils as gguf_utils
    from transformers.utils import logging

    orig, level = gguf_utils.tqdm, logging.get_verbosity()
    gguf_utils.tqdm = partial(orig, disable=True)
    logging.set_verbosity_error()  # "dequantizing the whole model": that is the point here
    try:
        yield
    finally:
        gguf_utils.tqdm = orig
        logging.set_verbosity(level)


def default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------------- scoring


class LMScorer:
    """A causal LM that scores English continuations of a prompt.

    `where`: a .gguf file (dequantized once into the cache), a model folder or a hub id.
    `device`: "auto" (CUDA when present), "cpu" or "cuda". `dtype`: "auto" (bfloat16 where it
    is native, else float32), "float32" or "bfloat16". `cache`: the cache folder (default
    `cache_root()`). `engine`: see `load` (tests and benches compare the two forwards)."""

    def __init__(
        self,
        where: str,
        device: str = "auto",
        dtype: str = "auto",
        cache: Path | None = None,
        engine: str = "auto",
    ) -> None:
        import torch

        heap.limit_kernel_cache()
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        if self.device == "cpu":
            torch.set_num_threads(default_threads())
        self.tok, self.model = load(where, self.dtype, cache, engine)
        self.model.to(self.device)
        self.probe: Probe | None = None  # set by whoever knows a probe fitted on this LM

    def encode(self, prompt: str, english: str) -> tuple[list[int], int]:
        """Token ids of prompt + English, and where the English starts."""
        ids, start, _ = self.encode_offsets(prompt, english)
        return ids, start

    def encode_offsets(self, prompt: str, english: str) -> tuple[list[int], int, list]:
        """As `encode`, plus each English token's [start, end) offsets into `english`."""
        p = self.tok.encode(prompt).ids  # with the model's <bos>
        e = self.tok.encode(" " + english, add_special_tokens=False)
        # The English is encoded after a space (as it follows "English:"): shift offsets back.
        offs = [(max(s - 1, 0), max(t - 1, 0)) for s, t in e.offsets]
        return p + e.ids, len(p), offs

    def score(self, items: list[tuple[str, str]]) -> list[float]:
        """Mean log-probability of each English text's tokens given its prompt."""
        return [t.mean for t in self._run(items, entropy=False)]

    def token_logprobs(
        self,
        items: list[tuple[str, str]],
        alternatives: Callable[[str], list[tuple[int, str]]] | None = None,
    ) -> list[TokenLogProbs]:
        """Per (prompt, English) item: each English token's log-prob, offsets and entropy.
        `alternatives(english)` lists (character, text) pairs: at the token starting at that
        character (its word's first), how much likelier the text (one token) would be."""
        return self._run(items, entropy=True, alternatives=alternatives)

    def _run(
        self,
        items: list[tuple[str, str]],
        entropy: bool,
        alternatives: Callable[[str], list[tuple[int, str]]] | None = None,
    ) -> list[TokenLogProbs]:
        distinct = list(dict.fromkeys(items))  # repeated segments are scored once
        enc = [self.encode_offsets(p, e) for p, e in distinct]
        asked = [
            self._alternative_ids(e, offs, alternatives(e) if alternatives else [])
            for (_, e), (_, _, offs) in zip(distinct, enc, strict=True)
        ]
        done: dict[tuple[str, str], TokenLogProbs] = {}
        for batch in token_batches(list(range(len(enc))), lambda k: len(enc[k][0]), BATCH_TOKENS):
            rows = self._score_batch([(*enc[k][:2], asked[k]) for k in batch], entropy)
            heap.release()  # each batch's shapes differ: without this the heap only grows
            for k, (lps, ents, alts, q) in zip(batch, rows, strict=True):
                done[distinct[k]] = TokenLogProbs(distinct[k][1], lps, enc[k][2], ents, alts, q)
        # The weights' pages go back until the next call (re-mapped from the page cache: ~35 ms
        # more for a one-item call), so the LM's 0.5 GB is not resident while e5 and checks run.
        self.model.release()
        return [done[item] for item in items]

    def _alternative_ids(
        self, english: str, offsets: list, wanted: list[tuple[int, str]]
    ) -> list[tuple[int, int] | None]:
        """Per (character, text): (index of the English token starting there, the text's token
        id after a space), or None where no token starts at that character or the text is
        not one token: a first piece ("un" of "unconnected") would gather the probability of
        every word it starts."""
        starts = {}
        for j, (s, e) in enumerate(offsets):
            # A token's span holds the space before its word: its word starts after it.
            first = s + (len(english[s:e]) - len(english[s:e].lstrip()))
            starts.setdefault(first, j)
        out: list[tuple[int, int] | None] = []
        for char, text in wanted:
            ids = self.tok.encode(" " + text, add_special_tokens=False).ids
            out.append((starts[char], ids[0]) if char in starts and len(ids) == 1 else None)
        return out

    def pooled_states(self, items: list[tuple[str, str]], layer: int | None) -> torch.Tensor:
        """`pool` of each (prompt, English) item's states after `layer` layers (None: the
        final ones): what a Probe of that layer reads."""
        import torch

        enc = [self.encode_offsets(p, e) for p, e in items]
        out = torch.zeros((len(enc), 0))
        for batch in token_batches(list(range(len(enc))), lambda k: len(enc[k][0]), BATCH_TOKENS):
            part_enc = [enc[k] for k in batch]
            with torch.inference_mode():
                part = pool(self._states(part_enc, layer)[1], part_enc)
            if not out.numel():
                out = torch.zeros((len(enc), part.shape[1]))
            out[batch] = part.cpu()
            heap.release()
        self.model.release()
        return out

    def _states(
        self, enc: list[tuple[list[int], int, list]], tap: int | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Final hidden states of a batch of encoded items, right-padded, and the states
        after its first `tap` layers (the final ones again when None)."""
        import torch

        width = max(len(ids) for ids, _, _ in enc)
        ids = torch.zeros((len(enc), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, (seq, _, _) in enumerate(enc):
            ids[r, : len(seq)], mask[r, : len(seq)] = torch.tensor(seq), 1
        return self.model.states(ids.to(self.device), mask.to(self.device), tap)

    def _score_batch(
        self, enc: list[tuple[list[int], int, list]], entropy: bool
    ) -> list[tuple[list[float], list[float], tuple[float | None, ...], float | None]]:
        import torch

        # Position t predicts token t+1: the English tokens are predicted from start-1 on.
        rows = [(r, t) for r, (s, at, _) in enumerate(enc) for t in range(at - 1, len(s) - 1)]
        targets = torch.tensor(
            [enc[r][0][t + 1] for r, t in rows], dtype=torch.long, device=self.device
        )
        with torch.inference_mode():
            hidden, tapped = self._states(enc, self.probe.layer if self.probe else None)
            quality = self.probe(pool(tapped, enc)) if self.probe else [None] * len(enc)
            at = torch.tensor(rows, dtype=torch.long, device=self.device).reshape(-1, 2)
            picked = hidden[at[:, 0], at[:, 1]]
            parts = [
                self._log_probs(picked[i : i + HEAD_ROWS], targets[i : i + HEAD_ROWS], entropy)
                for i in range(0, len(rows), HEAD_ROWS)
            ]
            own = torch.cat([p[0] for p in parts]) if parts else torch.zeros(0)
            norm = torch.cat([p[2] for p in parts]) if parts else torch.zeros(0)
            first = accumulate((len(s) - at for s, at, _ in enc), initial=0)  # items' 1st rows
            gains = [
                self._gains(
                    picked, own, norm, [None if a is None else (f + a[0], a[1]) for a in alts]
                )
                for f, (_, _, alts) in zip(first, enc, strict=False)  # `first` has one more
            ]
        logp = own.tolist()
        ents = torch.cat([p[1] for p in parts]).tolist() if parts else []
        res: list[tuple[list[float], list[float], tuple[float | None, ...], float | None]] = [
            ([], [], g, q) for g, q in zip(gains, quality, strict=True)
        ]
        for i, (r, _) in enumerate(rows):
            res[r][0].append(logp[i])
            res[r][1].append(ents[i] if entropy else 0.0)
        return res

    def _gains(
        self,
        hidden: torch.Tensor,
        own: torch.Tensor,
        norm: torch.Tensor,
        asked: list[tuple[int, int] | None],
    ) -> tuple[float | None, ...]:
        """Per (row, token id): log p(token) − log p(the row's own target token), in float32;
        `own`: each row's target log-prob, `norm`: its log-normaliser."""
        import torch

        known = [a for a in asked if a is not None]
        if not known:
            return tuple(None for _ in asked)
        rows = torch.tensor([r for r, _ in known], device=hidden.device)
        alt = torch.tensor([t for _, t in known], device=hidden.device)
        weight, bias = self.model.head_weight, self.model.head_bias
        logit = (hidden[rows].float() * weight[alt].float()).sum(-1)
        if bias is not None:
            logit = logit + bias[alt].float()
        if self.model.softcap:
            logit = (logit / self.model.softcap).tanh() * self.model.softcap
        rows = rows.cpu()
        values = iter((logit.cpu() - norm[rows] - own[rows]).tolist())
        return tuple(None if a is None else next(values) for a in asked)

    def _log_probs(
        self, hidden: torch.Tensor, targets: torch.Tensor, entropy: bool
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per row: the target's log-prob, the prediction's entropy (when asked) and the
        log-normaliser (a logit minus it is that token's log-prob)."""
        import torch

        weight, bias = self.model.head_weight, self.model.head_bias
        logits = torch.nn.functional.linear(hidden, weight, bias)
        if self.dtype != "float32":
            # bf16 logits carry ~3 significant digits; the target's own logit in float32 keeps
            # the rounding to the normaliser alone.
            exact = (hidden.float() * weight[targets].float()).sum(-1)
            if bias is not None:
                exact = exact + bias[targets].float()
        else:
            exact = None
        step = NORM_ROWS if logits.device.type == "cpu" else HEAD_ROWS  # a GPU wants big calls
        parts = [
            self._normalise(
                logits[i : i + step],
                targets[i : i + step],
                None if exact is None else exact[i : i + step],
                entropy,
            )
            for i in range(0, len(targets), step)
        ]
        picked = torch.cat([p[0] for p in parts])
        ents = torch.cat([p[1] for p in parts]) if entropy else picked.new_zeros(0)
        return picked.cpu(), ents.cpu(), torch.cat([p[2] for p in parts]).cpu()

    def _normalise(
        self, logits: torch.Tensor, targets: torch.Tensor, exact: torch.Tensor | None, entropy: bool
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Log-softmax at the target, the entropy and the log-normaliser for a few rows, in
        float32, in place.

        A few rows of a 262k-word vocabulary fit in the CPU cache, so the passes below (max,
        exp, sums) run from cache rather than memory: 2.7x faster than `log_softmax` over the
        whole chunk here, the same numbers to float32 rounding."""
        import torch

        x = logits.float() if exact is not None else logits.clone()  # written into below
        if exact is not None:
            x[torch.arange(len(targets), device=x.device), targets] = exact
        if self.model.softcap:
            x.div_(self.model.softcap).tanh_().mul_(self.model.softcap)
        top = x.amax(-1, keepdim=True)
        x.sub_(top)
        e = x.exp()
        total = e.sum(-1)
        lse = total.log()
        picked = x.gather(1, targets[:, None])[:, 0] - lse
        if not entropy:
            return picked, picked.new_zeros(0), lse + top[:, 0]
        # H = −Σ p·log p = log Z − Σ p·x, with p = e/Z over the shifted logits x.
        return picked, lse - e.mul_(x).sum(-1) / total, lse + top[:, 0]
