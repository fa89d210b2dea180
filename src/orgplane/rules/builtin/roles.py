"""Role rules: planned headcounts, and internal role ids kept out of sight.

Imports ``model`` and ``rules``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter

from orgplane.model import Role
from orgplane.rules.builtin._common import BuiltinRule, cleandoc
from orgplane.rules.builtin._texts import Models, Places, WordFinder, texts_with
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["HeadcountRange", "InternalIdExposed"]


class HeadcountRange(BuiltinRule):
    code = "OP109"
    name = "headcount-range"
    severity = Severity.WARNING
    summary = "The number of people holding a role is outside its planned headcount."
    doc = cleandoc(
        """
        A role may carry a planned headcount ("Senior Infrastructure Engineers (2-3)",
        `headcount: {min: 2, max: 3}`). The people holding the role are those whose
        `roles` list its id; fewer than `min` means the plan is not staffed (an
        escalation step or rotation may have nobody), more than `max` means the plan or
        the people list is out of date. The rule runs only when the org lists at least one
        person: an org that lists no people has nothing to count, and every role would be
        reported. Fix it by assigning or hiring people, or by updating the plan. Example:
        `role "senior-infra" (Senior Infrastructure Engineer) has 1 holder, planned 2-3`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        org = context.org
        if not org.people:
            return
        # Each person counts once per role, however often the role is listed.
        holders = Counter(chain.from_iterable(map(set, map(attrgetter("roles"), org.people))))
        for role in org.roles:
            planned = role.headcount
            if planned is None:
                continue
            count = holders[role.id]
            if planned.contains(count):
                continue
            hint = (
                f"assign the role to more people with 'roles: [{role.id}]', or lower the plan"
                if count < planned.min
                else "move people to other roles or raise the planned maximum"
            )
            yield self.finding(
                f'role "{role.id}" ({role.name}) has {count} '
                f"holder{'' if count == 1 else 's'}, planned {planned}",
                role.location("headcount"),
                hint=hint,
            )


class InternalIdExposed(BuiltinRule):
    code = "OP114"
    name = "internal-id-exposed"
    severity = Severity.ERROR
    summary = "A role's internal id appears in text users see."
    doc = cleandoc(
        """
        A role may carry an `internal_id` (e.g. `REG-001` in a role registry), used for routing
        and never shown to users. orgplane renders names, descriptions,
        responsibilities, notes, catalog texts, templates, KPIs and every other text of
        the spec, so an internal id written into any of them would be shown. The id is
        matched as a whole word, in any letter case. The finding names the role and the
        field but never repeats the id itself. Fix it by referring to the role by its
        `id` or name instead. Example: a template body `Escalate to REG-003` reports
        `the internal id of role 'architect' appears in body of template 'incident'`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        owners: dict[str, Role] = {}
        for role in context.org.roles:
            if role.internal_id and role.internal_id.strip():
                owners.setdefault(role.internal_id.strip().lower(), role)
        if not owners:
            return
        finder = WordFinder(owners)
        models = Models(context.org)
        places = Places(context.org, models)
        for model, field, i, found in texts_with(models, finder):
            role = owners[found]
            where = places.describe(model, f"{field}[{i}]" if i is not None else field)
            yield self.finding(
                f"the internal id of role {role.id!r} appears in {where}",
                model.location(field, i),
                hint="internal ids are for routing only and must never be shown; refer to "
                f"the role by its id ({role.id}) or name",
            )
