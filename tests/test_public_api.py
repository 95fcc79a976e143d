"""`import relevance` is typed for its users: lazy names are spelled out for type checkers, py.typed ships, and
the README's library example type-checks as a user's own code would."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import relevance

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def test_every_lazy_name_is_imported_for_type_checkers_from_the_module_that_loads_it() -> None:
    tree = ast.parse((ROOT / "relevance" / "__init__.py").read_text(encoding="utf-8"))
    guarded = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    typed = {
        alias.name: node.module for node in guarded.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    assert typed == relevance._LAZY
    assert set(relevance._LAZY) <= set(relevance.__all__)


def test_the_package_says_it_is_typed() -> None:
    assert (ROOT / "relevance" / "py.typed").is_file()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_readme_library_example_type_checks(tmp_path: Path) -> None:
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert block, "the README has no python example"
    (tmp_path / "example.py").write_text(block.group(1), encoding="utf-8")
    # Run from elsewhere so the project's own mypy settings do not apply; errors inside relevance are not the
    # user's to see (as for any installed package), only what their code gets from it.
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    command = [sys.executable, "-m", "mypy", "--follow-imports=silent", "--cache-dir", str(tmp_path / ".mypy")]
    checked = subprocess.run([*command, "example.py"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
