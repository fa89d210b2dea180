"""Property tests: the loader never crashes, and load → dump → load keeps the model."""

from __future__ import annotations

import string
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplane.errors import SpecError
from orgplane.model import Org
from orgplane.spec import dump_spec, load_spec_text, read_yaml_bytes

codes = st.text(string.ascii_uppercase + string.digits + "-", min_size=1, max_size=6).filter(
    lambda c: c[0].isalnum()
)
words = (
    st.text(string.ascii_letters + " éü&/≥<%.", min_size=1, max_size=20).map(str.strip).filter(bool)
)


def _groups(depth: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    child = st.just([]) if depth == 0 else _groups(depth - 1)
    group = st.fixed_dictionaries(
        {"code": codes, "name": words},
        optional={
            "kind": st.sampled_from(["department", "squad", "unit", "team"]),
            "responsibilities": st.lists(words, max_size=3),
            "kpis": st.lists(
                st.one_of(
                    words,
                    st.builds(lambda t, w: {"text": t, "weight": w}, words, st.integers(0, 5)),
                ),
                max_size=3,
            ),
            "stack": st.lists(
                st.one_of(
                    words,
                    st.builds(
                        lambda n, v: {"name": n, "version": v},
                        words,
                        st.from_regex(r"\d\.\d{1,2}", fullmatch=True),
                    ),
                ),
                max_size=3,
            ),
            "dependencies": st.lists(
                st.builds(
                    lambda t, p, d: {"target": t, "provides": p, "direction": d},
                    codes,
                    words,
                    st.sampled_from(["from", "to", "with"]),
                ),
                max_size=2,
            ),
            "notes": st.lists(
                st.text(min_size=1, max_size=30).map(str.strip).filter(bool), max_size=2
            ),
            "groups": child,
        },
    )
    return st.lists(group, max_size=3, unique_by=lambda g: g["code"])


orgs = st.builds(
    lambda code, name, groups: {"org": {"code": code, "name": name}, "groups": groups},
    codes,
    words,
    _groups(2),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(orgs)
def test_load_dump_load_gives_the_same_org(document: dict[str, object]) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        first = load_spec_text(text, "a.yaml")
    except SpecError:
        return  # generated text the format rejects (e.g. a note that is all whitespace)
    second = load_spec_text(dump_spec(first), "b.yaml")
    assert second.model_dump() == first.model_dump()


yaml_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
spec_like = st.dictionaries(
    st.sampled_from(["org", "groups", "people", "roles", "catalog", "policies", "version", "oops"]),
    yaml_values,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(spec_like, yaml_values))
def test_random_documents_load_or_raise_our_error(document: object) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    try:
        org = load_spec_text(text, "r.yaml")
    except SpecError as exc:
        assert exc.diagnostics  # noqa: PT017 - the property is "raises our error, well formed"
        assert all(d.file == "r.yaml" for d in exc.diagnostics)  # noqa: PT017
    else:
        assert isinstance(org, Org)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_parse_or_raise_our_error(data: bytes) -> None:
    try:
        read_yaml_bytes(data, "x.yaml")
    except SpecError as exc:
        assert str(exc).startswith("x.yaml")  # noqa: PT017
