"""bench.fit_pairs: the pair term teaches the risk direction what the crowd scores do not."""

import numpy as np

from bench import fit_pairs, wmt22


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Crowd scores follow feature 0 only; damaged copies differ from their originals along
    feature 1 alone (like a dropped word that the crowd rows barely show)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, 2))
    z = -x[:, 0] + 0.5 * rng.normal(size=400)  # higher z = better
    y = (z < -0.5).astype(int)
    good = rng.normal(size=(200, 2))
    bad = good + np.array([0.0, 0.8]) + 0.3 * rng.normal(size=(200, 2)) * [1, 0]
    return x, y, z, bad - good


def test_without_pairs_the_direction_is_the_crowd_fit() -> None:
    x, _, z, d = _data()
    w = fit_pairs.direction(x, z, d, lam=0.0)
    assert w[0] > 0.5 and abs(w[1]) < 0.1


def test_the_pair_term_weighs_what_separates_damaged_from_good() -> None:
    x, y, z, d = _data()
    coef0, *_ = fit_pairs.fit(x, y, z, d, lam=0.0)
    coef, *_ = fit_pairs.fit(x, y, z, d, lam=3.0)
    assert coef[1] > 0.3 > abs(coef0[1])
    assert (d @ coef > 0).mean() > 0.95 > (d @ coef0 > 0).mean()
    assert coef[0] > 0.5  # the crowd's own feature keeps its weight


def test_predict_is_a_probability_from_standardised_features() -> None:
    x, y, z, d = _data()
    model = fit_pairs.fit(x, y, z, d, lam=1.0)
    p = fit_pairs.predict(x, model)
    assert ((p > 0) & (p < 1)).all()
    assert abs(p.mean() - y.mean()) < 0.05  # calibrated on the crowd label


def _rows(seed: int = 0) -> tuple[list[dict], list[wmt22.DARow], list[dict]]:
    """Crowd rows and dev pairs in fit_pairs' shapes: feature `a` tracks the crowd score,
    feature `b` is what damage moves; 20 documents, one finding-free band."""
    rng = np.random.default_rng(seed)
    crowd, da, pairs = [], [], []
    for k in range(300):
        a = rng.normal()
        z = -a + 0.5 * rng.normal()
        crowd.append({"a": a, "b": rng.normal(), "n_critical": 0, "n_major": 0.0})
        raw = 100 * (z > -0.5)  # "poor" below fit_risk.POOR_BELOW where z is low
        da.append(wmt22.DARow("sys" + str(k % 2), k + 1, f"doc{k % 20}", z, raw))
    for k in range(200):
        good = {"a": rng.normal(), "b": rng.normal(), "n_critical": 0, "n_major": 0.0}
        bad = {**good, "b": good["b"] + 1.0}
        pairs.append({"good": good, "bad": bad, "doc": f"doc{k % 20}", "kind": "omission"})
    return crowd, da, pairs


def test_evaluate_and_ship_learn_the_pair_direction_out_of_fold() -> None:
    crowd, da, pairs = _rows()
    arrays = fit_pairs.Arrays.build(["a", "b"], crowd, da, pairs)
    (base, _, _), (paired, crowd_pred, won) = (
        fit_pairs.evaluate(arrays, crowd, da, pairs, lam) for lam in (0.0, 3.0)
    )
    assert paired["accuracy"] > 0.95 > base["accuracy"]
    assert paired["tau"] > 0.4 and won.shape == (200,)
    shipped = fit_pairs.ship(["a", "b"], arrays, da, 3.0, crowd_pred)
    assert shipped["features"] == ["a", "b"] and shipped["coef"][1] > 0
    assert shipped["evaluation"]["dev_pairs"] == 200
