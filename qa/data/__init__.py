"""Fitted data files shipped with mtqa, read once: the risk models and the calibration
constants some signals need (both written by `bench/fit_risk.py`)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def risk_file() -> dict[str, Any]:
    """`risk_model.json`: {"calibration": {...}, "models": {name: {...}}, ...}."""
    text = resources.files("qa.data").joinpath("risk_model.json").read_text(encoding="utf-8")
    return json.loads(text)


def calibration() -> dict[str, float]:
    """Constants fitted on data (e.g. the length-ratio median and spread of human translations)."""
    return risk_file()["calibration"]
