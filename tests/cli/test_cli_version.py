"""``orgplane --version``."""

from __future__ import annotations

from importlib.metadata import version

from tests.cli.conftest import Run


def test_version_names_the_installed_orgplane(run: Run) -> None:
    result = run("--version")
    assert result.code == 0
    assert result.out == f"orgplane {version('orgplane')}\n"
    assert result.err == ""
