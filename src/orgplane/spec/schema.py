"""The JSON Schema of the spec format, for editors (completion and checks as you type).

Imports ``spec.document`` and ``model``. Generated from the pydantic models, then
widened where the loader accepts a shorthand string for a mapping (a KPI, a stack
item, a dependency, an authority subject).
"""

from __future__ import annotations

from typing import Any

from orgplane.model import Located
from orgplane.spec.document import SpecDocument

__all__ = ["SCHEMA_ID", "spec_json_schema"]

SCHEMA_ID = "https://orgplane.dev/schemas/spec-v1.json"


def _shorthand_models() -> dict[str, type[Located]]:
    found: dict[str, type[Located]] = {}
    pending: list[type[Located]] = [Located]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.shorthand_field is not None:
                found[sub.__name__] = sub
    return found


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one spec file."""
    schema = SpecDocument.model_json_schema(mode="validation")
    definitions: dict[str, Any] = schema.get("$defs", {})
    for name, model in _shorthand_models().items():
        if name not in definitions:
            continue
        definitions[name] = {
            "anyOf": [
                {
                    "type": "string",
                    "description": f"Shorthand: the {model.shorthand_field} alone.",
                },
                definitions[name],
            ],
            "title": definitions[name].get("title", name),
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "orgplane spec file",
    }
