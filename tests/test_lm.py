"""The opt-in LM signal, on a tiny Gemma 3 model built in the test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from qa.api import check
from qa.model import Segment
from qa.runtime import Models
from qa.signals import lm, lm_model
from tests.helpers import hf_causal_lm, run_cli

PAIRS = [
    ("赤い猫が2つあります。", "There are 2 red cats."),
    ("古い木が10あります。", "There are 10 old trees, or so the story goes in this town."),
    ("犬", "dog"),
]


@pytest.fixture
def models(tiny_gemma: Path, monkeypatch: pytest.MonkeyPatch) -> Models:
    monkeypatch.setenv(lm.MODEL_ENV, str(tiny_gemma))  # for the CLI, which makes its own
    monkeypatch.setenv(lm.DTYPE_ENV, "float32")  # exact comparisons below; bf16: test_lm_model
    return Models(lm_model=str(tiny_gemma))


@pytest.fixture
def scorer(models: Models) -> lm.LMScorer:
    return models.lm.scorer


def reference_score(s: lm.LMScorer, hf, source: str, english: str) -> float:  # noqa: ANN001
    """One text at a time through transformers' forward (soft-capped logits, no padding)."""
    ids, start = s.encode(lm.PROMPT.format(source=source), english)
    with torch.no_grad():
        logits = hf(input_ids=torch.tensor([ids])).logits[0]
    logp = torch.log_softmax(logits.float(), -1)
    return float(torch.stack([logp[t - 1, ids[t]] for t in range(start, len(ids))]).mean())


def test_batched_scores_equal_one_at_a_time(
    models: Models, scorer: lm.LMScorer, tiny_gemma: Path, monkeypatch
) -> None:
    hf = hf_causal_lm(tiny_gemma)
    monkeypatch.setattr(lm_model, "HEAD_ROWS", 5)  # several output-layer chunks per batch
    segs = [Segment(str(i), s, e) for i, (s, e) in enumerate(PAIRS)]
    got = lm.lm(segs, models)
    for (source, english), value in zip(PAIRS, got, strict=True):
        assert value == pytest.approx(reference_score(scorer, hf, source, english), abs=1e-4)


def test_a_trained_lm_scores_its_english_above_a_swapped_one(
    scorer: lm.LMScorer, tiny_gemma: Path, tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    model = hf_causal_lm(tiny_gemma).train()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    ids, _ = scorer.encode(lm.PROMPT.format(source=PAIRS[0][0]), PAIRS[0][1])
    batch = torch.tensor([ids])
    for _ in range(30):
        opt.zero_grad()
        model(input_ids=batch, labels=batch).loss.backward()
        opt.step()
    model.save_pretrained(tmp_path / "trained")
    AutoTokenizer.from_pretrained(tiny_gemma).save_pretrained(tmp_path / "trained")
    models = Models(lm_model=str(tmp_path / "trained"))
    good, swapped = lm.lm(
        [
            Segment("1", PAIRS[0][0], PAIRS[0][1]),
            Segment("2", PAIRS[0][0], "There are 2 red dogs."),
        ],
        models,
    )
    assert good is not None and swapped is not None and good > swapped


def test_lm_is_off_unless_enabled_and_none_for_a_blank_side(models: Models) -> None:
    segs = [Segment("1", *PAIRS[0]), Segment("2", PAIRS[0][0], "  ")]
    assert "lm" not in check(segs, models=models).segments[0].scores
    result = check(segs, enable=["lm"], models=models)
    assert result.segments[0].scores["lm"] is not None
    assert result.segments[1].scores["lm"] is None


def _files(tmp_path: Path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "ja.txt", tmp_path / "en.txt"
    src.write_text("\n".join(s for s, _ in PAIRS) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(e for _, e in PAIRS) + "\n", encoding="utf-8")
    return src, tgt


def test_cli_enable_lm_uses_the_lm_risk_model(
    models: Models, tmp_path: Path, capsys, monkeypatch
) -> None:
    src, tgt = _files(tmp_path)
    out = tmp_path / "report.json"
    args = ["check", src, tgt, "--aligned", "--mt", "none", "--enable", "lm", "-o", out]
    run = run_cli(args, capsys, monkeypatch)
    assert run.code == 0, run.err
    import json

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["risk_model"] == "offline_lm"
    assert all(s["scores"]["lm"] < 0 for s in report["segments"])


def test_cli_enable_errors_are_one_line_exit_2(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, tgt = _files(tmp_path)
    base = ["check", src, tgt, "--aligned", "--mt", "none"]
    run = run_cli([*base, "--enable", "e5_sim"], capsys, monkeypatch)
    assert run.code == 2 and "not an opt-in signal" in run.err and run.err.count("\n") <= 2
    monkeypatch.setenv(lm.MODEL_ENV, str(tmp_path / "no-such-model"))
    run = run_cli([*base, "--enable", "lm"], capsys, monkeypatch)
    assert run.code == 2 and "cannot load the LM" in run.err and run.out == ""


def test_the_default_path_runs_the_lm(models: Models) -> None:
    segs = [Segment("1", *PAIRS[0])]
    result = check(segs, models=models, fast=False)
    assert result.summary.path == "default" and result.segments[0].scores["lm"] is not None
    fast = check(segs, models=models, fast=True)
    assert fast.summary.path == "fast" and "lm" not in fast.segments[0].scores


def test_the_lm_runs_before_e5_and_the_scores_keep_their_order(tiny_gemma: Path) -> None:
    """Its weights are handed back after its pass, so it goes first: they are then never
    resident beside e5's working set. The scores keep the registry's order."""
    stages: list[str] = []
    models = Models(lm_model=str(tiny_gemma), progress=lambda st, done, of: stages.append(st))
    result = check([Segment("1", *PAIRS[0])], models=models, fast=False)
    first = {kind: next(i for i, st in enumerate(stages) if st.startswith(kind))
             for kind in ("LM", "embedding")}  # fmt: skip
    assert first["LM"] < first["embedding"]
    names = list(result.segments[0].scores)
    assert names.index("e5_sim") < names.index("lm") < names.index("lm_peak")


def test_an_lm_that_cannot_load_falls_back_to_the_fast_path(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, tgt = _files(tmp_path)
    monkeypatch.setenv(lm.MODEL_ENV, str(tmp_path / "no-such-model"))
    monkeypatch.setenv("MTQA_FAST", "0")
    out = tmp_path / "r.json"
    run = run_cli(["check", src, tgt, "--aligned", "--mt", "none", "-o", out], capsys, monkeypatch)
    assert run.code == 0 and run.err.count("\n") == 1, run.err
    assert run.err.startswith("mtqa: warning: fast (LM unavailable: cannot load the LM")
    import json

    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["path"].startswith("fast (LM unavailable")
    assert "lm" not in report["segments"][0]["scores"]


def _probe_for(scorer: lm.LMScorer, z: list[float], layer: int) -> lm_model.Probe:
    """A probe fitted (bench.fit_quality's ridge) on the tiny model's own pooled states."""
    from bench import fit_quality

    items = [(lm.PROMPT.format(source=s), e) for s, e in PAIRS]
    x = scorer.pooled_states(items, layer).numpy()
    fitted = fit_quality.fit(x, __import__("numpy").array(z), 1.0, layer)
    return lm_model.Probe.from_dict(fitted)


def test_the_quality_probe_reads_the_states_of_the_scoring_pass(
    models: Models, scorer: lm.LMScorer
) -> None:
    """`lm_quality` comes out of the same forward pass as `lm`; it equals the probe applied to
    `pooled_states` (the bench's features) of the probe's layer, which is the mean over the
    positions predicting the English beside the state at its last token."""
    items = [(lm.PROMPT.format(source=s), e) for s, e in PAIRS]
    pooled = scorer.pooled_states(items, 1)  # after the first of the tiny model's 2 layers
    d = pooled.shape[1] // 2
    ids, start = scorer.encode(*items[0])
    mask = torch.ones(1, len(ids), dtype=torch.long)
    final, tapped = scorer.model.states(torch.tensor([ids]), mask, 1)
    assert torch.equal(final, scorer.model.states(torch.tensor([ids]), mask, None)[0])
    assert torch.allclose(pooled[0, :d], tapped[0, start - 1 : len(ids) - 1].mean(0), atol=1e-5)
    assert torch.allclose(pooled[0, d:], tapped[0, len(ids) - 1], atol=1e-5)
    assert not torch.allclose(pooled[0, d:], final[0, len(ids) - 1], atol=1e-2)
    scorer.probe = _probe_for(scorer, [0.5, -1.0, 0.2], 1)
    assert scorer.probe.layer == 1
    segs = [Segment(str(i), s, e) for i, (s, e) in enumerate(PAIRS)]
    got = lm.lm_quality(segs, models)
    assert got == pytest.approx(scorer.probe(pooled), abs=1e-6)
    assert got[0] > got[2] > got[1]  # a ridge this light reproduces its three rows' order


def test_without_the_default_lm_there_is_no_quality_and_the_lm_model_runs(
    models: Models, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The shipped probe is Gemma 3 270M's: another LM gets no `lm_quality`, and risk falls
    back to the LM model without it (not to the fast path's)."""
    assert models.lm.scorer.probe is None
    segs = [Segment("1", *PAIRS[0])]
    assert lm.lm_quality(segs, models) == [None]
    result = check(segs, models=models, fast=False)
    assert result.summary.flagging.risk_model == "offline_lm"


def test_the_shipped_probe_fits_the_default_lms_states() -> None:
    probe = lm.shipped_probe()
    assert len(probe.coef) == len(probe.mean) == len(probe.scale) == 2 * 640  # Gemma 3 270M
    assert probe.lm.startswith("gemma3-270m") and all(s > 0 for s in probe.scale)
