"""Retranslation backends, cache and model registry, on tiny models built in conftest.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.translate import CachedTranslator, load_translator
from qa.translate.catalog import list_models, mark_pulled, model_dir, registry_models
from qa.translate.common import DEFAULT_LANGS, detect_family, resolve_langs, translate_sorted
from qa.translate.ct2 import CT2Translator
from qa.translate.hf import HFTranslator
from qa.translate.pull import pull

SOURCES = [
    "赤い猫が3つあります。",
    "",
    "小さい鳥が10つあります。古い本もあります。",
    "   ",
    "犬",
    "黒い車が7つあります。",
]
MAX_NEW = 8  # random weights never emit </s>: keep decoding short


def load(spec: Path | str, **kw) -> object:
    kw = {"device": "cpu", "max_new_tokens": MAX_NEW, "use_cache": False, **kw}
    return load_translator(str(spec), **kw)


class CountingTranslator:
    """A real Translator that records every batch it is asked to translate."""

    name = "counting"

    def __init__(self, cache_key: str = "counting-v1") -> None:
        self.cache_key = cache_key
        self.calls: list[list[str]] = []

    def translate(self, sources: list[str]) -> list[str]:
        self.calls.append(list(sources))
        return [f"<{s[::-1]}>" for s in sources]


# --- backends on the tiny Marian model ---------------------------------------------------------


def test_importing_qa_translate_loads_no_heavy_library() -> None:
    code = (
        "import sys, qa.translate, qa.translate.hf, qa.translate.ct2; "
        "print([m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def hf_mt(tiny_marian: Path) -> HFTranslator:
    return load(tiny_marian)


@pytest.fixture(scope="module")
def ct2_mt(tiny_marian_ct2: Path) -> CT2Translator:
    return load(tiny_marian_ct2)


def test_hf_backend_is_deterministic_and_keeps_empty_sources_empty(hf_mt: HFTranslator) -> None:
    mt = hf_mt
    assert isinstance(mt, HFTranslator)
    first, second = mt.translate(SOURCES), mt.translate(SOURCES)
    assert first == second
    assert len(first) == len(SOURCES)
    assert first[1] == "" and first[3] == ""
    assert all(first[i] for i in (0, 2, 4, 5))


def test_ct2_backend_is_picked_for_a_converted_folder(ct2_mt: CT2Translator) -> None:
    mt = ct2_mt
    assert isinstance(mt, CT2Translator)
    out = mt.translate(SOURCES)
    assert out == mt.translate(SOURCES)
    assert out[1] == "" and out[3] == "" and out[0]


def test_hf_and_ct2_greedy_give_the_same_strings(hf_mt, ct2_mt) -> None:
    assert hf_mt.translate(SOURCES) == ct2_mt.translate(SOURCES)


@pytest.mark.parametrize("backend", ["hf_mt", "ct2_mt"])
def test_batch_size_does_not_change_results_or_order(backend: str, request) -> None:
    mt = request.getfixturevalue(backend)
    results = {}
    for size in (1, 2, 64):
        mt.batch_size = size  # batch_size changes no output, so it is not in the cache key
        results[size] = (mt.translate(SOURCES), mt.translate(SOURCES[::-1])[::-1])
    mt.batch_size = 16
    assert results[1][0] == results[1][1] == results[2][0] == results[64][0] == results[64][1]


def test_length_sorted_batches_restore_input_order_and_skip_empty_sources() -> None:
    batches: list[list[str]] = []

    def run(batch: list[str]) -> list[str]:
        batches.append(batch)
        return [s.upper() for s in batch]

    sources = ["bb", "", "a", "dddd", " \t", "ccc"]
    assert translate_sorted(sources, 2, run) == ["BB", "", "A", "DDDD", "", "CCC"]
    assert batches == [["dddd", "ccc"], ["bb", "a"]]  # longest first; empties never sent
    batches.clear()
    assert translate_sorted(["", "  "], 2, run) == ["", ""]
    assert batches == []


def test_beam_search_runs_and_is_in_the_cache_key(tiny_marian: Path, hf_mt) -> None:
    beam = load(tiny_marian, beam=3)
    out = beam.translate(SOURCES)
    assert out[1] == "" and out[0] and out == beam.translate(SOURCES)
    assert beam.cache_key != hf_mt.cache_key
    assert "beam=3" in beam.cache_key and str(tiny_marian.resolve()) in beam.cache_key


# --- language codes (M2M100 / NLLB) ------------------------------------------------------------


def test_m2m100_gets_source_token_and_forced_english_bos(tiny_m2m100: Path) -> None:
    import torch

    mt = load(tiny_m2m100, backend="hf")
    assert isinstance(mt, HFTranslator)
    tok = mt.tokenizer
    assert (mt.langs.src_lang, mt.langs.tgt_lang) == DEFAULT_LANGS["m2m100"]
    assert tok("猫")["input_ids"][0] == tok.convert_tokens_to_ids("__ja__")
    en = tok.convert_tokens_to_ids("__en__")
    enc = tok(["赤い猫が3つあります。", "犬"], return_tensors="pt", padding=True)
    with torch.inference_mode():
        ids = mt.model.generate(**enc, **mt.generate_kwargs())
    assert ids[:, 1].tolist() == [en, en]  # after decoder start </s> comes the target language
    assert all("__en__" not in s for s in mt.translate(["猫", "犬"]))
    assert "ja>en" in mt.cache_key


def test_unknown_target_language_is_an_input_error(tiny_m2m100: Path) -> None:
    with pytest.raises(InputError, match="'xx'"):
        HFTranslator(tiny_m2m100, device="cpu", tgt_lang="xx")


def test_nllb_tokenizer_is_told_apart_from_m2m100_and_defaults_to_jpn_eng() -> None:
    from transformers import NllbTokenizer

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "▁": 4, "a": 5}
    tok = NllbTokenizer(vocab=vocab, merges=[])
    family = detect_family(tok, "m2m_100")
    assert family == "nllb"
    langs = resolve_langs(family, tok, None, None)
    assert (langs.src_lang, langs.tgt_lang, langs.tgt_token) == ("jpn_Jpan", "eng_Latn", "eng_Latn")
    assert tok("a")["input_ids"][0] == tok.convert_tokens_to_ids("jpn_Jpan")


def test_registry_language_codes_match_the_code_defaults() -> None:
    for row in registry_models():
        if row["family"] in DEFAULT_LANGS:
            assert (row["src_lang"], row["tgt_lang"]) == DEFAULT_LANGS[row["family"]]


# --- the cache ---------------------------------------------------------------------------------


def test_cache_translates_each_source_once_across_runs(tmp_path: Path) -> None:
    inner = CountingTranslator()
    first = CachedTranslator(inner, tmp_path).translate(["猫", "犬", "猫"])
    assert first == ["<猫>", "<犬>", "<猫>"]
    assert inner.calls == [["猫", "犬"]]  # duplicates go to the model once

    again = CachedTranslator(inner, tmp_path)  # a new run: a fresh wrapper, same folder
    assert again.translate(["犬", "猫"]) == ["<犬>", "<猫>"]
    assert inner.calls == [["猫", "犬"]]
    assert again.translate(["鳥", "猫"]) == ["<鳥>", "<猫>"]
    assert inner.calls[-1] == ["鳥"]  # only the unseen string is translated


def test_cache_never_mixes_models(tmp_path: Path) -> None:
    CachedTranslator(CountingTranslator("model-a"), tmp_path).translate(["猫"])
    other = CountingTranslator("model-b")
    CachedTranslator(other, tmp_path).translate(["猫"])
    assert other.calls == [["猫"]]


def test_cache_commits_in_chunks(tmp_path: Path) -> None:
    inner = CountingTranslator()
    CachedTranslator(inner, tmp_path, chunk_size=2).translate(list("abcde"))
    assert inner.calls == [["a", "b"], ["c", "d"], ["e"]]


def test_load_translator_wraps_in_the_cache(tiny_marian_ct2: Path, ct2_mt, tmp_path: Path) -> None:
    mt = load(tiny_marian_ct2, use_cache=True, cache_dir=tmp_path)
    assert isinstance(mt, CachedTranslator) and isinstance(mt.inner, CT2Translator)
    assert mt.translate(SOURCES) == ct2_mt.translate(SOURCES)
    assert (tmp_path / "translations.sqlite").is_file()


# --- resolving --mt and the registry -----------------------------------------------------------


def test_none_and_auto_with_an_empty_cache_mean_no_retranslation(tmp_path: Path) -> None:
    assert load_translator("none", cache_dir=tmp_path) is None
    assert load_translator("auto", cache_dir=tmp_path) is None


def test_auto_uses_the_pulled_default_preferring_ct2(
    tiny_marian: Path, tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    hf_dir = model_dir("opus-mt-ja-en", tmp_path)
    shutil.copytree(tiny_marian, hf_dir)
    mark_pulled(hf_dir, "Helsinki-NLP/opus-mt-ja-en", "abc123")
    mt = load("auto", cache_dir=tmp_path)
    assert isinstance(mt, HFTranslator) and "abc123" in mt.cache_key
    assert isinstance(load("opus-mt-ja-en", cache_dir=tmp_path), HFTranslator)

    ct2 = model_dir("opus-mt-ja-en-ct2", tmp_path)
    shutil.copytree(tiny_marian_ct2, ct2)
    mark_pulled(ct2, "Helsinki-NLP/opus-mt-ja-en", "abc123")
    assert isinstance(load("auto", cache_dir=tmp_path), CT2Translator)
    assert isinstance(load("auto", cache_dir=tmp_path, backend="hf"), HFTranslator)
    rows = {r["name"]: r for r in list_models(tmp_path)}
    assert rows["opus-mt-ja-en"]["pulled"] and rows["opus-mt-ja-en"]["ct2_pulled"]
    assert not rows["m2m100_418M"]["pulled"]


def test_registry_lists_the_documented_models() -> None:
    rows = {r["name"]: r for r in registry_models()}
    assert rows["opus-mt-ja-en"]["hub_id"] == "Helsinki-NLP/opus-mt-ja-en"
    assert rows["nllb-200-distilled-600M"]["licence"] == "CC-BY-NC-4.0"
    assert rows["m2m100_418M"]["src_lang"] == "ja"
    for row in rows.values():
        assert {"family", "size", "licence", "ct2"} <= row.keys()


def one_line_error(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_registry_name_not_pulled_says_how_to_pull(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_translator("nllb-200-distilled-600M", cache_dir=tmp_path)
    assert "mtqa models pull nllb-200-distilled-600M" in one_line_error(e)


@pytest.mark.parametrize("spec", ["no-such-model", "./no/such/folder", "a b c"])
def test_unknown_model_is_an_input_error(spec: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        load_translator(spec, cache_dir=tmp_path)
    assert "mtqa models list" in one_line_error(e)


def test_backend_must_match_the_folder(tiny_marian: Path, tiny_marian_ct2: Path) -> None:
    with pytest.raises(InputError, match="not a CTranslate2 model"):
        load(tiny_marian, backend="ct2")
    with pytest.raises(InputError, match="a CTranslate2 model"):
        load(tiny_marian_ct2, backend="hf")
    with pytest.raises(InputError, match="unknown MT backend"):
        load(tiny_marian, backend="onnx")


def test_a_folder_that_is_no_model_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as e:
        load(tmp_path / "empty")
    assert str(tmp_path / "empty") in one_line_error(e)


def test_pull_without_network_is_one_clear_line(tmp_path: Path, monkeypatch) -> None:
    from huggingface_hub import constants

    # Nothing listens on port 9: the connection is refused at once, network or not.
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(InputError) as e:
        pull("opus-mt-ja-en", cache_dir=tmp_path)
    message = one_line_error(e)
    assert message.startswith("cannot download Helsinki-NLP/opus-mt-ja-en: no network access")
    assert message.endswith("pass its path to --mt")
    assert not (model_dir("opus-mt-ja-en", tmp_path) / ".mtqa-pulled.json").exists()


def test_pull_of_an_unknown_name_fails_before_any_download(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not in the registry"):
        pull("no-such-model", cache_dir=tmp_path)


def test_device_choice_is_checked() -> None:
    from qa.translate.base import choose_device

    assert choose_device("auto", False, "torch", ("cpu", "cuda")) == "cpu"
    assert choose_device("auto", True, "torch", ("cpu", "cuda")) == "cuda"
    assert choose_device("cuda:1", True, "torch", ("cpu", "cuda")) == "cuda:1"
    with pytest.raises(InputError, match="sees no CUDA GPU"):
        choose_device("cuda", False, "CTranslate2", ("cpu", "cuda"))
    with pytest.raises(InputError, match="unknown device 'tpu'"):
        choose_device("tpu", True, "torch", ("cpu", "cuda"))


def test_missing_runtime_is_one_line(monkeypatch) -> None:
    import importlib.util

    from qa.translate import _require

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda m: None if m == "torch" else real(m))
    with pytest.raises(InputError, match=r"need torch: pip install 'mtqa\[mt\]'"):
        _require(("torch", "transformers"))


def test_an_unreachable_hub_id_fails_before_any_heavy_import(tmp_path: Path) -> None:
    # No network here (nor in CI): the answer comes from one connection probe, before
    # transformers loads or huggingface_hub retries, as one line naming the fix.
    code = (
        "import sys\n"
        "from qa.errors import InputError\n"
        "from qa.translate import load_translator\n"
        "try:\n    load_translator('Some-Org/not-cached-model', cache_dir=sys.argv[1])\n"
        "except InputError as e:\n    print('ERR', e)\n"
        "print(sorted(m for m in ('transformers', 'torch') if m in sys.modules))"
    )
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hf"), "HF_ENDPOINT": "https://127.0.0.1:9"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=env
    )
    first, last = out.stdout.strip().splitlines()
    assert first.startswith("ERR cannot load MT model Some-Org/not-cached-model: no network")
    assert last == "[]"
