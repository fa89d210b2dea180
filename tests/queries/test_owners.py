"""Who owns X: how one text matches what was asked (exact, every word in any form, fuzzy),
and what it finds in the example orgs."""

from __future__ import annotations

import difflib

from hypothesis import given
from hypothesis import strategies as st

from orgplane.model import OrgIndex
from orgplane.queries.owners import _EXACT, _FUZZY, _WORDS, _quality, find_owners_in
from orgplane.queries.words import forms, query_forms
from orgplane.spec import load_orgs
from tests.cli.conftest import EXAMPLES


def _ask(query: str, text: str) -> float:
    return _quality(query, query_forms(query), text)


def test_exact_words_part_and_near_misses() -> None:
    assert _ask("kafka", "Kafka") == _EXACT
    assert _ask("kafka", "Kafka Cluster 7") == _WORDS
    assert _ask("kafka", "KafkaConnect") == _WORDS * 0.9
    assert _ask("kafak", "Kafka") == _FUZZY  # a typo: SequenceMatcher ratio 0.8
    assert _ask("kafak", "Kafka Streams Platform") == 0.0  # far longer: no fuzzy match
    assert _ask("kfk", "kafka") == 0.0  # queries under 4 characters are never fuzzy
    # Word forms and abbreviations.
    assert _ask("databases", "Database management") == _WORDS
    assert _ask("database", "DB-aaS (Vitess)") == _WORDS
    assert _ask("storage", "Object Storage (Ceph-S3)") == _WORDS
    assert _ask("who owns the kafka", "Kafka Backbone") == _WORDS


def test_databases_finds_the_catalog_the_unit_and_the_role_across_orgs() -> None:
    indexes = [OrgIndex(org) for org in load_orgs(EXAMPLES)]
    found = find_owners_in(indexes, "databases")
    by_place = {(m.org, m.kind, m.path): m for m in found}
    iot = by_place[("IOT", "group", "IOT")]
    assert "owns service 'Database management'" in iot.evidence  # the catalog, and why
    assert ("CIPO", "group", "1B/B-2/U-S3") in by_place  # the DB-aaS unit
    role = by_place[("IOT", "role", "role:database-administrator")]
    assert role.name == "Database Administrator"
    assert role.evidence[0].startswith("role 'Database Administrator'")
    assert [m.org for m in find_owners_in(indexes, "Airflow")] == ["DIT"] * 4


@given(
    st.text(alphabet="abcdekx ", min_size=4, max_size=12),
    st.text(alphabet="abcdekxABK ", max_size=24),
)
def test_fuzzy_means_a_ratio_of_at_least_0_8(query: str, text: str) -> None:
    query = " ".join(query.split())
    lowered = text.lower()
    wanted = query_forms(query)
    if not query or lowered == query or (wanted and wanted <= forms(lowered)):
        return
    if len(query) >= 4 and query in lowered:
        return
    fuzzy = len(query) >= 4 and difflib.SequenceMatcher(None, query, lowered).ratio() >= 0.8
    assert (_ask(query, text) == _FUZZY) == fuzzy
