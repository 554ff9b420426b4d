"""Data files shipped with mtqa: the risk models and the calibration constants some signals
need (both written by `bench/fit_risk.py`), read once, and WordNet's tables (written by
`bench/wordnet_antonyms.py`), which their checks read through `text`."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def text(name: str) -> str:
    """The content of the data file `name` (installed with the package, not read from cwd)."""
    return resources.files("qa.data").joinpath(name).read_text(encoding="utf-8")


@cache
def risk_file() -> dict[str, Any]:
    """`risk_model.json`: {"calibration": {...}, "models": {name: {...}}, ...}."""
    return json.loads(text("risk_model.json"))


def calibration() -> dict[str, float]:
    """Constants fitted on data (e.g. the length-ratio median and spread of human translations)."""
    return risk_file()["calibration"]
