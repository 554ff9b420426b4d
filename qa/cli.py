"""The `mtqa` command line: parse options, call the library, render. No logic beyond that."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from qa.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Flag machine-translated segments that need human review, with reasons.",
)
models_app = typer.Typer(help="Known MT models: list them, pull one into the cache.")
checks_app = typer.Typer(help="The registered rule checks and signals.")
app.add_typer(models_app, name="models")
app.add_typer(checks_app, name="checks")


class Preset(StrEnum):
    strict = "strict"
    standard = "standard"
    lenient = "lenient"


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Level(StrEnum):
    paragraph = "paragraph"
    sentence = "sentence"


class Backend(StrEnum):
    auto = "auto"
    hf = "hf"
    ct2 = "ct2"


@app.command()
def check(
    source: Annotated[Path, typer.Argument(help="Japanese source, or one bilingual table.")],
    target: Annotated[Path | None, typer.Argument(help="The existing English translation.")] = None,
    aligned: Annotated[bool, typer.Option(help="SOURCE and TARGET are line-aligned.")] = False,
    retranslation: Annotated[
        Path | None, typer.Option(help="Precomputed MT output, one line per source segment.")
    ] = None,
    mt: Annotated[
        str,
        typer.Option(help="'auto' (default model if pulled), 'none', a model name, id or folder."),
    ] = "auto",
    backend: Annotated[Backend, typer.Option(help="MT runtime for a model folder.")] = Backend.auto,
    device: Annotated[str, typer.Option(help="'auto', 'cpu' or 'cuda'.")] = "auto",
    beam: Annotated[int, typer.Option(min=1, help="Beam size (1 = greedy).")] = 1,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="Longest retranslation.")] = 256,
    cache: Annotated[bool, typer.Option(help="Reuse cached retranslations.")] = True,
    level: Annotated[Level, typer.Option(help="Segment documents by paragraph or sentence.")] = (
        Level.paragraph
    ),
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
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="Output format.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Table: show unflagged rows too.")
    ] = False,
    fail_on_flag: Annotated[bool, typer.Option(help="Exit 1 when any segment is flagged.")] = False,
) -> None:
    """Check a translation: retranslate, score, run checks, flag segments for review."""
    from qa.io.glossary import read_glossary
    from qa.pipeline import Inputs, Settings, resolve_names, run
    from qa.report import render, write_atomic
    from qa.report.table import print_table
    from qa.runtime import Models
    from qa.translate import load_translator

    out_fmt = _output_format(fmt, output)
    _guard_inputs(output, [source, target, retranslation, glossary])
    disabled, enabled = resolve_names(disable, enable)
    settings = Settings(
        preset=preset.value,
        threshold=threshold,
        disable=disabled,
        enable=enabled,
        glossary=read_glossary(glossary) if glossary else {},
        level=level.value,
    )
    translator = None
    if retranslation is None:
        translator = load_translator(
            mt,
            backend=backend.value,
            device=device,
            beam=beam,
            batch_size=batch_size,
            max_new_tokens=max_new_tokens,
            use_cache=cache,
        )
    inputs = Inputs(source, target, aligned=aligned, retranslation=retranslation)
    result = run(inputs, settings, Models(translator))
    if out_fmt == "table":
        print_table(result, Console(), show_all=show_all)
    elif output is not None:
        write_atomic(output, render(result, out_fmt))
    else:
        sys.stdout.write(render(result, out_fmt))
    if fail_on_flag and result.summary.flagged:
        raise typer.Exit(1)


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
) -> None:
    """Check every pair of a folder: one report per pair, summary.json/.csv and index.html;
    unchanged pairs are skipped, an interrupted run resumes."""
    from qa.batch import BatchInterrupted, BatchOptions, ModelSpec, run_batch
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
    )
    spec = ModelSpec(mt, backend.value, device, beam, batch_size, max_new_tokens, cache,
                     threads=threads)  # fmt: skip
    options = BatchOptions(aligned, fmt.value, spec, jobs, engine.value, address, force,
                           progress=False if quiet else None)  # fmt: skip
    try:
        done = run_batch(folder, output, settings, options, log=_stderr)
    except BatchInterrupted as e:
        _stderr(f"mtqa: {e}")
        raise typer.Exit(130) from None
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


def _output_format(fmt: Format | None, output: Path | None) -> str:
    if fmt is not None:
        if fmt is Format.table and output is not None:
            raise InputError("--output needs --format json, jsonl or csv")
        return fmt.value
    if output is None:
        return "table"
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("json", "jsonl", "csv"):
        raise InputError(f"{output}: give --format, or name the output .json, .jsonl or .csv")
    return suffix


def _guard_inputs(output: Path | None, inputs: list[Path | None]) -> None:
    """Never overwrite an input with the report."""
    if output is None:
        return
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
    """Console entry point: user errors are one line on stderr and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except InputError as e:
        _fail(str(e))
    except _CLICK_ERRORS as e:
        if type(e).__name__ == "NoArgsIsHelpError":
            sys.exit(0)  # help was already printed
        _fail(e.format_message())
    except _EXITS as e:
        sys.exit(e.exit_code)
    except _ABORTS:
        _fail("aborted")
    except KeyboardInterrupt:
        _fail("interrupted")
    if isinstance(code, int):
        sys.exit(code)


def _fail(message: str) -> None:
    print(f"mtqa: error: {message}", file=sys.stderr)
    sys.exit(2)
