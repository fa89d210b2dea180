"""What the chaos test asserts once the workers have settled: the database's pages, steps
and notifications against the ladder, and against what the receiver got.

Every check adds a line to a list of problems rather than stopping at the first, so a
failure lists everything that went wrong. The ladder is ``chaos_kit``'s: rung ``r`` of
round ``k`` is due ``3k + r`` minutes into the page and pages ``LADDER_PEOPLE[r]``.

"Nothing after an acknowledgement" is judged against what the acknowledgement's own
transaction saw just before it committed (``AckRecord``): the page row is locked by then,
so no notification can be committed as ``sending`` between that look and the commit. A
notification's ``attempts`` goes up exactly when ``sending`` is committed, so "no
notification of the page was committed as sending after the ack" is: every one has the
attempts it had at the ack (0 for one written later). At the receiver, a request for the
page that arrived after that look must be of a notification that was ``sending`` at the
ack (in flight): nothing else may arrive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from orgplane.store import pages
from orgplane.store.pages import NotificationView, PageView
from orgplane.store.paging_tables import PageEventRow, PageRow, TimerRow
from tests.paging.chaos_kit import FINAL_PATH, LADDER_PEOPLE, ROUNDS
from tests.paging.receiver import Arrival

__all__ = ["AckRecord", "Outcome", "check", "read_outcome", "summary"]

Step = tuple[int, int]  # (rung, round)
ALL_STEPS = frozenset((rung, round_) for round_ in range(ROUNDS) for rung in range(3))


@dataclass(frozen=True, slots=True)
class AckRecord:
    """An acknowledgement, as its transaction saw the page just before committing."""

    page_id: str
    #: When that look was taken (``time.monotonic()`` of the test process).
    looked_at: float
    #: Each notification of the page: (status, attempts).
    notes: dict[str, tuple[str, int]]
    steps: frozenset[Step]


@dataclass(frozen=True, slots=True)
class Outcome:
    pages: dict[str, PageView]
    steps: dict[str, list[tuple[Step, datetime]]]
    notes: list[NotificationView]
    arrivals: list[Arrival]
    acks: dict[str, AckRecord]
    base_url: str


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def read_outcome(
    engine: Engine, arrivals: list[Arrival], acks: dict[str, AckRecord], base_url: str
) -> Outcome:
    with Session(engine) as session:
        page_ids = list(session.scalars(select(PageRow.id)))
        found = {page_id: pages.get_page(session, page_id) for page_id in page_ids}
        steps: dict[str, list[tuple[Step, datetime]]] = defaultdict(list)
        for page_id, at, data in session.execute(
            select(PageEventRow.page_id, PageEventRow.at, PageEventRow.data).where(
                PageEventRow.kind == "step"
            )
        ):
            steps[page_id].append(((int(data["rung"]), int(data["round"])), _aware(at)))
        notes = [note for page_id in page_ids for note in pages.notifications_of(session, page_id)]
    return Outcome(
        {k: v for k, v in found.items() if v is not None},
        dict(steps),
        notes,
        arrivals,
        acks,
        base_url,
    )


def unsettled(engine: Engine) -> list[str]:
    """Timers still pending and notifications not final: what keeps the run going."""
    with Session(engine) as session:
        rows = session.execute(
            select(TimerRow.kind, TimerRow.ref, TimerRow.due_at, TimerRow.lease_until).where(
                TimerRow.status == "pending"
            )
        ).all()
    return [f"timer {kind} {ref[:8]} due {due} lease {lease}" for kind, ref, due, lease in rows]


def _check_steps(outcome: Outcome, problems: list[str]) -> None:
    for page_id, page in outcome.pages.items():
        fired = outcome.steps.get(page_id, [])
        counts = Counter(step for step, _ in fired)
        problems += [
            f"page {page_id[:8]}: step {step} fired {n} times"
            for step, n in counts.items()
            if n > 1
        ]
        opened = _aware(page.opened_at)
        for (rung, round_), at in fired:
            due = opened + timedelta(minutes=3 * round_ + rung)
            if at < due:
                problems.append(f"page {page_id[:8]}: step {(rung, round_)} fired early ({at})")
        ack = outcome.acks.get(page_id)
        expected = ack.steps if ack is not None else ALL_STEPS
        if set(counts) != expected:
            missing, extra = sorted(expected - set(counts)), sorted(set(counts) - expected)
            after = " after the acknowledgement" if ack is not None else ""
            problems.append(
                f"page {page_id[:8]}: steps missing {missing}, fired{after} {extra}"
                if extra
                else f"page {page_id[:8]}: steps missing {missing}"
            )


def _check_intents(outcome: Outcome, problems: list[str]) -> None:
    identities = Counter(
        (n.page_id, n.rung, n.round, n.person_id, n.method_index) for n in outcome.notes
    )
    problems += [
        f"page {i[0][:8]}: {i[3]} was meant to be told of step {i[1:3]} (method {i[4]}) {n} times"
        for i, n in identities.items()
        if n > 1
    ]
    told: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    for note in outcome.notes:
        if note.method_index == 0:
            told[(note.page_id, note.rung, note.round)].add(note.person_id)
    for page_id, fired in outcome.steps.items():
        for (rung, round_), _ in fired:
            people = told.get((page_id, rung, round_), set())
            if people != LADDER_PEOPLE[rung]:
                problems.append(
                    f"page {page_id[:8]}: step {(rung, round_)} meant to tell {sorted(people)}, "
                    f"not {sorted(LADDER_PEOPLE[rung])}"
                )


def _check_deliveries(outcome: Outcome, problems: list[str]) -> None:
    by_key = {note.id: note for note in outcome.notes}
    delivered: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in outcome.arrivals:
        note = by_key.get(arrival.key)
        if note is None:
            problems.append(f"the receiver got key {arrival.key!r}, which is no notification")
            continue
        body = arrival.body
        if "unreadable" not in body and (
            body.get("page"),
            body.get("person"),
            outcome.base_url + arrival.path,
        ) != (
            note.page_id,
            note.person_id,
            note.address,
        ):
            problems.append(
                f"notification {note.id[:8]} of {note.person_id} on page {note.page_id[:8]} "
                f"for {note.address} arrived at {arrival.path} as {str(body)[:300]}"
            )
        if arrival.delivered:
            delivered[arrival.key].append(arrival)
    pages_of: dict[tuple[str, int, int, str], set[str]] = defaultdict(set)
    for key, got in delivered.items():
        note = by_key[key]
        pages_of[(note.page_id, note.rung, note.round, note.person_id)].add(key)
        unmarked = [a for a in got if not a.body.get("possible_repeat")]
        if len(got) > 1 and (len(unmarked) > 1 or not note.possible_repeat):
            problems.append(
                f"notification {key[:8]} ({note.person_id}) was delivered {len(got)} times, "
                f"{len(unmarked)} of them not marked as a possible repeat"
            )
    problems += [
        f"page {i[0][:8]}: {i[3]} was paged for step {i[1:3]} under {len(keys)} keys"
        for i, keys in pages_of.items()
        if len(keys) > 1
    ]
    for note in outcome.notes:
        if note.status == "sent" and not delivered.get(note.id):
            problems.append(f"notification {note.id[:8]} is sent, but never reached the receiver")
    for page_id in outcome.pages.keys() - outcome.acks.keys():
        for (rung, round_), _ in outcome.steps.get(page_id, []):
            for person in LADDER_PEOPLE[rung]:
                address = outcome.base_url + FINAL_PATH[person]
                reached = [
                    n
                    for n in outcome.notes
                    if (n.page_id, n.rung, n.round, n.person_id, n.address)
                    == (page_id, rung, round_, person, address)
                    and n.status == "sent"
                    and delivered.get(n.id)
                ]
                if not reached:
                    problems.append(
                        f"page {page_id[:8]}: {person} missed step {(rung, round_)} at {address}"
                    )


def _check_acks(outcome: Outcome, problems: list[str]) -> None:
    by_key = {note.id: note for note in outcome.notes}
    for page_id, ack in outcome.acks.items():
        for note in (n for n in outcome.notes if n.page_id == page_id):
            status, attempts = ack.notes.get(note.id, ("absent", 0))
            if note.attempts != attempts:
                problems.append(
                    f"page {page_id[:8]}: notification {note.id[:8]} of {note.person_id} was "
                    f"committed as sending after the acknowledgement ({status}, {attempts} "
                    f"attempt(s) then; {note.attempts} now)"
                )
            if status in ("absent", "pending") and note.status != "cancelled":
                problems.append(
                    f"page {page_id[:8]}: notification {note.id[:8]} ({status} at the "
                    f"acknowledgement) ended {note.status}, not cancelled"
                )
        for arrival in outcome.arrivals:
            sent = by_key.get(arrival.key)
            if sent is None or sent.page_id != page_id or arrival.at <= ack.looked_at:
                continue
            status, _ = ack.notes.get(arrival.key, ("absent", 0))
            if status != "sending":
                problems.append(
                    f"page {page_id[:8]}: {arrival.path} got notification {arrival.key[:8]} "
                    f"{arrival.at - ack.looked_at:.3f} s after the acknowledgement; it was "
                    f"{status} then, not in flight"
                )


def check(outcome: Outcome) -> list[str]:
    """Everything wrong with the outcome; empty when all is well."""
    problems: list[str] = []
    _check_steps(outcome, problems)
    _check_intents(outcome, problems)
    _check_deliveries(outcome, problems)
    _check_acks(outcome, problems)
    return problems


def summary(outcome: Outcome) -> dict[str, int]:
    """The numbers a run is reported with."""
    delivered = [a for a in outcome.arrivals if a.delivered]
    per_key = Counter(a.key for a in delivered)
    late_unmarked = 0
    for key in (k for k, n in per_key.items() if n > 1):
        got = sorted((a for a in delivered if a.key == key), key=lambda a: a.at)
        late_unmarked += any(not a.body.get("possible_repeat") for a in got[1:])
    mid_ladder = sum(len(ack.steps) < len(ALL_STEPS) for ack in outcome.acks.values())
    return {
        "pages": len(outcome.pages),
        "steps": sum(len(fired) for fired in outcome.steps.values()),
        "notifications": len(outcome.notes),
        "requests": len(outcome.arrivals),
        "deliveries": len(delivered),
        "possible_repeats": sum(bool(a.body.get("possible_repeat")) for a in delivered),
        "keys_delivered_twice_or_more": sum(n > 1 for n in per_key.values()),
        "unmarked_delivery_after_a_marked_one": late_unmarked,
        "acks": len(outcome.acks),
        "acks_mid_ladder": mid_ladder,
    }
