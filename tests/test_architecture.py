"""The layers hold: only relevance/cli/ renders (typer, rich); the library never reaches up into it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "relevance"
RENDERING = {"typer", "rich", "click"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    found |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and not node.level}
    return found


def is_cli(module: str) -> bool:
    """The CLI package, and `python -m relevance`, which only runs it."""
    return module == "relevance.__main__" or module == "relevance.cli" or module.startswith("relevance.cli.")


LIBRARY = sorted(module_name(path) for path in PACKAGE.rglob("*.py") if not is_cli(module_name(path)))


def test_only_the_cli_imports_typer_or_rich() -> None:
    offenders = {
        module_name(path): sorted(name for name in imports(path) if name.split(".")[0] in RENDERING)
        for path in PACKAGE.rglob("*.py")
        if not is_cli(module_name(path))
    }
    assert {module: names for module, names in offenders.items() if names} == {}
    assert "relevance.cli.terminal" in {module_name(path) for path in PACKAGE.rglob("*.py")}


def test_the_library_never_imports_the_cli() -> None:
    offenders = {
        module_name(path): sorted(name for name in imports(path) if is_cli(name))
        for path in PACKAGE.rglob("*.py")
        if not is_cli(module_name(path))
    }
    assert {module: names for module, names in offenders.items() if names} == {}


@pytest.mark.slow
def test_importing_the_library_loads_no_typer_and_no_rich_of_its_own() -> None:
    # scikit-learn imports rich for its own progress bars, so "rich is not in sys.modules" cannot hold: what is
    # checked is that no relevance module asks for it, by watching every import statement as it runs.
    code = f"""
import builtins, json, importlib, sys
asked = []
original = builtins.__import__
def watching(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {{}}).get("__name__", "")
    if importer.startswith("relevance") and name.split(".")[0] in {sorted(RENDERING)!r}:
        asked.append([importer, name])
    return original(name, globals, locals, fromlist, level)
builtins.__import__ = watching
import relevance
for name in {LIBRARY!r}:
    importlib.import_module(name)
for name in relevance.__all__:
    getattr(relevance, name)
loaded = sorted(m for m in sys.modules if m == "typer" or m.startswith("relevance.cli"))
print(json.dumps({{"asked": asked, "loaded": loaded}}))
"""
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == {"asked": [], "loaded": []}


@pytest.mark.slow
def test_scoring_loads_neither_scikit_learn_nor_scipy() -> None:
    # Their imports were a fifth of a warm `relevance score` of 30,000 rows; a model is plain arrays to score.
    code = """
import sys
import relevance.bundle, relevance.cli.score_cmd, relevance.cli.together, relevance.score, relevance.summary
print(sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy"}))
"""
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
