"""Settings from the command line, MTQA_* variables and config files (qa/config.py), and
`mtqa config show`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from qa.config import CHECK, OPTIONS, find_config, resolve
from qa.errors import InputError
from tests.helpers import run_cli

# Offline and without e5: these tests are about settings, not scores.
FAST = ["--disable", "e5,added_sentence"]  # the same as --disable e5 --disable added_sentence

# option → (command-line value, MTQA_ variable value, config-file TOML, what each gives)
CASES = {
    "preset": ("lenient", "strict", '"standard"', ("lenient", "strict", "standard")),
    "threshold": (0.1, "0.2", "0.3", (0.1, 0.2, 0.3)),
    "disable": (
        ("numbers",),
        "quotes,e5",
        '["entity"]',
        (("numbers",), ("quotes", "e5"), ("entity",)),
    ),
    "fail_on_flag": (False, "1", "false", (False, True, False)),
    "glossary": (
        Path("cli.tsv"),
        "env.tsv",
        '"file.tsv"',
        (Path("cli.tsv"), Path("env.tsv"), "file"),
    ),
    "level": ("sentence", "paragraph", '"sentence"', ("sentence", "paragraph", "sentence")),
}


@pytest.mark.parametrize(
    "name,cli,env,file",
    [(n, *flags) for n in CASES for flags in itertools.product((True, False), repeat=3)],
)
def test_precedence_cli_env_file_default(name, cli, env, file, tmp_path) -> None:
    """The first source present wins: command line > environment > config file > default."""
    cli_value, env_value, toml_value, (from_cli, from_env, from_file) = CASES[name]
    opt = OPTIONS[name]
    if file:
        (tmp_path / "mtqa.toml").write_text(
            f"# team settings\n\n{opt.key} = {toml_value}\n", encoding="utf-8"
        )
    given = {name: cli_value} if cli else {}
    environ = {opt.env_var: env_value} if env else {}
    got = resolve(given, CHECK, environ=environ, cwd=tmp_path)
    if cli:
        want, source = from_cli, "cli"
    elif env:
        want, source = from_env, f"env {opt.env_var}"
    elif file:
        want = tmp_path.resolve() / "file.tsv" if from_file == "file" else from_file
        source = "mtqa.toml:3"
    else:
        want, source = opt.default, "default"
    assert got[name] == want and got.source(name) == source


def test_list_options_take_commas_from_every_source(tmp_path) -> None:
    given = {"disable": ["e5,added_sentence", "quotes"]}
    got = resolve(given, CHECK, environ={}, cwd=tmp_path)
    assert got["disable"] == ("e5", "added_sentence", "quotes")
    got = resolve({}, CHECK, environ={"MTQA_ENABLE": " lm , "}, cwd=tmp_path)
    assert got["enable"] == ("lm",)


def test_parent_folder_discovery_nearest_wins(tmp_path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "mtqa.toml").write_text('preset = "strict"\nlevel = "sentence"\n', "utf-8")
    got = resolve({}, CHECK, environ={}, cwd=deep)
    assert got["preset"] == "strict" and got.source("preset") == "../../../mtqa.toml:1"
    # A nearer file wins outright: files are not merged.
    (tmp_path / "a" / ".mtqa.toml").write_text('\n\npreset = "lenient"\n', "utf-8")
    got = resolve({}, CHECK, environ={}, cwd=deep)
    assert got["preset"] == "lenient" and got.source("preset") == "../../.mtqa.toml:3"
    assert got["level"] == "paragraph" and got.source("level") == "default"


def test_pyproject_tool_table_and_a_pyproject_without_one_is_passed_over(tmp_path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\npreset = "nope"\n\n[tool.mtqa]\n# QA\npreset = "strict"\n'
        "fail-on-flag = true\n\n[tool.other]\nthreshold = 9\n",
        encoding="utf-8",
    )
    (sub / "pyproject.toml").write_text('[project]\nname = "y"\n', encoding="utf-8")
    got = resolve({}, CHECK, environ={}, cwd=sub)
    assert got["preset"] == "strict" and got.source("preset") == "../pyproject.toml:7"
    assert got["fail_on_flag"] is True and got.source("fail_on_flag") == "../pyproject.toml:8"
    assert got["threshold"] is None  # [tool.other] is not read
    # mtqa.toml beside a pyproject.toml with [tool.mtqa] comes first.
    (tmp_path / "mtqa.toml").write_text('preset = "lenient"\n', encoding="utf-8")
    assert find_config(sub) == tmp_path / "mtqa.toml"


def test_explicit_config_and_isolated(tmp_path) -> None:
    (tmp_path / "mtqa.toml").write_text('preset = "strict"\n', encoding="utf-8")
    other = tmp_path / "ci.toml"
    other.write_text("threshold = 0.5\n", encoding="utf-8")
    env = {"MTQA_LEVEL": "sentence"}
    got = resolve({}, CHECK, config=other, environ=env, cwd=tmp_path)
    assert got["threshold"] == 0.5 and got.source("threshold") == f"{other}:1"
    assert got["preset"] == "standard"  # the discovered file is not read beside --config
    got = resolve({}, CHECK, isolated=True, environ=env, cwd=tmp_path)
    assert got["preset"] == "standard" and got.source("preset") == "default"
    assert got["level"] == "sentence"  # --isolated ignores files only, as flake8's does
    with pytest.raises(InputError, match="contradict"):
        resolve({}, CHECK, config=other, isolated=True, environ={}, cwd=tmp_path)


def test_paths_are_relative_to_the_config_file(tmp_path) -> None:
    (tmp_path / "qa").mkdir()
    (tmp_path / "models" / "ct2").mkdir(parents=True)
    (tmp_path / "mtqa.toml").write_text(
        'glossary = "qa/terms.tsv"\nignore = "ignore.txt"\nmt = "models/ct2"\n', "utf-8"
    )
    work = tmp_path / "chapters" / "one"
    work.mkdir(parents=True)
    got = resolve({}, CHECK, environ={"MTQA_IGNORE": ""}, cwd=work)  # empty = unset
    assert got["glossary"] == tmp_path / "qa" / "terms.tsv"
    assert got["ignore"] == tmp_path / "ignore.txt"
    assert got["mt"] == str(tmp_path / "models" / "ct2")  # an existing folder beside the file
    # From the environment a path stays as given (relative to where mtqa runs).
    got = resolve({}, CHECK, environ={"MTQA_GLOSSARY": "t.tsv", "MTQA_MT": "none"}, cwd=work)
    assert got["glossary"] == Path("t.tsv") and got["mt"] == "none"


def test_the_spec_matches_the_check_command() -> None:
    """Every `mtqa check` option is known to qa/config.py (or command-line only), with the
    same default, choices and bounds, so a new option cannot silently miss the config file."""
    import enum
    import inspect
    import typing

    from typer.models import OptionInfo

    from qa.cli import _OPTION_NAMES, check
    from qa.config import CLI_ONLY

    hints = typing.get_type_hints(check, include_extras=True)
    seen = set()
    for p in inspect.signature(check).parameters.values():
        base, *meta = typing.get_args(hints[p.name]) or (hints[p.name],)
        info = next((m for m in meta if isinstance(m, OptionInfo)), None)
        if info is None:
            continue  # the context and the arguments
        name = _OPTION_NAMES.get(p.name, p.name)
        seen.add(name)
        if name in CLI_ONLY:
            continue
        opt = OPTIONS[name]
        default = getattr(p.default, "value", p.default)
        assert (tuple(default) if isinstance(default, list) else default) == opt.default, name
        enums = [t for t in (base, *typing.get_args(base)) if isinstance(t, enum.EnumMeta)]
        assert (tuple(c.value for c in enums[0]) if enums else ()) == opt.choices, name
        assert (info.min, info.max) == (opt.low, opt.high), name
    assert set(CHECK) <= seen and set(CHECK) | set(CLI_ONLY) >= seen


# --- through the real entry point -------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A team folder: a table with an empty target (a critical finding) and an mtqa.toml;
    the tests run in a subfolder of it."""
    (tmp_path / "pairs.tsv").write_text(
        "id\tsource\ttarget\nr1\t猫が二匹います。\tThere are two cats.\nr2\t駅はどこですか。\t\n",
        encoding="utf-8",
    )
    (tmp_path / "mtqa.toml").write_text('mt = "none"\nformat = "json"\n', encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def summary(r) -> dict:
    assert r.code in (0, 1), r.err
    return json.loads(r.out)["summary"]


def test_cli_env_file_precedence_end_to_end(project, capsys, monkeypatch) -> None:
    table = project / "pairs.tsv"
    with (project / "mtqa.toml").open("a", encoding="utf-8") as f:
        f.write('preset = "strict"\n')
    got = summary(run_cli(["check", table, *FAST], capsys, monkeypatch))
    assert got["preset"] == "strict" and got["mt"].startswith("none")  # mt, format from file
    monkeypatch.setenv("MTQA_PRESET", "lenient")
    assert summary(run_cli(["check", table, *FAST], capsys, monkeypatch))["preset"] == "lenient"
    got = summary(run_cli(["check", table, "--preset", "standard", *FAST], capsys, monkeypatch))
    assert got["preset"] == "standard"
    got = summary(run_cli(["check", table, "--isolated", "--mt", "none", "-f", "json", *FAST],
                          capsys, monkeypatch))  # fmt: skip
    assert got["preset"] == "lenient"  # the variable still applies under --isolated


def test_ignore_file_in_the_config_keeps_a_teams_false_positives(project, capsys, monkeypatch):
    """The workflow: a reviewer copies a finding's fingerprint into ignore.txt, which
    mtqa.toml names; every later run, from any subfolder, leaves that finding unflagged."""
    table = project / "pairs.tsv"
    args = ["check", table, "--threshold", "1", *FAST]
    first = json.loads(run_cli(args, capsys, monkeypatch).out)
    issue = next(i for i in first["segments"][1]["issues"] if i["check"] == "empty_target")
    assert first["segments"][1]["flagged"]
    (project / "ignore.txt").write_text(f"# r2: deliberately empty\n{issue['fingerprint']}\n")
    with (project / "mtqa.toml").open("a", encoding="utf-8") as f:
        f.write('ignore = "ignore.txt"\n')
    again = json.loads(run_cli(args, capsys, monkeypatch).out)
    assert not again["segments"][1]["flagged"] and again["summary"]["ignored"] == 1
    assert again["segments"][1]["issues"][0]["ignored"] is True


def test_format_from_the_config_yields_to_the_output_suffix(project, capsys, monkeypatch):
    out = project / "work" / "report.csv"
    r = run_cli(["check", project / "pairs.tsv", "-o", out, *FAST], capsys, monkeypatch)
    assert r.code == 0, r.err
    assert out.read_text(encoding="utf-8-sig").startswith("id,link,source")
    # ... but --format on the command line is obeyed whatever the name.
    r = run_cli(["check", project / "pairs.tsv", "-o", out, "-f", "json", *FAST], capsys,
                monkeypatch)  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["segments"] == 2


@pytest.mark.parametrize(
    "toml,env,expect",
    [
        ('presett = "strict"\n', {}, "mtqa.toml:1: unknown key 'presett'; did you mean 'preset'?"),
        ('mt = "none"\nbeam = "wide"\n', {}, "mtqa.toml:2: beam: expected a whole number"),
        ("threshold = 2\n", {}, "mtqa.toml:1: threshold: 2.0 is above 1"),
        ('preset = "extreme"\n', {}, "mtqa.toml:1: preset: 'extreme' is not one of strict"),
        ("disable = 'quotes'\n", {}, "mtqa.toml:1: disable: expected a list of strings"),
        ('fail_on_flag = "yes"\n', {}, "mtqa.toml:1: fail_on_flag: expected true or false"),
        ('preset = "strict\n', {}, "mtqa.toml: not valid TOML: "),
        ('output = "r.json"\n', {}, "mtqa.toml:1: output: not allowed in a config file"),
        ("x = 1\n[check]\npreset = 1\n", {}, "mtqa.toml:1: unknown key 'x'"),
        ('disable = ["no_such_check"]\n', {}, "mtqa.toml:1: disable: --disable: unknown check"),
        ('glossary = "missing.tsv"\n', {}, "mtqa.toml:1: glossary: "),
        ('mt = "none"\n', {"MTQA_THRESHOLD": "high"}, "environment MTQA_THRESHOLD: 'high' is not"),
        ('mt = "none"\n', {"MTQA_ALIGNED": "maybe"}, "environment MTQA_ALIGNED: 'maybe' is not a"),
        ("", {"MTQA_DISABLE": "nope"}, "environment MTQA_DISABLE: disable: --disable: unknown"),
    ],
)
def test_config_errors_are_one_line_naming_file_and_key(
    toml, env, expect, project, capsys, monkeypatch
) -> None:
    (project / "work" / "mtqa.toml").write_text(toml, encoding="utf-8")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    r = run_cli(["check", project / "pairs.tsv", "--mt", "none"], capsys, monkeypatch)
    assert r.code == 2 and r.out == ""
    assert r.err.count("\n") == 1 and r.err.startswith("mtqa: error: "), r.err
    assert expect in r.err, r.err


def test_missing_explicit_config_is_an_error(project, capsys, monkeypatch) -> None:
    r = run_cli(["check", project / "pairs.tsv", "--config", "nope.toml"], capsys, monkeypatch)
    assert r.code == 2 and "nope.toml: cannot read config file" in r.err


def test_config_show_names_every_source(project, capsys, monkeypatch) -> None:
    (project / "mtqa.toml").write_text(
        '# team\nmt = "none"\nglossary = "terms.tsv"\nthreshold = 0.3\n', encoding="utf-8"
    )
    monkeypatch.setenv("MTQA_PRESET", "strict")
    monkeypatch.setenv("MTQA_DISABLE", "quotes_dropped,e5")
    r = run_cli(["config", "show", "--level", "sentence", "--threshold", "0.4"], capsys,
                monkeypatch)  # fmt: skip
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "# config file: ../mtqa.toml"
    row = {line.split()[0]: line for line in lines[1:] if not line.startswith("#")}
    assert row["level"].split("#")[-1].strip() == "cli" and '"sentence"' in row["level"]
    assert row["threshold"].split("#")[-1].strip() == "cli"  # over the file's 0.3
    assert row["preset"].endswith("# env MTQA_PRESET")
    assert '["quotes_dropped", "e5"]' in row["disable"]
    assert row["mt"].endswith("# ../mtqa.toml:2")
    assert str(project / "terms.tsv") in row["glossary"] and row["glossary"].endswith(":3")
    assert row["beam"].endswith("# default")
    assert len(row) + sum(x.startswith("# ") for x in lines[1:]) == len(CHECK)
    # What it prints is itself a config file that gives the same settings.
    (project / "work" / "copy.toml").write_text(r.out, encoding="utf-8")
    copy = resolve({}, CHECK, config=project / "work" / "copy.toml", environ={})
    assert copy["preset"] == "strict" and copy["level"] == "sentence"
    r = run_cli(["config", "show", "--isolated"], capsys, monkeypatch)
    assert r.out.splitlines()[0] == "# config file: ignored (--isolated)"
