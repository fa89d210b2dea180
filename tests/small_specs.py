"""Small spec texts the tests share."""

from __future__ import annotations

__all__ = ["one_group_spec"]

_ONE_GROUP = """\
org:
  code: {code}
  name: {org_name}
groups:
- code: A
  name: {name}
  leads: [ana]
people:
- {{id: ana, name: Ana Lima}}
catalog:
- {{id: svc, name: Service, kind: service, owner: A}}
"""


def one_group_spec(code: str, org_name: str, name: str) -> str:
    """An org of one group ``A`` named ``name``, led by ana, owning the entry ``svc``."""
    return _ONE_GROUP.format(code=code, org_name=org_name, name=name)
