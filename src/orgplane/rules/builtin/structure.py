"""Structure rules: the shape of the group tree (codes, departments without groups).

Imports ``model`` and ``rules``.
"""

from __future__ import annotations

from collections.abc import Iterable

from orgplane.model import Group
from orgplane.rules.builtin._common import BuiltinRule, cleandoc, label, quote_list
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["CodeReused", "DuplicateCode", "EmptyDepartment"]


class DuplicateCode(BuiltinRule):
    code = "OP101"
    name = "duplicate-code"
    severity = Severity.ERROR
    summary = "Two sibling groups have the same code."
    doc = cleandoc(
        """
        A group's identity is its path, the codes from the top joined by `/`
        (`1C/C-5/U-RE1`). Two children of one group with the same code would have the
        same path, so neither could be referred to, and everything attached to the second
        one (its members, dependencies, catalog entries) would be lost. Codes that differ
        only in letter case count as the same, since references fall back to matching
        without case. The finding points at the second group. Fix it by renaming one of
        them. Example: two `- code: A-1` entries under `1A`; rename the second to
        `A-4`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        org = context.org
        # (parent path or None for the top, children) — iterative, specs nest deeply.
        stack: list[tuple[str | None, list[Group]]] = [(None, org.groups)]
        while stack:
            parent, children = stack.pop()
            first: dict[str, Group] = {}
            for child in children:
                path = f"{parent}/{child.code}" if parent else child.code
                stack.append((path, child.groups))
                key = child.code.lower()
                if key not in first:
                    first[key] = child
                    continue
                original = first[key]
                where = f"under {parent}" if parent else f"at the top of org {org.code}"
                at = original.location("code")
                seen = f" (first at {at})" if at else ""
                same = (
                    f'duplicate group code "{child.code}" {where}{seen}'
                    if original.code == child.code
                    else f'group code "{child.code}" {where} differs only in case from its '
                    f'sibling "{original.code}"{seen}'
                )
                yield self.finding(
                    same,
                    child.location("code"),
                    hint="sibling codes must be unique: a group's identity is its path, here "
                    f"{path}; rename one of them",
                    subject=path,
                )


class EmptyDepartment(BuiltinRule):
    code = "OP110"
    name = "empty-department"
    severity = Severity.WARNING
    summary = "A group of kind department has no groups under it."
    doc = cleandoc(
        """
        A department is a container of squads (or teams); one with no groups under it
        usually means the documents list it in the top tree but never describe its squads
        (seeds 000 and 001 name `1G FinOps & Capacity Engineering` that way), so nobody
        below it owns anything, takes requests or is on call. Fix it by adding its groups
        under `groups:`, or, if it really is one team, by giving it another `kind`.
        Example: `- {code: 1G, kind: department, name: FinOps}` with no `groups:`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        for path, group in index.groups.items():
            if group.kind == "department" and not group.groups:
                yield self.finding(
                    f"department {label(index, path)} has no groups under it",
                    group.location(),
                    hint="add its squads under 'groups:', or give it another kind if it is "
                    "a single team",
                    subject=path,
                )


class CodeReused(BuiltinRule):
    code = "OP113"
    name = "code-reused"
    severity = Severity.INFO
    summary = "One code is used by several groups in different places of the tree."
    doc = cleandoc(
        """
        Real org documents reuse codes in different branches (`U-RE1` under `C-5` and
        under `F-6`). That is allowed — a group's identity is its path — but a bare
        code in a reference then names several groups and is reported as ambiguous
        (OP102). This note lists the groups that share each code, once per code, at the
        second one. Siblings with the same code are an error instead (OP101). Fix it, if
        you want to, by renaming one of the groups; otherwise keep referring to them by
        path. Example: `code "U-RE1" is used by 2 groups: 1C/C-5/U-RE1, 1F/F-6/U-RE1`.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        for code, paths in index.codes().items():
            if len(paths) < 2:
                continue
            second = index.groups[paths[1]]
            yield self.finding(
                f'code "{code}" is used by {len(paths)} groups: {quote_list(paths, limit=10)}',
                second.location("code"),
                hint=f'a bare "{code}" in a reference is ambiguous; refer to these groups by '
                "path, or rename one",
                subject=paths[1],
            )
