"""People in the database. Imports ``model``, ``store.tables`` and ``store.sync``.

Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.store.sync import Row, RowDiff, fetch_rows, with_digest, write_diff
from orgplane.store.tables import PersonRow

__all__ = [
    "PersonView",
    "count_people",
    "fetch_people",
    "get_person",
    "page_people",
    "people_by_id",
    "spec_people",
    "write_people",
]

KEY = ("org_code", "id")


@dataclass(frozen=True, slots=True)
class PersonView:
    org_code: str
    id: str
    name: str
    email: str | None
    chat: str | None
    timezone: str | None
    roles: list[str]
    #: Contact methods as ``{"kind": …, "to": …}``, in the order they are tried.
    contacts: list[dict[str, str]]


def spec_people(org: Org) -> dict[str, Row]:
    """The rows ``org`` wants, by person id."""
    return {
        person.id: with_digest(
            {
                "org_code": org.code,
                "id": person.id,
                "name": person.name,
                "email": person.email,
                "chat": person.chat,
                "timezone": person.timezone,
                "roles": list(person.roles),
                "contacts": [contact.model_dump(mode="json") for contact in person.contacts],
            }
        )
        for person in org.people
    }


def fetch_people(session: Session, org_code: str) -> dict[str, Row]:
    """The stored people's keys and digests, by id."""
    return fetch_rows(session, PersonRow, org_code, ("id",), (*KEY, "digest"))


def write_people(session: Session, diff: RowDiff) -> None:
    write_diff(session, PersonRow, diff, KEY)


def _view(row: PersonRow) -> PersonView:
    return PersonView(
        org_code=row.org_code,
        id=row.id,
        name=row.name,
        email=row.email,
        chat=row.chat,
        timezone=row.timezone,
        roles=row.roles,
        contacts=row.contacts,
    )


def get_person(session: Session, org_code: str, person_id: str) -> PersonView | None:
    row = session.get(PersonRow, (org_code, person_id))
    return _view(row) if row is not None else None


def people_by_id(session: Session, org_code: str, ids: Iterable[str]) -> dict[str, PersonView]:
    """The people of ``org_code`` among ``ids``, by id, in one query (unknown ids left out)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.scalars(
        select(PersonRow).where(PersonRow.org_code == org_code, PersonRow.id.in_(wanted))
    )
    return {row.id: _view(row) for row in rows}


def page_people(
    session: Session, org_code: str, *, after: str | None = None, limit: int = 50
) -> list[PersonView]:
    """Up to ``limit`` people of ``org_code`` by id, after the id ``after``."""
    statement = select(PersonRow).where(PersonRow.org_code == org_code)
    if after is not None:
        statement = statement.where(PersonRow.id > after)
    rows = session.scalars(statement.order_by(PersonRow.id).limit(limit))
    return [_view(row) for row in rows]


def count_people(session: Session, org_code: str) -> int:
    """How many people the org has."""
    statement = select(func.count()).select_from(PersonRow).where(PersonRow.org_code == org_code)
    return int(session.execute(statement).scalar_one())
