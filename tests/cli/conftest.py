"""Fixtures of the CLI tests: the example specs; ``run`` comes from ``tests/cli_run.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_run import Result, Run

__all__ = ["EXAMPLES", "Result", "Run"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def cipo() -> str:
    return str(EXAMPLES / "cipo")


@pytest.fixture
def infra_ops() -> str:
    return str(EXAMPLES / "infra-ops")
