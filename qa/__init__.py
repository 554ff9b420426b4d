"""mtqa: machine-translation quality checking for Japanese→English.

The names below load on first use (PEP 562), so `import qa.errors` or `mtqa --help` does not
import the whole pipeline.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "check": "qa.api",
    "check_files": "qa.api",
    "run": "qa.pipeline",
    "Inputs": "qa.pipeline",
    "Settings": "qa.pipeline",
    "Models": "qa.runtime",
    "Issue": "qa.model",
    "Result": "qa.model",
    "Segment": "qa.model",
    "SegmentResult": "qa.model",
    "Summary": "qa.model",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
