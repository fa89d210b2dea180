"""The command-line interface (Typer + Rich). The only package that imports Rich.

May import every other orgplane package, but at module level a command module imports
only Typer, Rich, the standard library, ``orgplane.errors``, ``orgplane.settings`` and other
``orgplane.cli`` modules (types under ``TYPE_CHECKING``): the rest is imported in the body
of the command that uses it, so ``orgplane --help`` does not start SQLAlchemy, FastAPI or
pydantic and each command pays only for what it runs (``tests/cli/test_startup.py``).
"""

from orgplane.cli.app import create_app, main

__all__ = ["create_app", "main"]
