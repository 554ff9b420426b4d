"""The one path from inputs to a Result: decode → segment/align → retranslate → evaluate →
risk → result. `qa.check`, `qa.check_files`, the CLI, the benchmarks (and batch runs) all call
`run`; the models come in a `Models` holder, so a caller that runs many times loads them once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa import checks, documents, features, metrics, risk, signals, spill
from qa.errors import InputError
from qa.io.documents import read_document_pair
from qa.io.read import read_segments
from qa.io.retranslations import read_retranslations
from qa.limits import clip_segments, oversized_meta
from qa.model import Issue, Result, Segment, SegmentResult, Summary
from qa.packed import packed
from qa.progress import Report, silent
from qa.runtime import Models
from qa.segment import LEVELS, oversized_units
from qa.translate.base import Translator

# What the default path adds, and what `--enable lm` turns on.
LM_SIGNALS = ("lm", "lm_peak", "lm_quality")


@dataclass(frozen=True)
class Settings:
    """Everything about a run that is not an input or a model."""

    preset: str = "standard"
    threshold: float | None = None
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)
    level: str = "paragraph"  # documents: segment by "paragraph" or "sentence"
    ignore: frozenset[str] = frozenset()  # fingerprints of findings marked false positives
    fast: bool = False  # the e5-only path: no LM (bulk work)


@dataclass(frozen=True)
class Inputs:
    """What the user gave: one table/XLIFF/TMX file (`target` None), two line-aligned files
    (`aligned`), or two documents; optionally a file of precomputed retranslations, one line
    per segment (for documents: per source unit). A path of "-" is stdin (one at most);
    `input_format` (tsv, csv, jsonl, xliff, tmx) names a single file's format when its suffix
    cannot (stdin has none)."""

    source: Path
    target: Path | None = None
    aligned: bool = False
    retranslation: Path | None = None
    input_format: str | None = None


def load_plugins() -> None:
    """Import the listed check and signal modules (kept out of `import qa`)."""
    checks.load()
    signals.load()


def resolve_names(
    disable: Iterable[str], enable: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`--disable` names expanded (a family: `e5` turns off e5_sim, e5_match and e5_retr,
    `quotes` every quotes_* check) and `--enable` names checked to be opt-in signals."""
    load_plugins()
    from qa.checks import CHECKS
    from qa.signals import SIGNALS

    names = set(CHECKS) | set(SIGNALS)
    out: list[str] = []
    for d in disable:
        members = [n for n in names if n == d or n.startswith(d + "_")]
        if not members:
            raise InputError(f"--disable: unknown check or signal {d!r} (see `mtqa checks list`)")
        out += members
    for name in enable:
        if name not in SIGNALS or not SIGNALS[name].opt_in:
            opt_in = ", ".join(n for n, s in SIGNALS.items() if s.opt_in)
            raise InputError(f"--enable: {name!r} is not an opt-in signal (those are: {opt_in})")
    enabled = [m for n in enable for m in (LM_SIGNALS if n == "lm" else (n,))]
    return tuple(out), tuple(dict.fromkeys(enabled))


def run(
    inputs: Inputs | list[Segment],
    settings: Settings,
    models: Models,
    meta: dict[str, Any] | None = None,
) -> Result:
    """Check one input: the files `inputs` names, or the Segments given (with what their
    reader reported in `meta`, e.g. the document level). How far it has got goes to
    `models.progress`."""
    load_plugins()  # registry order (the order of scores and findings) never hangs on imports
    models.progress("reading", 0, None)
    if isinstance(inputs, Inputs):
        segments, meta = read_inputs(inputs, settings, models)
    else:
        segments, meta = inputs, dict(meta or {})
        meta.update(oversized_meta(clip_segments(segments)))  # what the readers do for files
    retranslate(segments, models.translator, models.progress)
    if isinstance(inputs, Inputs):  # read here, so no caller holds them: packed if big
        segments = packed(segments, spill.SPILL_AT, features.CHUNK)
    chosen, path = choose_path(settings, models)
    unit = meta.get("level", "segment")
    oversized = tuple(meta.get("oversized", ()))
    try:
        results = evaluate(segments, chosen, models, unit, oversized)
    except InputError as e:
        if chosen == settings:  # the LM was asked for (or not used): the error stands
            raise
        # with a feature cache the LM is found, not loaded, up front; it failed to load now
        chosen, path = settings, f"fast (LM unavailable: {e})"
        results = evaluate(segments, chosen, models, unit, oversized)
    models.progress("assessing risk", 0, len(results))  # a spilled run reads results back
    result = build_result(results, chosen, models.translator, meta, path)
    models.progress("assessing risk", len(results), len(results))
    return result


def choose_path(settings: Settings, models: Models) -> tuple[Settings, str]:
    """The default path adds the English LM (`lm`); `fast` (or `--disable lm`) runs without.
    An LM that cannot load turns the run into the fast path, said in the returned name
    ("fast (LM unavailable: …)"), never an error; only an explicit `--enable lm` insists."""
    if settings.fast or "lm" in settings.disable or "lm" in settings.enable:
        return settings, "default" if "lm" in settings.enable else "fast"
    try:
        if models.cache is None:
            models.progress("loading the LM", 0, None)
            models.lm  # noqa: B018 - loads it once, now, so a failure is known before the work
        else:
            models.lm_identity  # noqa: B018 - found, not loaded: a warm re-run never loads it
    except InputError as e:
        return settings, f"fast (LM unavailable: {e})"
    return replace(settings, enable=(*settings.enable, *LM_SIGNALS)), "default"


def read_inputs(
    inputs: Inputs, settings: Settings, models: Models
) -> tuple[list[Segment], dict[str, Any]]:
    """Decode and segment (aligning documents), with precomputed retranslations attached."""
    if inputs.target is not None and inputs.input_format is not None:
        raise InputError("--input-format is for one table, XLIFF or TMX file, not two files")
    if inputs.target is not None and not inputs.aligned:
        return read_documents(inputs, settings, models)
    segments, meta = read_segments(inputs.source, inputs.target, inputs.input_format)
    if inputs.retranslation is not None:
        lines = read_retranslations(inputs.retranslation, len(segments))
        for seg, text in zip(segments, lines, strict=True):
            seg.retranslation = text
    return segments, meta


def read_documents(
    inputs: Inputs, settings: Settings, models: Models
) -> tuple[list[Segment], dict[str, Any]]:
    """Two documents: segmented, the source units retranslated (which helps the aligner),
    aligned."""
    assert inputs.target is not None
    if settings.level not in LEVELS:
        raise InputError(f"unknown level {settings.level!r}; use one of {', '.join(LEVELS)}")
    pair = read_document_pair(inputs.source, inputs.target)
    src, tgt = documents.units(pair.source, pair.target, settings.level)  # type: ignore[arg-type]
    if not src:
        raise InputError(f"{inputs.source}: no text to check")
    rts: list[str] | None = None
    if inputs.retranslation is not None:
        rts = read_retranslations(inputs.retranslation, len(src))
    elif models.translator is not None:
        rts = translate(models.translator, [s.text for s in src], models.progress)

    def embed(texts: list[str]):  # noqa: ANN202 - e5 loads only if the aligner runs
        return models.embedder.matrix(texts)

    models.progress("aligning", 0, None)
    links = features.cached_alignment(
        models,
        [[s.text for s in src], [t.text for t in tgt], rts],
        lambda: documents.align_units(src, tgt, embed, rts),
    )
    segments = documents.aligned_segments(src, tgt, embed, rts, links)
    documents.add_line_numbers(segments, pair.source, pair.target)  # for the table's "L3-4"
    meta = {
        "input": "documents",
        "level": settings.level,
        "source_encoding": pair.source_encoding,
        "target_encoding": pair.target_encoding,
        "source_units": len(src),
        "target_units": len(tgt),
        "aligner": "e5" if rts is None else "chrf+e5",
    }
    split = [
        {"side": side, "span": list(span), "pieces": n}
        for side, units in (("source", src), ("target", tgt))
        for span, n in oversized_units(units)
    ]
    if split:
        meta["oversized_paragraphs"] = split  # split at sentence ends, each piece aligned
    return segments, meta


def translate(translator: Translator, texts: list[str], progress: Report = silent) -> list[str]:
    """The one place a run calls a translator."""
    progress("retranslating", 0, len(texts))
    out = translator.translate(texts)
    progress("retranslating", len(texts), len(texts))
    return out


def retranslate(
    segments: list[Segment], translator: Translator | None, progress: Report = silent
) -> None:
    """Fill `retranslation` for segments that have a source and none yet."""
    todo = [s for s in segments if s.retranslation is None and s.source and s.source.strip()]
    if translator is None or not todo:
        return
    texts = translate(translator, [s.source or "" for s in todo], progress)
    for seg, text in zip(todo, texts, strict=True):
        seg.retranslation = text


def evaluate(
    segments: Sequence[Segment],
    settings: Settings,
    models: Models,
    unit: str = "segment",
    oversized: tuple[dict[str, Any], ...] = (),
) -> Sequence[SegmentResult]:
    """Scores (sacrebleu metrics + signals) and rule findings for every segment, from the
    feature cache (`models.cache`) where it has them (qa/features.py)."""
    load_plugins()
    return features.compute(segments, settings, models, unit, oversized)


def find_issues(
    segments: list[Segment],
    settings: Settings,
    models: Models,
    unit: str = "segment",
    oversized: tuple[dict[str, Any], ...] = (),
) -> list[list[Issue]]:
    """Every enabled check's findings on each segment (fingerprinted, ignore-marked), after
    the checks' run-wide `prepare` steps over all of `segments`; no metrics or signals."""
    load_plugins()
    results = features.compute(segments, settings, models, unit, oversized, scores=False)
    return [r.issues for r in results]


def build_result(
    results: Sequence[SegmentResult],
    settings: Settings,
    translator: Translator | None,
    meta: dict[str, Any],
    path: str = "fast",
) -> Result:
    """Risk and flags for every segment, then the run's summary (counted as risk assesses
    each result: a spilled run's results are read back only for risk) and signatures."""
    tally = _Tally()
    flagging = risk.assess(results, settings.preset, settings.threshold, then=tally.add)
    if tally.corpus.incomplete:  # some segment's statistics were not computed: all of them now
        scores, sigs = metrics.corpus_scores(r.segment for r in results)
    else:
        scores, sigs = tally.corpus.scores()
    if scores:
        sigs.update(metrics.sentence_signatures())
    summary = Summary(
        input=meta,
        mt=mt_description(tally.retranslated, translator),
        path=path,
        segments=len(results),
        flagged=tally.flagged,
        flagging=flagging,
        issues_by_check=dict(tally.by_check),
        issues_by_severity=dict(tally.by_severity),
        ignored=tally.ignored,
        corpus_scores=scores,
    )
    return Result(segments=results, summary=summary, signatures=sigs)


@dataclass
class _Tally:
    """The summary's counts and corpus statistics, a result at a time."""

    retranslated: bool = False  # some segment has a retranslation
    corpus: metrics.CorpusStats = field(default_factory=metrics.CorpusStats)
    by_check: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    flagged: int = 0
    ignored: int = 0

    def add(self, r: SegmentResult) -> None:
        self.retranslated = self.retranslated or r.segment.retranslation is not None
        self.corpus.add(r.metric_stats)
        live = risk.active(r)
        self.by_check.update(i.check for i in live)
        self.by_severity.update(i.severity for i in live)
        self.flagged += r.flagged
        self.ignored += len(r.issues) - len(live)


def mt_description(retranslated: bool, translator: Translator | None) -> str:
    """Where the retranslations came from; `retranslated`: some segment has one."""
    if translator is not None:
        return translator.name
    if retranslated:
        return "precomputed"
    return "none: no retranslation, so no chrF/BLEU/TER against MT; risk from offline signals"
