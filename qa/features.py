"""Per-segment features — sacrebleu metrics, signal values, check findings — computed once and
kept between runs, so an unchanged re-run recomputes only risk and the report.

One row per distinct segment content in `features.sqlite` (a `qa.store.Store`), keyed by
sha256 of (what mtqa is: its version, a digest of its own code and data, the versions of the
libraries behind the numbers) + (source, target, retranslation, reference). The row holds one
entry per unit — `m:metrics`, `s:<signal>`, `c:<check>`, `p:<check>` (a check's part of the
run state) — each with the fingerprint of everything else it depends on:

- every unit: its name, registered `version` and function, and the models' identities (e5
  runtime + weights + CPU precision, LM model + dtype: `Models.e5_identity`/`lm_identity`);
- checks also: the glossary's content and the unit name ("paragraph", "sentence", "segment");
- a check whose findings depend on the whole run (`entity`: the document's cast of people,
  a `RunState`) also: a digest of that state, rebuilt each run from the parts kept per row.

A unit runs only on the segments whose row lacks its current fingerprint, all of them in one
batch (so e5 still batches), and the new entries are written in one transaction; a disabled
unit's entries stay for when it is enabled again. Checks with an opaque `prepare` (none ship)
run on every run. Values are JSON: floats round-trip exactly, and the uncached path goes
through the same encoding, so a cached run's Result equals an uncached one's.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa import __version__, metrics, spill
from qa.align import Link
from qa.checks.base import CheckInfo, Context, RunState, in_order, run_check
from qa.errors import InputError
from qa.fingerprint import mark
from qa.lang import is_japanese
from qa.model import Issue, Segment, SegmentResult
from qa.progress import Report, silent
from qa.signals.base import SIGNALS, SignalInfo, active
from qa.spill import SpilledResults
from qa.store import Store, default_dir

if TYPE_CHECKING:
    from qa.pipeline import Settings
    from qa.runtime import Models

DB_NAME = "features.sqlite"
# Segments a run computes at once (see `compute`): below qa/lexicon.py's cache sizes, above
# the 2,008 WMT22 pairs the benchmarks check in one piece.
CHUNK = 2500
# The statistics of a segment without a retranslation or reference: one empty dict for all of
# them (never changed), not one each; a mapping proxy would not pickle (Ray workers).
NO_STATS: dict[str, Any] = {}
# Libraries whose version can move a number or a finding.
LIBRARIES = ("sacrebleu", "fugashi", "unidic-lite", "unidic", "jamdict", "jamdict-data",
             "symspellpy", "numpy", "jaconv", "simplemma")  # fmt: skip


class FeatureCache:
    """The feature rows of one cache file, and what the last run found and computed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.computed: dict[str, int] = {}  # unit entry name -> segments computed, last run
        self.lookups = 0
        self.hits = 0

    @classmethod
    def default(cls, folder: Path | None = None) -> FeatureCache:
        """`features.sqlite` in `folder` (default `$MTQA_CACHE` or `~/.cache/mtqa`)."""
        return cls(Store((folder or default_dir()) / DB_NAME))


@dataclass
class _Rows:
    """The distinct segments of a run with their (decoded) rows."""

    keys: list[str]  # per segment
    first: dict[str, Segment]  # row key -> its first segment
    rows: dict[str, dict[str, list]]  # row key -> {entry name: [fingerprint, value]}
    found: int = 0  # rows the cache had
    dirty: set[str] = field(default_factory=set)

    def missing(self, name: str, fp: str) -> list[str]:
        """Rows without a sound entry for `name` at fingerprint `fp`."""
        valid = _VALID.get(name[:2], lambda v: True)
        return [
            k
            for k, row in self.rows.items()
            if (e := row.get(name)) is None or e[0] != fp or not valid(e[1])
        ]

    def value(self, key: str, name: str) -> Any:
        return self.rows[key][name][1]

    def fill(self, name: str, fp: str, values: dict[str, Any]) -> None:
        for k, v in values.items():
            self.rows[k][name] = [fp, v]
            self.dirty.add(k)


def compute(
    segments: Sequence[Segment],
    settings: Settings,
    models: Models,
    unit: str = "segment",
    oversized: tuple[dict[str, Any], ...] = (),
    scores: bool = True,
) -> Sequence[SegmentResult]:
    """Metrics, signal values (unless not `scores`) and findings of every segment, from
    `models.cache` where it has them; the rest computed (each unit once, over all the segments
    it misses) and stored, each reported to `models.progress` as it runs. Findings are then
    fingerprinted and marked against `settings.ignore` (never cached: the ignore list is the
    user's).

    Past `CHUNK` segments this goes chunk by chunk, so that only one chunk's rows, entries and
    batches exist at once (and qa/lexicon.py's caches, sized for a few thousand texts, keep
    hitting): first what checks read from the whole run (a `RunState`'s parts, an opaque
    `prepare`) over every segment, then each chunk computed, stored and made into results.
    The values equal those of one pass over all segments, as a unit's value depends on its
    segment alone (e5 and the LM batch differently then, as they do in a cached run). Past
    `spill.SPILL_AT` segments the results are a `SpilledResults`: on disk, read a chunk at a
    time."""
    store = models.cache.store if models.cache is not None else None
    # equal findings' texts and details, one object each (see _decode); "shared" is cleared
    # before returning
    shared: dict[str, dict] = {"text": {}, "span": {}, "data": {}}
    stats: dict[str, Any] = {"computed": {}, "lookups": 0, "hits": 0, "shared": shared}
    states = None
    if len(segments) > CHUNK:
        states = _run_wide(segments, settings, models, unit, oversized, store, stats["computed"])
    # a big run's results go to a temporary file as each chunk is done (qa/spill.py)
    big = len(segments) > spill.SPILL_AT
    out: list[SegmentResult] | SpilledResults = SpilledResults(segments, NO_STATS) if big else []
    try:
        for start in range(0, len(segments), CHUNK):
            chunk = segments[start : start + CHUNK]
            report = _whole_run(models.progress, start, len(chunk), len(segments))
            args = (settings, models, unit, oversized, scores, store, stats, states, report)
            out.extend(_chunk(chunk, *args))
            if states is not None:
                # The Segments (unless packed) and the results so far (unless spilled) stay
                # to the end: the collector need not walk them again after each chunk (at
                # 100,000 segments that took a quarter of the time).
                gc.freeze()
    finally:
        if states is not None:
            gc.unfreeze()  # back in the oldest generation, collected as usual from now on
        stats["shared"].clear()
    if store is not None and models.cache is not None:
        store.close()  # the last one out folds the WAL in; the next run reopens it
        models.cache.computed = stats["computed"]
        models.cache.lookups, models.cache.hits = stats["lookups"], stats["hits"]
    return out


def _chunk(
    segments: list[Segment],
    settings: Settings,
    models: Models,
    unit: str,
    oversized: tuple[dict[str, Any], ...],
    scores: bool,
    store: Store | None,
    stats: dict[str, Any],
    states: dict[str, Any] | None,
    report: Callable[[str, int, int], None],
) -> list[SegmentResult]:
    """`compute` on consecutive segments; `states`: the run-wide states of the checks that
    have one (None: gathered from these segments, the whole run)."""
    rows = _lookup(segments, store)
    common = _models_id(models)
    ran = frozenset(i.name for i in active(settings.disable, settings.enable))
    # what a check may read besides its segment: the glossary, the unit's name, the models
    # (and which of the signals it declares in `reads_signals` run: lm_span needs lm_peak)
    checks_id = [sorted(settings.glossary.items()), unit, common]
    ctx = _context(settings, models, unit, oversized)
    computed: dict[str, int] = stats["computed"]
    done: dict[str, set[str]] = {}  # entry name -> rows computed in this process
    signal_fp: dict[str, tuple[str, Callable]] = {}

    def run_unit(
        name: str, fp: str, fn: Callable[[list[Segment]], list[Any]], todo: list[str] | None = None
    ) -> list[str]:
        todo = rows.missing(name, fp) if todo is None else todo
        if todo:
            report(_stage(name), 0, len(todo))
            values = fn([rows.first[k] for k in todo])
            report(_stage(name), len(todo), len(todo))
            rows.fill(name, fp, dict(zip(todo, values, strict=True)))
            computed[name] = computed.get(name, 0) + len(todo)
            done.setdefault(name, set()).update(todo)
        return todo

    def check_unit(info: CheckInfo, fp: str, fn: Callable[[list[Segment]], list[Any]]) -> None:
        """A check's misses; first the signals it reads, where this process has not run them."""
        todo = rows.missing(f"c:{info.name}", fp)
        for sig in info.reads_signals if todo else ():
            if sig in signal_fp:
                fresh = [k for k in todo if k not in done.get(f"s:{sig}", set())]
                run_unit(f"s:{sig}", *signal_fp[sig], todo=fresh)
        run_unit(f"c:{info.name}", fp, fn, todo=todo)

    signals = active(settings.disable, settings.enable) if scores else []
    if scores:
        run_unit("m:metrics", _fp("metrics", __version__), _metrics)
    for info in sorted(signals, key=lambda i: not i.runs_first):  # stable: else registry order
        signal_fp[info.name] = (_fp(*_unit_id(info), common), _signal(info, models))
        run_unit(f"s:{info.name}", *signal_fp[info.name])
    enabled = [info for info in in_order() if info.name not in set(settings.disable)]
    opaque: dict[str, Context] = {}
    for info in enabled:
        fp = _fp(*_unit_id(info), checks_id, sorted(ran & set(info.reads_signals)))
        if info.prepare is None or info.batching_only:
            check_unit(info, fp, _check(info, ctx, report))
        elif isinstance(info.prepare, RunState):
            if states is None:
                state = _run_state(info, info.prepare, rows, run_unit, segments)
            else:
                state = states[info.name]
            fp = _fp(fp, _digest(state))
            check_unit(info, fp, _check(info, replace(ctx, state=state), report, prepare=False))
        else:
            state = info.prepare(segments, ctx) if states is None else states[info.name]
            opaque[info.name] = replace(ctx, state=state)
    _store(rows, store)
    stats["lookups"] += len(rows.rows)
    stats["hits"] += rows.found
    return _results(
        segments, rows, signals, enabled, opaque, settings.ignore, scores, stats["shared"]
    )


def _context(
    settings: Settings, models: Models, unit: str, oversized: tuple[dict[str, Any], ...]
) -> Context:
    ran = frozenset(i.name for i in active(settings.disable, settings.enable))
    return Context(settings.glossary, unit, models, oversized, signals=ran)


def _whole_run(report: Callable[[str, int, int], None], start: int, size: int, total: int):
    """A chunk's progress as the whole run's: `done` of `of` this chunk's units counts as
    that share of its `size` segments, after the `start` segments of the chunks before."""
    if size == total:
        return report
    return lambda stage, done, of: report(stage, start + done * size // max(of, 1), total)


def _run_wide(
    segments: Sequence[Segment],
    settings: Settings,
    models: Models,
    unit: str,
    oversized: tuple[dict[str, Any], ...],
    store: Store | None,
    computed: dict[str, int],
) -> dict[str, Any]:
    """The run-wide state of each enabled check that has one, over all of `segments` (for a
    run done in chunks): a `RunState` from its parts, read and stored chunk by chunk as
    `_run_state` does for one; an opaque `prepare` called on all the segments."""
    ctx = _context(settings, models, unit, oversized)
    states: dict[str, Any] = {}
    for info in in_order():
        prep = info.prepare
        if info.name in set(settings.disable) or prep is None or info.batching_only:
            continue
        if not isinstance(prep, RunState):
            states[info.name] = prep(segments, ctx)
            continue
        try:
            states[info.name] = prep.combine(_parts(info, prep, segments, store, computed))
        except Exception:  # a part in the cache that is not what `part` makes: make them anew
            parts = _parts(info, prep, segments, store, computed, fresh=True)
            states[info.name] = prep.combine(parts)
    return states


def _parts(
    info: CheckInfo,
    prep: RunState,
    segments: Sequence[Segment],
    store: Store | None,
    computed: dict[str, int],
    fresh: bool = False,
) -> list[Any]:
    """Every segment's part of a RunState check, chunk by chunk: from the cache (unless
    `fresh`), else computed and stored."""
    name, fp = f"p:{info.name}", _fp(*_unit_id(info), "part")
    out: list[Any] = []
    for start in range(0, len(segments), CHUNK):
        rows = _lookup(segments[start : start + CHUNK], store)
        todo = list(rows.rows) if fresh else rows.missing(name, fp)
        rows.fill(name, fp, {k: _plain(prep.part(rows.first[k])) for k in todo})
        if todo:
            computed[name] = computed.get(name, 0) + len(todo)
        out += [rows.value(k, name) for k in rows.keys]
        _store(rows, store)
    return out


def _store(rows: _Rows, store: Store | None) -> None:
    """The rows' new entries, in one transaction."""
    if store is not None:
        store.put((k, _dumps(rows.rows[k])) for k in sorted(rows.dirty))


def cached_alignment(
    models: Models, texts: list[Any], align: Callable[[], list[Link]]
) -> list[Link]:
    """The links of a document pair from the cache (one row per pair, keyed by its units'
    texts, the retranslations, mtqa's code and e5's identity), else `align()`'s, stored."""
    if models.cache is None:
        return align()
    store = models.cache.store
    key = "align:" + _digest([_base_id(), models.e5_identity, texts])
    row = store.get([key]).get(key)
    if row is not None:
        try:
            return [Link(tuple(a), tuple(b)) for a, b in json.loads(row)]
        except (ValueError, TypeError):
            pass  # not a row mtqa wrote: align again and overwrite it
    links = align()
    store.put([(key, json.dumps([[list(lk.src), list(lk.tgt)] for lk in links]))])
    return links


# --- rows ------------------------------------------------------------------------------------


def _lookup(segments: list[Segment], store: Store | None) -> _Rows:
    base = _base_id()
    keys = [_row_key(base, s) for s in segments]
    first = {}
    for k, s in zip(keys, segments, strict=True):
        first.setdefault(k, s)
    found = store.get(first) if store is not None else {}
    rows: dict[str, dict[str, list]] = {}
    for k in first:
        row = _loads(found[k]) if k in found else None
        rows[k] = row if row is not None else {}
    return _Rows(keys, first, rows, found=len(found))


def _row_key(base: str, s: Segment) -> str:
    content = json.dumps([s.source, s.target, s.retranslation, s.reference], ensure_ascii=False)
    return hashlib.sha256(f"{base}\0{content}".encode()).hexdigest()


def _loads(text: str) -> dict[str, list] | None:
    """A row as stored, or None when it is not one (then it is recomputed and overwritten)."""
    try:
        row = json.loads(text)
    except ValueError:
        return None
    if not isinstance(row, dict) or not all(
        isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) for v in row.values()
    ):
        return None
    return row


def _dumps(row: dict[str, list]) -> str:
    # insertion order kept (no sort_keys): scores and data come back in the order computed
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


# --- what a row and an entry are keyed by ----------------------------------------------------


@cache
def _base_id() -> str:
    """mtqa's version, a digest of its code and data files, the libraries' versions."""
    from qa.runtime import _version

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json", ".tsv", ".txt") and path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    h.update(" ".join(f"{lib}={_version(lib)}" for lib in LIBRARIES).encode())
    return h.hexdigest()


def _models_id(models: Models) -> list[str]:
    try:
        lm = models.lm_identity
    except InputError:  # no LM to be had: the run takes the fast path
        lm = "unavailable"
    return [models.e5_identity, lm]


def _unit_id(info: SignalInfo | CheckInfo) -> tuple[str, str, str]:
    fn = getattr(info.fn, "__module__", "?") + "." + getattr(info.fn, "__qualname__", "?")
    return info.name, info.version, fn


def _fp(*parts: Any) -> str:
    return _digest(parts)[:20]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, tuple):
        return list(value)
    return repr(value)


# --- units -----------------------------------------------------------------------------------

# Signals whose module names the work a user waits for (`models.progress`'s stage).
_STAGES = {"qa.signals.embed": "embedding", "qa.signals.lm": "LM"}


def _stage(entry: str) -> str:
    """What an entry's unit is doing, for progress: 'embedding (e5_sim)', 'checks (numbers)'."""
    kind, name = entry.split(":", 1)
    if kind == "m":
        return "metrics"
    if kind == "p":  # a check's part of the run state (`entity`: the document's cast)
        return f"preparing ({name})"
    if kind == "s":
        module = SIGNALS[name].fn.__module__ if name in SIGNALS else ""
        return f"{_STAGES.get(module, 'signals')} ({name})"
    return f"checks ({name})"


def _metrics(segments: list[Segment]) -> list[dict[str, dict]]:
    """sacrebleu's statistics of each segment and the sentence scores they give."""
    stats = [_plain(row) for row in metrics.segment_stats(segments)]
    return [{"scores": metrics.sentence_scores(row), "stats": row} for row in stats]


def _signal(info: SignalInfo, models: Models) -> Callable[[list[Segment]], list[Any]]:
    def fn(segments: list[Segment]) -> list[float | None]:
        return [None if v is None else float(v) for v in info.fn(segments, models)]

    return fn


def _check(
    info: CheckInfo, ctx: Context, progress: Report = silent, prepare: bool = True
) -> Callable[[list[Segment]], list[Any]]:
    def fn(segments: list[Segment]) -> list[list]:
        c = ctx
        if prepare and info.prepare is not None:  # batching only: over the segments computed
            c = replace(ctx, state=info.prepare(segments, ctx))
        out = []
        for n, s in enumerate(segments):
            if n % 32 == 0:
                progress(_stage(f"c:{info.name}"), n, len(segments))
            out.append([_encode(i) for i in run_check(info, s, c)])
        return out

    return fn


def _run_state(
    info: CheckInfo, prep: RunState, rows: _Rows, run_unit: Callable, segments: list[Segment]
) -> Any:
    """The state of a RunState check: each segment's part from its row (computed where
    missing), combined in the run's segment order."""
    name, fp = f"p:{info.name}", _fp(*_unit_id(info), "part")
    run_unit(name, fp, lambda segs: [_plain(prep.part(s)) for s in segs])
    try:
        return prep.combine([rows.value(k, name) for k in rows.keys])
    except Exception:  # a part in the cache that is not what `part` makes: make them all anew
        rows.fill(name, fp, {k: _plain(prep.part(s)) for k, s in rows.first.items()})
        return prep.combine([rows.value(k, name) for k in rows.keys])


def _number(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


def _issue(v: Any) -> bool:
    return (
        isinstance(v, list)
        and len(v) == 7
        and all(isinstance(x, str) for x in v[:3])
        and (v[3] is None or (isinstance(v[3], list) and len(v[3]) == 2))
        and v[4] in ("source", "target")
        and (v[5] is None or isinstance(v[5], dict))
        and (v[6] is None or isinstance(v[6], str))
    )


# What a sound entry holds, by kind: a row that is valid JSON but not what mtqa writes
# (another tool's, a hand edit) is a miss, recomputed and overwritten, never a crash.
_VALID: dict[str, Callable[[Any], bool]] = {
    "m:": lambda v: (
        isinstance(v, dict)
        and isinstance(v.get("scores"), dict)
        and all(_number(x) for x in v["scores"].values())
        and isinstance(v.get("stats"), dict)
        and all(
            x is None or (isinstance(x, list) and all(map(_number, x))) for x in v["stats"].values()
        )
    ),
    "s:": _number,
    "c:": lambda v: isinstance(v, list) and all(_issue(i) for i in v),
}


def _encode(i: Issue) -> list:
    """An Issue as JSON: [check, severity, message, span, side, data, mqm]."""
    span = list(i.span) if i.span is not None else None
    return [i.check, i.severity, i.message, span, i.side, _plain(i.data), i.mqm]


def _decode(v: list, shared: dict[str, dict]) -> Issue:
    """The Issue `_encode` wrote, its strings, span and `data` taken from `shared` (one run's
    tables) where an earlier finding of the run has equal ones: a big run's findings repeat
    (the same term's gloss on every segment it occurs in), and each copy cost ~0.6 KB."""
    check, severity, message, span, side, data, mqm = v
    text = shared["text"]
    check, severity, message, side = (
        text.setdefault(x, x) for x in (check, severity, message, side)
    )
    mqm = mqm and text.setdefault(mqm, mqm)
    span = tuple(span) if span else None
    if span is not None:
        span = shared["span"].setdefault(span, span)
    if data is not None:
        key = json.dumps(data, sort_keys=True, ensure_ascii=False)
        data = shared["data"].setdefault(key, data)
    return Issue(check, severity, message, span, side, data, mqm)


def _plain(value: Any) -> Any:
    """The value as JSON gives it back (tuples become lists), so a computed value and a
    cached one are the same object."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.loads(json.dumps(value, ensure_ascii=False))


# --- results ---------------------------------------------------------------------------------


def _results(
    segments: list[Segment],
    rows: _Rows,
    signals: list[SignalInfo],
    checks: list[CheckInfo],
    opaque: dict[str, Context],
    ignore: frozenset[str],
    scores: bool,
    shared: dict[str, dict],
) -> list[SegmentResult]:
    out = []
    for seg, key in zip(segments, rows.keys, strict=True):
        row = rows.rows[key]
        r = SegmentResult(segment=seg)
        if scores:
            r.scores.update(row["m:metrics"][1]["scores"])
            r.metric_stats = row["m:metrics"][1]["stats"] or NO_STATS
        for info in signals:
            r.scores[info.name] = row[f"s:{info.name}"][1]
        japanese_target = None
        for info in checks:
            if info.name in opaque:
                if japanese_target is None:
                    japanese_target = is_japanese(seg.target or "")
                r.issues += run_check(info, seg, opaque[info.name], japanese_target)
            else:
                r.issues += [_decode(v, shared) for v in row[f"c:{info.name}"][1]]
        mark(r.issues, seg, ignore)
        out.append(r)
    return out
