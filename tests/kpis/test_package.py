"""``orgplane.kpis`` is pure and small: a sorted public surface, and nothing imported
but the standard library and its own modules (rules and exporters build on it)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import orgplane.kpis

PACKAGE = Path(orgplane.kpis.__file__).parent


def test_all_is_sorted_and_complete() -> None:
    exported = list(orgplane.kpis.__all__)
    assert exported == sorted(exported)
    assert [name for name in exported if not hasattr(orgplane.kpis, name)] == []
    assert {"Objective", "parse_objective", "render_objective"} <= set(exported)


def test_modules_import_only_the_standard_library_and_each_other() -> None:
    for module in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                assert (
                    name.startswith("orgplane.kpis")
                    or top == "__future__"
                    or (top in sys.stdlib_module_names)
                ), f"{module.name} imports {name}"


def test_every_module_says_what_it_is_for() -> None:
    for module in sorted(PACKAGE.glob("*.py")):
        docstring = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8")))
        assert docstring, module.name
