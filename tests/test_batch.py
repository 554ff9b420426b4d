"""`mtqa batch`: pairing, reports equal to `mtqa check`'s, summaries, skipping unchanged pairs,
resuming after SIGKILL, and the same bytes from every engine (process pool, Ray)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.batch.pairs import MANIFEST_NAME, Pair, find_pairs
from tests.helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
FAST = ["--mt", "none", "--disable", "e5", "--disable", "added_sentence"]
NOUNS = [
    ("猫", "cat"),
    ("犬", "dog"),
    ("本", "book"),
    ("車", "car"),
    ("鳥", "bird"),
    ("花", "flower"),
]
KANJI = "一二三四五六七八九"


def lines(k: int, n: int, wrong: int | None = None) -> tuple[list[str], list[str]]:
    """n templated ja/en sentence pairs; line `wrong` gets a wrong number in the English."""
    ja, en = [], []
    for i in range(n):
        nj, ne = NOUNS[(i + k) % len(NOUNS)]
        num = (i * 7 + k) % 9 + 1
        ja.append(f"{nj}が{KANJI[num - 1]}匹います。")
        shown = num + 1 if i == wrong else num
        en.append(f"There are {shown} {ne}s.")
    return ja, en


def write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def aligned_folder(root: Path, pairs: int, n: int = 4) -> Path:
    for k in range(pairs):
        ja, en = lines(k, n, wrong=1 if k % 2 else None)
        write(root / f"doc{k:02d}.ja.txt", ja)
        write(root / f"doc{k:02d}.en.txt", en)
    return root


def batch(args: list, capsys, monkeypatch):
    return run_cli(["batch", *args], capsys, monkeypatch)


def outputs(outdir: Path) -> dict[str, bytes]:
    """Every file batch wrote, except the manifest (which records what the last run did)."""
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME and not p.name.endswith(".tmp")
    }


# --- pairing ---------------------------------------------------------------------------------


def test_pairing_rules(tmp_path: Path) -> None:
    for name in (
        "a.ja.txt", "a.en.txt", "a.mt.txt",  # dotted markers, with a retranslation beside
        "b-ja.md", "b-en.md",  # dashes
        "c_ja", "c_en",  # underscores, no extension
        "d.ja", "d.en",  # the marker is the suffix
        "news/e.ja.txt", "news/e.en.txt",  # in a subfolder
        "f.ja.txt", "f-en.txt",  # separators differ: not a pair
        "g.ja.txt", "g.en.md",  # extensions differ: not a pair
        "lone.en.txt", "README.md",
        "tables/t.tsv", "tables/t.xlf", "j.jsonl", "x.en.tmx",  # bilingual: one file each
        "book/ja/ch1.txt", "book/en/ch1.txt", "book/mt/ch1.txt",  # ja/ + en/ folders
        "book/ja/sub/ch2.txt", "book/en/sub/ch2.txt",
        "book/ja/only-ja.txt",
        ".hidden.ja.txt", ".hidden.en.txt", ".git/h.ja.txt", ".git/h.en.txt",
        "out/k.ja.txt", "out/k.en.txt",  # the output folder
        "old/" + MANIFEST_NAME, "old/m.ja.txt", "old/m.en.txt",  # an earlier run's output
    ):  # fmt: skip
        write(tmp_path / name, ["x"])
    found = find_pairs(tmp_path, exclude=[tmp_path / "out"])
    assert found.pairs == [
        Pair("a", "a.ja.txt", "a.en.txt", "a.mt.txt"),
        Pair("b", "b-ja.md", "b-en.md"),
        Pair("book/ch1", "book/ja/ch1.txt", "book/en/ch1.txt", "book/mt/ch1.txt"),
        Pair("book/sub/ch2", "book/ja/sub/ch2.txt", "book/en/sub/ch2.txt"),
        Pair("c", "c_ja", "c_en"),
        Pair("d", "d.ja", "d.en"),
        Pair("j.jsonl", "j.jsonl"),
        Pair("news/e", "news/e.ja.txt", "news/e.en.txt"),
        Pair("tables/t.tsv", "tables/t.tsv"),
        Pair("tables/t.xlf", "tables/t.xlf"),
        Pair("x.en.tmx", "x.en.tmx"),
    ]
    assert found.unpaired == [
        "README.md",
        "book/ja/only-ja.txt",
        "f-en.txt",
        "f.ja.txt",
        "g.en.md",
        "g.ja.txt",
        "lone.en.txt",
    ]


def test_no_pairs_is_one_line_error(tmp_path: Path, capsys, monkeypatch) -> None:
    write(tmp_path / "notes.txt", ["x"])
    r = batch([tmp_path, *FAST], capsys, monkeypatch)
    assert r.code == 2
    assert r.err.count("\n") == 1 and "no pairs found" in r.err
    r = batch([tmp_path / "missing", *FAST], capsys, monkeypatch)
    assert r.code == 2 and r.err.strip().count("\n") == 0 and "not a folder" in r.err
    assert not (tmp_path / "mtqa-reports").exists()


def test_report_colliding_with_summary_is_user_error(tmp_path: Path, capsys, monkeypatch) -> None:
    aligned_folder(tmp_path, 1)
    write(tmp_path / "summary.ja.txt", ["猫"])
    write(tmp_path / "summary.en.txt", ["cat"])
    r = batch([tmp_path, "-o", tmp_path / "out", "--aligned", *FAST], capsys, monkeypatch)
    assert r.code == 2 and "would overwrite the batch's own summary.json" in r.err


# --- reports and summaries -------------------------------------------------------------------


def test_reports_equal_check_and_summaries(tmp_path: Path, capsys, monkeypatch) -> None:
    root = aligned_folder(tmp_path / "in", 3)
    mt = write(root / "doc00.mt.txt", lines(0, 4)[1])  # its own retranslation
    write(root / "a<b>&c.ja.txt", ["猫が一匹います。"])  # a name that must be escaped
    write(root / "a<b>&c.en.txt", ["There is one cat."])
    write(root / "stray.txt", ["?"])
    out = tmp_path / "out"
    r = batch([root, "-o", out, "--aligned", "--fail-on-flag", *FAST], capsys, monkeypatch)
    assert r.code == 1, r.err  # doc01 has a wrong number
    assert "1 file(s) not paired, skipped: stray.txt" in r.err
    assert "4 pairs (4 checked, 0 unchanged, 0 failed)" in r.err

    # Each report is byte for byte what `mtqa check` writes for that pair.
    for name in ("doc00", "doc01", "doc02"):
        extra = ["--retranslation", mt] if name == "doc00" else []
        args = [root / f"{name}.ja.txt", root / f"{name}.en.txt", "--aligned", *FAST, *extra]
        c = run_cli(["check", *args, "--format", "json"], capsys, monkeypatch)
        assert c.code == 0, c.err
        assert (out / f"{name}.json").read_text(encoding="utf-8") == c.out
    assert json.loads((out / "doc00.json").read_text())["summary"]["mt"] == "precomputed"

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = {row["name"]: row for row in summary["pairs"]}
    assert list(rows) == ["a<b>&c", "doc00", "doc01", "doc02"]
    assert rows["doc01"]["critical"] >= 1 and rows["doc01"]["flagged"] >= 1
    assert rows["doc01"]["worst_risk"] >= 0.95
    assert rows["doc00"]["retranslation"] == "doc00.mt.txt"
    assert summary["totals"]["pairs"] == 4 and summary["unpaired"] == ["stray.txt"]
    assert summary["totals"]["flagged"] == sum(row["flagged"] for row in rows.values())
    csv_lines = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("name,input,source,target") and len(csv_lines) == 5

    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="doc01.json"' in html and 'href="a%3Cb%3E%26c.json"' in html  # relative links
    assert "a&lt;b&gt;&amp;c" in html and "a<b>" not in html  # escaped
    assert "http" not in html.replace("http-equiv", "")  # self-contained


def test_html_reports(tmp_path: Path, capsys, monkeypatch) -> None:
    root = aligned_folder(tmp_path / "in", 1)
    out = tmp_path / "out"
    r = batch([root, "-o", out, "--aligned", "--format", "html", *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert (out / "doc00.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert 'href="doc00.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_documents_with_default_e5_signals(tmp_path: Path, capsys, monkeypatch) -> None:
    """Unaligned documents, e5 on (the default): the report equals `mtqa check`'s."""
    seeds = REPO / "seeds"
    root = tmp_path / "in"
    write(root / "ja" / "seed.txt", (seeds / "001_73f24af76b2dcb60.txt").read_text().splitlines())
    write(root / "en" / "seed.txt", (seeds / "000_67e3733169a93cb2.txt").read_text().splitlines())
    out = tmp_path / "out"
    r = batch([root, "-o", out, "--mt", "none"], capsys, monkeypatch)
    assert r.code == 0, r.err
    c = run_cli(
        ["check", root / "ja/seed.txt", root / "en/seed.txt", "--mt", "none", "--format", "json"],
        capsys,
        monkeypatch,
    )
    report = (out / "seed.json").read_text(encoding="utf-8")
    assert report == c.out
    doc = json.loads(report)
    assert "e5_match" in doc["segments"][0]["scores"] and doc["summary"]["flagged"] > 0


# --- skipping unchanged pairs ------------------------------------------------------------------


def test_unchanged_pairs_are_skipped(tmp_path: Path, capsys, monkeypatch) -> None:
    root = aligned_folder(tmp_path / "in", 3)
    out = tmp_path / "out"
    args = [root, "-o", out, "--aligned", *FAST]
    assert batch(args, capsys, monkeypatch).code == 0
    first = outputs(out)
    stat = {n: os.stat(out / n) for n in ("doc00.json", "doc01.json", "doc02.json")}

    r = batch(args, capsys, monkeypatch)
    assert "3 pairs (0 checked, 3 unchanged, 0 failed)" in r.err
    assert outputs(out) == first
    for n, st in stat.items():  # not rewritten
        assert (os.stat(out / n).st_ino, os.stat(out / n).st_mtime_ns) == (
            st.st_ino,
            st.st_mtime_ns,
        )

    write(root / "doc01.en.txt", lines(1, 4)[1])  # fix doc01's wrong number
    (out / "doc02.json").unlink()  # a lost report is redone
    r = batch(args, capsys, monkeypatch)
    assert "3 pairs (2 checked, 1 unchanged, 0 failed)" in r.err
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["last_run"] == {
        "checked": ["doc01", "doc02"],
        "skipped": ["doc00"],
        "failed": [],
    }
    assert os.stat(out / "doc00.json").st_mtime_ns == stat["doc00.json"].st_mtime_ns

    r = batch([*args, "--preset", "strict"], capsys, monkeypatch)  # settings changed: all redone
    assert "3 pairs (3 checked, 0 unchanged, 0 failed)" in r.err


def test_batch_fills_the_feature_cache_check_reads(tmp_path: Path, capsys, monkeypatch) -> None:
    from qa.api import check_files
    from qa.features import FeatureCache
    from qa.runtime import Models

    root = aligned_folder(tmp_path / "in", 2)
    args = [root, "-o", tmp_path / "out", "--aligned", *FAST]
    assert batch([*args, "--no-cache"], capsys, monkeypatch).code == 0
    assert not (Path(os.environ["MTQA_CACHE"]) / "features.sqlite").exists()
    assert batch([*args, "--preset", "strict"], capsys, monkeypatch).code == 0
    cache = FeatureCache.default()
    assert len(cache.store) == 8  # 2 pairs x 4 distinct segments

    write(root / "doc01.en.txt", lines(1, 4)[1])  # one segment of doc01 edited
    source, target = root / "doc01.ja.txt", root / "doc01.en.txt"
    result = check_files(
        source,
        target,
        aligned=True,
        models=Models(None, cache=cache),
        disable=("e5", "added_sentence"),
    )
    assert result.segments and set(cache.computed.values()) == {1}, cache.computed


def test_failed_pair_does_not_stop_the_batch(tmp_path: Path, capsys, monkeypatch) -> None:
    root = aligned_folder(tmp_path / "in", 2)
    write(root / "bad.ja.txt", ["猫", "犬"])
    write(root / "bad.en.txt", ["cat"])  # --aligned with a line missing
    out = tmp_path / "out"
    r = batch([root, "-o", out, "--aligned", *FAST], capsys, monkeypatch)
    assert r.code == 2
    assert "mtqa: error: " in r.err and "bad.en.txt" in r.err.split("mtqa: error: ")[1]
    assert (out / "doc00.json").exists() and (out / "doc01.json").exists()
    rows = json.loads((out / "summary.json").read_text())["pairs"]
    assert [row["name"] for row in rows if row["error"]] == ["bad"]
    r = batch([root, "-o", out, "--aligned", *FAST], capsys, monkeypatch)
    assert "(0 checked, 2 unchanged, 1 failed)" in r.err  # the failed pair is retried


# --- resuming after SIGKILL --------------------------------------------------------------------


def _cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "qa", "batch", *map(str, args)]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


def test_resume_after_sigkill(tmp_path: Path) -> None:
    root = aligned_folder(tmp_path / "in", 12, n=150)
    out, clean = tmp_path / "out", tmp_path / "clean"
    args = [root, "--aligned", *FAST]
    proc = subprocess.Popen(_cli(*args, "-o", out), env=_env(), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (out / MANIFEST_NAME).exists() and time.monotonic() < deadline:  # 1st pair done
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close() if proc.stderr else None

    manifest = json.loads((out / MANIFEST_NAME).read_text())
    finished = sorted(manifest["pairs"])
    assert 1 <= len(finished) < 12, "the run should have been killed part-way"
    reports = sorted(p.stem for p in out.glob("doc*.json"))
    assert set(finished) <= set(reports) <= set(finished) | {f"doc{len(finished):02d}"}
    before = {n: os.stat(out / f"{n}.json") for n in finished}

    subprocess.run(_cli(*args, "-o", out), env=_env(), check=True, capture_output=True)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["last_run"]["skipped"] == finished
    assert len(manifest["last_run"]["checked"]) == 12 - len(finished)
    for n, st in before.items():
        now = os.stat(out / f"{n}.json")
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)

    subprocess.run(_cli(*args, "-o", clean), env=_env(), check=True, capture_output=True)
    assert outputs(out) == outputs(clean)
    assert not list(out.rglob(".*.tmp"))  # a write cut short by the kill was cleaned up


# --- engines -----------------------------------------------------------------------------------


def test_jobs_give_the_same_reports(tmp_path: Path, capsys, monkeypatch) -> None:
    root = aligned_folder(tmp_path / "in", 4)
    one, two = tmp_path / "one", tmp_path / "two"
    assert batch([root, "-o", one, "--aligned", *FAST], capsys, monkeypatch).code == 0
    r = batch([root, "-o", two, "--aligned", "--jobs", "2", *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert outputs(one) == outputs(two) and len(outputs(one)) == 4 + 3


def test_ray_engine_gives_identical_reports(tmp_path: Path, capsys, monkeypatch) -> None:
    """A local Ray instance, 2 actors, e5 on: every file equals the local engine's."""
    pytest.importorskip("ray")
    root = tmp_path / "in"
    for k in range(3):
        ja, en = lines(k, 5, wrong=2 if k == 1 else None)
        write(root / "ja" / f"d{k}.txt", ja)
        write(root / "en" / f"d{k}.txt", en)
    write(root / "mt" / "d0.txt", lines(0, 5)[1])
    ja, en = lines(7, 3)
    write(root / "t.tsv", ["source\ttarget", *(f"{j}\t{e}" for j, e in zip(ja, en, strict=True))])
    local, distributed = tmp_path / "local", tmp_path / "ray"
    r = batch([root, "-o", local, "--mt", "none"], capsys, monkeypatch)
    assert r.code == 0, r.err
    r = batch(
        [root, "-o", distributed, "--mt", "none", "--engine", "ray", "--jobs", "2"],
        capsys,
        monkeypatch,
    )
    assert r.code == 0, r.err
    assert outputs(local) == outputs(distributed)
    assert sorted(outputs(local)) == [
        "d0.json", "d1.json", "d2.json", "index.html", "summary.csv", "summary.json", "t.tsv.json"
    ]  # fmt: skip
    rows = json.loads((local / "summary.json").read_text())["pairs"]
    assert rows[0]["retranslation"] == "mt/d0.txt" and rows[1]["critical"] >= 1
