"""End-to-end `mtqa check` through the real entry point: inputs, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers import run_cli

SRC = ["猫が二匹います。", "今日は晴れです。", "彼は本を読んだ。", "駅はどこですか。"]
TGT = ["There are two cats.", "It is sunny today.", "", "Where is the station?"]
MT = ["There are two cats.", "Today is sunny.", "He read a book.", "Where's the station?"]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, lines in (("src", SRC), ("tgt", TGT), ("mt", MT)):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def check(args, capsys, monkeypatch):
    offline = [] if "--mt" in args else ["--mt", "none"]
    return run_cli(["check", *args, *offline], capsys, monkeypatch)


def test_aligned_json_schema(files, capsys, monkeypatch) -> None:
    r = check(
        [
            files["src"],
            files["tgt"],
            "--aligned",
            "--retranslation",
            files["mt"],
            "--format",
            "json",
        ],
        capsys,
        monkeypatch,
    )
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert set(doc) == {"segments", "summary", "signatures"}
    segs = doc["segments"]
    assert [s["id"] for s in segs] == ["1", "2", "3", "4"]
    for s in segs:
        assert {
            "id",
            "source",
            "target",
            "retranslation",
            "scores",
            "risk",
            "flagged",
            "issues",
        } <= set(s)
        assert 0 <= s["risk"] <= 1 and isinstance(s["flagged"], bool)
        for issue in s["issues"]:
            assert set(issue) >= {"check", "severity", "message"}
            assert issue["severity"] in ("critical", "major", "minor")
    assert segs[0]["scores"]["chrf"] == pytest.approx(100)
    # The empty target is a critical finding, not a zero score.
    assert segs[2]["scores"]["chrf"] is None and segs[2]["flagged"]
    assert [i["check"] for i in segs[2]["issues"]] == ["empty_target"]
    assert doc["summary"]["mt"] == "precomputed" and doc["summary"]["segments"] == 4
    assert doc["signatures"]["sentence_chrf"].startswith("nrefs:1")


def test_mismatched_line_counts_exit_2(files, tmp_path, capsys, monkeypatch) -> None:
    short = tmp_path / "short.txt"
    short.write_text("one\n", encoding="utf-8")
    r = check([files["src"], short, "--aligned"], capsys, monkeypatch)
    assert r.code == 2
    assert r.err.count("\n") == 1 and "4 lines" in r.err and "1" in r.err
    assert "Traceback" not in r.err


def test_retranslation_line_mismatch_exit_2(files, tmp_path, capsys, monkeypatch) -> None:
    bad = tmp_path / "mt.txt"
    bad.write_text("only one\n", encoding="utf-8")
    r = check(
        [files["src"], files["tgt"], "--aligned", "--retranslation", bad], capsys, monkeypatch
    )
    assert r.code == 2 and "retranslation lines" in r.err


@pytest.mark.parametrize(
    "args",
    [
        ["missing.tsv"],
        ["notatable.txt"],
        ["{src}", "{tgt}", "--aligned", "--preset", "extreme"],
        ["{src}", "{tgt}", "--aligned", "--threshold", "1.5"],
        ["{src}", "{tgt}", "--aligned", "--disable", "no_such_check"],
        ["{src}", "{tgt}", "--aligned", "-o", "{tmp}/out.docx"],
        ["{tmp}/empty.txt", "{tgt}"],
        ["{tmp}/empty.txt", "{tmp}/empty.txt", "--aligned"],
        ["{src}", "{tgt}", "--mt", "{tmp}"],
        ["{tmp}/binary.txt", "{tgt}"],
        ["{tmp}", "{tgt}"],
    ],
)
def test_user_errors_are_one_line_exit_2(args, files, tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "notatable.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(128, 256)) * 8)
    monkeypatch.chdir(tmp_path)
    filled = [a.format(src=files["src"], tgt=files["tgt"], tmp=tmp_path) for a in args]
    r = check(filled, capsys, monkeypatch)
    assert r.code == 2, (r.out, r.err)
    assert r.err.startswith("mtqa: error:") and r.err.count("\n") == 1


def test_output_never_overwrites_input(files, capsys, monkeypatch) -> None:
    before = files["tgt"].read_bytes()
    r = check(
        [files["src"], files["tgt"], "--aligned", "-f", "json", "-o", files["tgt"]],
        capsys,
        monkeypatch,
    )
    assert r.code == 2 and files["tgt"].read_bytes() == before


def test_table_inputs_and_csv_output(tmp_path, capsys, monkeypatch) -> None:
    table = tmp_path / "pairs.tsv"
    rows = ["id\tsource\ttarget\tretranslation"] + [
        f"r{i}\t{s}\t{t}\t{m}" for i, (s, t, m) in enumerate(zip(SRC, TGT, MT, strict=True))
    ]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "report.csv"
    r = check([table, "-o", out], capsys, monkeypatch)
    assert r.code == 0, r.err
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [g["id"] for g in got] == ["r0", "r1", "r2", "r3"]
    assert float(got[0]["chrf"]) == pytest.approx(100) and got[2]["chrf"] == ""
    assert got[2]["flagged"] == "true" and "empty_target" in got[2]["issues"]


def test_jsonl_output_and_fail_on_flag(files, capsys, monkeypatch) -> None:
    args = [files["src"], files["tgt"], "--aligned", "--retranslation", files["mt"], "-f", "jsonl"]
    r = check([*args, "--fail-on-flag"], capsys, monkeypatch)
    assert r.code == 1  # the empty target is flagged
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert len(lines) == 4 and lines[2]["flagged"]
    r = check(
        [*args, "--fail-on-flag", "--disable", "empty_target", "--threshold", "1"],
        capsys,
        monkeypatch,
    )
    assert r.code == 0


def test_disable_a_family_of_signals(files, capsys, monkeypatch) -> None:
    args = [files["src"], files["tgt"], "--aligned", "-f", "json"]
    scores = json.loads(check(args, capsys, monkeypatch).out)["segments"][0]["scores"]
    assert {"e5_sim", "e5_match"} <= scores.keys()
    doc = json.loads(check([*args, "--disable", "e5"], capsys, monkeypatch).out)
    assert not any(k.startswith("e5_") for k in doc["segments"][0]["scores"])
    assert doc["summary"]["risk_model"] == "lexical"


def test_mt_none_is_reported(files, capsys, monkeypatch) -> None:
    r = check([files["src"], files["tgt"], "--aligned", "-f", "json"], capsys, monkeypatch)
    doc = json.loads(r.out)
    assert doc["summary"]["mt"].startswith("none")
    assert all(s["retranslation"] is None and "chrf" not in s["scores"] for s in doc["segments"])


def test_terminal_table_shows_reasons(files, capsys, monkeypatch) -> None:
    r = check(
        [files["src"], files["tgt"], "--aligned", "--retranslation", files["mt"]],
        capsys,
        monkeypatch,
    )
    assert r.code == 0
    assert "彼は本を読んだ。" in r.out and "target is empty" in r.out
    assert "segments flagged" in r.out


def test_checks_list(capsys, monkeypatch) -> None:
    r = run_cli(["checks", "list"], capsys, monkeypatch)
    assert r.code == 0 and "empty_target" in r.out and "critical" in r.out


@pytest.mark.parametrize("model", ["tiny_marian", "tiny_marian_ct2"])
def test_check_with_a_local_model_folder(
    model, files, tmp_path, request, capsys, monkeypatch
) -> None:
    """The same path users take with a downloaded model: --mt FOLDER, cached retranslations."""
    folder = request.getfixturevalue(model)
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path / "cache"))
    args = [
        "check",
        files["src"],
        files["tgt"],
        "--aligned",
        "--mt",
        folder,
        "-f",
        "json",
        "--max-new-tokens",
        "8",
    ]
    first = run_cli(args, capsys, monkeypatch)
    assert first.code == 0, first.err
    doc = json.loads(first.out)
    assert doc["summary"]["mt"] != "precomputed" and not doc["summary"]["mt"].startswith("none")
    assert all(isinstance(s["retranslation"], str) for s in doc["segments"])
    assert "chrf" in doc["segments"][0]["scores"]
    assert (tmp_path / "cache").exists()
    again = json.loads(run_cli(args, capsys, monkeypatch).out)
    assert [s["retranslation"] for s in again["segments"]] == [
        s["retranslation"] for s in doc["segments"]
    ]


def test_models_pull_offline_is_one_line(tmp_path, capsys, monkeypatch) -> None:
    from huggingface_hub import constants

    # Nothing listens on port 9: refused at once, so this never downloads, network or not.
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path))
    r = run_cli(["models", "pull", "opus-mt-ja-en"], capsys, monkeypatch)
    assert r.code == 2 and r.err.count("\n") == 1 and "cannot download" in r.err


def test_segment_lines_match_what_document_retranslation_expects(capsys, monkeypatch) -> None:
    root = Path(__file__).resolve().parents[1]
    src, tgt = root / "seeds/001_73f24af76b2dcb60.txt", root / "seeds/000_67e3733169a93cb2.txt"
    r = run_cli(["segment", src], capsys, monkeypatch)
    units = r.out.splitlines()
    assert r.code == 0 and units[0].startswith("中国とロシア首脳会談") and len(units) == 21
    mt = root / "tests/data/seed_retranslation.txt"
    assert len(mt.read_text(encoding="utf-8").splitlines()) == len(units)
    doc = json.loads(
        check([src, tgt, "--retranslation", mt, "-f", "json"], capsys, monkeypatch).out
    )
    assert doc["summary"]["aligner"] == "chrf+e5" and doc["summary"]["mt"] == "precomputed"


# --- everyday conventions: --version, '-' for stdin/stdout, umask, the compact table, folders --

FAST = ["--disable", "e5", "--disable", "added_sentence"]


def feed_stdin(monkeypatch, data: bytes) -> None:
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_version(capsys, monkeypatch) -> None:
    from qa import __version__

    r = run_cli(["--version"], capsys, monkeypatch)
    assert r.code == 0 and r.out == f"mtqa {__version__}\n"


def test_stdin_source_is_decoded_like_a_file(files, capsys, monkeypatch) -> None:
    """`-` as the source: Shift-JIS bytes from a pipe are detected as they are from a file."""
    feed_stdin(monkeypatch, "\n".join(SRC).encode("cp932") + b"\n")
    r = check(["-", files["tgt"], "--aligned", "-f", "json", *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["summary"]["source_encoding"] == "cp932"
    assert [s["source"] for s in doc["segments"]] == SRC


def test_stdin_table_needs_an_input_format(capsys, monkeypatch) -> None:
    rows = "source\ttarget\n猫が二匹います。\tThere are two cats.\n".encode()
    feed_stdin(monkeypatch, rows)
    r = check(["-"], capsys, monkeypatch)
    assert r.code == 2 and r.err.count("\n") == 1 and "--input-format" in r.err
    feed_stdin(monkeypatch, rows)
    r = check(["-", "--input-format", "tsv", "-f", "jsonl", *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert json.loads(r.out)["target"] == "There are two cats."


def test_stdin_xliff_written_back_to_stdout(capsys, monkeypatch) -> None:
    """`mtqa check - --input-format xliff -f xliff -o -`: stdin is read once and its bytes
    serve the write-back too."""
    xlf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
        'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="ja"'
        ' target-language="en" datatype="plaintext"><body>'
        '<trans-unit id="u1"><source>猫が二匹います。</source><target>There are two cats.'
        '</target></trans-unit><trans-unit id="u2"><source>駅はどこですか。</source><target>'
        "</target></trans-unit></body></file></xliff>\n"
    )
    feed_stdin(monkeypatch, xlf.encode())
    r = check(
        ["-", "--input-format", "xliff", "-f", "xliff", "-o", "-", *FAST], capsys, monkeypatch
    )
    assert r.code == 0, r.err
    assert r.out.count("<trans-unit") == 2 and "needs-review-translation" in r.out


def test_stdin_is_for_one_input_and_capped(files, capsys, monkeypatch) -> None:
    feed_stdin(monkeypatch, b"x\n")
    r = check(["-", "-", "--aligned"], capsys, monkeypatch)
    assert r.code == 2 and "one input only" in r.err
    monkeypatch.setenv("MTQA_MAX_INPUT_MB", "0.00001")  # 10 bytes
    feed_stdin(monkeypatch, "\n".join(SRC).encode() + b"\n")
    r = check(["-", files["tgt"], "--aligned"], capsys, monkeypatch)
    assert r.code == 2 and r.err.count("\n") == 1 and "stdin holds more than" in r.err


def test_dash_output_is_stdout(files, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = check([files["src"], files["tgt"], "--aligned", "-f", "json", "-o", "-", *FAST],
              capsys, monkeypatch)  # fmt: skip
    assert r.code == 0 and json.loads(r.out)["summary"]["segments"] == 4
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600)])
def test_written_reports_honour_the_umask(umask, mode, files, tmp_path, capsys, monkeypatch):
    import os
    import stat

    out = tmp_path / "report.json"
    old = os.umask(umask)
    try:
        r = check([files["src"], files["tgt"], "--aligned", "-o", out, *FAST], capsys, monkeypatch)
    finally:
        os.umask(old)
    assert r.code == 0, r.err
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_table_to_a_file(files, tmp_path, capsys, monkeypatch) -> None:
    for out, extra in ((tmp_path / "report.out", ["--format", "table"]), (tmp_path / "r.txt", [])):
        r = check([files["src"], files["tgt"], "--aligned", "-o", out, *extra, *FAST], capsys,
                  monkeypatch)  # fmt: skip
        assert r.code == 0 and r.out == "", r.err
        text = out.read_text(encoding="utf-8")
        assert "彼は本を読んだ。" in text and " of 4 segments flagged" in text
        assert "see --format html -o report.html for every detail" in text
        assert "\x1b[" not in text  # no terminal colours in a file


def test_a_folder_points_at_batch(tmp_path, files, capsys, monkeypatch) -> None:
    r = check([tmp_path], capsys, monkeypatch)
    assert r.code == 2 and r.err.count("\n") == 1 and f"mtqa batch {tmp_path}" in r.err
    r = check([files["src"], tmp_path], capsys, monkeypatch)
    assert r.code == 2 and "mtqa batch" in r.err


def test_compact_table_documents_show_file_lines(tmp_path, capsys, monkeypatch) -> None:
    """Documents: rows carry the files' line numbers (also `source_lines`/`target_lines` in
    the JSON); long texts are cut with an ellipsis; a target that repeats the Japanese is
    shown once; a summary line and the pointer to the full report end the table."""
    long_ja = "東京は日本の首都です。" * 40  # 440 characters
    long_en = "Tokyo is the capital of Japan. " * 30
    src = tmp_path / "src.txt"
    src.write_text(
        f"# title\n\n猫が二匹います。\n\n{long_ja}\n\n駅はどこですか。\n", encoding="utf-8"
    )
    tgt = tmp_path / "tgt.txt"
    tgt.write_text(f"There are two cats.\n\n\n{long_en}\n\n駅はどこですか。\n", encoding="utf-8")
    doc = json.loads(check([src, tgt, "-f", "json", *FAST], capsys, monkeypatch).out)
    by_src = {s["source"]: s for s in doc["segments"] if s["source"]}
    assert by_src["猫が二匹います。"]["source_lines"] == [3, 3]
    assert by_src["猫が二匹います。"]["target_lines"] == [1, 1]
    assert by_src[long_ja]["source_lines"] == [5, 5] and by_src[long_ja]["target_lines"] == [4, 4]
    assert by_src["駅はどこですか。"]["target_lines"] == [6, 6]
    monkeypatch.setenv("COLUMNS", "200")
    r = check([src, tgt, "--all", *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert "src L3" in r.out and "tgt L1" in r.out and "src L5" in r.out and "tgt L4" in r.out
    assert "… (+140 chars)" in r.out and "… (+629 chars)" in r.out  # cut at 300
    assert r.out.count("駅はどこですか。") == 1
    assert "tgt L6 (untranslated: same as source)" in r.out
    assert "segments flagged" in r.out and "findings:" in r.out
    assert r.out.rstrip().endswith("see --format html -o report.html for every detail")


def test_table_cell_text() -> None:
    from qa.model import Segment, SegmentResult
    from qa.report.table import _texts

    long = SegmentResult(Segment("1", "あ" * 301, "b" * 300, retranslation="c" * 400))
    text = _texts(long)
    assert f"[cyan]src[/] {'あ' * 300}… [dim](+1 chars)[/]" in text
    assert f"[cyan]tgt[/] {'b' * 300}\n" in text and f"{'c' * 300}… [dim](+100 chars)" in text
    same = SegmentResult(
        Segment("2", "駅です。", " 駅です。\n", source_lines=(3, 4), target_lines=(9, 9))
    )
    assert _texts(same) == (
        "[cyan]src[/] [dim]L3-4[/] 駅です。\n"
        "[cyan]tgt[/] [dim]L9[/] [dim](untranslated: same as source)[/]"
    )


def test_line_of() -> None:
    from qa.documents import LineIndex

    idx = LineIndex("ab\r\ncd\n\nef")
    assert [idx.line_of(i) for i in (0, 3, 4, 6, 7, 8, 9)] == [1, 1, 2, 2, 3, 4, 4]
    assert idx.lines((4, 10)) == (2, 4) and idx.lines((4, 7)) == (2, 2) and idx.lines(None) is None
