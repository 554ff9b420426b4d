"""Decode text files the way Japanese files actually arrive: UTF-8 (with or without BOM),
UTF-16, Shift-JIS/CP932 or EUC-JP. The only place in mtqa that guesses an encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

from qa.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order after UTF-8; strict decoding rejects most wrong guesses outright.
_JAPANESE_LEGACY = ("cp932", "euc_jp")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). The text is left as decoded (line ends included) so that
    character offsets reported later point into the file as the user's editor shows it."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in _JAPANESE_LEGACY:
        try:
            candidates.append((data.decode(enc), enc))
        except UnicodeDecodeError:
            continue
    if len(candidates) > 1:
        # Both decode cleanly: let charset-normalizer pick between them.
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(_JAPANESE_LEGACY)).best()
        if best is not None:
            enc = "cp932" if best.encoding in ("cp932", "shift_jis") else "euc_jp"
            return data.decode(enc), enc
    if candidates:
        text, enc = candidates[0]
        return text, enc
    raise InputError("not UTF-8, UTF-16, Shift-JIS/CP932 or EUC-JP text")


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a file; any problem is an InputError naming the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        return decode(data)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def _looks_utf16(data: bytes) -> bool:
    """BOM-less UTF-16: many NUL bytes in alternating positions."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > len(sample) // 4 and min(even, odd) == 0


def split_lines(text: str) -> list[str]:
    """Lines of a text file: split on \\n, drop a \\r before it, no phantom last line."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines
