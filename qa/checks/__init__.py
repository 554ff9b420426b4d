"""Rule checks: tiny functions registered by name with a severity and a one-line title."""

from qa.checks.base import CHECKS, Context, register

__all__ = ["CHECKS", "Context", "register"]
