"""The README's two commands on a fresh machine: ``scripts/run`` and ``scripts/test``.

Each runs in a copy of the repository with a clean environment: no uv on PATH but a
stale pyenv shim that answers "pyenv: uv: command not found" (what a machine whose
Python comes from pyenv has after pip installs uv and before anyone runs ``pyenv
rehash``), a fresh Python with pip and without uv, and nothing of the developer's
environment but HOME (its caches) and the machine's certificate, proxy and pip
settings (how this machine reaches the package registries). The scripts install uv
with pip and must call it in a way that cannot miss it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The machine's network settings a clean environment keeps.
_MACHINE = re.compile(r"CERT|SSL|PROXY|CA_BUNDLE|^PIP_", re.IGNORECASE)

_STALE_SHIM = '#!/bin/sh\necho "pyenv: uv: command not found" >&2\nexit 127\n'


@dataclass(frozen=True)
class FreshMachine:
    repo: Path
    env: dict[str, str]

    def script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", *args],
            cwd=self.repo,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )


def _copy_repository(target: Path) -> None:
    """The files git knows (tracked and new), as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


@pytest.fixture(scope="module")
def fresh_machine(tmp_path_factory: pytest.TempPathFactory) -> FreshMachine:
    root = tmp_path_factory.mktemp("fresh")
    repo = root / "repo"
    _copy_repository(repo)
    python = root / "python"
    venv.EnvBuilder(with_pip=True).create(python)
    shims = root / "shims"
    shims.mkdir()
    (shims / "uv").write_text(_STALE_SHIM)
    (shims / "uv").chmod(0o755)
    env = {name: value for name, value in os.environ.items() if _MACHINE.search(name)}
    env.update(
        HOME=os.environ.get("HOME", str(root)),
        LANG="C.UTF-8",
        PATH=os.pathsep.join([str(shims), str(python / "bin"), "/usr/bin", "/bin"]),
    )
    return FreshMachine(repo, env)


@pytest.mark.skipif(sys.platform == "win32", reason="the scripts are bash")
def test_run_installs_uv_and_starts_orgplane_where_pyenv_has_a_stale_shim(
    fresh_machine: FreshMachine,
) -> None:
    result = fresh_machine.script("scripts/run", "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "command not found" not in result.stderr
    assert "Usage: orgplane serve" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="the scripts are bash")
def test_test_installs_what_the_tests_need_on_the_same_machine(
    fresh_machine: FreshMachine,
) -> None:
    result = fresh_machine.script("scripts/test", "--install-only")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "command not found" not in result.stderr
    assert (fresh_machine.repo / ".venv" / "bin" / "pytest").exists()
