"""The Translator interface: a batch of Japanese strings in, English strings out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Translator(Protocol):
    """What every retranslation backend provides.

    `name` is shown in reports; `cache_key` identifies everything that changes the output
    (model, revision, decoding settings) so cached retranslations are never mixed up.
    """

    name: str
    cache_key: str

    def translate(self, sources: list[str]) -> list[str]: ...
