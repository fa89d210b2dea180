"""Who owns X: how one text matches what was asked (exact, whole words, fuzzy)."""

from __future__ import annotations

import difflib
import re

from hypothesis import given
from hypothesis import strategies as st

from orgplane.queries.owners import _EXACT, _FUZZY, _WORDS, _quality


def _ask(query: str, text: str) -> float:
    return _quality(query, set(re.findall(r"[a-z0-9]+", query)), text)


def test_exact_words_part_and_near_misses() -> None:
    assert _ask("kafka", "Kafka") == _EXACT
    assert _ask("kafka", "Kafka Cluster 7") == _WORDS
    assert _ask("kafka", "KafkaConnect") == _WORDS * 0.9
    assert _ask("kafak", "Kafka") == _FUZZY  # a typo: SequenceMatcher ratio 0.8
    assert _ask("kafak", "Kafka Streams Platform") == 0.0  # far longer: no fuzzy match
    assert _ask("kfk", "kafka") == 0.0  # queries under 4 characters are never fuzzy


@given(
    st.text(alphabet="abcdekx ", min_size=4, max_size=12),
    st.text(alphabet="abcdekxABK ", max_size=24),
)
def test_fuzzy_means_a_ratio_of_at_least_0_8(query: str, text: str) -> None:
    query = " ".join(query.split())
    lowered = text.lower()
    words = set(re.findall(r"[a-z0-9]+", query))
    if not query or lowered == query or (words and words <= set(re.findall(r"[a-z0-9]+", lowered))):
        return
    if len(query) >= 4 and query in lowered:
        return
    fuzzy = len(query) >= 4 and difflib.SequenceMatcher(None, query, lowered).ratio() >= 0.8
    assert (_ask(query, text) == _FUZZY) == fuzzy
