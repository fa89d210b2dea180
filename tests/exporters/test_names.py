"""Names that fit RFC 1123 labels: cleaned, cut with a stable hash, never given twice."""

from __future__ import annotations

from orgplane.exporters._common import MAX_NAME_LENGTH, NameAllocator, fitted_name, hashed_name
from orgplane.exporters.backstage import entity_name
from orgplane.exporters.openslo_names import dns_label, label_allocator


def test_a_name_that_fits_is_kept_and_a_long_one_ends_in_a_stable_hash() -> None:
    assert fitted_name("c-5", "C-5", "-") == "c-5"
    long = fitted_name("x" * 100, "key", "-")
    assert len(long) == MAX_NAME_LENGTH
    assert long == fitted_name("x" * 100, "key", "-")
    assert long != fitted_name("x" * 100, "other key", "-")
    assert fitted_name("", "key", "-") == hashed_name("", "key", "-")
    assert len(hashed_name("", "key", "-")) == 8  # nothing left: the hash alone


def test_two_texts_that_clean_up_alike_get_two_names() -> None:
    names = label_allocator()
    first, second, again = names.allocate("C-5"), names.allocate("C_5"), names.allocate("C 5")
    assert first == dns_label("C-5") == "c-5"
    assert len({first, second, again}) == 3
    assert second.startswith("c-5-")
    # The later name depends on its own text only, not on what else was allocated.
    other = label_allocator()
    other.allocate("c 5")
    assert other.allocate("C_5") == second


def test_backstage_names_hash_their_key() -> None:
    names = NameAllocator(entity_name, "._-")
    assert names.allocate("Kafka", "cat-1") == "kafka"
    clash = names.allocate("kafka", "cat-2")
    assert clash.startswith("kafka-")
    assert clash == hashed_name("kafka", "cat-2#1", "._-")
