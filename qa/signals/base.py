"""The signal registry. A signal maps a batch of Segments to one number per segment
(None where it does not apply, e.g. a missing side). Batched because embedding models are
much faster on batches. Signals that need a model take it from the run's `Models`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa import __version__
from qa.model import Segment

if TYPE_CHECKING:
    from qa.runtime import Models

SignalFn = Callable[[list[Segment], "Models"], list[float | None]]


@dataclass(frozen=True)
class SignalInfo:
    name: str
    title: str
    fn: SignalFn
    # Higher value = better translation (True) or worse (False); used to phrase reasons.
    higher_is_better: bool = True
    # Off unless asked for (`--enable NAME`): slow or needing an extra's download.
    opt_in: bool = False
    # Part of the feature cache's key (default: mtqa's version): bump it when the values
    # change outside mtqa's own release.
    version: str = __version__
    # Computed before the other signals (values do not depend on the order): the LM, whose
    # weights are handed back after its pass, so they and e5's working set are never resident
    # together (qa/signals/heap.py).
    runs_first: bool = False


SIGNALS: dict[str, SignalInfo] = {}


def register(
    name: str,
    title: str,
    higher_is_better: bool = True,
    opt_in: bool = False,
    version: str = __version__,
    runs_first: bool = False,
) -> Callable[[SignalFn], SignalFn]:
    def deco(fn: SignalFn) -> SignalFn:
        if name in SIGNALS and SIGNALS[name].fn is not fn:
            raise ValueError(f"signal {name!r} is registered twice")
        SIGNALS[name] = SignalInfo(name, title, fn, higher_is_better, opt_in, version, runs_first)
        return fn

    return deco


def active(disabled: Iterable[str] = (), enabled: Iterable[str] = ()) -> list[SignalInfo]:
    """The signals a run computes: every one not disabled, opt-in ones only where enabled."""
    skip, asked = set(disabled), set(enabled)
    return [
        info
        for info in sorted(SIGNALS.values(), key=lambda i: i.fn.__module__)  # not import order
        if info.name not in skip and (not info.opt_in or info.name in asked)
    ]
