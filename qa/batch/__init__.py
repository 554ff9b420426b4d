"""Batch QA over a folder: pair the files (`qa.batch.pairs`), skip pairs whose inputs and
settings are unchanged since the last run (`qa.batch.manifest`), run `qa.pipeline.run` on the
rest in this process, worker processes or Ray actors (`qa.batch.engines`), and write one report
per pair plus `summary.json`, `summary.csv` and `index.html` (`qa.batch.summary`).

    from qa.batch import BatchOptions, run_batch
    summary = run_batch("jobs/", "reports/", Settings(preset="strict"), BatchOptions(jobs=2))

The driver alone writes files: each report atomically, then the manifest entry that vouches
for it, so an interrupted run resumes where it stopped and every engine writes the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import qa
from qa.batch.manifest import (
    Manifest,
    digest,
    digest_text,
    input_digests,
    pair_key,
    risk_model_sha256,
)
from qa.batch.output import write_file
from qa.batch.pairs import MANIFEST_NAME, Discovery, Pair, find_pairs
from qa.batch.summary import SUMMARY_FILES, pair_row, write_summaries
from qa.batch.work import ModelSpec, Outcome
from qa.errors import InputError, Interrupted
from qa.model import Result
from qa.pipeline import Settings
from qa.progress import Bar

__all__ = [
    "BatchInterrupted",
    "BatchOptions",
    "BatchSummary",
    "ModelSpec",
    "Pair",
    "find_pairs",
    "run_batch",
]

FORMATS = ("json", "jsonl", "csv", "html")
DEFAULT_OUTDIR = "mtqa-reports"


@dataclass(frozen=True)
class BatchOptions:
    aligned: bool = False  # text pairs are line-aligned files (else documents, aligned by mtqa)
    fmt: str = "json"  # per-pair report format
    models: ModelSpec = field(default_factory=ModelSpec)
    jobs: int | None = None  # local: worker processes (None/1: this process); ray: actors
    engine: str = "local"  # "local" | "ray"
    address: str | None = None  # ray: "auto" or "ray://host:port"; None starts a local Ray
    force: bool = False  # ignore the manifest: check every pair again
    progress: bool | None = None  # None: a progress bar when stderr is a terminal; False: none


@dataclass
class BatchSummary:
    root: Path
    outdir: Path
    rows: list[dict[str, Any]]  # one per pair, in name order (summary.json's "pairs")
    checked: list[str]
    skipped: list[str]  # unchanged since the last run: report and row reused
    failed: dict[str, str]  # pair name → one-line input error
    unpaired: list[str]

    @property
    def flagged(self) -> int:
        return sum(r["flagged"] or 0 for r in self.rows)

    @property
    def segments(self) -> int:
        return sum(r["segments"] or 0 for r in self.rows)


class BatchInterrupted(Interrupted):
    """Ctrl-C during a batch: finished pairs are kept (reports and manifest), the rest not."""


def run_batch(
    root: Path | str,
    outdir: Path | str | None = None,
    settings: Settings | None = None,
    options: BatchOptions | None = None,
    *,
    log: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Check every pair under `root`, writing reports and summaries into `outdir` (default
    `root/mtqa-reports`). `log` receives the unpaired-files warning line."""
    root = Path(root)
    settings = settings or Settings()
    options = options or BatchOptions()
    outdir = Path(outdir) if outdir is not None else root / DEFAULT_OUTDIR
    _check_options(root, outdir, options)
    found = find_pairs(root, exclude=[outdir])
    if not found.pairs:
        raise InputError(
            f"{root}: no pairs found (NAME.ja.txt + NAME.en.txt, ja/ + en/ folders, or "
            ".tsv/.csv/.jsonl/.xlf/.xliff/.tmx files)"
        )
    if found.unpaired and log is not None:
        log(_unpaired_line(found))
    reports = _report_paths(found.pairs, options.fmt, root, outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(outdir)

    manifest = Manifest(outdir / MANIFEST_NAME) if options.force else Manifest.load(outdir)
    manifest.entries = {p.name: e for p in found.pairs if (e := manifest.entries.get(p.name))}
    fingerprints = {kind: digest(fp) for kind, fp in _fingerprints(settings, options).items()}
    keys: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    todo: list[Pair] = []
    for pair in found.pairs:
        keys[pair.name] = pair_key(input_digests(root, pair), fingerprints[_kind(pair)])
        row = manifest.reusable(pair.name, keys[pair.name], outdir, reports[pair.name])
        if row is not None:
            rows[pair.name] = row
        else:
            todo.append(pair)
    skipped = [p.name for p in found.pairs if p.name in rows]

    checked: list[str] = []
    failed: dict[str, str] = {}
    with _progress(options.progress, len(found.pairs)) as advance:
        for name in skipped:
            advance(rows[name]["segments"] or 0)
        try:
            with closing(_execute(root, todo, settings, options)) as outcomes:
                by_name = {p.name: p for p in todo}
                for out in outcomes:
                    pair = by_name[out.name]
                    rows[pair.name] = _finish(out, pair, reports[pair.name], outdir, manifest,
                                              keys[pair.name], options.fmt)  # fmt: skip
                    if out.error is not None:
                        failed[pair.name] = out.error
                    else:
                        checked.append(pair.name)
                    advance(out.result.summary.segments if out.result else 0)
        except KeyboardInterrupt:
            done = len(skipped) + len(checked) + len(failed)
            raise BatchInterrupted(
                f"interrupted after {done} of {len(found.pairs)} pairs; their reports are in "
                f"{outdir}; run the same command again to check the rest"
            ) from None

    ordered = [rows[p.name] for p in found.pairs]
    shown = _fingerprints(settings, options, readable=True)["documents"]
    write_summaries(outdir, ordered, shown, found.unpaired)
    manifest.last_run = {"checked": checked, "skipped": skipped, "failed": sorted(failed)}
    manifest.save()
    return BatchSummary(root, outdir, ordered, checked, skipped, failed, found.unpaired)


def _check_options(root: Path, outdir: Path, options: BatchOptions) -> None:
    if not root.is_dir():
        raise InputError(f"{root}: not a folder")
    if options.fmt not in FORMATS:
        raise InputError(f"--format {options.fmt!r}: use one of {', '.join(FORMATS)}")
    if options.engine not in ("local", "ray"):
        raise InputError(f"--engine {options.engine!r}: use local or ray")
    if options.jobs is not None and options.jobs < 1:
        raise InputError("--jobs must be 1 or more")
    if options.address and options.engine != "ray":
        raise InputError("--address needs --engine ray")
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: the output folder is a file")
    if outdir.resolve() == root.resolve():
        raise InputError(f"{outdir}: give an output folder other than the input folder")


def _remove_stale_temporaries(outdir: Path) -> None:
    """Temporary files `write_atomic` left when a run was killed mid-write (`.NAME.*.tmp`)."""
    for tmp in outdir.rglob(".*.tmp"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)


def _unpaired_line(found: Discovery) -> str:
    names = found.unpaired
    shown = ", ".join(names[:20]) + (f", and {len(names) - 20} more" if len(names) > 20 else "")
    return f"mtqa: warning: {len(names)} file(s) not paired, skipped: {shown}"


def _report_paths(pairs: list[Pair], fmt: str, root: Path, outdir: Path) -> dict[str, str]:
    """Pair name → report path relative to outdir; two outputs on one path is a user error
    (checked case-insensitively, for case-insensitive file systems)."""
    taken = {n.casefold(): f"the batch's own {n}" for n in (*SUMMARY_FILES, MANIFEST_NAME)}
    inputs = {os.path.realpath(root / f) for p in pairs for f in p.files().values()}
    out: dict[str, str] = {}
    for p in pairs:
        rel = f"{p.name}.{fmt}"
        other = taken.get(rel.casefold())
        if other is not None:
            raise InputError(
                f"{root / p.source}: its report {outdir / rel} would overwrite {other}; "
                "rename one of them"
            )
        if os.path.realpath(outdir / rel) in inputs:
            raise InputError(f"{outdir / rel}: refusing to overwrite an input file with a report")
        taken[rel.casefold()] = f"the report of {root / p.source}"
        out[p.name] = rel
    return out


def _kind(pair: Pair) -> str:
    """Which settings can change this pair's result."""
    if pair.target is None:
        return "table"
    return "text+retranslation" if pair.retranslation else "documents"


def _fingerprints(
    settings: Settings, options: BatchOptions, readable: bool = False
) -> dict[str, dict[str, Any]]:
    """Per kind of pair, every setting that changes its result (the manifest key hashes it;
    `readable` keeps the glossary as a count for summary.json)."""
    s = asdict(settings)
    s["disable"], s["enable"] = sorted(settings.disable), sorted(settings.enable)
    s["ignore"] = sorted(settings.ignore)
    glossary = sorted(settings.glossary.items())
    s["glossary"] = len(glossary) if readable else digest(glossary)
    common = {**s, "risk_model": risk_model_sha256()[:16], "mtqa": qa.__version__}
    models = options.models.fingerprint()
    no_mt = {**models, "mt": None, "decoding": None}
    text = {"aligned": options.aligned}
    table = {k: v for k, v in common.items() if k != "level"}
    return {
        "documents": {**common, **text, "models": models},
        "text+retranslation": {**common, **text, "models": no_mt},
        "table": {**table, "models": models},
    }


def _execute(
    root: Path, todo: list[Pair], settings: Settings, options: BatchOptions
) -> Iterator[Outcome]:
    from qa.batch import engines

    if not todo:
        return engines.run_local(root, todo, settings, options.aligned, options.models)
    if options.engine == "ray":
        return engines.run_ray(
            root, todo, settings, options.aligned, options.models, options.jobs, options.address
        )
    if (options.jobs or 1) > 1 and len(todo) > 1:
        return engines.run_processes(
            root, todo, settings, options.aligned, options.models, options.jobs or 1
        )
    return engines.run_local(root, todo, settings, options.aligned, options.models)


def _finish(
    out: Outcome,
    pair: Pair,
    report: str,
    outdir: Path,
    manifest: Manifest,
    key: str,
    fmt: str,
) -> dict[str, Any]:
    """Write the pair's report, then its manifest entry (so an entry implies a whole report)."""
    if out.result is None:
        manifest.forget(pair.name)
        return pair_row(pair, None, None, out.error)
    text = render_report(out.result, fmt)
    write_file(outdir / report, text)
    row = pair_row(pair, report, out.result, None)
    manifest.record(pair.name, key, report, digest_text(text), row)
    return row


def render_report(result: Result, fmt: str) -> str:
    if fmt == "html":
        from qa.report.html import render_html

        return render_html(result.to_dict())
    from qa.report import render

    return render(result, fmt)


@contextmanager
def _progress(enabled: bool | None, total: int) -> Iterator[Callable[[int], None]]:
    """Pairs done on a progress bar (`qa.progress.Bar`), with a running count of segments."""
    with Bar(enabled, unit="pairs") as bar:
        counts = [0, 0]  # pairs, segments

        def advance(segments: int) -> None:
            counts[0] += 1
            counts[1] += segments
            bar("checking pairs", counts[0], total, f"pairs, {counts[1]:,} segments")

        bar("checking pairs", 0, total)
        yield advance
