"""Importing this module registers every built-in checks module in this package."""

import importlib
import pkgutil

import qa.checks as _pkg

for _mod in pkgutil.iter_modules(_pkg.__path__):
    if _mod.name not in ("all", "base"):
        importlib.import_module(f"qa.checks.{_mod.name}")
