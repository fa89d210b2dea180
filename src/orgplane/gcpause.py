"""The cyclic garbage collector paused while a large piece of work builds objects.

Imports only the standard library; every layer may use it. Loading a spec, importing a
document, comparing an apply's snapshots and scoring every KPI of an org each build
hundreds of thousands of small objects and no cyclic garbage worth collecting; with the
collector on, its collections walk the growing heap again and again (a third of a large
import, half of a no-change apply).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic GC off; nested uses and a GC already off are no-ops."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Everything built above sits in the youngest generation, and the first
            # collection after ``gc.enable()`` would walk all of it. Freezing then
            # unfreezing moves it to the oldest generation without a walk; full
            # collections still see it. Not done when the program froze objects itself.
            gc.freeze()
            gc.unfreeze()
        gc.enable()
