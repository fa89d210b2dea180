"""Run the CLI in-process, as a user would call it, capturing output and exit code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from orgplane.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("ORGPLANE_SPEC", raising=False)

    def invoke(*args: str) -> Result:
        with pytest.raises(SystemExit) as info:
            main(list(args))
        captured = capsys.readouterr()
        code = info.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return invoke


@pytest.fixture
def cipo() -> str:
    return str(EXAMPLES / "cipo")


@pytest.fixture
def infra_ops() -> str:
    return str(EXAMPLES / "infra-ops")
