"""KPI series in the database: every KPI of the spec under its stable identity.

Imports SQLAlchemy, ``kpis``, ``model`` and ``store``. An apply brings an org's series to
what the spec says (``spec_series`` → ``sync_series``): new KPIs get a series, changed
ones are updated in place, and KPIs that left the spec are retired (``active`` false),
never deleted, so their measurements stay. A series follows its group when the group
moves. Reads give the active series of an org, of a group, or of one KPI reference.

A file source keeps the folder of the spec file that declares it (``folder``, resolved),
when the spec was read from a file on disk: ``orgplane kpi pull`` reads only inside it
(``services.measurement_sources``). A spec applied over the API has no folder.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from orgplane.kpis import Objective, parse_objective
from orgplane.kpis.identity import kpi_ids
from orgplane.kpis.windows import default_window
from orgplane.model import Kpi, OrgIndex, SourceType
from orgplane.store.kpi_tables import KpiSeriesRow
from orgplane.store.sync import Row, RowDiff, table_of, with_digest, write_diff

__all__ = [
    "SERIES_KEY",
    "Series",
    "fetch_series",
    "find_series",
    "list_demo_series",
    "list_series",
    "objective_of",
    "series_by_id",
    "set_demo",
    "spec_series",
    "sync_series",
]

SERIES_KEY = ("org_code", "group_path", "kpi_id")


@functools.lru_cache(maxsize=65_536)
def objective_of(text: str) -> Objective:
    """The typed objective of a KPI text (cached: large orgs repeat their KPI texts)."""
    return parse_objective(text)


@dataclass(frozen=True, slots=True)
class Series:
    """A KPI series as the scorecard and the API read it."""

    id: int
    org_code: str
    group_path: str
    kpi_id: str
    position: int
    text: str
    name: str | None
    weight: float
    objective: Objective
    window: str
    source: dict[str, Any] | None
    demo: bool
    active: bool

    @property
    def ref(self) -> str:
        """The KPI's reference: ``<group path>#<kpi id>``."""
        return f"{self.group_path}#{self.kpi_id}"

    @property
    def source_type(self) -> str:
        return str(self.source["type"]) if self.source else SourceType.MANUAL.value


def _source(kpi: Kpi) -> dict[str, Any] | None:
    if kpi.measure is None:
        return None
    source = kpi.measure.model_dump(mode="json", exclude_none=True)
    if kpi.measure.type is SourceType.FILE and kpi.measure.path:
        path = Path(kpi.measure.path)
        folder = _spec_folder(kpi)
        if folder is not None:
            source["folder"] = str(folder)
            if not path.is_absolute():
                path = folder / path
        source["path"] = str(path)
        source["format"] = kpi.measure.file_format
    return source


def _spec_folder(kpi: Kpi) -> Path | None:
    """The folder of the spec file that declares ``kpi``, symlinks resolved; ``None``
    when the spec was not read from a file on disk (a request body names a file that is
    not there)."""
    assert kpi.measure is not None
    location = kpi.measure.location() or kpi.location()
    if location is None or not location.file.endswith((".yaml", ".yml")):
        return None
    file = Path(location.file)
    return file.resolve().parent if file.is_file() else None


def spec_series(org_code: str, index: OrgIndex) -> dict[tuple[str, str, str], Row]:
    """The series rows the spec wants, keyed by identity (without surrogate ids)."""
    rows: dict[tuple[str, str, str], Row] = {}
    for path, group in index.groups.items():
        if not group.kpis:
            continue
        objectives = [objective_of(kpi.text) for kpi in group.kpis]
        for position, (kpi, objective, kpi_id) in enumerate(
            zip(group.kpis, objectives, kpi_ids(group.kpis, objectives), strict=True)
        ):
            window = kpi.window or default_window(objective).text
            row: Row = {
                "org_code": org_code,
                "group_path": path,
                "kpi_id": kpi_id,
                "active": True,
                "position": position,
                "text": kpi.text,
                "name": kpi.name,
                "weight": kpi.weight,
                "kind": objective.kind.value,
                "comparator": objective.comparator.value if objective.comparator else None,
                #: The limit one value is compared with (for a share: each value's limit).
                "target": objective.value,
                "percentile": objective.percentile,
                "window": window,
                "source": _source(kpi),
            }
            # The objective follows from the text: the digest leaves it out (cheaper).
            with_digest(row)["objective"] = _objective_json(kpi.text)
            rows[(org_code, path, kpi_id)] = row
    return rows


@functools.lru_cache(maxsize=65_536)
def _objective_json(text: str) -> dict[str, Any]:
    return objective_of(text).as_dict()


def fetch_series(session: Session, org_code: str) -> dict[tuple[str, str, str], Row]:
    """Identity, surrogate id, digest and state of every series of ``org_code``."""
    table = table_of(KpiSeriesRow)
    result = session.execute(
        select(
            table.c.id, table.c.group_path, table.c.kpi_id, table.c.active, table.c.digest
        ).where(table.c.org_code == org_code)
    )
    return {
        (org_code, path, kpi_id): {
            "id": id_,
            "group_path": path,
            "kpi_id": kpi_id,
            "active": active,
            "digest": digest,
        }
        for id_, path, kpi_id, active, digest in result
    }


def sync_series(
    session: Session,
    org_code: str,
    wanted: Mapping[tuple[str, str, str], Row],
    moves: Mapping[str, str],
) -> RowDiff:
    """Bring the series of ``org_code`` to ``wanted``; the diff says what changed
    (``deletes`` are the series retired, which stay in the table inactive)."""
    stored = fetch_series(session, org_code)
    if moves:
        stored = _follow_moves(session, org_code, stored, moves)
    diff = RowDiff()
    for key, row in wanted.items():
        before = stored.get(key)
        if before is None:
            diff.inserts.append({**row, "demo": False})
        elif before["digest"] != row["digest"] or not before["active"]:
            diff.updates.append(row)
    diff.deletes.extend(
        {"org_code": org_code, "group_path": row["group_path"], "kpi_id": row["kpi_id"]}
        for key, row in stored.items()
        if key not in wanted and row["active"]
    )
    if diff.deletes:
        retire = RowDiff(updates=[{**row, "active": False, "digest": ""} for row in diff.deletes])
        write_diff(session, KpiSeriesRow, retire, SERIES_KEY)
    write_diff(
        session, KpiSeriesRow, RowDiff(inserts=diff.inserts, updates=diff.updates), SERIES_KEY
    )
    return diff


def _follow_moves(
    session: Session,
    org_code: str,
    stored: dict[tuple[str, str, str], Row],
    moves: Mapping[str, str],
) -> dict[tuple[str, str, str], Row]:
    """Re-key the series of moved groups to their new paths, in the database too."""
    table = table_of(KpiSeriesRow)
    out: dict[tuple[str, str, str], Row] = {}
    for key, row in stored.items():
        new_path = moves.get(row["group_path"])
        if new_path is None or (org_code, new_path, row["kpi_id"]) in stored:
            out[key] = row
            continue
        session.execute(update(table).where(table.c.id == row["id"]).values(group_path=new_path))
        out[(org_code, new_path, row["kpi_id"])] = {**row, "group_path": new_path}
    return out


#: What a ``Series`` is read from. Not the stored objective: it is what the parser said
#: at apply time, and parsing the text again (cached) gives the same objective faster
#: than decoding 60,000 JSON documents.
_COLUMNS = (
    "id",
    "org_code",
    "group_path",
    "kpi_id",
    "position",
    "text",
    "name",
    "weight",
    "window",
    "source",
    "demo",
    "active",
)


def _series(row: Sequence[Any]) -> Series:
    # ``_COLUMNS`` in order, with the objective (parsed from the text) after the weight.
    values = [*row[:8], objective_of(row[5]), *row[8:]]
    return Series(*values)


def _select() -> Any:
    table = table_of(KpiSeriesRow)
    return select(*(table.c[name] for name in _COLUMNS))


def list_series(
    session: Session,
    org_code: str,
    *,
    group_path: str | None = None,
    subtree: bool = False,
    ids: Sequence[int] | None = None,
    after: tuple[str, int] | None = None,
    limit: int | None = None,
) -> list[Series]:
    """Active series of ``org_code`` by group path and position: all, one group's, or a
    subtree's; ``after`` (a group path and position) and ``limit`` give one page."""
    table = table_of(KpiSeriesRow)
    statement = _select().where(table.c.org_code == org_code, table.c.active.is_(True))
    if group_path is not None:
        if subtree:
            statement = statement.where(
                (table.c.group_path == group_path)
                | table.c.group_path.startswith(group_path + "/", autoescape=True)
            )
        else:
            statement = statement.where(table.c.group_path == group_path)
    if ids is not None:
        statement = statement.where(table.c.id.in_(list(ids)))
    if after is not None:
        path, position = after
        statement = statement.where(
            (table.c.group_path > path)
            | ((table.c.group_path == path) & (table.c.position > position))
        )
    statement = statement.order_by(table.c.group_path, table.c.position)
    if limit is not None:
        statement = statement.limit(limit)
    return [_series(row) for row in session.execute(statement)]


def find_series(session: Session, org_code: str, group_path: str, kpi_id: str) -> Series | None:
    """One series by identity (active or retired)."""
    table = table_of(KpiSeriesRow)
    row = session.execute(
        _select().where(
            table.c.org_code == org_code,
            table.c.group_path == group_path,
            table.c.kpi_id == kpi_id,
        )
    ).first()
    return _series(row) if row is not None else None


def series_by_id(session: Session, series_id: int) -> Series | None:
    table = table_of(KpiSeriesRow)
    row = session.execute(_select().where(table.c.id == series_id)).first()
    return _series(row) if row is not None else None


def list_demo_series(session: Session, org_code: str) -> list[Series]:
    """Series of ``org_code`` flagged as holding demo measurements, retired ones too (a
    KPI that left the spec keeps its demo measurements until they are cleared)."""
    table = table_of(KpiSeriesRow)
    statement = (
        _select()
        .where(table.c.org_code == org_code, table.c.demo.is_(True))
        .order_by(table.c.group_path, table.c.position, table.c.id)
    )
    return [_series(row) for row in session.execute(statement)]


def set_demo(session: Session, series_ids: Sequence[int], demo: bool) -> None:
    """Mark series as holding demo measurements (or no longer)."""
    if not series_ids:
        return
    table = table_of(KpiSeriesRow)
    session.execute(update(table).where(table.c.id.in_(list(series_ids))).values(demo=demo))
