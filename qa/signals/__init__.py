"""Numeric signals: batched functions registered by name (e5, dictionary coverage, length, ...).

The modules are listed here, not discovered, and imported only by `load()`: `import qa.signals`
costs nothing, and no signal module imports torch at import time (the e5 and LM runtimes load
inside the run's `Models`), so listing the signals stays light.
"""

from __future__ import annotations

import importlib

from qa.signals.base import SIGNALS, SignalInfo, register

MODULES = ("dictionary", "embed", "fluency", "length", "lm")  # registry order = score order

__all__ = ["SIGNALS", "SignalInfo", "load", "register"]


def load() -> dict[str, SignalInfo]:
    """Import every signal module (registering its signals) and return the registry."""
    for name in MODULES:
        importlib.import_module(f"qa.signals.{name}")
    return SIGNALS
