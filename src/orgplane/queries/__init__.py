"""Answers over one org: who owns X. Imports ``model`` only; pure, no I/O."""

from orgplane.queries.owners import OwnerMatch, find_owners, find_owners_in

__all__ = ["OwnerMatch", "find_owners", "find_owners_in"]
