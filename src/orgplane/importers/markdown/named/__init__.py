"""The reader of documents that name their groups (no codes, or codes beside names).

``outline`` finds the groups every shape draws; ``reader`` turns them into drafts, with
``base`` (drafts, facts on a group, names as references), ``tables`` (on-call,
escalation, interaction and KPI tables) and ``text`` (sentences and rules).
"""

from orgplane.importers.markdown.named.outline import Reading, read_outline, reads_codes
from orgplane.importers.markdown.named.reader import NamedReader

__all__ = ["NamedReader", "Reading", "read_outline", "reads_codes"]
