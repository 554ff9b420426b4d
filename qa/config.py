"""Effective settings of a command: command line > environment > config file > defaults.

- **Config file**: `mtqa.toml` or `.mtqa.toml` (top-level keys), or `[tool.mtqa]` in a
  `pyproject.toml`, found in the current folder or the nearest parent that has one; the first
  of those three names in that folder wins, and files are never merged. `--config FILE` names
  one (a `pyproject.toml` is read at `[tool.mtqa]`, any other name at its top level);
  `--isolated` reads none (the environment still applies, as with flake8's `--isolated`).
  Keys are the long option names of `mtqa check`, with `-` or `_` (`fail-on-flag`,
  `fail_on_flag`); relative paths in a file are relative to that file's folder.
- **Environment**: `MTQA_<OPTION>` (`MTQA_PRESET=strict`, `MTQA_FAIL_ON_FLAG=1`,
  `MTQA_DISABLE="quotes_dropped,e5"`; on the command line too, `--disable a,b` is
  `--disable a --disable b`); an empty variable counts as unset. `--cache` has no
  variable: `MTQA_CACHE` is the cache folder.
- Per-run names (`--output`, `--retranslation`, `--input-format`) are command-line only.

A command asks for its settings with `resolve(given, names)`, `given` being what its command
line set; the answer says where each value came from (`cli`, `env MTQA_PRESET`,
`mtqa.toml:3`, `default`), which is what `mtqa config show` prints. Problems are InputErrors
naming the file (and line) or variable, and the key.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import InputError

FILE_NAMES = ("mtqa.toml", ".mtqa.toml", "pyproject.toml")
ENV_PREFIX = "MTQA_"


@dataclass(frozen=True)
class Option:
    """One setting a config file or the environment may give. `name` is the long option name
    with underscores; `kind` is bool, int, float, str, list (of str) or path."""

    name: str
    kind: str
    default: Any = None
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    env: bool = True  # read from MTQA_<NAME>

    @property
    def key(self) -> str:
        """The name as written in a config file and `mtqa config show`."""
        return self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


_OPTIONS = (
    Option("aligned", "bool", False),
    Option("mt", "str", "auto"),
    Option("mt_model", "str"),
    Option("backend", "str", "auto", choices=("auto", "hf", "ct2")),
    Option("device", "str", "auto"),
    Option("beam", "int", 1, low=1),
    Option("batch_size", "int", 16, low=1),
    Option("max_new_tokens", "int", 256, low=1),
    Option("cache", "bool", True, env=False),  # MTQA_CACHE is the cache folder
    Option("level", "str", "paragraph", choices=("paragraph", "sentence")),
    Option("preset", "str", "standard", choices=("strict", "standard", "lenient")),
    Option("threshold", "float", low=0.0, high=1.0),
    Option("disable", "list", ()),
    Option("enable", "list", ()),
    Option("fast", "bool", False),  # MTQA_FAST=1: the e5-only path
    Option("glossary", "path"),
    Option("ignore", "path"),
    Option("format", "str", choices=("table", "json", "jsonl", "csv", "html", "xliff", "tmx")),
    Option("all", "bool", False),
    Option("fail_on_flag", "bool", False),
    Option("quiet", "bool", False),  # no progress bar
)
OPTIONS: dict[str, Option] = {o.name: o for o in _OPTIONS}
# What `mtqa check` reads from here (a command with fewer options passes its own names).
CHECK = tuple(OPTIONS)
# Options a file or the environment may not set, and why.
CLI_ONLY = {
    "output": "it names one run's report; give -o on the command line",
    "retranslation": "it belongs to one input; give --retranslation on the command line",
    "input_format": "it belongs to one input; give --input-format on the command line",
    "config": "a config file cannot name another",
    "isolated": "give --isolated on the command line",
}


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "cli", "env MTQA_PRESET", "mtqa.toml:3", "default"


@dataclass(frozen=True)
class Effective:
    """The settings a command runs with, and where each came from."""

    settings: dict[str, Setting]
    file: str | None = None  # the config file read, as shown in sources
    note: str = ""  # why there is none: "--isolated", "none found"
    names: tuple[str, ...] = field(default=CHECK)

    def __getitem__(self, name: str) -> Any:
        return self.settings[name].value

    def source(self, name: str) -> str:
        return self.settings[name].source

    @contextmanager
    def blame(self, name: str) -> Iterator[None]:
        """An InputError raised inside about this setting's value names where it was set."""
        try:
            yield
        except InputError as e:
            src = self.source(name)
            if src in ("cli", "default"):
                raise
            where = f"environment {src[4:]}" if src.startswith("env ") else src
            raise InputError(f"{where}: {OPTIONS[name].key}: {e}") from None

    def show(self) -> list[str]:
        """TOML lines, one per setting, each with its source as a comment."""
        head = f"# config file: {self.file}" if self.file else f"# config file: {self.note}"
        lines = [head]
        for name in self.names:
            s, opt = self.settings[name], OPTIONS[name]
            text = f"{opt.key} = {_toml(s.value)}" if s.value is not None else f"# {opt.key}: unset"
            lines.append(f"{text:40} # {s.source}")
        return lines


def resolve(
    given: Mapping[str, Any],
    names: tuple[str, ...] = CHECK,
    *,
    config: Path | None = None,
    isolated: bool = False,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Effective:
    """Each of `names` from `given` (what the command line set, by option name), else the
    environment, else the config file, else its default."""
    if config is not None and isolated:
        raise InputError("--config and --isolated contradict each other; give one")
    cwd = Path.cwd() if cwd is None else cwd
    environ = os.environ if environ is None else environ
    path, shown, note = None, None, "none found"
    if config is not None:
        path, shown = config, str(config)
    elif isolated:
        note = "ignored (--isolated)"
    else:
        path = find_config(cwd)
        if path is not None:
            shown = os.path.relpath(path, cwd)
    from_file = read_config(path, shown or str(path)) if path is not None else {}
    from_env = read_env(environ, names)
    settings = {}
    for name in names:
        if name in given:
            value = _plain(given[name])
            if OPTIONS[name].kind == "list":  # --disable a,b = --disable a --disable b
                value = tuple(p.strip() for v in value for p in v.split(",") if p.strip())
            settings[name] = Setting(value, "cli")
        elif name in from_env:
            settings[name] = from_env[name]
        elif name in from_file:
            settings[name] = from_file[name]
        else:
            settings[name] = Setting(OPTIONS[name].default, "default")
    return Effective(settings, shown, note, names)


def find_config(start: Path) -> Path | None:
    """The nearest config file in `start` or a parent: mtqa.toml, .mtqa.toml, or a
    pyproject.toml with a [tool.mtqa] table (one without is passed over)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in FILE_NAMES:
            p = folder / name
            if p.is_file() and (name != "pyproject.toml" or _has_tool_table(p)):
                return p
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "tool.mtqa" not in text and not re.search(r"^\s*\[\s*tool\s*\.\s*mtqa\b", text, re.M):
        return False  # not ours: its TOML is not our business
    return "mtqa" in _parse(path, str(path), text).get("tool", {})


def read_config(path: Path, shown: str) -> dict[str, Setting]:
    """The settings a config file gives, validated, paths made absolute from its folder."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{shown}: cannot read config file ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise InputError(f"{shown}: a config file must be UTF-8") from None
    data = _parse(path, shown, text)
    table: tuple[str, ...] = ()
    if Path(path).name == "pyproject.toml":
        table = ("tool", "mtqa")
        data = data.get("tool", {}).get("mtqa")
        if not isinstance(data, dict):
            raise InputError(f"{shown}: no [tool.mtqa] table")
    lines = _key_lines(text, table)
    base = Path(path).resolve().parent
    out: dict[str, Setting] = {}
    for key, value in data.items():
        where = f"{shown}:{lines[key]}" if key in lines else shown
        name = key.replace("-", "_")
        if name in CLI_ONLY:
            raise InputError(f"{where}: {key}: not allowed in a config file: {CLI_ONLY[name]}")
        if name not in OPTIONS:
            raise InputError(f"{where}: unknown key {key!r}{_suggest(name)}")
        if name in out:
            raise InputError(f"{where}: {key}: given twice (as - and _)")
        out[name] = Setting(_from_toml(OPTIONS[name], value, base, f"{where}: {key}"), where)
    return out


def _parse(path: Path, shown: str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{shown}: not valid TOML: {e}") from None


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


def _key_lines(text: str, table: tuple[str, ...]) -> dict[str, int]:
    """Line (1-based) of each key of `table` (() = the top level); tomllib keeps no
    positions. The first `key =` line inside the table is taken."""
    found: dict[str, int] = {}
    current: tuple[str, ...] = ()
    for n, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = tuple(p.strip().strip("\"'") for p in header.group(1).split("."))
            continue
        key = _KEY.match(line)
        if key and current == table:
            found.setdefault(next(g for g in key.groups() if g), n)
    return found


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, list(OPTIONS), n=1, cutoff=0.7)
    if close:
        return f"; did you mean {OPTIONS[close[0]].key!r}?"
    return " (keys are the long options of `mtqa check`; see `mtqa config show`)"


def _from_toml(opt: Option, value: Any, base: Path, where: str) -> Any:
    kind = opt.kind
    if kind == "bool" and not isinstance(value, bool):
        raise InputError(f"{where}: expected true or false, not {_toml(value)}")
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise InputError(f"{where}: expected a whole number, not {_toml(value)}")
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{where}: expected a number, not {_toml(value)}")
        value = float(value)
    if kind in ("str", "path") and not isinstance(value, str):
        raise InputError(f"{where}: expected a string, not {_toml(value)}")
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f'{where}: expected a list of strings, e.g. {opt.key} = ["name"]')
        value = tuple(value)
    _check_value(opt, value, where)
    if kind == "path":
        return base / Path(value).expanduser()
    if opt.name == "mt" and (base / value).exists():
        return str(base / value)  # a model folder next to the config file
    return value


def read_env(environ: Mapping[str, str], names: tuple[str, ...]) -> dict[str, Setting]:
    out = {}
    for name in names:
        opt = OPTIONS[name]
        raw = environ.get(opt.env_var, "") if opt.env else ""
        if raw.strip():
            out[name] = Setting(_from_env(opt, raw.strip()), f"env {opt.env_var}")
    return out


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _from_env(opt: Option, raw: str) -> Any:
    where = f"environment {opt.env_var}"
    value: Any = raw
    if opt.kind == "bool":
        if raw.lower() not in _TRUE + _FALSE:
            raise InputError(f"{where}: {raw!r} is not a boolean (use 1/0, true/false)")
        value = raw.lower() in _TRUE
    elif opt.kind in ("int", "float"):
        try:
            value = int(raw) if opt.kind == "int" else float(raw)
        except ValueError:
            what = "a whole number" if opt.kind == "int" else "a number"
            raise InputError(f"{where}: {raw!r} is not {what}") from None
    elif opt.kind == "list":
        value = tuple(p.strip() for p in raw.split(",") if p.strip())
    elif opt.kind == "path":
        value = Path(raw).expanduser()
    _check_value(opt, value, where)
    return value


def _check_value(opt: Option, value: Any, where: str) -> None:
    if opt.choices and value not in opt.choices:
        raise InputError(f"{where}: {value!r} is not one of {', '.join(opt.choices)}")
    if opt.low is not None and value < opt.low:
        raise InputError(f"{where}: {value} is below {opt.low:g}")
    if opt.high is not None and value > opt.high:
        raise InputError(f"{where}: {value} is above {opt.high:g}")


def _plain(value: Any) -> Any:
    """A command-line value as the other sources give it: enums as their value, lists as
    tuples."""
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    return getattr(value, "value", value)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'
