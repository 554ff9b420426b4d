"""Rule checks: tiny functions registered by name with a severity and a one-line title.

The modules are listed here, not discovered, and imported only by `load()` (as sacrebleu lists
its tokenizers): `import qa.checks` costs nothing and listing the checks imports no model.
"""

from __future__ import annotations

import importlib

from qa.checks.base import CHECKS, CheckInfo, Context, Finding, register

MODULES = (  # registry order = the order of findings in a segment
    "added_sentence",
    "alignment",
    "bounds",
    "casing",
    "dates",
    "doubled",
    "entities",
    "gender",
    "glossary",
    "lm_contrast",
    "lm_span",
    "missing",
    "negation",
    "numbers",
    "oversized",
    "placeholders",
    "prices",
    "punctuation",
    "quotes",
    "terms",
    "truncated",
    "units",
    "untranslated",
)

__all__ = ["CHECKS", "CheckInfo", "Context", "Finding", "load", "register"]


def load() -> dict[str, CheckInfo]:
    """Import every check module (registering its checks) and return the registry."""
    for name in MODULES:
        importlib.import_module(f"qa.checks.{name}")
    return CHECKS
