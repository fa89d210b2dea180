"""The routes of the OpenAPI document, with their path parameters filled from real data,
so that every route added later is attacked without a change here."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Server, fill_path

WRITE_METHODS = ("post", "put", "patch", "delete")


def document(server: Server) -> dict[str, Any]:
    answer: dict[str, Any] = server.client.get("/api/openapi.json").json()
    return answer


def operations(server: Server, methods: tuple[str, ...]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, operation) of every operation with one of ``methods``."""
    out = []
    for template, ops in document(server)["paths"].items():
        for method, operation in ops.items():
            if method in methods:
                out.append((method, template, operation))
    return out


def real_values(server: Server, org: str = "DIT") -> dict[str, str]:
    """One real value per path or query parameter name, read through the API."""
    client = server.client
    group = client.get(f"/api/orgs/{org}/groups").json()["items"][0]["path"]
    values = {
        "org": org,
        "ref": group,
        "group": group,
        "person": client.get(f"/api/orgs/{org}/people").json()["items"][0]["id"],
        "role": client.get(f"/api/orgs/{org}/roles").json()["items"][0]["id"],
        "entry": client.get(f"/api/orgs/{org}/catalog").json()["items"][0]["id"],
        "kpi": f"{group}#availability",
        "target": group,
        # DIT has no rotation: its routes answer 404, which is what these tests need.
        "rotation": "on-call",
        "page_id": "c0ffee00-0000-4000-8000-000000000001",
        "override_id": "1",
    }
    return values


def parameter_names(template: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", template)


def filled(template: str, values: dict[str, str]) -> str:
    return fill_path(template, {name: values[name] for name in parameter_names(template)})


def required_query(operation: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    return {
        p["name"]: values[p["name"]]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
