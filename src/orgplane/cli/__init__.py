"""The command-line interface (Typer + Rich). The only package that imports Rich.

May import every other orgplane package.
"""

from orgplane.cli.app import create_app, main

__all__ = ["create_app", "main"]
