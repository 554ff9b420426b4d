"""Read input files and decode text the way Japanese files actually arrive: UTF-8 (with or
without BOM), UTF-16, Shift-JIS/CP932 or EUC-JP. The only place in mtqa that opens an input
file or guesses an encoding.

What gets read (`read_bytes`), decided once here for every reader:

- a regular file, up to `qa.limits.max_input_bytes()` (512 MB; `MTQA_MAX_INPUT_MB`), checked
  from its size before anything is read;
- a pipe or FIFO (`<(zcat a.gz)`, `/dev/stdin` fed by a pipe), read up to the same cap and
  refused once it passes it. It is opened without blocking and waited on for at most
  `FIFO_WAIT_SECONDS` (10 s) until a writer sends something or closes, so a FIFO that nobody
  writes to is an error, not a hang;
- anything else (a directory, a character or block device such as /dev/zero or a terminal,
  a socket) is refused with one line: "not a regular file (character device)";
- the path "-" is stdin (`read_stdin`): read once (a second read of "-" in the same process
  gets the same bytes, e.g. for XLIFF write-back), up to the same cap; a terminal is refused.

What gets decoded (`decode`): text only. NUL bytes outside UTF-16, known binary signatures
(PNG, ZIP/Office, PDF, gzip, ...) and UTF-8 with a few broken bytes (a damaged file, which a
legacy codec would otherwise turn into mojibake) are InputErrors that say where.
"""

from __future__ import annotations

import codecs
import errno
import os
import select
import stat
import sys
from pathlib import Path
from typing import Any

from qa.errors import InputError
from qa.limits import max_input_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order after UTF-8; strict decoding rejects most wrong guesses outright.
_JAPANESE_LEGACY = ("cp932", "euc_jp")
# File signatures of formats people drop into a project folder by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (.docx/.xlsx are ZIP: export them as text)"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls)"),
    (b"\x7fELF", "an executable"),
)
_CHUNK = 1 << 20
FIFO_WAIT_SECONDS = 10.0


def read_bytes(path: Path) -> bytes:
    """The bytes of an input file, within the size cap; any problem is an InputError
    naming the file (see the module docstring for what is read)."""
    if str(path) == "-":
        return read_stdin()
    limit = max_input_bytes()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing only
            raise InputError(f"{path}: not a regular file (socket)") from None
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind == "directory":
            raise InputError(f"{path}: is a directory, not a file")
        if kind not in ("file", "FIFO"):
            raise InputError(f"{path}: not a regular file ({kind})")
        if kind == "file" and info.st_size > limit:
            raise InputError(f"{path}: {_size(info.st_size)}, more than {_limit_text(limit)}")
        if kind == "FIFO":
            _wait_for_writer(path, fd)
            os.set_blocking(fd, True)  # then block on the writer's data until it closes
        return _read_capped(path, fd, limit)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    finally:
        os.close(fd)


_STDIN: tuple[Any, bytes] | None = None  # (the stream, what it held): stdin reads once


def read_stdin() -> bytes:
    """All of stdin as bytes, within the input cap (an InputError past it); a terminal is
    refused rather than waited on."""
    global _STDIN
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if _STDIN is not None and _STDIN[0] is stream:
        return _STDIN[1]
    try:
        if stream.isatty():
            raise InputError("-: stdin is a terminal; pipe the text in (… | mtqa check - …)")
        limit, parts, total = max_input_bytes(), [], 0
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise InputError(f"-: stdin holds more than {_limit_text(limit)}; stopped reading")
            parts.append(chunk)
    except (OSError, ValueError) as e:  # closed or unreadable stdin
        raise InputError(f"-: cannot read stdin ({e})") from None
    _STDIN = (stream, b"".join(parts))
    return _STDIN[1]


def _wait_for_writer(path: Path, fd: int) -> None:
    """Until a writer has sent data or closed (Linux holds back POLLHUP until one was seen)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(int(FIFO_WAIT_SECONDS * 1000)):
        raise InputError(f"{path}: a FIFO that nothing wrote to within {FIFO_WAIT_SECONDS:g} s")


def _read_capped(path: Path, fd: int, limit: int) -> bytes:
    parts, total = [], 0
    while True:
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            raise InputError(f"{path}: more than {_limit_text(limit)}; stopped reading")
        parts.append(chunk)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISREG, "file"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _limit_text(limit: int) -> str:
    return f"the {_size(limit)} an input may have (MTQA_MAX_INPUT_MB)"


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). The text is left as decoded (line ends included) so that
    character offsets reported later point into the file as the user's editor shows it."""
    for magic, what in _MAGIC:
        # A signature alone is not enough: "GIF89a is..." or "%PDF-1.7 notes" may be text.
        if data.startswith(magic) and _binary_body(data):
            raise InputError(f"{what}, not a text file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc), enc
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _strict(data, enc), enc
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"NUL byte at {_where(data, nul)}: a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if _mostly_utf8(data):
            raise InputError(f"invalid UTF-8 at {_where(data, e.start)}") from None
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


def _binary_body(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        label = "UTF-8" if enc.startswith("utf-8") else "UTF-16"
        raise InputError(f"invalid {label} at byte {e.start:,}") from None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (a damaged or truncated file), not a legacy encoding: most
    non-ASCII characters decode as UTF-8. Shift-JIS/EUC-JP text almost never does."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good >= 4 * bad


def _where(data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    return f"byte {pos:,} (line {line:,})"


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a file; any problem is an InputError naming the file."""
    data = read_bytes(path)
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
