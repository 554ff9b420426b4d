"""The Translator interface: a batch of Japanese strings in, English strings out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from qa.errors import InputError


@runtime_checkable
class Translator(Protocol):
    """What every retranslation backend provides.

    `name` is shown in reports; `cache_key` identifies everything that changes the output
    (model, revision, decoding settings) so cached retranslations are never mixed up.
    """

    name: str
    cache_key: str

    def translate(self, sources: list[str]) -> list[str]: ...


def choose_device(device: str, has_gpu: bool, runtime: str, devices: tuple[str, ...]) -> str:
    """'auto' picks CUDA when `runtime` sees a GPU; an explicit choice must be usable."""
    if device == "auto":
        return "cuda" if has_gpu else "cpu"
    if device.startswith("cuda") and not has_gpu:
        raise InputError(f"device {device!r} requested but {runtime} sees no CUDA GPU")
    if not device.startswith(devices):
        raise InputError(f"unknown device {device!r} for {runtime}: use auto, cpu or cuda")
    return device
