"""The OpenSLO importer: ``openslo/v1`` (and ``v1alpha``) YAML → KPIs on groups.

``importer`` reads files and adds their SLOs; ``documents`` finds and reads them with
file:line:col; ``groups``, ``indicators``, ``objectives`` and ``windows`` turn each part
into orgplane's terms. Imports ``importers.report``, ``kpis``, ``spec``, ``model`` and
``errors``.
"""

from orgplane.importers.openslo.importer import (
    OpenSloFile,
    import_openslo,
    looks_like_openslo,
    read_openslo,
    read_openslo_text,
)

__all__ = [
    "OpenSloFile",
    "import_openslo",
    "looks_like_openslo",
    "read_openslo",
    "read_openslo_text",
]
