"""Shared test fixtures. Each engineer keeps their fixtures in a clearly marked section."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------
# Retranslation backends: tiny real MT models built in the test session (nothing downloaded).
# ---------------------------------------------------------------------------------------------

ADJECTIVES = [
    ("赤い", "red"),
    ("青い", "blue"),
    ("白い", "white"),
    ("黒い", "black"),
    ("大きい", "big"),
    ("小さい", "small"),
    ("古い", "old"),
    ("新しい", "new"),
]
NOUNS = [
    ("猫", "cat"),
    ("犬", "dog"),
    ("本", "book"),
    ("車", "car"),
    ("鳥", "bird"),
    ("魚", "fish"),
    ("花", "flower"),
    ("木", "tree"),
]


def toy_pairs() -> list[tuple[str, str]]:
    """640 templated ja/en pairs: the corpus the toy sentencepiece vocabularies are trained on."""
    pairs = [
        (f"{aj}{nj}が{n}つあります。", f"There are {n} {ae} {ne}s.")
        for aj, ae in ADJECTIVES
        for nj, ne in NOUNS
        for n in range(2, 12)
    ]
    random.Random(0).shuffle(pairs)
    return pairs


def _train_spm(lines: list[str], vocab_size: int, **ids: int) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,  # the toy corpus supports fewer pieces than asked for
        minloglevel=2,
        **ids,
    )
    return buf.getvalue()


def _marian_tokenizer(out: Path, lines: list[str], vocab_size: int = 300):
    """opus-mt conventions (see DESIGN.md): </s>=0, <unk>=1, <pad>=last id, shared spm."""
    from transformers import MarianTokenizer

    proto = _train_spm(lines, vocab_size, eos_id=0, unk_id=1, bos_id=-1, pad_id=-1)
    (out / "source.spm").write_bytes(proto)
    (out / "target.spm").write_bytes(proto)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return MarianTokenizer(
        source_spm=str(out / "source.spm"),
        target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"),
    )


def build_tiny_marian(
    out: Path,
    lines: list[str] | None = None,
    *,
    vocab_size: int = 300,
    d_model: int = 64,
    layers: int = 2,
    heads: int = 4,
    ffn: int = 128,
) -> Path:
    """A random-init 2-layer d=64 MarianMTModel with an opus-mt style tokenizer (trained on
    `lines`, the toy pairs by default); bench/ct2_vs_hf.py asks for opus-mt's own sizes.

    Random weights never emit </s>, so tests pass a small max_new_tokens. (Training it until
    it reads its source took minutes on a busy 2-core machine; the backends do not need it.)"""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    out.mkdir(parents=True, exist_ok=True)
    lines = lines or [line for pair in toy_pairs() for line in pair]
    tok = _marian_tokenizer(out, lines, vocab_size)
    pad = tok.pad_token_id
    config = MarianConfig(
        vocab_size=pad + 1,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=256,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        # opus-mt forces </s> at the length limit; CTranslate2 does not, and random weights
        # always reach the limit, so forcing would make the backends differ by one token.
        forced_eos_token_id=None,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad,
        eos_token_id=0,
        pad_token_id=pad,
        bad_words_ids=[[pad]],  # as opus-mt: CTranslate2 drops <pad> from the vocabulary
        max_length=256,
    )
    tok.save_pretrained(out)
    model.save_pretrained(out)
    return out


def _save_random(out: Path, tok, model_cls, config) -> Path:  # noqa: ANN001
    """A seeded random-init model of `model_cls` and its tokenizer, saved as a model folder."""
    import torch

    torch.manual_seed(0)
    tok.save_pretrained(out)
    model_cls(config).eval().save_pretrained(out)
    return out


def build_tiny_m2m100(out: Path) -> Path:
    """A random-init 2-layer d=64 M2M100 with a real M2M100Tokenizer (language tokens __xx__)."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    lines = [line for pair in toy_pairs() for line in pair]
    proto = _train_spm(lines, 200)
    (out / "sentencepiece.bpe.model").write_bytes(proto)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}  # fairseq dictionary order
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = M2M100Tokenizer(str(out / "vocab.json"), str(out / "sentencepiece.bpe.model"))
    config = M2M100Config(
        vocab_size=tok.encoder_size + len(tok.lang_token_to_id) + tok.num_madeup_words,
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=256,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    return _save_random(out, tok, M2M100ForConditionalGeneration, config)


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("mt") / "tiny-marian")


@pytest.fixture(scope="session")
def tiny_marian_ct2(tiny_marian: Path) -> Path:
    from qa.translate.ct2 import convert_to_ct2

    return convert_to_ct2(tiny_marian, tiny_marian.with_name("tiny-marian-ct2"))


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_m2m100(tmp_path_factory.mktemp("mt") / "tiny-m2m100")


# ------------------------------- end of retranslation fixtures -------------------------------


# ---------------------------------------------------------------------------------------------
# Opt-in LM signal: a tiny random-init Gemma 3 text model with its own tokenizer.
# ---------------------------------------------------------------------------------------------


def build_tiny_gemma(out: Path) -> Path:
    """A 2-layer d=32 Gemma3ForCausalLM (logit soft-capping on, as in Gemma) and a BPE
    tokenizer trained on the toy pairs, saved as a folder `MTQA_LM_MODEL` can point at."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    out.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    specials = ["<pad>", "<bos>", "<eos>", "<unk>"]
    lines = [f"Japanese: {ja}\nEnglish: {en}" for ja, en in toy_pairs()]
    bpe.train_from_iterator(lines, trainers.BpeTrainer(vocab_size=300, special_tokens=specials))
    bpe.post_processor = processors.TemplateProcessing(
        single="<bos> $A", special_tokens=[("<bos>", bpe.token_to_id("<bos>"))]
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<bos>", eos_token="<eos>", unk_token="<unk>",
        pad_token="<pad>",
    )  # fmt: skip
    config = Gemma3TextConfig(
        vocab_size=bpe.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=16,
        max_position_embeddings=256,
        final_logit_softcapping=5.0,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    return _save_random(out, tok, Gemma3ForCausalLM, config)


@pytest.fixture(scope="session")
def tiny_gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gemma(tmp_path_factory.mktemp("lm") / "tiny-gemma")


# ------------------------------------ end of LM fixtures ------------------------------------


# ---------------------------------------------------------------------------------------------
# HTTP MT backend: a tiny Marian whose output depends on its input (tests/test_http_backend.py).
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_marian_varied(tiny_marian: Path) -> Path:
    """`tiny_marian` re-initialised with init_std=1.0: with the default 0.02 its greedy output
    is the same string for nearly every source, so a reordering would go unseen."""
    import shutil

    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    out = tiny_marian.with_name("tiny-marian-varied")
    shutil.copytree(tiny_marian, out)
    config = MarianConfig.from_pretrained(out)
    config.init_std = 1.0
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig.from_pretrained(tiny_marian)
    model.save_pretrained(out)
    return out


# ---------------------------------- end of HTTP MT fixtures ----------------------------------


# ---------------------------------------------------------------------------------------------
# Settings (qa/config.py): a developer's MTQA_PRESET, MTQA_FORMAT, ... must not change tests;
# and tests run the e5-only path (MTQA_FAST=1) unless they ask for the LM (the default path's
# LM is Gemma 3 270M; tests that exercise it use the tiny Gemma above).
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_mtqa_option_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.config import OPTIONS

    for opt in OPTIONS.values():
        if opt.env:
            monkeypatch.delenv(opt.env_var, raising=False)
    monkeypatch.setenv("MTQA_FAST", "1")


# ---------------------------------------------------------------------------------------------
# Caches (tests/test_result_cache.py): every test gets its own empty $MTQA_CACHE, so the CLI's
# feature and retranslation caches never read what another test (or the user) left there.
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory, monkeypatch) -> None:
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path_factory.mktemp("mtqa-cache")))


# ------------------------------------ end of cache fixtures ------------------------------------
