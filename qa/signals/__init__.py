"""Numeric signals: batched functions registered by name (chrF vs retranslation, e5, ...)."""

from qa.signals.base import SIGNALS, register

__all__ = ["SIGNALS", "register"]
