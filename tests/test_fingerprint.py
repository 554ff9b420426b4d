"""Fingerprints and ignore files: a false positive marked once stays quiet, comes back when its
segment's target changes, and is untouched by edits elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.fingerprint import read_ignore_file
from tests.helpers import run_cli

SRC = ["価格は3ドルです。", "東京に行きました。", "猫が好きです。"]
TGT = ["The price is 5 dollars.", "I went to Tokyo.", "I like cats."]


def _run(tmp: Path, tgt: list[str], capsys, monkeypatch, *extra: str) -> dict:
    (tmp / "s.ja").write_text("\n".join(SRC) + "\n", encoding="utf-8")
    (tmp / "t.en").write_text("\n".join(tgt) + "\n", encoding="utf-8")
    out = tmp / "r.json"
    args = ["check", tmp / "s.ja", tmp / "t.en", "--aligned", "--mt", "none", "-o", out, *extra]
    run = run_cli([*args, "--disable", "e5,added_sentence"], capsys, monkeypatch)
    assert run.code == 0, run.err
    return json.loads(out.read_text(encoding="utf-8"))


def _numbers(report: dict, k: int) -> list[dict]:
    return [i for i in report["segments"][k]["issues"] if i["check"] == "numbers"]


def _all(report: dict, k: int) -> list[dict]:
    return report["segments"][k]["issues"]


def test_an_ignored_finding_stays_gone_until_its_target_changes(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    first = _run(tmp_path, TGT, capsys, monkeypatch)
    (finding,) = _numbers(first, 0)
    assert first["segments"][0]["flagged"] and len(finding["fingerprint"]) == 16
    ignore = tmp_path / "ignore.txt"
    prints = "\n".join(f"{i['fingerprint']}  # checked" for i in _all(first, 0))
    ignore.write_text(f"# the price is right (numbers, numbers_added)\n{prints}\n")

    again = _run(tmp_path, TGT, capsys, monkeypatch, "--ignore", ignore)
    (same,) = _numbers(again, 0)
    assert same["ignored"] and same["fingerprint"] == finding["fingerprint"]
    assert all(i["ignored"] for i in _all(again, 0)) and not again["segments"][0]["flagged"]
    assert again["summary"]["ignored"] == len(_all(first, 0)) == 2
    assert "numbers" not in again["summary"]["issues_by_check"]

    other_edit = [TGT[0], "I went to Osaka.", "I like dogs."]  # another segment changes
    kept = _run(tmp_path, other_edit, capsys, monkeypatch, "--ignore", ignore)
    assert _numbers(kept, 0)[0]["ignored"] and not kept["segments"][0]["flagged"]

    edited = ["The price is 7 dollars.", *TGT[1:]]  # this target changes: the finding is back
    back = _run(tmp_path, edited, capsys, monkeypatch, "--ignore", ignore)
    (new,) = _numbers(back, 0)
    assert "ignored" not in new and back["segments"][0]["flagged"]
    assert new["fingerprint"] != finding["fingerprint"]


def test_fingerprints_do_not_depend_on_position(tmp_path: Path, capsys, monkeypatch) -> None:
    first = _run(tmp_path, TGT, capsys, monkeypatch)
    fp = _numbers(first, 0)[0]["fingerprint"]
    global SRC
    saved = SRC
    try:
        SRC = ["新しい行です。", *saved]  # a segment inserted before it: ids shift
        moved = _run(tmp_path, ["A new line.", *TGT], capsys, monkeypatch)
    finally:
        SRC = saved
    assert _numbers(moved, 1)[0]["fingerprint"] == fp


def test_a_bad_ignore_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "ignore.txt"
    bad.write_text("0123456789abcdef\nnot-a-fingerprint\n")
    with pytest.raises(InputError, match=r"ignore\.txt:2: not an mtqa fingerprint"):
        read_ignore_file(bad)
