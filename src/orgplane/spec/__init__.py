"""The spec format: YAML files ⇄ the ``Org`` model, with positions, and its JSON Schema.

Imports ``model`` and ``errors``; exporters and importers build on it.
"""

from orgplane.spec.document import OrgHeader, SpecDocument
from orgplane.spec.dumper import dump_spec
from orgplane.spec.loader import (
    find_spec_files,
    load_documents,
    load_spec,
    load_spec_text,
    merge_documents,
)
from orgplane.spec.orgs import load_orgs
from orgplane.spec.reader import MAX_DEPTH, MAX_FILE_BYTES, read_yaml_bytes, read_yaml_text

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "OrgHeader",
    "SpecDocument",
    "dump_spec",
    "find_spec_files",
    "load_documents",
    "load_orgs",
    "load_spec",
    "load_spec_text",
    "merge_documents",
    "read_yaml_bytes",
    "read_yaml_text",
]
