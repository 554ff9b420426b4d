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


SIGNALS: dict[str, SignalInfo] = {}


def register(
    name: str, title: str, higher_is_better: bool = True
) -> Callable[[SignalFn], SignalFn]:
    def deco(fn: SignalFn) -> SignalFn:
        SIGNALS[name] = SignalInfo(name, title, fn, higher_is_better)
        return fn

    return deco


def run_signals(
    segments: list[Segment], disabled: Iterable[str] = ()
) -> dict[str, list[float | None]]:
    skip = set(disabled)
    return {n: info.fn(segments) for n, info in SIGNALS.items() if n not in skip}
