"""Where the example orgs shipped with orgplane are: ``orgplane/_examples`` in an
installed wheel, ``examples/`` beside ``src/`` in a source checkout.

Imports nothing from orgplane.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["EXAMPLE_NAMES", "bundled_examples"]

#: The example orgs, in the order orgplane serves them.
EXAMPLE_NAMES = ("cipo", "data-infra", "plugilo-infra", "infra-ops")


def bundled_examples() -> list[Path]:
    """The example spec folders; empty when this installation has none."""
    package = Path(__file__).resolve().parent.parent
    for root in (package / "_examples", package.parent.parent / "examples"):
        found = [root / name for name in EXAMPLE_NAMES if (root / name).is_dir()]
        if found:
            return found
    return []
