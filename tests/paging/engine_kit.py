"""What the paging tests share: a small org with contact methods, a fake clock, a
recording channel (the port's seam, like an httpx transport), and an engine on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels, DeliveryError, Notice
from orgplane.model import Org
from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.services.engine import Engine

__all__ = ["ORG", "FakeClock", "Recorder", "apply_org", "make_engine"]

ORG = {
    "code": "OPS",
    "name": "Operations",
    "groups": [
        {
            "code": "OPS",
            "name": "Operations",
            "leads": ["cy"],
            "groups": [
                {"code": "DB", "name": "Databases", "leads": ["dee"]},
            ],
        },
    ],
    "roles": [
        {"id": "sre", "name": "Site Reliability Engineer"},
        {"id": "dba", "name": "Database Administrator"},
    ],
    "people": [
        {
            "id": "ana",
            "name": "Ana",
            "roles": ["sre"],
            "contacts": [
                {"kind": "webhook", "to": "http://hooks.test/ana"},
            ],
        },
        {
            "id": "bo",
            "name": "Bo",
            "roles": ["sre"],
            "contacts": [
                {"kind": "webhook", "to": "http://hooks.test/bo-1"},
                {"kind": "slack", "to": "http://hooks.test/bo-2"},
            ],
        },
        {"id": "cy", "name": "Cy", "email": "cy@ops.example"},
        {"id": "dee", "name": "Dee", "roles": ["dba"], "contacts": ["http://hooks.test/dee"]},
        {"id": "eli", "name": "Eli"},
    ],
    "catalog": [
        {
            "id": "postgres",
            "name": "PostgreSQL",
            "owner": "DB",
            "owner_role": "Database Administrator",
        },
    ],
    "oncall": [
        {
            "id": "ops",
            "name": "Ops on call",
            "group": "OPS",
            "primary": "ana",
            "secondary": "bo",
            "timezone": "UTC",
            "handoff": "09:00",
        },
    ],
    "escalation_policies": [
        {
            "id": "ops-ladder",
            "name": "Ops ladder",
            "applies_to": ["ops"],
            "repeat": 1,
            "repeat_after_minutes": 10,
            "steps": [
                {"to": "rotation:ops"},
                {"to": "rotation:ops/secondary", "after_minutes": 15},
                {"to": "Component Owner", "after_minutes": 30},
            ],
        },
    ],
}


def apply_org(engine: SqlEngine, data: dict[str, object] | None = None) -> Org:
    org = Org.model_validate(data or ORG)
    with Session(engine) as session:
        apply_spec(
            session=session,
            org=org,
            findings=default_registry().check(org),
            actor="test",
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
    return org


@dataclass
class FakeClock:
    now: datetime = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Recorder:
    """A channel that records what it is asked to send; ``fail`` says, per address,
    what to raise (a ``DeliveryError``) or call first."""

    sent: list[tuple[str, Notice]] = field(default_factory=list)
    fail: dict[str, DeliveryError] = field(default_factory=dict)
    before: Callable[[Notice, str], None] | None = None

    def send(self, notice: Notice, address: str) -> None:
        if self.before is not None:
            self.before(notice, address)
        if address in self.fail:
            raise self.fail[address]
        self.sent.append((address, notice))

    def addresses(self) -> list[str]:
        return [address for address, _ in self.sent]


def make_engine(engine: SqlEngine, clock: FakeClock, recorder: Recorder, **kw: object) -> Engine:
    channels = Channels(
        dict.fromkeys(("webhook", "slack", "mattermost", "teams", "email"), recorder)
    )
    return Engine(
        session_factory=lambda: Session(engine),
        channels=channels,
        secret="s" * 32,
        public_url="http://orgplane.test",
        clock=clock,
        backoff=timedelta(seconds=2),
        **kw,  # type: ignore[arg-type]
    )
