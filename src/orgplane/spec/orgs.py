"""A folder of several orgs: each subfolder whose files hold an ``org:`` header is an org.

Imports ``spec.loader``, ``model`` and ``errors``. ``load_spec`` reads one org and
refuses a second ``org:`` header; ``load_orgs`` reads a path that may hold several (the
bundled ``examples/`` folder: ``cipo/``, ``data-infra/`` …): each file belongs to the
org whose header file sits in the nearest folder above it, and each org is merged and
validated on its own. A file that belongs to no org's folder is an error, as is a folder
with two headers (``load_spec``'s error).
"""

from __future__ import annotations

from pathlib import Path

from orgplane.errors import Diagnostic, SpecError
from orgplane.model import Org
from orgplane.spec.document import SpecDocument
from orgplane.spec.loader import load_documents, merge_documents

__all__ = ["load_orgs"]


def load_orgs(path: Path | str) -> list[Org]:
    """The orgs of ``path``: one for a spec file or an org's folder, one per org's folder
    for a folder of several; ``SpecError`` listing every problem of every org."""
    documents = load_documents(Path(path))
    roots = sorted(
        {str(Path(name).parent) for name, document in documents if document.org is not None}
    )
    if len(roots) <= 1:
        return [merge_documents(documents)]
    by_root: dict[str, list[tuple[str, SpecDocument]]] = {root: [] for root in roots}
    problems: list[Diagnostic] = []
    for name, document in documents:
        parents = {str(parent) for parent in Path(name).parents}
        nearest = max((root for root in roots if root in parents), key=len, default=None)
        if nearest is None:
            problems.append(
                Diagnostic(
                    "OP006",
                    "this file is in no org's folder: the folder holds several orgs "
                    f"({', '.join(Path(root).name for root in roots)})",
                    name,
                    1,
                    1,
                    "move it into the folder of the org it belongs to",
                )
            )
            continue
        by_root[nearest].append((name, document))
    orgs: list[Org] = []
    for root in roots:
        try:
            orgs.append(merge_documents(by_root[root]))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(problems)
    return orgs
