"""Policy rules: what the org's own policies (``policies:`` in the spec) say must hold.

Imports ``model`` and ``rules``. Each rule reads one policy; an org that does not state
the policy gets no findings from it. Policy group references that do not resolve are
reported by the reference rules (OP102, OP103) and skipped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

from orgplane.model import (
    Authority,
    Dependency,
    Direction,
    ForbiddenInterface,
    Group,
    Location,
    OrgIndex,
)
from orgplane.rules.builtin._common import BuiltinRule, cleandoc, label
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["AuthorityBoundary", "ForbiddenInterfaceRule", "LeadRequired", "OnCallDepthRule"]


def _policy(location: Location | None, note: str = "") -> str:
    """The end of a hint: where the policy is written, and its note."""
    text = f"policy at {location}" if location else "see the policy"
    return f'{text}: "{note}"' if note else text


_VERB = {Direction.FROM: "depends on", Direction.WITH: "depends on", Direction.TO: "feeds"}


class ForbiddenInterfaceRule(BuiltinRule):
    code = "OP104"
    name = "forbidden-interface"
    severity = Severity.ERROR
    summary = "A dependency connects two groups a policy forbids to interface directly."
    doc = cleandoc(
        """
        A `forbidden_interfaces` policy names two groups that must not interface
        directly ("1F does not directly interface with 1D"). Any dependency, in any
        direction (`from`, `to` or `with`), between a group in the subtree of one
        and a group in the subtree of the other breaks it: work between them must go
        through the groups the org intends. The finding points at the dependency. Fix it
        by routing the need through an allowed group, by removing the dependency, or — if
        the org changed its mind — by changing the policy. Example: with
        `forbidden_interfaces: [{groups: [1F, 1D]}]`, squad D-1's `SLO from 1F` reports
        `D-1 depends on 1F (SLO), but policy forbids 1F and 1D to interface directly`
        (a `to` dependency reads "feeds" instead of "depends on").
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        policies = [
            (policy, sides)
            for policy in context.org.policies.forbidden_interfaces
            if (sides := _sides(index, policy)) is not None
        ]
        if not policies:
            return
        resolved: dict[str, str | None] = {}
        for path, group in index.groups.items():
            for i, dep in enumerate(group.dependencies):
                if dep.target not in resolved:
                    resolved[dep.target] = index.resolve(dep.target).path
                target = resolved[dep.target]
                if target is None or target == path:
                    continue
                for policy, (a, b) in policies:
                    if _crosses(path, target, a, b):
                        yield self._finding(index, path, group, i, dep, policy)

    def _finding(
        self,
        index: OrgIndex,
        path: str,
        group: Group,
        i: int,
        dep: Dependency,
        policy: ForbiddenInterface,
    ) -> Finding:
        provides = f" ({dep.provides})" if dep.provides else ""
        first, second = policy.groups
        return self.finding(
            f"{label(index, path)} {_VERB[dep.direction]} {dep.target}{provides}, but policy "
            f"forbids {first} and {second} to interface directly",
            group.location("dependencies", i),
            hint="route this through a group both may work with, or remove the dependency; "
            + _policy(policy.location(), policy.note),
            subject=path,
        )


def _sides(index: OrgIndex, policy: ForbiddenInterface) -> tuple[str, str] | None:
    a, b = (index.resolve(ref).path for ref in policy.groups)
    return (a, b) if a is not None and b is not None else None


def _crosses(source: str, target: str, a: str, b: str) -> bool:
    in_a = OrgIndex.within(source, a), OrgIndex.within(target, a)
    in_b = OrgIndex.within(source, b), OrgIndex.within(target, b)
    if all(in_a) and all(in_b):
        return False  # both ends where the two sides overlap: not between them
    return (in_a[0] and in_b[1]) or (in_b[0] and in_a[1])


@dataclass(frozen=True, slots=True)
class _Claims:
    """One authority's subject terms as a single case-insensitive, word-aware pattern."""

    path: str
    authority: Authority
    pattern: re.Pattern[str]
    #: The terms alone, lower case, no word boundaries: a quick first look at much text
    #: (a leading look-behind would keep the regex engine from skipping ahead).
    quick: re.Pattern[str]
    subjects: dict[str, str]  #: normalized term → subject name

    def may_claim(self, text: str) -> bool:
        return self.quick.search(text.lower()) is not None

    def subjects_in(self, text: str) -> list[str]:
        found: list[str] = []
        for match in self.pattern.finditer(text):
            subject = self.subjects.get(_normal_term(match.group(0)))
            if subject is not None and subject not in found:
                found.append(subject)
        return found


_TERM_GAP = re.compile(r"[\s_-]+")


def _normal_term(text: str) -> str:
    return _TERM_GAP.sub(" ", text.strip().lower())


def _claims(index: OrgIndex, authority: Authority) -> _Claims | None:
    path = index.resolve(authority.group).path
    if path is None:
        return None
    subjects: dict[str, str] = {}
    for subject in authority.subjects:
        for term in subject.terms():
            subjects.setdefault(_normal_term(term), subject.name)
    terms = sorted((t for t in subjects if t), key=len, reverse=True)
    if not terms:
        return None
    body = "|".join(r"[\s_-]+".join(re.escape(word) for word in term.split(" ")) for term in terms)
    pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    return _Claims(path, authority, pattern, re.compile(body), subjects)


class AuthorityBoundary(BuiltinRule):
    code = "OP106"
    name = "authority-boundary"
    severity = Severity.ERROR
    summary = "A group claims a subject another group is the sole authority for."
    doc = cleandoc(
        """
        An `authorities` policy makes one group the sole authority for some subjects
        ("1B is the sole authority for kernel versions, CNI/CSI and GPU NodePool configs;
        all others are consumers"). A group outside that group's subtree whose
        responsibilities — or the name or description of a catalog entry it owns —
        mention a subject's match terms claims the subject, and two groups deciding one
        thing is how outages start. Terms match case-insensitively as whole words (spaces,
        `-` and `_` in a term match each other), so `CNI` does not match `CNIs`;
        list such forms as extra terms. Stack items do not count: consumers use the tools.
        Groups that contain the authority (its department) speak for it and are not
        reported. Fix it by moving the responsibility under the authority, by rewording
        it as consumption ("request GPU NodePools from 1B"), or by refining the terms.
        Example: `C-9 claims "Kernel versions" (responsibility "Kernel patching"), but 1B
        is the sole authority`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        for authority in context.org.policies.authorities:
            claims = _claims(index, authority)
            if claims is not None:
                yield from self._check(index, claims)

    def _check(self, index: OrgIndex, claims: _Claims) -> Iterator[Finding]:
        authority = claims.authority
        owners = index.catalog_by_owner
        # One search over every owned entry's texts first: a clean catalog of 50,000
        # entries is then one regex pass, not 100,000.
        entries = chain.from_iterable(owners.values())
        texts = chain.from_iterable(map(attrgetter("name", "description"), entries))
        catalog_claims = claims.may_claim("\n".join(texts))
        for path, group in index.groups.items():
            if OrgIndex.within(path, claims.path) or OrgIndex.within(claims.path, path):
                continue
            who = label(index, path)
            for i, text in enumerate(group.responsibilities):
                for subject in claims.subjects_in(text):
                    yield self._finding(
                        who,
                        subject,
                        f'responsibility "{text}"',
                        group.location("responsibilities", i),
                        authority,
                        path,
                    )
            for entry in owners.get(path, ()) if catalog_claims else ():
                for field, text in (("name", entry.name), ("description", entry.description)):
                    for subject in claims.subjects_in(text):
                        yield self._finding(
                            who,
                            subject,
                            f'catalog entry "{entry.name}"',
                            entry.location(field),
                            authority,
                            path,
                        )

    def _finding(
        self,
        who: str,
        subject: str,
        evidence: str,
        location: Location | None,
        authority: Authority,
        path: str,
    ) -> Finding:
        return self.finding(
            f'{who} claims "{subject}" ({evidence}), but {authority.group} is the sole authority',
            location,
            hint=f"leave it to {authority.group} and consume its APIs, or move this under "
            f"{authority.group}; {_policy(authority.location(), authority.note)}",
            subject=path,
        )


def _kinds(kinds: list[str]) -> set[str]:
    return {kind.lower() for kind in kinds}


class LeadRequired(BuiltinRule):
    code = "OP107"
    name = "lead-required"
    severity = Severity.WARNING
    summary = "A group at or above the lead-threshold size has no lead."
    doc = cleandoc(
        """
        The `lead_threshold` policy ("a subteam of 3+ gets a lead") says that a group of
        one of `kinds` (all kinds when the list is empty) with `size` or more members
        must name a lead: someone decides, approves changes and is the escalation point.
        Members are counted once each. Fix it by naming a lead under `leads:`. Example:
        with `lead_threshold: {size: 3, kinds: [subteam]}`, a subteam with `members:
        [ana, ben, cy]` and no `leads` is reported.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        policy = context.org.policies.lead_threshold
        if policy is None:
            return
        kinds = _kinds(policy.kinds)
        index = context.index
        for path, group in index.groups.items():
            if kinds and group.kind not in kinds:
                continue
            size = len(set(group.members))
            if size >= policy.size and not group.leads:
                yield self.finding(
                    f"{group.kind} {label(index, path)} has {size} members and no lead; policy "
                    f"requires a lead from {policy.size} members",
                    group.location("members"),
                    hint=f"name a lead under 'leads:'; {_policy(policy.location())}",
                    subject=path,
                )


class OnCallDepthRule(BuiltinRule):
    code = "OP108"
    name = "oncall-depth"
    severity = Severity.WARNING
    summary = "A group's on-call rotation is shallower than the on-call-depth policy."
    doc = cleandoc(
        """
        The `oncall_depth` policy ("2-deep on-call per subteam") sets the fewest people a
        group's rotation must have, so that nobody is on call alone with no one to hand
        over to. It applies to the groups listed in `groups` if any, else to groups of
        `kinds` (all groups when both are empty). A group's depth is the number of
        distinct people in its `oncall` list, or, when it has no `oncall` list, in its
        `members`. Fix it by adding people to the rotation. Example: with
        `oncall_depth: {min: 2, kinds: [subteam]}`, a subteam with `oncall: [ana]` is
        reported as 1 deep.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        policy = context.org.policies.oncall_depth
        if policy is None:
            return
        index = context.index
        if policy.groups:
            named = (index.resolve(ref).path for ref in policy.groups)
            targets = [(path, index.groups[path]) for path in dict.fromkeys(named) if path]
        else:
            kinds = _kinds(policy.kinds)
            targets = [
                (path, group)
                for path, group in index.groups.items()
                if not kinds or group.kind in kinds
            ]
        for path, group in targets:
            if group.oncall is not None:
                depth, field, source = len(set(group.oncall)), "oncall", "its on-call list"
            else:
                depth, field, source = len(set(group.members)), "members", "its members"
            if depth >= policy.min:
                continue
            yield self.finding(
                f"on-call rotation of {label(index, path)} is {depth} deep ({source}); "
                f"policy requires at least {policy.min}",
                group.location(field),
                hint=f"add people to 'oncall:'; {_policy(policy.location())}",
                subject=path,
            )
