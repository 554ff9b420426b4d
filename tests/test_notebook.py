"""The analysts' notebook runs top to bottom against the current library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore_scores.ipynb"


def test_notebook_code_cells_run(monkeypatch) -> None:
    pd = pytest.importorskip("pandas")
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    shown: list = []
    env = {"display": shown.append}
    monkeypatch.chdir(NOTEBOOK.parent)
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), env)  # noqa: S102
    df = env["df"]
    assert isinstance(df, pd.DataFrame) and {"risk", "flagged", "link"} <= set(df.columns)
    assert df["flagged"].any() and not df["flagged"].all()
    assert any("<mark" in str(x) for x in shown)  # the HTML report was displayed inline
