"""Batches for transformer forward passes: items sorted by token length, cut so that each
batch's padded size (its count times its longest item) stays within a token budget."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def token_batches(items: list[T], length: Callable[[T], int], budget: int) -> list[list[T]]:
    """`items` by ascending length, in batches of at most `budget` padded tokens (an item
    longer than the budget gets a batch of its own)."""
    batches: list[list[T]] = []
    for item in sorted(items, key=length):  # ascending: the newest item sets the padded width
        if batches and (len(batches[-1]) + 1) * length(item) <= budget:
            batches[-1].append(item)
        else:
            batches.append([item])
    return batches
