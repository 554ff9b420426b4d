"""The `mtqa` command line: parse options, call the library, render. No logic beyond that."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qa.errors import InputError, Interrupted

if TYPE_CHECKING:
    from qa.config import Effective
    from qa.translate.base import Translator

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: typer's rich formatter costs ~0.15 s of imports
    help="Flag machine-translated segments that need human review, with reasons.",
)
models_app = typer.Typer(
    help="Known MT models: list them, pull one into the cache.", rich_markup_mode=None
)
checks_app = typer.Typer(help="The registered rule checks and signals.", rich_markup_mode=None)
config_app = typer.Typer(
    help="Settings from mtqa.toml, [tool.mtqa] and MTQA_* variables.", rich_markup_mode=None
)
app.add_typer(models_app, name="models")
app.add_typer(checks_app, name="checks")
app.add_typer(config_app, name="config")


def _print_version(value: bool) -> None:
    if value:
        from qa import __version__

        typer.echo(f"mtqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version."
        ),
    ] = False,
) -> None:
    """Flag machine-translated segments that need human review, with reasons."""


class Preset(StrEnum):
    strict = "strict"
    standard = "standard"
    lenient = "lenient"


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"
    xliff = "xliff"  # the input XLIFF with review marks on flagged units
    tmx = "tmx"


SUFFIX_FORMATS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "html": "html", "htm": "html",
                  "txt": "table", "xlf": "xliff", "xliff": "xliff", "tmx": "tmx"}  # fmt: skip


class Level(StrEnum):
    paragraph = "paragraph"
    sentence = "sentence"


class Backend(StrEnum):
    auto = "auto"
    hf = "hf"
    ct2 = "ct2"


class InputFormat(StrEnum):
    tsv = "tsv"
    csv = "csv"
    jsonl = "jsonl"
    xliff = "xliff"
    tmx = "tmx"


@app.command()
def check(
    ctx: typer.Context,
    source: Annotated[
        Path, typer.Argument(help="Japanese source, or one bilingual table ('-': stdin).")
    ],
    target: Annotated[
        Path | None, typer.Argument(help="The existing English translation ('-': stdin).")
    ] = None,
    aligned: Annotated[bool, typer.Option(help="SOURCE and TARGET are line-aligned.")] = False,
    retranslation: Annotated[
        Path | None, typer.Option(help="Precomputed MT output, one line per source segment.")
    ] = None,
    mt: Annotated[
        str,
        typer.Option(
            help="'auto' (default model if pulled), 'none', a model name, id or folder, "
            "or openai:<base-url> for a served model."
        ),
    ] = "auto",
    mt_model: Annotated[
        str | None,
        typer.Option(
            help="Model name for --mt openai:<base-url> (default: the server's only one)."
        ),
    ] = None,
    backend: Annotated[Backend, typer.Option(help="MT runtime for a model folder.")] = Backend.auto,
    device: Annotated[str, typer.Option(help="'auto', 'cpu' or 'cuda'.")] = "auto",
    beam: Annotated[int, typer.Option(min=1, help="Beam size (1 = greedy).")] = 1,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Longest retranslation.")] = 256,
    cache: Annotated[
        bool, typer.Option(help="Reuse cached retranslations and features ($MTQA_CACHE).")
    ] = True,
    level: Annotated[Level, typer.Option(help="Segment documents by paragraph or sentence.")] = (
        Level.paragraph
    ),
    preset: Annotated[Preset, typer.Option(help="Flagging threshold preset.")] = Preset.standard,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Flag when risk ≥ this (overrides preset)."),
    ] = None,
    disable: Annotated[
        list[str], typer.Option(help="Turn off checks or signals by name: 'e5,added_sentence'.")
    ] = [],  # noqa: B006
    enable: Annotated[
        list[str], typer.Option(help="Turn on an opt-in signal ('lm' also with --fast).")
    ] = [],  # noqa: B006
    fast: Annotated[
        bool,
        typer.Option("--fast", help="e5-only path for bulk work: no English LM."),
    ] = False,
    glossary: Annotated[
        Path | None, typer.Option(help="TSV: source term, required target term.")
    ] = None,
    ignore: Annotated[
        Path | None,
        typer.Option(help="Fingerprints of findings marked false positives, one a line."),
    ] = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="Output format.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here ('-': stdout).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Table: show unflagged rows too.")
    ] = False,
    fail_on_flag: Annotated[bool, typer.Option(help="Exit 1 when any segment is flagged.")] = False,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(help="Format of a single input ('-' has no suffix to tell it by)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Read settings from this file (default: mtqa.toml ...).")
    ] = None,
    isolated: Annotated[
        bool, typer.Option(help="Read no config file (MTQA_* variables still apply).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Check a translation: retranslate, score, run checks, flag segments for review.

    Options not given here come from MTQA_<OPTION> variables, then from mtqa.toml,
    .mtqa.toml or [tool.mtqa] in pyproject.toml (this folder or the nearest parent); see
    `mtqa config show`."""
    from qa.features import FeatureCache
    from qa.fingerprint import read_ignore_file
    from qa.io.glossary import read_glossary
    from qa.pipeline import Inputs, Settings, resolve_names, run
    from qa.progress import Bar
    from qa.report.table import print_table
    from qa.runtime import Models

    o = _effective(ctx)
    out_fmt = _output_format(o["format"], o.source("format") == "cli", output)
    _guard_inputs(output, [source, target, retranslation, o["glossary"], o["ignore"]])
    with o.blame("disable"):
        disabled, _ = resolve_names(o["disable"], ())
    with o.blame("enable"):
        _, enabled = resolve_names((), o["enable"])
    with o.blame("glossary"):
        terms = read_glossary(o["glossary"]) if o["glossary"] else {}
    with o.blame("ignore"):
        ignored = read_ignore_file(o["ignore"]) if o["ignore"] else frozenset()
    settings = Settings(
        preset=o["preset"],
        threshold=o["threshold"],
        disable=disabled,
        enable=enabled,
        glossary=terms,
        level=o["level"],
        ignore=ignored,
        fast=o["fast"],
    )
    fmt_in = input_format.value if input_format else None
    inputs = Inputs(source, target, o["aligned"], retranslation, input_format=fmt_in)
    to_file = output is not None and str(output) != "-"
    with Bar(False if o["quiet"] else None) as bar:
        try:
            translator = _translator(o) if retranslation is None else None
            features = FeatureCache.default() if o["cache"] else None
            result = run(inputs, settings, Models(translator, cache=features, progress=bar))
            if result.summary.path.startswith("fast ("):  # the LM could not load: say so, once
                print(f"mtqa: warning: {result.summary.path}", file=sys.stderr)
            if to_file:  # a big run's report takes a while: the bar says so (not over stdout)
                bar("writing the report", 0, None)
                _write(_report(result, out_fmt, source, show_all=o["all"]), output)
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted {bar.where()}; no report written") from None
    if out_fmt == "table" and output is None:
        from rich.console import Console

        print_table(result, Console(), show_all=o["all"])
    elif not to_file:  # stdout: after the bar is gone
        _write(_report(result, out_fmt, source, show_all=o["all"]), output)
    if o["fail_on_flag"] and result.summary.flagged:
        raise typer.Exit(1)


def _translator(o: Effective) -> Translator:
    from qa.translate import load_translator

    with o.blame("mt"):
        return load_translator(
            o["mt"],
            backend=o["backend"],
            device=o["device"],
            beam=o["beam"],
            batch_size=o["batch_size"],
            max_new_tokens=o["max_new_tokens"],
            use_cache=o["cache"],
            mt_model=o["mt_model"],
        )


# `mtqa check` parameters whose names differ from their long option names (config keys).
_OPTION_NAMES = {"fmt": "format", "show_all": "all"}


def _effective(ctx: typer.Context) -> Effective:
    """The command's settings: what its command line gave, else MTQA_*, else the config file,
    else the defaults (qa/config.py)."""
    from qa.config import CHECK, resolve

    given = {
        _OPTION_NAMES.get(name, name): value
        for name, value in ctx.params.items()
        if ctx.get_parameter_source(name).name == "COMMANDLINE"  # type: ignore[union-attr]
    }
    return resolve(
        given, CHECK, config=ctx.params.get("config"), isolated=bool(ctx.params.get("isolated"))
    )


@config_app.command(
    "show", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def config_show(ctx: typer.Context) -> None:
    """Print each setting `mtqa check` would use and where it came from (cli, env MTQA_X,
    mtqa.toml:LINE, default), as TOML. Takes the options of `mtqa check`, e.g.
    `mtqa config show --preset strict`, `--config FILE`, `--isolated`."""
    check_cmd = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    with check_cmd.make_context("check", ["-", *ctx.args], parent=ctx) as sub:
        for line in _effective(sub).show():
            typer.echo(line)


class BatchFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of document pairs and bilingual files.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Reports here (FOLDER/mtqa-reports).")
    ] = None,
    aligned: Annotated[bool, typer.Option(help="Text pairs are line-aligned.")] = False,
    level: Annotated[Level, typer.Option(help="Segment documents by paragraph or sentence.")] = (
        Level.paragraph
    ),
    fmt: Annotated[
        BatchFormat, typer.Option("--format", "-f", help="Format of each pair's report.")
    ] = BatchFormat.json,
    mt: Annotated[
        str,
        typer.Option(help="'auto', 'none', a model name, id or folder (NAME.mt.txt wins)."),
    ] = "auto",
    backend: Annotated[Backend, typer.Option(help="MT runtime for a model folder.")] = Backend.auto,
    device: Annotated[str, typer.Option(help="'auto', 'cpu' or 'cuda'.")] = "auto",
    beam: Annotated[int, typer.Option(min=1, help="Beam size (1 = greedy).")] = 1,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Longest retranslation.")] = 256,
    cache: Annotated[bool, typer.Option(help="Reuse cached retranslations.")] = True,
    preset: Annotated[Preset, typer.Option(help="Flagging threshold preset.")] = Preset.standard,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Flag when risk ≥ this (overrides preset)."),
    ] = None,
    disable: Annotated[list[str], typer.Option(help="Turn off a check or signal by name.")] = [],  # noqa: B006
    enable: Annotated[
        list[str], typer.Option(help="Turn on an opt-in signal: 'lm' (needs mtqa[lm]).")
    ] = [],  # noqa: B006
    glossary: Annotated[
        Path | None, typer.Option(help="TSV: source term, required target term.")
    ] = None,
    fail_on_flag: Annotated[bool, typer.Option(help="Exit 1 when any segment is flagged.")] = False,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (local) or actors (ray).")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(min=1, help="torch threads per worker (default: as `mtqa check`)."),
    ] = None,
    engine: Annotated[Engine, typer.Option(help="Run pairs here or on Ray.")] = Engine.local,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster: 'auto' or ray://host:port.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Check every pair, even unchanged ones.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    fast: Annotated[
        bool,
        typer.Option("--fast", envvar="MTQA_FAST", help="e5-only path: no English LM."),
    ] = False,
    ignore: Annotated[
        Path | None,
        typer.Option(help="Fingerprints of findings marked false positives, one a line."),
    ] = None,
) -> None:
    """Check every pair of a folder: one report per pair, summary.json/.csv and index.html;
    unchanged pairs are skipped, an interrupted run resumes."""
    from qa.batch import BatchOptions, ModelSpec, run_batch
    from qa.fingerprint import read_ignore_file
    from qa.io.glossary import read_glossary
    from qa.pipeline import Settings, resolve_names

    disabled, enabled = resolve_names(disable, enable)
    settings = Settings(
        preset=preset.value,
        threshold=threshold,
        disable=disabled,
        enable=enabled,
        glossary=read_glossary(glossary) if glossary else {},
        level=level.value,
        ignore=read_ignore_file(ignore) if ignore else frozenset(),
        fast=fast,
    )
    spec = ModelSpec(mt, backend.value, device, beam, batch_size, max_new_tokens, cache,
                     threads=threads)  # fmt: skip
    options = BatchOptions(aligned, fmt.value, spec, jobs, engine.value, address, force,
                           progress=False if quiet else None)  # fmt: skip
    done = run_batch(folder, output, settings, options, log=_stderr)
    for message in done.failed.values():
        _stderr(f"mtqa: error: {message}")
    if not quiet:
        _stderr(
            f"mtqa: {len(done.rows)} pairs ({len(done.checked)} checked, {len(done.skipped)} "
            f"unchanged, {len(done.failed)} failed): {done.flagged} of {done.segments} segments "
            f"flagged; {done.outdir / 'index.html'}"
        )
    if done.failed:
        raise typer.Exit(2)
    if fail_on_flag and done.flagged:
        raise typer.Exit(1)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


@app.command()
def segment(
    source: Annotated[Path, typer.Argument(help="A Japanese document.")],
    level: Annotated[Level, typer.Option(help="Paragraphs or sentences.")] = Level.paragraph,
) -> None:
    """Print the source's segments, one a line: the lines an MT system should translate for
    `mtqa check SOURCE TARGET --retranslation FILE`."""
    from qa.io.encoding import read_text
    from qa.segment import segment_japanese

    text, _ = read_text(source)
    for unit in segment_japanese(text, level.value):
        typer.echo(" ".join(unit.text.split("\n")))


def _output_format(fmt: str | None, fmt_from_cli: bool, output: Path | None) -> str:
    """--format on the command line, else the suffix of -o, else --format from MTQA_FORMAT or
    the config file, else the table."""
    if fmt is not None and (fmt_from_cli or output is None or str(output) == "-"):
        return fmt
    if output is None or str(output) == "-":
        return "table"
    found = SUFFIX_FORMATS.get(output.suffix.lower().lstrip("."))
    if found is None and fmt is not None:
        return fmt
    if found is None:
        raise InputError(
            f"{output}: give --format, or name the output .json, .jsonl, .csv, .html, .txt, "
            ".xlf or .tmx"
        )
    return found


def _report(
    result,  # noqa: ANN001 - a qa.model.Result, imported lazily
    fmt: str,
    source: Path,
    show_all: bool = False,
) -> str | bytes | Iterable[str]:
    """The report's text (in pieces for json, jsonl, csv), or for xliff/tmx the input file's
    bytes with review marks."""
    if fmt == "table":
        from qa.report.files import to_table

        return to_table(result, show_all=show_all)
    if fmt not in ("xliff", "tmx"):
        from qa.report import render_parts

        return render_parts(result, fmt)
    if result.summary.input.get("input") not in ("xliff", "tmx"):
        raise InputError(f"--format {fmt} writes review marks back into an XLIFF or TMX input")
    from qa.report.writeback import write_back_file

    return write_back_file(source, result.to_dict())


def _write(data: str | bytes | Iterable[str], output: Path | None) -> None:
    """To the file (atomically), or to stdout for no -o or `-o -`."""
    if output is not None and str(output) != "-":
        from qa.report import write_atomic

        write_atomic(output, data)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        for part in [data] if isinstance(data, str) else data:
            sys.stdout.write(part)


def _guard_inputs(output: Path | None, inputs: list[Path | None]) -> None:
    """Before any work: inputs are files (at most one is stdin), the report can be written,
    and never over an input."""
    if sum(str(p) == "-" for p in inputs if p is not None) > 1:
        raise InputError("'-' (stdin) can stand for one input only")
    for p in inputs[:2]:
        if p is not None and str(p) != "-" and p.is_dir():
            raise InputError(
                f"{p}: is a directory; `mtqa check` takes files — for every file in a "
                f"directory use `mtqa batch {p}`"
            )
    if output is None or str(output) == "-":
        return
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give a file name for the report")
    if not output.parent.is_dir():
        raise InputError(f"{output}: folder {output.parent} does not exist")
    for p in inputs:
        if p is not None and p.exists() and output.exists() and output.samefile(p):
            raise InputError(f"{output}: refusing to overwrite an input file with the report")


@checks_app.command("list")
def checks_list() -> None:
    """Every registered rule check (with severity) and numeric signal."""
    from qa.checks import CHECKS
    from qa.pipeline import load_plugins
    from qa.signals import SIGNALS

    load_plugins()
    for c in CHECKS.values():
        typer.echo(f"check   {c.name:24} {c.severity:8} {c.title}")
    for s in SIGNALS.values():
        typer.echo(f"signal  {s.name:24} {'opt-in' if s.opt_in else '':8} {s.title}")


@models_app.command("list")
def models_list() -> None:
    """Known MT models, their licences, and whether each is in the local cache."""
    from qa.translate.catalog import list_models

    for m in list_models():
        state = "pulled" if m.get("pulled") else "not pulled"
        if m.get("ct2_pulled"):
            state += " (+ctranslate2)"
        typer.echo(
            f"{m['name']:26} {m['hub_id']:34} {m.get('size', '?'):22} {m.get('licence', '?'):13} "
            f"{state}"
        )


@models_app.command("pull")
def models_pull(
    name: Annotated[str, typer.Argument(help="Registry name or hub id.")],
    ct2: Annotated[bool, typer.Option(help="Also convert to CTranslate2 (fast CPU path).")] = False,
) -> None:
    """Download a model into the cache (needs network access to the Hugging Face Hub)."""
    from qa.translate.pull import pull

    typer.echo(str(pull(name, ct2=ct2)))


def _usage_errors() -> tuple[type[Exception], ...]:
    """Recent typer vendors its own click (and click may not be installed); older typer uses
    click's exceptions. Catch whichever family this install raises."""
    found: list[type[Exception]] = []
    if hasattr(typer, "TyperException"):
        found.append(typer.TyperException)
    try:
        import click

        found.append(click.ClickException)
    except ImportError:
        pass
    return tuple(found)


_CLICK_ERRORS = _usage_errors()
_EXITS = (typer.Exit,)
_ABORTS = (typer.Abort,)


def main() -> None:
    """Console entry point: user errors are one line on stderr and exit code 2; Ctrl-C is one
    line saying how far the work got, exit code 130."""
    try:
        code = app(standalone_mode=False)
    except InputError as e:
        _fail(str(e))
    except Interrupted as e:
        _stderr(f"mtqa: {e}")
        sys.exit(130)
    except _CLICK_ERRORS as e:
        if type(e).__name__ == "NoArgsIsHelpError":
            sys.exit(0)  # help was already printed
        _fail(e.format_message())
    except _EXITS as e:
        sys.exit(e.exit_code)
    except _ABORTS:
        _fail("aborted")
    except KeyboardInterrupt:
        _stderr("mtqa: interrupted")
        sys.exit(130)
    if isinstance(code, int):
        sys.exit(code)


def _fail(message: str) -> None:
    print(f"mtqa: error: {message}", file=sys.stderr)
    sys.exit(2)
