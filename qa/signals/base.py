"""The signal registry. A signal maps a batch of Segments to one number per segment
(None where it does not apply, e.g. a missing side). Batched because embedding models are
much faster on batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qa.model import Segment

SignalFn = Callable[[list[Segment]], list[float | None]]


@dataclass(frozen=True)
class SignalInfo:
    name: str
    title: str
    fn: SignalFn
    # Higher value = better translation (True) or worse (False); used to phrase reasons.
    higher_is_better: bool = True
    # Off unless asked for (`--enable NAME`): slow or needing an extra's download.
    opt_in: bool = False


SIGNALS: dict[str, SignalInfo] = {}


def register(
    name: str, title: str, higher_is_better: bool = True, opt_in: bool = False
) -> Callable[[SignalFn], SignalFn]:
    def deco(fn: SignalFn) -> SignalFn:
        SIGNALS[name] = SignalInfo(name, title, fn, higher_is_better, opt_in)
        return fn

    return deco


def run_signals(
    segments: list[Segment], disabled: Iterable[str] = (), enabled: Iterable[str] = ()
) -> dict[str, list[float | None]]:
    """Every signal not disabled, opt-in ones only where enabled."""
    skip, asked = set(disabled), set(enabled)
    return {
        n: info.fn(segments)
        for n, info in SIGNALS.items()
        if n not in skip and (not info.opt_in or n in asked)
    }
