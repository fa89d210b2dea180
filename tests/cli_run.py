"""Run the CLI in-process, as a user would call it, capturing output and exit code.

The ``run`` fixture is registered for every test folder by ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from orgplane.cli import main

__all__ = ["Result", "Run", "run"]


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
