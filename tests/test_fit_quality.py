"""bench.fit_quality: the ridge read-out that `lm_quality` ships, and its cross-validation."""

import numpy as np

from bench import fit_quality
from qa.signals.lm_model import Probe


def _data(seed: int = 0, n: int = 600, d: int = 40) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """States whose first two coordinates carry the crowd score, on 30 documents."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.5, 20, size=d)  # scales differ: standardised
    z = x[:, 0] / x[:, 0].std() - 0.5 * x[:, 1] / x[:, 1].std() + 0.3 * rng.normal(size=n)
    return x, z, [f"doc{i % 30}" for i in range(n)]


def test_the_probe_recovers_a_linear_crowd_score_out_of_fold() -> None:
    x, z, docs = _data()
    light = fit_quality.cross_validate(x, z, docs, alpha=1.0)
    assert np.corrcoef(light, z)[0, 1] > 0.9
    heavy = fit_quality.cross_validate(x, z, docs, alpha=1e6)  # shrunk to the mean
    assert np.ptp(heavy) < 0.1 * np.ptp(light)


def test_the_shipped_form_predicts_what_the_bench_predicts() -> None:
    """qa.signals.lm_model.Probe (what a run applies) equals bench.fit_quality.predict."""
    import torch

    x, z, _ = _data(1)
    fitted = fit_quality.fit(x, z, alpha=10.0)
    got = Probe.from_dict(fitted)(torch.tensor(x, dtype=torch.float32))
    assert np.allclose(got, fit_quality.predict(x, fitted), atol=1e-3)
