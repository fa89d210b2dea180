"""The API keeps to its own OpenAPI document: schemathesis generates requests for every
operation, from the document alone and around real data, and checks every answer.

Each operation gets a bounded, derandomized run (the same cases every time, no
Hypothesis database), on a SQLite copy of the example orgs with reads open and an
editor token, so ``POST /api/apply`` is exercised past its authentication. Checked:
no 5xx; every status, content type, header and body as the document declares them;
invalid input (negative mode) refused with a 4xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import hypothesis
import pytest
import schemathesis
from anyio.from_thread import BlockingPortal
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from orgplane.store import create_engine, pages
from orgplane.web import create_app
from tests.api.conftest import DEV_SETTINGS, Server, examples_copy, serving

#: Cases per operation, by generation mode. Small: the run is part of every test run.
#: Invalid cases cost more (strings over a maxLength are drawn a character at a time).
MAX_EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Real values to aim cases at: without them, nearly every case is a 404 for an
#: unknown org, and the code past that is never reached.
REAL_PATHS: dict[str, list[dict[str, str]]] = {
    "org": [{"org": "CIPO"}, {"org": "DIT"}, {"org": "IOT"}],
    "ref": [
        {"org": "CIPO", "ref": "1B"},
        {"org": "CIPO", "ref": "1D/D-1"},
        {"org": "CIPO", "ref": "U-RE1"},
        {"org": "DIT", "ref": "data-platform-team"},
    ],
    "person": [{"org": "DIT", "person": "eng-1"}],
    "role": [{"org": "IOT", "role": "network-engineer"}],
    "entry": [{"org": "DIT", "entry": "airflow"}],
    "rotation": [
        {"org": "PAGE", "rotation": "ops"},
        {"org": "IOT", "rotation": "on-call-rotation"},
    ],
    "page_id": [{"page_id": "c0ffee00-0000-4000-8000-000000000001"}],
    "override_id": [{"org": "PAGE", "override_id": "1"}],
}
#: An org to page and override in (the examples have no rotation with people in it).
PAGING_SPEC = """
org: {code: PAGE, name: Paging}
groups: [{code: OPS, name: Operations}]
people:
  - {id: ana, name: Ana, contacts: ["http://127.0.0.1:9/ana"]}
  - {id: bo, name: Bo}
oncall:
  - {id: ops, name: Ops on call, group: OPS, primary: ana, secondary: bo}
"""
PAGE_BODIES: list[dict[str, Any]] = [{"target": "ops", "summary": "Disk full on db-1"}]
OVERRIDE_BODIES: list[dict[str, Any]] = [
    {"person": "bo", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}
]
REAL_QUERIES: dict[str, list[tuple[str, str]]] = {
    "group": [("CIPO", "1B"), ("CIPO", "1D/D-1"), ("CIPO", "U-RE1"), ("DIT", "mlops-team")],
    "entry": [("DIT", "kafka"), ("DIT", "airflow")],
    "target": [("IOT", "on-call-rotation"), ("IOT", "IOT"), ("DIT", "eng-1")],
    "kpi": [
        ("CIPO", "B-1#api-uptime"),
        ("CIPO", "1B/B-2#p95-latency"),
        ("IOT", "IOT#availability"),
    ],
}
#: Specs for POST /api/apply: a valid one, and one the validator refuses. As mappings:
#: schemathesis writes a body for application/yaml as YAML (a string would arrive as
#: one quoted scalar, never a spec).
SPECS: list[dict[str, Any]] = [
    {"org": {"code": "FUZZ", "name": "Fuzzed"}, "groups": [{"code": "G", "name": "G"}]},
    {
        "org": {"code": "FUZZ", "name": "Fuzzed"},
        "groups": [{"code": "G", "name": "G", "dependencies": ["NOPE"]}],
    },
]


def _operations(*, with_input: bool = False) -> list[str]:
    """Every operation of the document, as "METHOD /path" (no database is touched);
    ``with_input``: only those that take parameters or a body (that can be invalid)."""
    document = create_app(DEV_SETTINGS, create_engine("sqlite://")).openapi()
    return [
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if not with_input or operation.get("parameters") or operation.get("requestBody")
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        with_input = metafunc.function.__name__ == "test_invalid_input_is_refused_with_a_4xx"
        metafunc.parametrize("operation", _operations(with_input=with_input))


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    portal: BlockingPortal,
) -> Iterator[Server]:
    with (
        examples_copy("sqlite", request, tmp_path_factory.mktemp("openapi")) as url,
        serving("sqlite", url, portal) as running,
    ):
        _paging_data(running)
        yield running


def _paging_data(server: Server) -> None:
    """The PAGE org, a page with a known id and override 1, for the paging operations."""
    headers = {**server.auth("editor"), "content-type": "application/yaml"}
    applied = server.client.post("/api/apply", content=PAGING_SPEC, headers=headers)
    assert applied.status_code == 200, applied.text
    with Session(server.engine) as session:
        pages.insert_page(
            session,
            page_id=REAL_PATHS["page_id"][0]["page_id"],
            org_code="PAGE",
            summary="Disk full",
            target="ops",
            component=None,
            rotation_id="ops",
            ladder={"policy": "ops", "name": "Ops", "rungs": [], "repeat": 0},
            opened_at=datetime(2026, 3, 1, tzinfo=UTC),
            opened_by="tests",
        )
        session.commit()
    made = server.client.post(
        "/api/orgs/PAGE/rotations/ops/overrides",
        json=OVERRIDE_BODIES[0],
        headers=server.auth("editor"),
    )
    assert made.status_code == 201, made.text
    assert made.json()["id"] == 1


@pytest.fixture(scope="module")
def schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi(
        "/api/openapi.json", server.app, headers={"host": "127.0.0.1"}
    )


#: Bodies for POST /api/orgs/CIPO/measurements: measurements of real KPIs.
MEASUREMENTS: list[dict[str, Any]] = [
    {"measurements": [{"kpi": "B-1#api-uptime", "at": "2026-11-20T10:00:00Z", "value": 0.999}]},
    {
        "measurements": [
            {
                "kpi": "1B/B-2#p95-latency",
                "at": "2026-11-21T10:00:00+01:00",
                "value": 0.004,
            },
            {"kpi": "B-1#api-uptime", "at": 1795000000, "value": 1, "good": 10, "total": 10},
        ]
    },
]


def _cases(
    schema: schemathesis.BaseSchema, operation: str, mode: GenerationMode
) -> st.SearchStrategy[Any]:
    method, path = operation.split(" ", 1)
    api_operation = schema[path][method]
    strategies = []
    if mode is GenerationMode.POSITIVE:
        # Whole real bodies first: with a random body a real path alone rarely gets past
        # the 4xx answers, and Hypothesis may never draw a later branch.
        if path == "/api/apply":
            strategies += [api_operation.as_strategy(body=spec) for spec in SPECS]
        if path == "/api/orgs/{org}/pages" and method == "POST":
            strategies += [
                api_operation.as_strategy(path_parameters={"org": "PAGE"}, body=body)
                for body in PAGE_BODIES
            ]
        if path.endswith("/overrides") and method == "POST":
            strategies += [
                api_operation.as_strategy(path_parameters=REAL_PATHS["rotation"][0], body=body)
                for body in OVERRIDE_BODIES
            ]
        if path.endswith("/measurements") and method == "POST":
            strategies += [
                api_operation.as_strategy(path_parameters={"org": "CIPO"}, body=body)
                for body in MEASUREMENTS
            ]
        names = {p.name for p in api_operation.path_parameters}
        query_names = {p.name for p in api_operation.query}
        key = next(
            (
                n
                for n in ("ref", "person", "role", "entry", "rotation", "override_id", "page_id")
                if n in names
            ),
            "org" if "org" in names else None,
        )
        paths = [
            api_operation.as_strategy(path_parameters=values)
            for values in REAL_PATHS.get(key or "", [])
        ]
        # A real query before a real path with a drawn query (which rarely names
        # anything): the first branches are the ones drawn most.
        for name in sorted(query_names & set(REAL_QUERIES)):
            for org, value in REAL_QUERIES[name]:
                # A real moment too, where one is asked (most drawn ones are out of range).
                query = {
                    name: value,
                    **({"at": "2026-06-01T09:00:00Z"} if "at" in query_names else {}),
                }
                strategies.append(
                    api_operation.as_strategy(path_parameters={"org": org}, query=query)
                )
        strategies += paths
    # Hypothesis starts from the simplest choices, the first branch: real data first,
    # so the first cases get past the 404 of an unknown org.
    strategies.append(api_operation.as_strategy(generation_mode=mode))
    return st.one_of(strategies)


def _run(
    server: Server,
    schema: schemathesis.BaseSchema,
    operation: str,
    mode: GenerationMode,
    checks: list[Any],
) -> None:
    # An editor may apply; only an admin may read the audit log.
    headers = server.auth("admin" if operation.endswith("/api/audit") else "editor")

    @hypothesis.given(case=_cases(schema, operation, mode))
    @settings(
        max_examples=MAX_EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers={**headers, "host": "127.0.0.1"}, checks=checks)

    check()


def _answered(server: Server, operation: str, status: int) -> float:
    """How often the server answered ``operation`` with ``status``, by its own metrics."""
    method, path = operation.split(" ", 1)
    labels = {"method": method, "route": path, "status": str(status)}
    value = server.app.state.metrics.registry.get_sample_value(
        "orgplane_http_requests_total", labels
    )
    return float(value or 0.0)


def test_every_answer_keeps_to_the_openapi_document(
    server: Server, schema: schemathesis.BaseSchema, operation: str
) -> None:
    created = ("/measurements", "/pages", "/overrides")
    ok = 201 if operation.startswith("POST ") and operation.endswith(created) else 200
    before = _answered(server, operation, ok)
    _run(server, schema, operation, GenerationMode.POSITIVE, CONFORMANCE)
    assert _answered(server, operation, ok) > before, "no case got past the 4xx answers"


def test_invalid_input_is_refused_with_a_4xx(
    server: Server, schema: schemathesis.BaseSchema, operation: str
) -> None:
    _run(
        server, schema, operation, GenerationMode.NEGATIVE, [*CONFORMANCE, negative_data_rejection]
    )


def test_fuzzing_left_the_example_orgs_alone(server: Server) -> None:
    assert server.client.get("/api/orgs/CIPO").json()["groups"] == 104
