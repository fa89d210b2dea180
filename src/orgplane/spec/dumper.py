"""Write an ``Org`` back as spec YAML: stable, minimal (defaults left out), readable.

Imports ``model`` and ``spec.document``. ``load(dump(org))`` gives the same model: the
round trip is a property test.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache
from typing import Any

import yaml

from orgplane.model import Located, Org
from orgplane.spec.document import LIST_SECTIONS

__all__ = ["dump_spec", "org_to_document", "spec_files"]


def org_to_document(org: Org) -> dict[str, Any]:
    """The org as one spec document: plain dicts, lists and scalars, in field order."""
    header: dict[str, Any] = {"code": org.code, "name": org.name}
    if org.description:
        header["description"] = org.description
    if org.leads:
        header["leads"] = list(org.leads)
    document: dict[str, Any] = {"version": 1, "org": header}
    policies = _plain(org.policies)
    if policies:
        document["policies"] = policies
    for section in LIST_SECTIONS:
        items = getattr(org, section)
        if items:
            document[section] = [_plain(item) for item in items]
    return document


@cache
def _defaults(model: type[Located]) -> tuple[tuple[str, Any], ...]:
    """Each field of ``model`` with its default value (factories called once, here)."""
    return tuple(
        (name, info.get_default(call_default_factory=True))
        for name, info in model.model_fields.items()
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Located):
        short = value.shorthand()
        if short is not None:
            return short
        out: dict[str, Any] = {}
        for name, default in _defaults(type(value)):
            item = getattr(value, name)
            if item == default:
                continue
            out[name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


class _Dumper(yaml.CSafeDumper):
    """Block style, no aliases, multi-line text as literal blocks; libyaml's emitter."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _Dumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def dump_spec(org: Org) -> str:
    """The org as the text of one spec file."""
    return _dump(org_to_document(org))


def spec_files(org: Org, header: str = "") -> dict[str, str]:
    """The org as a spec folder: ``org.yaml`` (header, policies, people, catalog …) and one
    file per top-level group, named by its code. ``header`` starts every file (a comment)."""
    document = org_to_document(org)
    groups = document.pop("groups", [])
    files = {"org.yaml": header + _dump(document)}
    names = [
        re.sub(r"[^a-z0-9]+", "-", group.code.lower()).strip("-") or "group" for group in org.groups
    ]
    if names != sorted(names) or len(set(names)) != len(names) or "org" in names:
        # A folder merges in file-name order: number the files so the org keeps its order.
        width = len(str(len(names)))
        names = [f"{i:0{width}d}-{name}" for i, name in enumerate(names, start=1)]
    for name, data in zip(names, groups, strict=True):
        files[f"{name}.yaml"] = header + _dump({"groups": [data]})
    return files


def _dump(document: dict[str, Any]) -> str:
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return text
