"""KPIs as typed objectives: a grammar for KPI text, and the canonical text of an objective.

Pure: imports nothing from orgplane but its own modules, so the validator, the exporters
and the KPI engine can all build on it. ``parse_objective`` never raises: a text it
cannot type is a qualitative objective (``typed`` is False) with a reason.
docs/kpis.md is the reference of every form.
"""

from orgplane.kpis.grammar import parse_objective
from orgplane.kpis.objective import Comparator, Direction, Kind, Objective, Period, Unit
from orgplane.kpis.render import render_objective

__all__ = [
    "Comparator",
    "Direction",
    "Kind",
    "Objective",
    "Period",
    "Unit",
    "parse_objective",
    "render_objective",
]
