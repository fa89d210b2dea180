"""Use cases: apply a spec, manage API tokens, read the audit log.

Imports ``store``, ``rules``, ``model`` and ``errors``. Each service function takes
keyword-only arguments, among them the SQLAlchemy ``session`` to work in, and owns the
transaction: it commits what it did, or rolls all of it back. The CLI (and later the
API) call these, never the repositories' writes directly.
"""

from orgplane.services.apply import ApplyResult, apply_spec
from orgplane.services.audit import list_audit_entries
from orgplane.services.changes import ChangeReport
from orgplane.services.tokens import (
    CreatedToken,
    create_token,
    list_tokens,
    revoke_token,
    verify_token,
)

__all__ = [
    "ApplyResult",
    "ChangeReport",
    "CreatedToken",
    "apply_spec",
    "create_token",
    "list_audit_entries",
    "list_tokens",
    "revoke_token",
    "verify_token",
]
