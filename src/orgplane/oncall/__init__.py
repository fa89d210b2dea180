"""On-call schedules computed from their definitions: who holds a rotation when.

Imports only the standard library and dateutil. Pure and exact: every instant is an
aware UTC ``datetime``; rotations are defined in wall-clock time (a local date-time and
an IANA zone), so a 09:00 Europe/Berlin handoff stays at 09:00 local through both DST
transitions. ``zones`` turns wall-clock times into instants (a time in a DST gap moves
to the first valid instant, one in a fold takes its first occurrence), ``layers`` cuts
one layer into shifts, ``schedule`` lays layers and overrides into the final schedule.
"""

from orgplane.oncall.layers import Layer, Restriction, Shift, TurnUnit, shifts
from orgplane.oncall.schedule import Override, Segment, final_schedule, gaps, on_call_at
from orgplane.oncall.zones import to_utc, zone_named

__all__ = [
    "Layer",
    "Override",
    "Restriction",
    "Segment",
    "Shift",
    "TurnUnit",
    "final_schedule",
    "gaps",
    "on_call_at",
    "shifts",
    "to_utc",
    "zone_named",
]
