"""qa.signals.lm_model: the GGUF weight cache, bf16 vs fp32, batching, per-token spans.

Models are built here: the conftest tiny Gemma 3 (a folder), the same weights written as a
float32 GGUF with the `gguf` package (so GGUF → cache → warm load runs for real), and a copy
of the tiny model trained for a few seconds on the toy pairs (for the span test)."""

from __future__ import annotations

import json
import mmap
import os
import random
from pathlib import Path

import pytest
import torch

from qa.signals import lm_model as m
from tests.conftest import toy_pairs
from tests.helpers import hf_causal_lm

PAIRS = [
    ("赤い猫が2つあります。", "There are 2 red cats."),
    ("古い木が10あります。", "There are 10 old trees, or so the story goes in this town."),
    ("犬", "dog"),
    ("白い本が3つあります。", "There are 3 white books."),
]
ITEMS = [(m.PROMPT.format(source=s), e) for s, e in PAIRS]


def write_tiny_gguf(folder: Path, out: Path) -> Path:
    """The tiny Gemma 3 of `folder` as a float32 GGUF in llama.cpp's layout (norms stored as
    1 + weight, vocabulary in id order, which transformers rebuilds the BPE merges from)."""
    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.modeling_gguf_pytorch_utils import TensorProcessor, get_gguf_hf_weights_map

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    tok = AutoTokenizer.from_pretrained(folder)
    c = model.config
    w = gguf.GGUFWriter(str(out), "gemma3")
    w.add_name("tiny gemma3")
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_block_count(c.num_hidden_layers)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_key_length(c.head_dim)
    w.add_value_length(c.head_dim)
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_freq_base(c.rope_parameters["full_attention"]["rope_theta"])
    w.add_sliding_window(c.sliding_window)
    vocab = sorted(tok.get_vocab().items(), key=lambda kv: kv[1])
    w.add_tokenizer_model("llama")
    w.add_token_list([t for t, _ in vocab])
    w.add_token_scores([0.0] * len(vocab))
    special = {tok.pad_token_id, tok.bos_token_id, tok.eos_token_id, tok.unk_token_id}
    w.add_token_types([3 if i in special else 1 for _, i in vocab])  # 3 = control
    w.add_bos_token_id(tok.bos_token_id)
    w.add_eos_token_id(tok.eos_token_id)
    w.add_unk_token_id(tok.unk_token_id)
    w.add_pad_token_id(tok.pad_token_id)
    w.add_add_bos_token(True)
    names = {hf: g for g, hf in get_gguf_hf_weights_map(model, TensorProcessor()).items()}
    for hf, p in model.state_dict().items():
        if hf == "lm_head.weight":
            continue  # tied to the embedding, as in Gemma's own GGUF
        data = p.detach().numpy().astype("float32")
        w.add_tensor(names[hf], data + 1 if hf.endswith("norm.weight") else data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


@pytest.fixture(scope="module")
def tiny_gguf(tiny_gemma: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tiny_gemma, tmp_path_factory.mktemp("gguf") / "tiny-gemma3.gguf")


@pytest.fixture(scope="module")
def fp32(tiny_gemma: Path) -> m.LMScorer:
    return m.LMScorer(str(tiny_gemma), device="cpu", dtype="float32")


@pytest.fixture(scope="module")
def hf(tiny_gemma: Path):  # noqa: ANN201 - the folder's model as transformers runs it
    return hf_causal_lm(tiny_gemma)


def reference(s: m.LMScorer, hf, prompt: str, english: str) -> list[float]:  # noqa: ANN001
    """Per-token log-probs of one text through transformers' own forward (no padding)."""
    return reference_with_entropy(s, hf, prompt, english)[0]


def reference_with_entropy(
    s: m.LMScorer,
    hf,  # noqa: ANN001 - a transformers causal LM
    prompt: str,
    english: str,
) -> tuple[list[float], list[float]]:
    """Per-token log-probs and prediction entropies through transformers' own forward."""
    ids, start = s.encode(prompt, english)
    with torch.no_grad():
        logits = hf(input_ids=torch.tensor([ids])).logits[0].float()
    logp = torch.log_softmax(logits, -1)
    ent = -(logp.exp() * logp).sum(-1)
    at = range(start, len(ids))
    return [float(logp[t - 1, ids[t]]) for t in at], [float(ent[t - 1]) for t in at]


def test_gguf_is_dequantized_once_then_loaded_from_the_cache(
    tiny_gguf: Path, tiny_gemma: Path, tmp_path: Path
) -> None:
    before = m.builds
    cold = m.LMScorer(str(tiny_gguf), device="cpu", dtype="float32", cache=tmp_path)
    folder = m.gguf_cache_dir(tiny_gguf, "float32", tmp_path)
    assert m.builds == before + 1 and (folder / m.MANIFEST).is_file()
    stamp = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    warm = m.LMScorer(str(tiny_gguf), device="cpu", dtype="float32", cache=tmp_path)
    assert m.builds == before + 1  # no second dequantization
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamp
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temp folder left
    mask = os.umask(0)
    os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o666 & ~mask}
    assert cold.score(ITEMS) == warm.score(ITEMS)
    # The GGUF holds the folder model's float32 weights: the cache has them exactly.
    direct = m.LMScorer(str(tiny_gemma), device="cpu", dtype="float32").model.w
    cached = warm.model.w
    assert cached.keys() == direct.keys()
    assert all(torch.equal(cached[k], direct[k]) for k in direct)
    # ...and the tokenizer transformers builds from the GGUF (its merges rebuilt from the
    # vocabulary, so not quite the folder's), saved and reloaded, splits text the same way.
    from transformers import AutoTokenizer

    gguf_tok = AutoTokenizer.from_pretrained(tiny_gguf.parent, gguf_file=tiny_gguf.name)
    for text in (f"{prompt} {english}" for prompt, english in ITEMS):
        assert warm.tok.encode(text).ids == gguf_tok(text).input_ids


@pytest.mark.parametrize("damage", ["truncate", "no-manifest", "garbage", "bytes-in-place"])
def test_a_broken_cache_is_rebuilt_with_a_warning(
    tiny_gguf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    good = m.LMScorer(str(tiny_gguf), device="cpu", dtype="float32", cache=tmp_path).score(ITEMS)
    folder = m.gguf_cache_dir(tiny_gguf, "float32", tmp_path)
    weights = folder / "model.safetensors"
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "no-manifest":
        (folder / m.MANIFEST).unlink()
    elif damage == "garbage":
        (folder / m.MANIFEST).write_text("{not json", encoding="utf-8")
    else:  # same size, so the manifest passes: loading has to notice
        with weights.open("r+b") as f:
            f.write(b"\xff" * 64)
    capsys.readouterr()
    before = m.builds
    again = m.LMScorer(str(tiny_gguf), device="cpu", dtype="float32", cache=tmp_path)
    err = capsys.readouterr().err
    assert m.builds == before + 1
    assert "rebuilding" in err and err.count("\n") == 1
    assert again.score(ITEMS) == good


def test_a_new_gguf_file_gets_a_new_cache(tiny_gguf: Path, tmp_path: Path) -> None:
    a = m.gguf_cache_dir(tiny_gguf, "float32", tmp_path)
    os.utime(tiny_gguf, ns=(1, tiny_gguf.stat().st_mtime_ns + 10**9))
    assert m.gguf_cache_dir(tiny_gguf, "float32", tmp_path) != a
    assert m.gguf_cache_dir(tiny_gguf, "bfloat16", tmp_path) != a


def test_fp32_scores_equal_the_models_own_forward(fp32: m.LMScorer, hf, monkeypatch) -> None:
    monkeypatch.setattr(m, "HEAD_ROWS", 5)  # several output-layer chunks per batch
    monkeypatch.setattr(m, "NORM_ROWS", 3)  # and normalising slices that do not divide them
    for item, t in zip(ITEMS, fp32.token_logprobs(ITEMS), strict=True):
        logprobs, entropies = reference_with_entropy(fp32, hf, *item)
        assert t.logprobs == pytest.approx(logprobs, abs=1e-5)
        assert t.entropies == pytest.approx(entropies, abs=1e-5)
    means = fp32.score(ITEMS)
    refs = [reference(fp32, hf, *i) for i in ITEMS]
    assert means == pytest.approx([sum(r) / len(r) for r in refs])


# A prompt and English longer than the tiny model's 16-token sliding window, so that the
# sliding layers mask differently from the full ones, batched with short rows (padding).
LONG = (
    m.PROMPT.format(source="赤い猫が2つあります。" * 3),
    " ".join(["There are 2 red cats."] * 4),
)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_the_torch_engine_equals_transformers(tiny_gemma: Path, dtype: str) -> None:
    items = [*ITEMS, LONG]
    ours = m.LMScorer(str(tiny_gemma), device="cpu", dtype=dtype, engine="torch")
    theirs = m.LMScorer(str(tiny_gemma), device="cpu", dtype=dtype, engine="transformers")
    assert type(ours.model).__name__ == "Gemma3" and isinstance(theirs.model, m.Transformers)
    assert len(ours.encode(*LONG)[0]) > 2 * 16
    tol = 1e-5 if dtype == "float32" else 0.02  # bf16: op order inside fused kernels
    for a, b in zip(ours.token_logprobs(items), theirs.token_logprobs(items), strict=True):
        assert a.logprobs == pytest.approx(b.logprobs, abs=tol)
        assert a.entropies == pytest.approx(b.entropies, abs=tol)
    # The states a quality probe reads half-way up (transformers' hidden_states[1]) agree too,
    # and are not the final, normed ones.
    tapped = ours.pooled_states(items, 1)
    assert torch.allclose(tapped, theirs.pooled_states(items, 1), atol=tol * 10, rtol=tol)
    assert not torch.allclose(tapped, ours.pooled_states(items, None), atol=0.1)


def test_models_the_torch_engine_does_not_run_go_through_transformers(
    tiny_gemma: Path, tmp_path: Path
) -> None:
    import shutil

    capped = tmp_path / "capped"
    shutil.copytree(tiny_gemma, capped)
    config = json.loads((capped / "config.json").read_text(encoding="utf-8"))
    config["attn_logit_softcapping"] = 50.0  # Gemma 2's attention soft-capping: not ours
    (capped / "config.json").write_text(json.dumps(config), encoding="utf-8")
    auto = m.LMScorer(str(capped), device="cpu", dtype="float32")
    assert isinstance(auto.model, m.Transformers)
    assert auto.model.model.config.attn_logit_softcapping == 50.0
    with pytest.raises(ValueError, match="torch engine"):
        m.LMScorer(str(capped), device="cpu", dtype="float32", engine="torch")
    with pytest.raises(ValueError, match="unknown LM engine"):
        m.LMScorer(str(tiny_gemma), device="cpu", dtype="float32", engine="onnx")


def test_batched_equals_one_at_a_time(fp32: m.LMScorer, monkeypatch) -> None:
    together = fp32.score(ITEMS)
    monkeypatch.setattr(m, "BATCH_TOKENS", 1)  # every item a batch of its own
    alone = fp32.score(ITEMS)
    assert together == pytest.approx(alone, abs=1e-5)
    assert fp32.score(ITEMS[:1] + ITEMS[:1]) == [alone[0], alone[0]]  # a repeat is scored once


def test_an_empty_target_scores_zero_tokens(fp32: m.LMScorer) -> None:
    (t,) = fp32.token_logprobs([(ITEMS[0][0], "")])
    assert len(t.logprobs) == len(t.offsets) <= 1 and m.least_likely_spans(t) == []
    assert fp32.score([ITEMS[0], (ITEMS[0][0], "")])[0] == fp32.score(ITEMS[:1])[0]


def test_bf16_agrees_with_fp32(tiny_gemma: Path, fp32: m.LMScorer) -> None:
    bf16 = m.LMScorer(str(tiny_gemma), device="cpu", dtype="bfloat16")
    assert bf16.model.dtype == bf16.model.head_weight.dtype == torch.bfloat16
    a, b = fp32.token_logprobs(ITEMS), bf16.token_logprobs(ITEMS)
    for x, y in zip(a, b, strict=True):
        assert y.logprobs == pytest.approx(x.logprobs, abs=0.05)
        assert y.mean == pytest.approx(x.mean, abs=0.02)
        assert y.entropies == pytest.approx(x.entropies, abs=0.05)


def test_device_and_dtype_choices() -> None:
    assert m.resolve_device("cpu") == "cpu"
    assert m.resolve_dtype("float32", "cpu") == "float32"
    assert m.resolve_dtype("auto", "cpu") in ("float32", "bfloat16")
    with pytest.raises(ValueError, match="device"):
        m.resolve_device("tpu")
    if not torch.cuda.is_available():
        assert m.resolve_device("auto") == "cpu"
        with pytest.raises(ValueError, match="no CUDA"):
            m.resolve_device("cuda")


def test_encoding_is_the_hf_tokenizers(fp32: m.LMScorer, tiny_gemma: Path) -> None:
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(tiny_gemma)
    for prompt, english in ITEMS:
        ids, start = fp32.encode(prompt, english)
        assert ids[:start] == hf(prompt).input_ids and ids[0] == hf.bos_token_id
        assert ids[start:] == hf(" " + english, add_special_tokens=False).input_ids


def test_token_offsets_cover_the_english(fp32: m.LMScorer) -> None:
    for _, english in PAIRS:
        t = fp32.token_logprobs([(m.PROMPT.format(source="犬"), english)])[0]
        assert len(t.offsets) == len(t.logprobs) == len(t.entropies)
        text = "".join(english[s:e] for s, e in t.offsets)
        assert text.replace(" ", "") == english.replace(" ", "")
        assert all(0 <= s <= e <= len(english) for s, e in t.offsets)


def fake(target: str, per_word: list[list[float]]) -> m.TokenLogProbs:
    """Tokens at given log-probs (entropy 0) spread over the target's words."""
    offs, lps = [], []
    pos = 0
    for word, values in zip(target.split(" "), per_word, strict=True):
        start = target.index(word, pos)
        cuts = [start + round(len(word) * k / len(values)) for k in range(len(values) + 1)]
        for v, s, e in zip(values, cuts, cuts[1:], strict=False):
            offs.append((max(s - 1, 0) if s == start and start else s, e))  # leading space
            lps.append(v)
        pos = start + len(word)
    return m.TokenLogProbs(target, lps, offs, [0.0] * len(lps))


def test_words_merge_subword_tokens() -> None:
    t = fake("an unbelievable day", [[-1.0], [-2.0, -0.5, -0.25], [-1.0]])
    ws = m.words(t)
    assert [(w.start, w.end) for w in ws] == [(0, 2), (3, 15), (16, 19)]
    assert [w.logprob for w in ws] == [-1.0, -2.75, -1.0]


def test_least_likely_span_finds_the_worst_words() -> None:
    target = "we do know the answer now"
    t = fake(target, [[-0.1], [-0.2], [-6.0], [-3.0], [-0.1], [-0.1]])
    (best,) = m.least_likely_spans(t)
    assert target[best.start : best.end] == "know the"
    assert best.score == pytest.approx(9.0)
    one = m.least_likely_spans(t, max_words=1, top=2)
    assert [target[s.start : s.end] for s in one] == ["know", "the"]
    assert m.least_likely_spans(m.TokenLogProbs("", [], [], [])) == []


def test_least_likely_span_keeps_to_judged_words() -> None:
    """The lm_span check's rule: a name (unknown to English) never makes the span, however
    surprising; the next worst known words do."""
    from qa.checks.lm_span import least_likely
    from qa.signals.fluency import known_english

    target = "Kaiji meets Tonegawa under strange rules"
    t = fake(target, [[-0.1], [-0.2], [-9.0], [-0.3], [-4.0], [-0.1]])
    best = least_likely(t)
    assert best is not None and target[best.start : best.end] == "strange"
    (plain,) = m.least_likely_spans(t)
    assert target[plain.start : plain.end].startswith("Tonegawa")
    assert known_english("rear-end,") and known_english("isn't") and known_english("292")
    assert not known_english("Tonegawa's") and not known_english("yokan")


@pytest.fixture(scope="module")
def trained(tiny_gemma: Path, tmp_path_factory: pytest.TempPathFactory) -> m.LMScorer:
    """The tiny Gemma trained briefly on the toy pairs (it learns 'There are N ADJ NOUNs.'),
    saved and loaded back as a model folder."""
    from transformers import AutoTokenizer

    s = m.LMScorer(str(tiny_gemma), device="cpu", dtype="float32")  # its tokenizer encodes
    torch.manual_seed(0)
    pairs = toy_pairs()
    model = hf_causal_lm(tiny_gemma).train()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(150):
        batch = [s.encode(m.PROMPT.format(source=ja), en)[0] for ja, en in pairs[step % 20 :: 20]]
        width = max(map(len, batch))
        ids = torch.tensor([b + [0] * (width - len(b)) for b in batch])
        labels = torch.where(ids == 0, -100, ids)
        opt.zero_grad()
        model(input_ids=ids, labels=labels).loss.backward()
        opt.step()
    out = tmp_path_factory.mktemp("lm") / "trained"
    model.save_pretrained(out)
    AutoTokenizer.from_pretrained(tiny_gemma).save_pretrained(out)
    return m.LMScorer(str(out), device="cpu", dtype="float32")


def test_a_trained_lm_points_at_the_injected_word(trained: m.LMScorer) -> None:
    rng = random.Random(1)
    hits = 0
    cases = rng.sample(toy_pairs(), 10)
    for ja, en in cases:
        words = en.split(" ")  # There are N ADJ NOUNs.
        k = rng.choice([2, 3])
        bad = " ".join([*words[:k], "are", *words[k:]])  # an injected out-of-place word
        where = len(" ".join(words[:k])) + 1
        t = trained.token_logprobs([(m.PROMPT.format(source=ja), bad)])[0]
        (span,) = m.least_likely_spans(t)
        hits += span.start <= where < span.end
    assert hits >= 8


def test_the_kernel_cache_cap_keeps_a_users_own_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.signals import heap

    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "7")
    heap.limit_kernel_cache()
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "7"
    monkeypatch.delenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY")
    heap.limit_kernel_cache()
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == heap.KERNEL_CACHE
    heap.release()  # glibc's malloc_trim here; a no-op where there is none


def _resident_kb(scorer: m.LMScorer) -> int:
    """Resident KB of the mapping that holds `scorer`'s embedding (from /proc/self/smaps)."""
    at = scorer.model.head_weight.untyped_storage().data_ptr()
    kb, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as f:
        for line in f:
            head = line.split(" ", 1)[0]
            if "-" in head and len(line.split()) >= 5:
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= at < hi
            elif inside and line.startswith("Rss:"):
                kb += int(line.split()[1])
    return kb


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_weights_mapped_from_the_file_are_handed_back_and_read_again(
    tiny_gemma: Path, fp32: m.LMScorer
) -> None:
    weights = tiny_gemma / "model.safetensors"
    edges = 2 * mmap.PAGESIZE // 1024  # the header's page and a last part-page stay
    before = fp32.token_logprobs(ITEMS)  # the call hands the pages back as it ends
    assert _resident_kb(fp32) <= edges
    ids, _ = fp32.encode(*ITEMS[0])
    fp32.model.states(torch.tensor([ids]), torch.ones(1, len(ids)), None)
    assert _resident_kb(fp32) > weights.stat().st_size // 2048  # touched by a pass
    assert fp32.model.release() > 0 and _resident_kb(fp32) <= edges
    after = fp32.token_logprobs(ITEMS)  # read again from the file: the same numbers
    assert [t.logprobs for t in after] == [t.logprobs for t in before]


def test_weights_cast_from_the_file_are_never_dropped(tiny_gemma: Path, fp32: m.LMScorer) -> None:
    """bfloat16 from a float32 file: the weights are copies, which dropping would zero."""
    bf16 = m.LMScorer(str(tiny_gemma), device="cpu", dtype="bfloat16")
    first = bf16.token_logprobs(ITEMS)
    assert bf16.model.release() == 0
    again = bf16.token_logprobs(ITEMS)
    assert [t.logprobs for t in again] == [t.logprobs for t in first]
    assert again[0].logprobs == pytest.approx(fp32.token_logprobs(ITEMS)[0].logprobs, abs=0.05)


def test_alternatives_are_weighed_with_the_models_own_log_probs(
    fp32: m.LMScorer, hf, monkeypatch
) -> None:
    """The opposites' contrasts (`lm_contrast`): log p(alternative) − log p(the target's own
    token) at the asked word, as transformers' forward gives them, batched and chunked; None
    where no token starts at the character or the alternative is more than one token."""
    monkeypatch.setattr(m, "HEAD_ROWS", 5)
    monkeypatch.setattr(m, "NORM_ROWS", 3)
    monkeypatch.setattr(m, "BATCH_TOKENS", 40)  # several items a batch, several batches
    enc = fp32.tok.encode
    single = [w for w in ("red", "old", "white", "are", "dog", "the")
              if len(enc(" " + w, add_special_tokens=False).ids) == 1]  # fmt: skip
    assert single

    def ask(english: str) -> list[tuple[int, str]]:
        # Word starts and characters inside words alike (no token starts at most of those).
        chars = [i for i, c in enumerate(english) if c.isalnum() and english[i - 1 : i] != c]
        asked = [(s, single[k % len(single)]) for k, s in enumerate(chars)]
        return [*asked, (0, "Ozekiyama-Tonegawa"), (len(english) + 5, single[0])]

    weighed = 0
    for (prompt, english), t in zip(ITEMS, fp32.token_logprobs(ITEMS, ask), strict=True):
        ids, start, offs = fp32.encode_offsets(prompt, english)
        with torch.no_grad():
            logp = torch.log_softmax(hf(input_ids=torch.tensor([ids])).logits[0].float(), -1)
        word_at = {s + len(english[s:e]) - len(english[s:e].lstrip()): j for j, (s, e) in
                   reversed(list(enumerate(offs)))}  # fmt: skip
        asked = ask(english)
        assert len(t.contrasts) == len(asked)
        for (char, text), gain in zip(asked, t.contrasts, strict=True):
            alt = enc(" " + text, add_special_tokens=False).ids
            if char not in word_at or len(alt) != 1:
                assert gain is None
                continue
            row = start + word_at[char] - 1
            want = float(logp[row, alt[0]] - logp[row, ids[row + 1]])
            assert gain == pytest.approx(want, abs=1e-4)
            weighed += 1
    assert weighed >= 8
    assert all(t.contrasts == () for t in fp32.token_logprobs(ITEMS))  # none asked, none given
