"""Recognizing moves among removed and added paths (pure: no database)."""

from __future__ import annotations

from orgplane.services.changes import match_moves


def test_a_moved_group_carries_its_subtree() -> None:
    removed = ["1A/A-1", "1A/A-1/U-1", "1A/A-1/U-2"]
    added = ["1B/A-1", "1B/A-1/U-1", "1B/A-1/U-2"]
    assert match_moves(removed, added) == dict(zip(removed, added, strict=True))


def test_reused_codes_below_a_moved_group_follow_it() -> None:
    # U-OPS is under many squads: only the one under the moved squad moved with it.
    removed = ["1A/A-1", "1A/A-1/U-OPS", "1C/C-9/U-OPS"]
    added = ["1B/A-1", "1B/A-1/U-OPS", "1D/D-2/U-OPS"]
    assert match_moves(removed, added) == {
        "1A/A-1": "1B/A-1",
        "1A/A-1/U-OPS": "1B/A-1/U-OPS",
    }


def test_an_ambiguous_code_is_not_guessed() -> None:
    removed = ["1A/U-X", "1C/U-X"]
    added = ["1B/U-X"]
    assert match_moves(removed, added) == {}
    assert match_moves(["1A/U-X"], ["1B/U-X", "1C/U-X"]) == {}


def test_a_child_that_left_its_moving_parent_is_its_own_move() -> None:
    removed = ["1A/A-1", "1A/A-1/U-1"]
    added = ["1B/A-1", "1C/U-1"]
    assert match_moves(removed, added) == {"1A/A-1": "1B/A-1", "1A/A-1/U-1": "1C/U-1"}


def test_different_codes_are_removed_and_added_not_moved() -> None:
    assert match_moves(["1A/A-1"], ["1A/A-9"]) == {}
